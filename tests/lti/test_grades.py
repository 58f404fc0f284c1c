"""Assignment and Grade Services: grades flow back to the LMS by themselves. The LMS is a real
HTTP server the test starts (tests/lti/grade_lms.py: lti1p3platform's token endpoint and
score service); Fuente's queued sends are run by the real worker, `manage.py db_worker`."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courseware.models import Enrollment
from lti import calls, grades
from lti.launch import AGS_CLAIM, CLAIM
from lti.models import CourseLink, GradeSend, PlatformUser, ResourceLink
from quizzes.gradebook import gradebook_of
from quizzes.models import Attempt
from quizzes.services import start_attempt
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    key_is,
    make_question,
    make_quiz,
    page_form,
    publish,
)
from tests.lti.conftest import post_launch, start_launch
from tests.lti.grade_lms import Failure, LmsServer
from tests.lti.platform import LEARNER, fresh_sub
from tests.tasks import run_worker

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def quiz(course):
    questions = [make_question("ags-q1"), make_question("ags-q2")]
    return make_quiz(course, questions, slug="ags-quiz", attempts_allowed=3)


@pytest.fixture
def gradebook_lms(client, lms, linked):
    """The LMS's token and score endpoints, running; the registered platform's token URL points
    at them, and they know Fuente's key set as Fuente publishes it."""
    server = LmsServer(platform=lms, tool_key_set=client.get(reverse("lti_jwks")).json())
    server.start()
    platform = linked.platform
    platform.token_url = server.token_url
    platform.save(update_fields=["token_url"])
    yield server
    server.stop()


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(grades, "TIMEOUT", 0.5)  # the score's POST
    monkeypatch.setattr(calls, "TIMEOUT", 0.5)  # the token's


@pytest.fixture
def graded_link(linked, quiz):
    """The LMS link opening the quiz (made by deep linking or in the admin)."""
    return ResourceLink.objects.create(course_link=linked, resource_link_id="resource-1", quiz=quiz)


def ags_claim(server, number=7):
    return {
        AGS_CLAIM: {
            "scope": [SCORE_SCOPE],
            "lineitems": f"{server.url}/lineitems?type_id=quiz",
            "lineitem": server.lineitem_url(number),
        }
    }


def launch_student(client, lms, server, sub=None):
    """A student launches the graded link from the LMS; they land on the quiz, signed in."""
    sub = sub or fresh_sub()
    auth = start_launch(client, lms, sub)
    response = post_launch(
        client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=ags_claim(server))
    )
    assert response.status_code == 302, response.content.decode()
    return PlatformUser.objects.get(sub=sub)


def later(minutes=200):
    """Time passes: every task waiting for a retry is due."""
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def submit_through_pages(client, quiz, answers):
    """The student starts, answers ({position: choice}) and submits through the pages."""
    response = client.post(reverse("attempt_start", args=[quiz.course.slug, quiz.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.filter(quiz=quiz).latest("pk")
    for position, choice in answers.items():
        row = attempt.responses.get(position=position)
        payload = page_form(attempt, position, {"seq": row.sequence, "answer": choice})
        assert client.post(
            reverse("attempt_save", args=[attempt.pk, position]), payload
        ).status_code in (200, 302)
    started = time.monotonic()
    response = client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.status_code == 302
    return attempt, time.monotonic() - started


def gradebook_grade(course, user, quiz):
    row = next(
        grades for student, grades in gradebook_of(course).rows if student.username == user.username
    )
    return row[f"quiz:{quiz.slug}"].score


def test_a_launch_records_the_grade_service_endpoints(client, lms, gradebook_lms, graded_link):
    claims = ags_claim(gradebook_lms)
    claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
        "context_memberships_url": f"{gradebook_lms.url}/memberships",
        "service_versions": ["2.0"],
    }
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    assert (
        post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=claims)).status_code
        == 302
    )
    graded_link.refresh_from_db()
    link = graded_link.course_link
    link.refresh_from_db()
    assert graded_link.lineitem_url == gradebook_lms.lineitem_url(7)
    assert link.lineitems_url == f"{gradebook_lms.url}/lineitems?type_id=quiz"
    assert link.ags_scopes == [SCORE_SCOPE]
    assert link.memberships_url == f"{gradebook_lms.url}/memberships"


