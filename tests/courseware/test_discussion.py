from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from courseware.models import Post, Prompt, Reading, ReadingProgress
from courseware.services import Evidence, post_response
from tests.courseware.test_markup import XSS_PAYLOADS, unsafe_markers
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUOTE = "Supporters say large dams give a country cheap power that burns no fuel"
SOURCE = "river-survey"


@pytest.fixture
def prompt():
    return Prompt.objects.get(slug="dams-debate")


@pytest.fixture
def classmate(course):
    return EnrollmentFactory(course=course, user=UserFactory(username="classmate")).user


def url(course, prompt):
    return reverse("prompt_detail", args=[course.slug, prompt.slug])


def respond(client, course, prompt, body="My view.", source=SOURCE, quote=QUOTE, **extra):
    data = {
        "body": body,
        "evidence_source": [source, ""],
        "evidence_quote": [quote, ""],
        "action": "post",
        **extra,
    }
    return client.post(url(course, prompt), data)


def test_a_student_posts_a_response_with_evidence_and_sees_it_with_its_quote(
    client, course, student, prompt
):
    client.force_login(student)
    response = respond(client, course, prompt, body="I *agree*, up to a point.")
    post = Post.objects.get(author=student)
    assert response.url.endswith(f"#post-{post.pk}")
    assert post.evidence.get().exact == QUOTE
    page = client.get(url(course, prompt)).content.decode()
    assert "I <em>agree</em>, up to a point." in page
    evidence = post.evidence.get()
    assert reverse("cite", args=[course.slug, SOURCE, evidence.start, evidence.end]) in page


@pytest.mark.parametrize(
    ("body", "quote", "message"),
    [
        ("", QUOTE, "Write your response before posting."),
        ("   ", QUOTE, "Write your response before posting."),
        ("A view without evidence.", "", "Attach at least one quote"),
        ("A view.", "Supporters say dams are cheap", "Quote not found"),
        ("x" * 5001, QUOTE, "Keep it under 5,000 characters"),
    ],
)
def test_a_refused_post_explains_why_and_keeps_what_was_written(
    client, course, student, prompt, body, quote, message
):
    client.force_login(student)
    response = respond(client, course, prompt, body=body, quote=quote)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if body.strip():
        assert escape(body[:200]) in html
    if quote:
        assert escape(quote) in html
    assert not Post.objects.exists()


def test_a_quote_that_does_not_anchor_names_the_nearest_text(client, course, student, prompt):
    client.force_login(student)
    html = respond(
        client,
        course,
        prompt,
        quote="Supporters say large dam give a country cheap power that burns no fuel",
    ).content.decode()
    assert "Nearest text in the source" in html


def test_the_picker_works_without_javascript_and_keeps_the_draft(client, course, student, prompt):
    client.force_login(student)
    found = client.post(
        url(course, prompt),
        {
            "body": "Draft kept",
            "q": "cheap power",
            "action": "search",
            "evidence_source": ["", ""],
            "evidence_quote": ["", ""],
        },
    )
    html = found.content.decode()
    assert "Draft kept" in html and "Use this passage" in html
    passage_id = html.split('name="use" value="')[1].split('"')[0]
    chosen = client.post(
        url(course, prompt),
        {
            "body": "Draft kept",
            "q": "cheap power",
            "use": passage_id,
            "evidence_source": ["", ""],
            "evidence_quote": ["", ""],
        },
    )
    html = chosen.content.decode()
    assert "Draft kept" in html
    assert f'<option value="{SOURCE}" selected>' in html
    assert "give a country cheap power" in html.split('name="evidence_quote"')[1]


