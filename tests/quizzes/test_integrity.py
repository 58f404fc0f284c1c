from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import Attempt, Quiz
from quizzes.services import start_attempt, submit_attempt
from tests.factories import UserFactory, make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db


def secrets_of(attempt: Attempt) -> list[str]:
    """Every string that would give away the key: per-choice feedback, the explanation, correct
    flags, accepted answers, and the correct order / pairs as the data lists them."""
    found = ['"correct"', "correct=", "is_correct", "data-correct"]
    for response in attempt.responses.select_related("version"):
        data = response.version.data
        found.append(response.version.explanation)
        found += [c["feedback"] for c in data.get("choices", []) if c.get("feedback")]
        found += [data[k] for k in ("feedback_true", "feedback_false") if data.get(k)]
        found += [a for a in data.get("accepted", [])]
        # Numeric keys long enough not to occur by chance (a "13" could be any number on the page).
        found += [
            str(data[k])
            for k in ("answer", "min", "max")
            if k in data and not isinstance(data[k], bool) and len(str(data[k])) >= 4
        ]
        if data.get("items"):
            found.append(" ".join(item["text"] for item in data["items"]))  # the order itself
        found.append(json.dumps(data))
    return [s for s in found if s]


def student_pages(client, attempt: Attempt) -> dict[str, str]:
    """Every page and fragment a student receives during an open attempt."""
    quiz = attempt.quiz
    pages = {
        "quiz list": reverse("quiz_list", args=[quiz.course.slug]),
        "quiz detail": reverse("quiz_detail", args=[quiz.course.slug, quiz.slug]),
        "attempt": reverse("attempt_detail", args=[attempt.pk]),
        "summary": reverse("attempt_summary", args=[attempt.pk]),
    }
    bodies = {name: client.get(url).content.decode() for name, url in pages.items()}
    for page in range(1, attempt.responses.count() + 1):
        bodies[f"page {page}"] = client.get(pages["attempt"], {"page": page}).content.decode()
    for response in attempt.responses.all():
        url = reverse("attempt_save", args=[attempt.pk, response.position])
        fragment = client.post(
            url, {"seq": response.sequence, "answer": "x"}, HTTP_HX_REQUEST="true"
        )
        bodies[f"save fragment {response.position}"] = fragment.content.decode()
        plain = client.post(url, {"seq": 999, "answer": "x"})
        bodies[f"refused plain save {response.position}"] = plain.content.decode()
    return bodies


@pytest.mark.parametrize("layout", [Quiz.Layout.ALL_ON_ONE, Quiz.Layout.ONE_PER_PAGE])
def test_no_answer_key_reaches_the_student_before_the_review_policy_allows(
    client, course, student, layout
):
    client.force_login(student)
    unit = Quiz.objects.get(course=course, slug="review")  # all seven kinds of question
    Quiz.objects.filter(pk=unit.pk).update(layout=layout)
    attempt = start_attempt(quiz=Quiz.objects.get(pk=unit.pk), student=student)
    secrets = secrets_of(attempt)
    assert len(secrets) > 40
    for name, body in student_pages(client, attempt).items():
        for secret in secrets:
            assert secret not in body, f"{name} leaks {secret[:60]!r}"


def test_the_correct_order_of_an_ordering_question_is_not_the_order_shown(client, course, student):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    client.force_login(student)
    attempt = start_attempt(quiz=quiz, student=student)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    response = next(
        r for r in attempt.responses.select_related("version") if r.version.data.get("items")
    )
    texts = [item["text"] for item in response.version.data["items"]]
    shown = sorted(texts, key=page.index)
    assert shown != texts


def test_an_immediate_review_quiz_shows_nothing_for_unchecked_questions(client, course, student):
    quiz = Quiz.objects.get(course=course, slug="water-cycle")
    assert quiz.has_immediate_review
    client.force_login(student)
    attempt = start_attempt(quiz=quiz, student=student)
    body = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    for secret in secrets_of(attempt):
        assert secret not in body