def test_a_launch_without_a_quiz_link_stores_no_line_item(client, lms, gradebook_lms, linked):
    launch_student(client, lms, gradebook_lms)
    assert not ResourceLink.objects.exists()  # nothing says which quiz the column is for
    linked.refresh_from_db()
    assert linked.lineitems_url.startswith(gradebook_lms.url)


def test_bad_endpoint_values_in_a_launch_are_ignored(client, lms, gradebook_lms, graded_link):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    claims = {AGS_CLAIM: {"scope": "not a list", "lineitems": 7, "lineitem": "javascript:alert(1)"}}
    assert (
        post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=claims)).status_code
        == 302
    )
    graded_link.refresh_from_db()
    assert graded_link.lineitem_url == ""
    link = CourseLink.objects.get()
    assert (link.lineitems_url, link.ags_scopes) == ("", [])


def test_a_submitted_grade_reaches_the_lms_without_the_student_waiting(
    client, lms, gradebook_lms, graded_link, quiz, course, django_capture_on_commit_callbacks
):
    identity = launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(status=0, delay=3)]  # the LMS is slow, were it asked
    with django_capture_on_commit_callbacks(execute=True):
        _, took = submit_through_pages(client, quiz, {0: "b", 1: "a"})
    assert took < 2
    # The request finished without calling the LMS: the grade is recorded and queued.
    assert gradebook_lms.token_requests == [] and gradebook_lms.score_requests == []
    send = GradeSend.objects.get()
    assert (send.status, send.version, send.score_given) == ("pending", 1, Decimal("1.00"))
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()

    expected = gradebook_grade(course, identity.user, quiz)
    assert expected == Decimal("1.00")
    [score] = gradebook_lms.received()
    assert Decimal(str(score["scoreGiven"])) == expected
    assert score["scoreMaximum"] == 2.0
    assert score["userId"] == identity.sub
    assert (score["activityProgress"], score["gradingProgress"]) == ("Submitted", "FullyGraded")
    assert score["timestamp"] == send.changed_at.isoformat(timespec="microseconds")
    assert "+00:00" in score["timestamp"]
    [request] = gradebook_lms.score_requests
    assert request["path"] == "/lineitems/7/lineitem/scores"
    assert request["query"] == "type_id=quiz"  # /scores went before the query
    assert gradebook_lms.token_requests[0]["scope"] == SCORE_SCOPE
    send.refresh_from_db()
    assert (send.status, send.sent_version, send.last_error) == ("sent", 1, "")
    assert send.sent_at is not None


def test_the_access_token_is_reused_until_it_nearly_expires(
    client, lms, gradebook_lms, graded_link, quiz, django_capture_on_commit_callbacks
):
    launch_student(client, lms, gradebook_lms)
    for answers in ({0: "b"}, {0: "b", 1: "b"}):
        with django_capture_on_commit_callbacks(execute=True):
            submit_through_pages(client, quiz, answers)
        run_worker()
    assert [s["scoreGiven"] for s in gradebook_lms.received()] == [1.0, 2.0]
    assert len(gradebook_lms.token_requests) == 1


def test_an_auto_submitted_attempt_sends_its_grade(
    client, lms, gradebook_lms, graded_link, quiz, course, django_capture_on_commit_callbacks
):
    quiz.time_limit_minutes = 5
    quiz.save(update_fields=["time_limit_minutes"])
    identity = launch_student(client, lms, gradebook_lms)
    attempt = start_attempt(quiz=quiz, student=identity.user)
    row = attempt.responses.get(position=0)
    payload = page_form(attempt, 0, {"seq": row.sequence, "answer": "b"})
    assert client.post(reverse("attempt_save", args=[attempt.pk, 0]), payload).status_code == 302
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("attempt_detail", args=[attempt.pk]))  # the overdue attempt closes
    attempt.refresh_from_db()
    assert attempt.is_auto_submitted

    run_worker()

    [score] = gradebook_lms.received()
    assert Decimal(str(score["scoreGiven"])) == gradebook_grade(course, identity.user, quiz)