def test_the_picker_search_returns_an_htmx_fragment(client, course, student, prompt):
    client.force_login(student)
    response = client.get(
        reverse("evidence_search", args=[course.slug, prompt.slug]),
        {"q": "flood barrier"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="evidence-results"' in html
    assert "opened a new flood barrier in 2019" in html


def test_others_responses_stay_hidden_until_the_student_has_posted(
    client, course, student, classmate, prompt
):
    post_response(
        prompt=prompt,
        course=course,
        author=classmate,
        body="Classmate view",
        evidence=[Evidence(SOURCE, QUOTE)],
    )
    client.force_login(student)
    before = client.get(url(course, prompt)).content.decode()
    assert "Classmate view" not in before and "will appear once you post your own" in before
    respond(client, course, prompt)
    after = client.get(url(course, prompt)).content.decode()
    assert "Classmate view" in after


def test_with_the_setting_off_responses_are_visible_at_once(
    client, course, student, classmate, prompt
):
    Prompt.objects.filter(pk=prompt.pk).update(is_hidden_until_posted=False)
    post_response(
        prompt=prompt,
        course=course,
        author=classmate,
        body="Open view",
        evidence=[Evidence(SOURCE, QUOTE)],
    )
    client.force_login(student)
    assert "Open view" in client.get(url(course, prompt)).content.decode()


def classmates_response(course, prompt, classmate):
    return post_response(
        prompt=prompt,
        course=course,
        author=classmate,
        body="First",
        evidence=[Evidence(SOURCE, QUOTE)],
    )


def a_reply_to_a_classmate(client, course, student, classmate, prompt, body):
    """The classmate's response, and the student's reply to it (after posting their own)."""
    theirs = classmates_response(course, prompt, classmate)
    client.force_login(student)
    respond(client, course, prompt)
    reply_url = reverse("post_reply", args=[course.slug, prompt.slug, theirs.pk])
    return theirs, client.post(reply_url, {"body": body})


def test_students_can_reply_to_each_other(client, course, student, classmate, prompt):
    theirs, response = a_reply_to_a_classmate(
        client, course, student, classmate, prompt, "I see it differently."
    )
    reply = Post.objects.get(parent=theirs)
    assert response.url.endswith(f"#post-{reply.pk}") and reply.author == student


def test_line_breaks_count_as_one_character_as_the_browser_counts_them(
    client, course, student, classmate, prompt
):
    # 50 lines of 99 characters: 5,000 characters with the line breaks, as `maxlength` counts
    # them; the browser sends each break as "\r\n", 5,049 characters on the wire.
    lines = ["x" * 99] * 50
    theirs, response = a_reply_to_a_classmate(
        client, course, student, classmate, prompt, "\r\n".join(lines) + "\r\n"
    )
    assert response.status_code == 302
    assert Post.objects.get(parent=theirs).body == "\n".join(lines)


def test_a_refused_reply_is_shown_again_with_what_was_typed_and_why(
    client, course, student, classmate, prompt
):
    typed = "A thought I do not want to lose. " * 200  # 6,600 characters
    theirs, response = a_reply_to_a_classmate(client, course, student, classmate, prompt, typed)
    page = response.content.decode()
    assert response.status_code == 400 and not Post.objects.filter(parent=theirs).exists()
    assert "Keep it under 5,000 characters (yours has 6,599)." in page
    assert f'aria-describedby="reply-{theirs.pk}-error"' in page
    assert escape(typed.strip()) in page  # in the reply form, open, to shorten and send again
    assert f'id="reply-{theirs.pk}"' in page and '<details class="reply-form" open>' in page


def test_a_student_cannot_reply_to_a_response_they_cannot_see(
    client, course, student, classmate, prompt
):
    theirs = classmates_response(course, prompt, classmate)
    client.force_login(student)
    assert (
        client.post(
            reverse("post_reply", args=[course.slug, prompt.slug, theirs.pk]), {"body": "hi"}
        ).status_code
        == 404
    )


def test_authors_can_edit_for_a_limited_time_and_only_their_own(
    client, course, student, classmate, prompt
):
    client.force_login(student)
    respond(client, course, prompt)
    post = Post.objects.get(author=student)
    edit = reverse("post_edit", args=[course.slug, prompt.slug, post.pk])
    response = client.post(
        edit, {"body": "Better", "evidence_source": [SOURCE, ""], "evidence_quote": [QUOTE, ""]}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Better" and post.edited_at
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=1))
    late = client.post(
        edit, {"body": "Too late", "evidence_source": [SOURCE, ""], "evidence_quote": [QUOTE, ""]}
    )
    assert late.status_code == 400 and "can be edited for 30 minutes" in late.content.decode()
    client.force_login(classmate)
    respond(client, course, prompt)
    assert client.get(edit).status_code == 404


def test_teachers_see_everything_and_feature_hide_and_score(
    client, course, student, teacher, classmate, prompt
):
    post = post_response(
        prompt=prompt,
        course=course,
        author=student,
        body="Scored view",
        evidence=[Evidence(SOURCE, QUOTE)],
    )
    client.force_login(teacher)
    assert "Scored view" in client.get(url(course, prompt)).content.decode()
    moderate = reverse("post_moderate", args=[course.slug, prompt.slug, post.pk])
    client.post(
        moderate,
        {"is_featured": "on", "is_hidden": "on", "score": "8.5", "comment": "Good evidence."},
    )
    post.refresh_from_db()
    assert (
        post.is_featured
        and post.is_hidden
        and str(post.score) == "8.50"
        and post.scored_by == teacher
    )
    bad = client.post(moderate, {"score": "12"}, follow=True)
    assert "The score must be a number from 0 to 10" in bad.content.decode()
    post.refresh_from_db()
    assert str(post.score) == "8.50"
    client.force_login(classmate)
    respond(client, course, prompt)
    assert (
        "Scored view" not in client.get(url(course, prompt)).content.decode()
    )  # hidden by the teacher


def test_students_cannot_moderate(client, course, student, classmate, prompt):
    post = post_response(
        prompt=prompt, course=course, author=classmate, body="x", evidence=[Evidence(SOURCE, QUOTE)]
    )
    client.force_login(student)
    assert (
        client.post(
            reverse("post_moderate", args=[course.slug, prompt.slug, post.pk]), {"is_hidden": "on"}
        ).status_code
        == 404
    )
    post.refresh_from_db()
    assert not post.is_hidden


def test_other_courses_threads_are_not_found_and_visitors_must_log_in(
    client, course, other_student, prompt
):
    assert client.get(url(course, prompt)).url.startswith(reverse("login"))
    client.force_login(other_student)
    assert client.get(url(course, prompt)).status_code == 404
    assert respond(client, course, prompt).status_code == 404


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_harmless_for_the_author_peers_and_teachers(
    client, course, student, classmate, teacher, prompt, payload
):
    post_response(
        prompt=prompt,
        course=course,
        author=student,
        body=payload,
        evidence=[Evidence(SOURCE, QUOTE)],
    )
    post_response(
        prompt=prompt,
        course=course,
        author=classmate,
        body="mine",
        evidence=[Evidence(SOURCE, QUOTE)],
    )
    for viewer in (student, classmate, teacher):
        client.force_login(viewer)
        html = client.get(url(course, prompt)).content.decode()
        bodies = [part.split("</div>")[0] for part in html.split('<div class="post-body">')[1:]]
        assert len(bodies) == 2, viewer.username
        for body in bodies:
            assert unsafe_markers(body) == [], (viewer.username, body)


def test_a_reading_is_marked_read_and_time_is_recorded_capped(client, course, student):
    reading = Reading.objects.get(slug="river-flow")
    client.force_login(student)
    progress_url = reverse("reading_progress", args=[course.slug, reading.slug])
    client.post(progress_url, {"seconds": "30"}, HTTP_HX_REQUEST="true")
    progress = ReadingProgress.objects.get(student=student, reading=reading)
    assert progress.seconds_spent == 30 and not progress.is_read

    def ping(seconds, after):
        # The last ping `after` seconds ago, then another claiming `seconds`.
        ReadingProgress.objects.filter(pk=progress.pk).update(
            updated_at=timezone.now() - timedelta(seconds=after)
        )
        client.post(progress_url, {"seconds": seconds}, HTTP_HX_REQUEST="true")
        progress.refresh_from_db()
        return progress.seconds_spent

    assert ping("100000", after=45) == 75  # no more than the time that passed
    assert ping("100000", after=600) == 135  # and no more than one ping's worth
    for _ in range(5):  # a burst of pings adds (almost) nothing
        client.post(progress_url, {"seconds": "60"}, HTTP_HX_REQUEST="true")
    progress.refresh_from_db()
    assert progress.seconds_spent <= 136
    response = client.post(progress_url, {"finished": "1"})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.is_read and progress.read_at
    page = client.get(reverse("reading_detail", args=[course.slug, reading.slug])).content.decode()
    assert "You marked this reading as read" in page


@pytest.mark.parametrize("seconds", ["²", "٣", "1" * 5000, "+5", "1_0", " ", "-20", "\x00"])
def test_a_malformed_reading_time_adds_nothing_and_is_not_a_server_error(
    client, course, student, seconds
):
    client.force_login(student)
    progress_url = reverse("reading_progress", args=[course.slug, "river-flow"])
    response = client.post(progress_url, {"seconds": seconds}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert ReadingProgress.objects.get(student=student).seconds_spent == 0


def test_reading_progress_is_for_course_members_only(client, course, other_student):
    client.force_login(other_student)
    assert (
        client.post(
            reverse("reading_progress", args=[course.slug, "river-flow"]), {"finished": "1"}
        ).status_code
        == 404
    )
    assert not ReadingProgress.objects.exists()


def test_nul_characters_are_dropped_from_a_post_and_refused_in_a_search(
    client, course, student, prompt
):
    client.force_login(student)
    search = client.get(url(course, prompt), {"q": "cheap\x00 power"})
    assert search.status_code == 400 and "not allowed (NUL)" in search.content.decode()
    respond(client, course, prompt, body="nul\x00 inside")
    assert Post.objects.get(author=student).body == "nul inside"


def test_a_post_sent_twice_is_posted_once_but_a_different_one_is_new(
    client, course, student, prompt
):
    client.force_login(student)
    first, again = respond(client, course, prompt), respond(client, course, prompt)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Post.objects.filter(author=student).count() == 1
    respond(client, course, prompt, body="A second thought.")
    assert Post.objects.filter(author=student).count() == 2