def test_another_students_attempt_is_not_found(client, student, course):
    quiz = make_quiz(course, [make_question("private-q")])
    attempt = start_attempt(quiz=quiz, student=student)
    intruder = UserFactory(username="intruder")
    client.force_login(intruder)
    urls = [
        reverse("attempt_detail", args=[attempt.pk]),
        reverse("attempt_summary", args=[attempt.pk]),
        reverse("attempt_result", args=[attempt.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    posts = [
        (reverse("attempt_save", args=[attempt.pk, 0]), {"seq": 0, "answer": "a"}),
        (reverse("attempt_check", args=[attempt.pk, 0]), {}),
        (reverse("attempt_submit", args=[attempt.pk]), {}),
        (reverse("question_report", args=[attempt.pk, 0]), {"text": "hi"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.responses.get().answer is None


def test_a_student_outside_the_course_cannot_see_or_start_its_quizzes(
    client, course, other_student
):
    client.force_login(other_student)
    quiz = course.quizzes.first()
    assert client.get(reverse("quiz_list", args=[course.slug])).status_code == 404
    assert client.get(reverse("quiz_detail", args=[course.slug, quiz.slug])).status_code == 404
    assert client.post(reverse("attempt_start", args=[course.slug, quiz.slug])).status_code == 404
    assert not Attempt.objects.filter(student=other_student).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    quiz = course.quizzes.first()
    for url in (
        reverse("quiz_list", args=[course.slug]),
        reverse("quiz_detail", args=[course.slug, quiz.slug]),
    ):
        assert client.get(url).url.startswith(reverse("login"))
    assert client.post(reverse("attempt_start", args=[course.slug, quiz.slug])).url.startswith(
        reverse("login")
    )


@pytest.fixture
def open_attempt(client, course, student):
    quiz = make_quiz(course, [make_question("int-q1"), make_question("int-q2")])
    client.force_login(student)
    return start_attempt(quiz=quiz, student=student)


def post_save(client, attempt, position, data, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("attempt_save", args=[attempt.pk, position])
    return client.post(url, page_form(attempt, position, data), **headers)


def test_a_submitted_attempt_cannot_be_changed(client, open_attempt):
    post_save(client, open_attempt, 0, {"seq": 0, "answer": "b"})
    submit_attempt(attempt=open_attempt)
    response = post_save(client, open_attempt, 0, {"seq": 1, "answer": "a"})
    assert response.status_code == 409
    assert "has been submitted" in response.content.decode()
    assert open_attempt.responses.get(position=0).answer == "b"
    plain = post_save(client, open_attempt, 0, {"seq": 1, "answer": "a"}, htmx=False)
    assert plain.status_code == 302 and plain.url == reverse(
        "attempt_result", args=[open_attempt.pk]
    )


def test_submitting_twice_grades_once(client, open_attempt):
    post_save(client, open_attempt, 0, {"seq": 0, "answer": "b"})
    client.post(reverse("attempt_submit", args=[open_attempt.pk]))
    first = Attempt.objects.get(pk=open_attempt.pk)
    client.post(reverse("attempt_submit", args=[open_attempt.pk]))
    second = Attempt.objects.get(pk=open_attempt.pk)
    assert (first.points, first.submitted_at) == (second.points, second.submitted_at)


@pytest.mark.parametrize(
    ("position", "data", "message"),
    [
        (0, {"seq": 0, "answer": "zz"}, "Choose one of the options shown."),
        (0, {"seq": 0, "answer": ["a", "b"]}, ""),
        (0, {"seq": 0, "answer": "b" * 600}, ""),
        (7, {"seq": 0, "answer": "a"}, "This attempt has no question 8."),
        (0, {f"field{i}": "x" for i in range(80)}, "too large"),
    ],
)
def test_malformed_saves_get_a_400_with_a_message(client, open_attempt, position, data, message):
    for htmx in (True, False):
        response = post_save(client, open_attempt, position, data, htmx=htmx)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Not saved:" in body or "This attempt has no" in body
        assert message in body
    assert open_attempt.responses.filter(answer__isnull=False).count() == 0


def test_a_choice_id_from_another_question_is_refused(client, course, open_attempt):
    other = make_question(
        "int-other",
        data={
            "choices": [
                {"id": "p", "text": "Yes", "correct": True, "feedback": "f"},
                {"id": "q", "text": "No", "correct": False, "feedback": "f"},
            ]
        },
    )
    assert other.current_version().data["choices"][0]["id"] == "p"
    response = post_save(client, open_attempt, 0, {"seq": 0, "answer": "p"})
    assert response.status_code == 400


def test_a_stale_save_from_a_second_tab_never_overwrites_a_newer_answer(client, open_attempt):
    tab_one = post_save(client, open_attempt, 0, {"seq": 0, "answer": "b"})
    assert tab_one.status_code == 200
    tab_two = post_save(client, open_attempt, 0, {"seq": 0, "answer": "a"})
    assert tab_two.status_code == 409
    assert "another tab" in tab_two.content.decode()
    assert open_attempt.responses.get(position=0).answer == "b"
    plain = post_save(client, open_attempt, 0, {"seq": 0, "answer": "c"}, htmx=False)
    assert plain.status_code == 409
    assert "Not saved:" in plain.content.decode()
    assert open_attempt.responses.get(position=0).answer == "b"


def test_a_refused_numeric_answer_is_shown_back_as_typed(client, course, student):
    question = make_question("int-numeric", kind="numeric", data={"answer": 137000, "tolerance": 0})
    quiz = make_quiz(course, [question], slug="numeric-quiz")
    client.force_login(student)
    attempt = start_attempt(quiz=quiz, student=student)
    response = post_save(client, attempt, 0, {"seq": 0, "answer": "about a lot"}, htmx=False)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="about a lot"' in body and "Enter a number" in body


form_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["a", "b", "c", "true", "false", "1", "-1", "1e9", "NaN", "", " ", "0x10"]),
)
form_bodies = st.dictionaries(
    st.sampled_from(
        ["answer", "seq", "flag", "position-a", "match-a", "page", "csrfmiddlewaretoken", "x"]
    ),
    st.lists(form_values, max_size=4),
    max_size=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=-2, max_value=40), body=form_bodies, htmx=st.booleans())
def test_fuzzed_saves_never_cause_a_server_error(client, course, student, position, body, htmx):
    client.force_login(student)
    quiz = Quiz.objects.get(course=course, slug="review")
    attempt = start_attempt(quiz=quiz, student=student)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = f"/attempts/{attempt.pk}/q/{position}/save/"
    response = client.post(url, {k: v for k, v in body.items()}, **headers)
    assert response.status_code in (200, 302, 400, 404, 409), response.status_code
    assert response.status_code != 500
    if response.status_code == 400:
        assert re.search(r"Not saved:|This attempt has no", response.content.decode())