def test_an_override_and_its_removal_are_sent(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    identity = launch_student(client, lms, gradebook_lms)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    client.force_login(teacher)
    url = reverse("gradebook_grade", args=[course.slug, quiz.slug, identity.user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"points": "1.5", "reason": "Late work accepted"})
    assert response.status_code == 302
    run_worker()
    assert gradebook_grade(course, identity.user, quiz) == Decimal("1.5")
    last = gradebook_lms.received()[-1]
    assert (last["scoreGiven"], last["activityProgress"]) == (1.5, "Completed")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "remove", "reason": "Back to the attempts"})
    run_worker()
    assert (
        gradebook_lms.received()[-1]["scoreGiven"]
        == float(gradebook_grade(course, identity.user, quiz))
        == 1.0
    )
    assert GradeSend.objects.get().version == 3


def test_a_rejected_override_sends_nothing(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    identity = launch_student(client, lms, gradebook_lms)
    client.force_login(teacher)
    url = reverse("gradebook_grade", args=[course.slug, quiz.slug, identity.user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"points": "99", "reason": "too many"}).status_code == 400
    assert not GradeSend.objects.exists() and not DBTaskResult.objects.exists()


def test_a_regrade_sends_the_new_grades(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    publish("ags-q1", key_is("c"))  # the key was saved wrong before anyone answered
    identity = launch_student(client, lms, gradebook_lms)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b", 1: "b"})
    run_worker()
    assert gradebook_lms.received()[-1]["scoreGiven"] == 1.0
    publish("ags-q1", key_is("b"))  # fixed
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("gradebook_regrade", args=[course.slug, quiz.slug]), {"reason": "Key fixed"}
        )
    assert response.status_code == 302
    run_worker()
    assert gradebook_grade(course, identity.user, quiz) == Decimal("2.00")
    assert gradebook_lms.received()[-1]["scoreGiven"] == 2.0


def test_a_regrade_of_many_students_is_recorded_by_the_worker_not_in_the_request(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    publish("ags-q1", key_is("c"))
    identities = []
    for _ in range(3):
        client.logout()
        identities.append(launch_student(client, lms, gradebook_lms))
        with django_capture_on_commit_callbacks(execute=True):
            submit_through_pages(client, quiz, {0: "b", 1: "b"})
    run_worker()
    versions = dict(GradeSend.objects.values_list("student_id", "version"))
    assert len(versions) == 3 and len(gradebook_lms.received()) == 3
    publish("ags-q1", key_is("b"))
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("gradebook_regrade", args=[course.slug, quiz.slug]), {"reason": "Key fixed"}
        )
    assert response.status_code == 302
    # The teacher's request only queued the recording: no row changed yet, nothing sent.
    assert dict(GradeSend.objects.values_list("student_id", "version")) == versions
    assert len(gradebook_lms.received()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()  # records the three grades and, once that commits, queues their sends
    run_worker()  # sends them
    assert {row.version for row in GradeSend.objects.all()} == {v + 1 for v in versions.values()}
    assert [score["scoreGiven"] for score in gradebook_lms.received()[3:]] == [2.0, 2.0, 2.0]
    assert all(gradebook_grade(course, i.user, quiz) == Decimal("2.00") for i in identities)


def test_students_unknown_to_the_lms_and_unlinked_quizzes_send_nothing(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    student,
    django_capture_on_commit_callbacks,
):
    other = make_quiz(course, [make_question("ags-other")], slug="ags-other")
    identity = launch_student(client, lms, gradebook_lms)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, other, {0: "b"})  # a quiz with no LMS column
    client.force_login(student)  # a student who never came from the LMS
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    assert not GradeSend.objects.exists() and gradebook_lms.score_requests == []
    assert identity.user != student


def test_an_lms_error_is_kept_retried_later_and_nothing_is_lost(
    client, lms, gradebook_lms, graded_link, quiz, course, django_capture_on_commit_callbacks
):
    identity = launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(500, "Gradebook is locked for maintenance")] * 2
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b", 1: "b"})
    run_worker()
    send = GradeSend.objects.get()
    assert (send.status, send.tries) == ("failed", 1)
    assert send.last_error == "HTTP 500: Gradebook is locked for maintenance"
    assert gradebook_lms.received() == []
    waiting = DBTaskResult.objects.get(status="READY")
    delay = waiting.run_after - timezone.now()
    assert timedelta(seconds=50) < delay <= timedelta(minutes=1)

    run_worker()  # not due yet: nothing happens
    assert len(gradebook_lms.score_requests) == 1

    later()
    run_worker()
    send.refresh_from_db()
    assert (send.status, send.tries) == ("failed", 2)
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after - timezone.now() > timedelta(minutes=1, seconds=50)  # 2 minutes

    later()
    run_worker()
    send.refresh_from_db()
    assert (send.status, send.last_error) == ("sent", "")
    [score] = gradebook_lms.received()
    assert Decimal(str(score["scoreGiven"])) == gradebook_grade(course, identity.user, quiz)
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_lms_that_does_not_answer_is_retried(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    short_timeouts,
    django_capture_on_commit_callbacks,
):
    launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(status=0, delay=1.5)]
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    send = GradeSend.objects.get()
    assert send.status == "failed" and "did not answer" in send.last_error
    later()
    run_worker()
    send.refresh_from_db()
    assert send.status == "sent"
    assert [s["scoreGiven"] for s in gradebook_lms.received()] == [1.0]


