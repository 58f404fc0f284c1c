"""Bad input gets a 400 or a form error, never a 500: random query strings and bodies sent to
every URL the app serves (and the admin's own list, search, filter and autocomplete views), as
a student and as a teacher, on whichever database the suite runs on (CI runs both).

The endpoints are discovered from the URL configuration, so a view added later is fuzzed
without editing this file; a URL whose arguments cannot be filled fails the test instead of
being skipped."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.models import Post, Prompt, Reading, Source
from quizzes.models import Quiz
from quizzes.services import AccommodationTerms, save_accommodation
from tests.factories import take_quiz

pytestmark = pytest.mark.django_db

# Values that broke views before: other scripts' digits, huge numbers, NUL, markup, signs.
NASTY = [
    "",
    " ",
    "²",
    "٣",
    "9" * 5000,
    "-1",
    "+1",
    "1_0",
    "1e9",
    "0",
    "2147483648",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=1+1",
    "../../etc/passwd",
    "%00",
    "NaN",
    "Infinity",
    "\ud7ff",
    "x" * 3000,
]
FIELDS = [
    "answer",
    "seq",
    "flag",
    "page",
    "text",
    "body",
    "evidence_source",
    "evidence_quote",
    "action",
    "points",
    "reason",
    "seconds",
    "finished",
    "q",
    "row",
    "question",
    "decision",
    "password",
    "reading",
    "sort",
    "filter",
    "attempts",
    "score",
    "comment",
    "is_featured",
    "is_hidden",
    "remove",
    "next",
    "username",
    "email",
    "rule",
    "o",
    "p",
    "term",
    "app_label",
    "model_name",
    "field_name",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
bodies = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)),
    st.lists(values, min_size=1, max_size=3),
    max_size=6,
)


def app_urls(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from app_urls(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, list(pattern.pattern.converters)


@pytest.fixture
def world(course, student, teacher):
    quiz = Quiz.objects.get(course=course, slug="review")
    attempt = take_quiz(student, quiz, {"flow-longest": "a"}, submit=False)
    prompt = Prompt.objects.get(slug="dams-debate")
    post = Post.objects.create(prompt=prompt, course=course, author=student, body="Mine.")
    source = Source.objects.get(slug="delta-news")
    accommodation = save_accommodation(
        course=course,
        quiz=quiz,
        students=[student],
        terms=AccommodationTerms(extra_minutes=10),
        by=teacher,
    ).accommodation
    return {
        "course_slug": course.slug,
        "reading_slug": Reading.objects.filter(courses=course).first().slug,
        "source_slug": source.slug,
        "prompt_slug": prompt.slug,
        "post_id": post.pk,
        "user_id": student.pk,
        "start": 0,
        "end": 10,
        "fmt": "canvas",
        "attempt_id": attempt.pk,
        "quiz_slug": quiz.slug,
        "position": 0,
        "uidb64": "MQ",
        "token": "set-password",
        "content_type_id": "1",
        "object_id": "1",
        "question_id": attempt.responses.get(position=0).version.question_id,
        "course_id": course.pk,
        "source_id": source.pk,
        "accommodation_id": accommodation.pk,
        "ticket": "no-such-ticket",  # lti_continue: a ticket never issued (lti/tickets.py)
        "key": "no-such-key",  # lti_deep_link: a picker never opened (lti/deep_linking.py)
    }


def every_url(world) -> list[str]:
    urls = []
    for name, arguments in app_urls():
        missing = [a for a in arguments if a not in world]
        assert not missing, f"{name}: add {missing} to the fuzz test's world"
        urls.append(reverse(name, kwargs={a: world[a] for a in arguments}))
    assert len(urls) >= 40
    return urls


def admin_urls(world) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:autocomplete")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    urls += [
        reverse("admin:quizzes_question_passages"),
        reverse("admin:quizzes_question_check"),
        reverse("admin:quizzes_question_review"),
        reverse("admin:quizzes_question_preview", args=[world["question_id"]]),
        reverse("admin:courseware_course_roster", args=[world["course_id"]]),
        reverse("admin:courseware_source_reimport", args=[world["source_id"]]),
    ]
    return urls


def fuzz(client, user, urls, data) -> None:
    client.raise_request_exception = False
    for url in urls:
        client.force_login(user)  # the logout URL is among them
        for method in (client.get, client.post):
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = method(url, data, **headers)
                assert response.status_code < 500, (method.__name__, url, data)


SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=bodies)
def test_no_page_gives_a_student_a_server_error(client, student, world, data):
    fuzz(client, student, every_url(world), data)


@SETTINGS
@given(data=bodies)
def test_no_page_gives_a_teacher_a_server_error(client, teacher, world, data):
    fuzz(client, teacher, every_url(world) + admin_urls(world), data)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "a\x00b"},
        {"reading": "river\x00flow"},
        {"rule": "\x00"},
        {"term": "\x00", "app_label": "quizzes", "model_name": "quizmquestion"},
        {"status__exact": "\x00"},
    ],
)
def test_a_nul_in_any_query_string_is_a_400_with_a_message(client, teacher, world, query):
    client.force_login(teacher)
    client.raise_request_exception = False
    for url in every_url(world) + admin_urls(world):
        response = client.get(url, query)
        assert response.status_code == 400, url
    assert "not allowed (NUL)" in response.content.decode()
