"""The usual answer save is one read and one conditional UPDATE (quizzes.services.attempts):
every refusal and every guarantee of the locked way still holds through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Enrollment
from quizzes.models import Attempt, Response
from quizzes.services import GRACE, start_attempt, submit_attempt
from tests.factories import EnrollmentFactory, make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(course, student):
    quiz = make_quiz(course, [make_question(f"quick-q{i}") for i in range(3)])
    return start_attempt(quiz=quiz, student=student)


def post(client, attempt, position, seq, answer):
    form = page_form(attempt, position, {"seq": seq, "answer": answer})
    return client.post(
        reverse("attempt_save", args=[attempt.pk, position]), form, HTTP_HX_REQUEST="true"
    )


def stored(attempt, position):
    return Response.objects.get(attempt=attempt, position=position)


def test_a_save_stores_the_answer_and_the_next_sequence_number(client, student, attempt):
    client.force_login(student)
    reply = post(client, attempt, 1, 0, "b")
    assert reply.status_code == 200
    assert 'name="seq" value="1"' in reply.content.decode()
    saved = stored(attempt, 1)
    assert (saved.answer, saved.sequence, saved.saved_at is not None) == ("b", 1, True)
    assert stored(attempt, 0).answer is None  # only the question posted


def test_a_save_that_changes_nothing_writes_nothing(client, student, attempt):
    client.force_login(student)
    post(client, attempt, 0, 0, "a")
    saved_at = stored(attempt, 0).saved_at
    reply = post(client, attempt, 0, 1, "a")
    assert reply.status_code == 200 and 'name="seq" value="1"' in reply.content.decode()
    assert (stored(attempt, 0).sequence, stored(attempt, 0).saved_at) == (1, saved_at)


def test_a_blank_answer_clears_the_stored_one(client, student, attempt):
    client.force_login(student)
    post(client, attempt, 0, 0, "a")
    assert post(client, attempt, 0, 1, "").status_code == 200
    assert (stored(attempt, 0).answer, stored(attempt, 0).sequence) == (None, 2)


def test_a_stale_save_is_refused_and_a_replayed_one_is_taken_as_saved(client, student, attempt):
    client.force_login(student)
    post(client, attempt, 0, 0, "b")
    stale = post(client, attempt, 0, 0, "c")  # another tab, showing sequence 0
    assert stale.status_code == 409 and "another tab" in stale.content.decode()
    replay = post(client, attempt, 0, 0, "b")  # the same save sent again: its reply was lost
    assert replay.status_code == 200 and 'name="seq" value="1"' in replay.content.decode()
    assert (stored(attempt, 0).answer, stored(attempt, 0).sequence) == ("b", 1)


def test_a_save_to_a_submitted_attempt_is_refused(client, student, attempt):
    client.force_login(student)
    submit_attempt(attempt=attempt)
    reply = post(client, attempt, 0, 0, "b")
    assert reply.status_code == 409 and "data-closed" in reply.content.decode()
    assert stored(attempt, 0).answer is None


def test_a_save_to_a_checked_answer_is_refused(client, student, attempt):
    client.force_login(student)
    post(client, attempt, 0, 0, "b")
    Response.objects.filter(attempt=attempt, position=0).update(is_checked=True)
    assert post(client, attempt, 0, 1, "c").status_code == 409
    assert stored(attempt, 0).answer == "b"


def test_a_save_within_the_grace_period_counts_and_one_after_it_submits(client, student, attempt):
    client.force_login(student)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - GRACE / 2)
    assert post(client, attempt, 0, 0, "b").status_code == 200
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() - GRACE - timedelta(seconds=1)
    )
    late = post(client, attempt, 1, 0, "b")
    assert late.status_code == 409 and "Time is up" in late.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.is_auto_submitted
    assert (stored(attempt, 0).answer, stored(attempt, 1).answer) == ("b", None)


def test_another_students_attempt_is_a_404_and_stays_untouched(
    client, course, other_student, attempt
):
    EnrollmentFactory(course=course, user=other_student)
    client.force_login(other_student)
    assert post(client, attempt, 0, 0, "b").status_code == 404
    assert stored(attempt, 0).answer is None


def test_a_student_removed_from_the_course_can_no_longer_save(client, student, attempt):
    client.force_login(student)
    Enrollment.objects.filter(user=student).delete()
    assert post(client, attempt, 0, 0, "b").status_code == 404
    assert stored(attempt, 0).answer is None


def test_a_question_the_attempt_does_not_have_is_refused(client, student, attempt):
    client.force_login(student)
    reply = client.post(
        reverse("attempt_save", args=[attempt.pk, 7]),
        {"seq": "0", "answer": "b"},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 400 and "no question 8" in reply.content.decode()


def test_an_answer_the_question_does_not_offer_is_refused_and_nothing_is_written(
    client, student, attempt
):
    client.force_login(student)
    reply = client.post(
        reverse("attempt_save", args=[attempt.pk, 0]),
        {"seq": "0", "answer": "b"},  # the question's own id, not the page's opaque one
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 400
    assert (stored(attempt, 0).answer, stored(attempt, 0).sequence) == (None, 0)