@pytest.mark.parametrize("lifetime", [float("nan"), float("inf"), float("-inf"), "3600", None])
def test_a_token_whose_lifetime_is_not_a_finite_number_is_used_but_not_kept(
    graded_link, monkeypatch, lifetime
):
    class Answer:  # Python's JSON reader turns NaN and Infinity into floats
        status_code = 200

        def json(self):
            return {"access_token": "token-1", "expires_in": lifetime}

    monkeypatch.setattr(grades.requests, "post", lambda *args, **kwargs: Answer())
    platform = graded_link.course_link.platform
    assert calls.access_token(platform) == "token-1"
    assert caches[calls.CACHE].get(calls._token_key(platform, calls.SCORE_SCOPE)) is None


def test_a_refused_token_shows_the_lms_message(
    client, lms, gradebook_lms, graded_link, quiz, django_capture_on_commit_callbacks
):
    launch_student(client, lms, gradebook_lms)
    gradebook_lms.tool_key_set = {"keys": []}  # the LMS does not know Fuente's key
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    send = GradeSend.objects.get()
    assert send.status == "failed"
    assert "The LMS refused an access token" in send.last_error
    assert "invalid_client" in send.last_error
    assert DBTaskResult.objects.filter(status="READY").exists()  # the admin may fix it: retried


def test_a_final_refusal_is_not_retried(
    client, lms, gradebook_lms, graded_link, quiz, django_capture_on_commit_callbacks
):
    launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(404, "Line item 7 was deleted")]
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    send = GradeSend.objects.get()
    assert (send.status, send.last_error) == ("failed", "HTTP 404: Line item 7 was deleted")
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_retries_stop_after_eight_tries(
    client, lms, gradebook_lms, graded_link, quiz, django_capture_on_commit_callbacks
):
    launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(503, "Down")] * 20
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    for _ in range(10):
        run_worker()
        later()
    send = GradeSend.objects.get()
    assert (send.status, send.tries) == ("failed", grades.MAX_TRIES)
    assert len(gradebook_lms.score_requests) == grades.MAX_TRIES


def test_backoff_doubles_up_to_an_hour():
    minutes = [grades.backoff(n).total_seconds() / 60 for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_scores_url_keeps_the_query():
    assert grades.scores_url("https://lms/li/7?type_id=1") == "https://lms/li/7/scores?type_id=1"
    assert grades.scores_url("https://lms/li/7/") == "https://lms/li/7/scores"


def test_an_older_retry_never_overwrites_a_newer_grade(
    client, lms, gradebook_lms, graded_link, quiz, course, django_capture_on_commit_callbacks
):
    identity = launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(500, "Busy")]
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})  # grade 1: its send fails, retry queued
    run_worker()
    assert GradeSend.objects.get().status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b", 1: "b"})  # grade 2 (the highest is kept)
    run_worker()  # the newer send goes now
    assert [s["scoreGiven"] for s in gradebook_lms.received()] == [2.0]
    later()
    run_worker()  # the old retry is due: it finds its version stale and sends nothing
    assert [s["scoreGiven"] for s in gradebook_lms.received()] == [2.0]
    send = GradeSend.objects.get()
    assert (send.status, send.version, send.sent_version) == ("sent", 2, 2)
    assert send.score_given == gradebook_grade(course, identity.user, quiz) == Decimal("2.00")
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_send_that_raced_a_newer_grade_is_not_marked_as_the_newer_one(
    client, lms, gradebook_lms, graded_link, quiz, django_capture_on_commit_callbacks, monkeypatch
):
    identity = launch_student(client, lms, gradebook_lms)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    send = GradeSend.objects.get()
    real_post = grades.post_score

    def post_then_new_grade(platform, url, payload):
        real_post(platform, url, payload)
        grades.record_grades(quiz.pk, [identity.user_id])  # a new grade while the LMS answered

    monkeypatch.setattr(grades, "post_score", post_then_new_grade)
    assert grades.send_grade(send.pk, 1) == "sent, newer grade queued"
    send.refresh_from_db()
    assert (send.version, send.sent_version, send.status) == (2, 1, "pending")


def test_the_page_shows_what_was_sent_and_the_lms_message(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    identity = launch_student(client, lms, gradebook_lms)
    gradebook_lms.fail_scores = [Failure(422, "scoreGiven must not exceed <b>scoreMaximum</b>")]
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    client.force_login(teacher)
    gradebook = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    assert f'href="{url}"' in gradebook
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="tag status-failed">failed<' in text
    assert "HTTP 422: scoreGiven must not exceed &lt;b&gt;scoreMaximum&lt;/b&gt;" in text
    assert identity.user.username in text
    assert gradebook_lms.lineitem_url(7).replace("&", "&amp;") in text

    # Send again: the gradebook's grade now, as a new version, and it goes through.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"student": identity.user.pk}, follow=True)
    assert "1 grade queued to be sent to the LMS." in response.content.decode()
    run_worker()
    send = GradeSend.objects.get()
    assert (send.status, send.version, send.sent_version) == ("sent", 2, 2)
    assert [s["scoreGiven"] for s in gradebook_lms.received()] == [1.0]
    text = client.get(url).content.decode()
    assert 'class="tag status-sent">sent<' in text and "status-failed" not in text


def test_send_all_again_sends_every_known_student(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    teacher,
    django_capture_on_commit_callbacks,
):
    first = launch_student(client, lms, gradebook_lms)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    client.logout()
    second = launch_student(client, lms, gradebook_lms)  # launched, no attempt yet
    client.force_login(teacher)
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    assert "Nothing sent yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"all": "1"}).status_code == 302
    run_worker()
    by_user = {s["userId"]: s for s in gradebook_lms.received()}
    assert by_user[first.sub]["scoreGiven"] == 1.0
    assert "scoreGiven" not in by_user[second.sub]
    assert by_user[second.sub]["activityProgress"] == "Initialized"
    assert by_user[second.sub]["gradingProgress"] == "Pending"


def test_a_quiz_without_an_lms_column_says_so(client, course, quiz, teacher, linked):
    client.force_login(teacher)
    page = client.get(reverse("lti_grade_sends", args=[course.slug, quiz.slug]))
    assert page.status_code == 200
    assert "not linked to an LMS grade column" in page.content.decode()


@pytest.mark.parametrize("who", ["student", "other_teacher"])
def test_only_the_courses_teachers_reach_the_page(
    client,
    lms,
    gradebook_lms,
    graded_link,
    quiz,
    course,
    student,
    who,
    django_capture_on_commit_callbacks,
):
    identity = launch_student(client, lms, gradebook_lms)
    if who == "other_teacher":
        user = EnrollmentFactory(role=Enrollment.Role.TEACHER).user
    else:
        user = identity.user
    client.force_login(user)
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"all": "1"}).status_code == 404
        assert client.post(url, {"student": identity.user.pk}).status_code == 404
    assert not GradeSend.objects.exists() and not DBTaskResult.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, course, quiz):
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    for response in (client.get(url), client.post(url, {"all": "1"})):
        assert response.status_code == 302 and "/login" in response["Location"]


def test_send_again_refuses_bad_and_other_students(
    client, lms, gradebook_lms, graded_link, quiz, course, teacher, other_student
):
    launch_student(client, lms, gradebook_lms)
    client.force_login(teacher)
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    for bad in ("", "abc", "1e3", "-1", "\u00b2"):
        assert client.post(url, {"student": bad}).status_code == 400
    assert client.post(url, {"student": other_student.pk}).status_code == 404
    assert client.post(url, {"student": teacher.pk}).status_code == 404
    assert not GradeSend.objects.exists()


def test_another_courses_quiz_is_not_found(client, course, teacher):
    other = make_quiz(
        EnrollmentFactory(user=UserFactory()).course, [make_question("ags-x")], slug="ags-x"
    )
    client.force_login(teacher)
    url = reverse("lti_grade_sends", args=[course.slug, other.slug])
    assert client.get(url).status_code == 404


def test_a_deep_linked_quiz_gets_its_grade_column_on_its_first_launch(
    client, lms, gradebook_lms, linked, quiz, django_capture_on_commit_callbacks
):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    claims = {**ags_claim(gradebook_lms, 9), CLAIM + "custom": {"fuente_quiz": str(quiz.pk)}}
    response = post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=claims))
    assert response["Location"] == quiz.get_absolute_url()
    link = ResourceLink.objects.get(resource_link_id="resource-1")
    assert (link.quiz, link.lineitem_url) == (quiz, gradebook_lms.lineitem_url(9))
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_pages(client, quiz, {0: "b"})
    run_worker()
    assert [r["path"] for r in gradebook_lms.score_requests] == ["/lineitems/9/lineitem/scores"]
    assert [s["userId"] for s in gradebook_lms.received()] == [sub]


def test_a_launch_without_a_line_item_stops_sending_there(
    client, lms, gradebook_lms, graded_link, quiz
):
    launch_student(client, lms, gradebook_lms)
    graded_link.refresh_from_db()
    assert graded_link.lineitem_url
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    claims = {AGS_CLAIM: {"scope": [SCORE_SCOPE], "lineitems": f"{gradebook_lms.url}/lineitems"}}
    assert (
        post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=claims)).status_code
        == 302
    )
    graded_link.refresh_from_db()
    assert graded_link.lineitem_url == ""


def test_a_failing_grade_listener_never_fails_the_students_submit(
    client, lms, gradebook_lms, graded_link, quiz, monkeypatch, django_capture_on_commit_callbacks
):
    launch_student(client, lms, gradebook_lms)

    def broken(quiz_id, student_ids):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(grades, "record_grades", broken)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = submit_through_pages(client, quiz, {0: "b"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert not GradeSend.objects.exists()


def test_the_page_and_the_recording_take_a_fixed_number_of_queries_per_student(
    client, lms, gradebook_lms, graded_link, quiz, course, teacher, django_assert_max_num_queries
):
    students = []
    for n in range(6):
        user = EnrollmentFactory(course=course, user=UserFactory(username=f"lms{n}")).user
        PlatformUser.objects.create(
            platform=graded_link.course_link.platform, sub=f"s{n}", user=user
        )
        students.append(user.pk)
    graded_link.lineitem_url = gradebook_lms.lineitem_url(7)
    graded_link.save(update_fields=["lineitem_url"])
    with django_assert_max_num_queries(8 + 8 * len(students)):
        assert len(grades.record_grades(quiz.pk, students)) == len(students)
    client.force_login(teacher)
    url = reverse("lti_grade_sends", args=[course.slug, quiz.slug])
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.content.decode().count('class="tag status-pending"') == len(students)
