"""A timed attempt the student leaves open is submitted by the task worker once its time and
grace are up (quizzes.tasks), so its grade is kept (and sent to an LMS) without anyone opening
a page; an accommodation that moves the deadline later makes the task wait for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quizzes.models import Attempt, Quiz
from quizzes.services import AccommodationTerms, save_accommodation, start_attempt
from quizzes.services.attempts import GRACE
from quizzes.tasks import close_when_time_is_up
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db


def queued(attempt):
    return DBTaskResult.objects.filter(
        task_path="quizzes.tasks.close_when_time_is_up", args_kwargs__args=[attempt.pk]
    )


def start(quiz, student, django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return start_attempt(quiz=quiz, student=student, now=now)


def test_starting_a_timed_attempt_queues_its_submission_for_when_time_is_up(
    course, student, django_capture_on_commit_callbacks
):
    attempt = start(
        Quiz.objects.get(course=course, slug="review"), student, django_capture_on_commit_callbacks
    )
    (task,) = queued(attempt)
    assert task.run_after == attempt.deadline_at + GRACE + timedelta(seconds=1)


def test_the_submission_is_queued_in_the_starts_own_transaction(course, student):
    # No on-commit callback runs here: the task's row is written with the attempt, so the
    # two commit together or not at all (and a start on SQLite takes the write lock once).
    attempt = start_attempt(quiz=Quiz.objects.get(course=course, slug="review"), student=student)
    assert queued(attempt).count() == 1


def test_an_untimed_attempt_queues_nothing(course, student, django_capture_on_commit_callbacks):
    quiz = Quiz.objects.get(course=course, slug="review")
    quiz.time_limit_minutes = None
    quiz.save()
    attempt = start(quiz, student, django_capture_on_commit_callbacks)
    assert attempt.deadline_at is None and not queued(attempt).exists()


def test_the_worker_submits_an_attempt_left_open_past_its_time(
    course, student, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(hours=2)
    quiz = Quiz.objects.get(course=course, slug="review")
    attempt = start(quiz, student, django_capture_on_commit_callbacks, now=long_ago)
    assert queued(attempt).get().run_after < timezone.now()  # due: the worker takes it
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.is_auto_submitted
    assert attempt.points is not None


def test_the_task_leaves_a_submitted_attempt_alone(course, student):
    quiz = Quiz.objects.get(course=course, slug="review")
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.state = Attempt.State.SUBMITTED
    attempt.save()
    assert close_when_time_is_up.call(attempt.pk) == "already closed"


def test_extra_time_given_meanwhile_makes_the_task_wait_for_the_new_deadline(
    course, student, django_capture_on_commit_callbacks
):
    quiz = Quiz.objects.get(course=course, slug="review")
    started = timezone.now() - timedelta(minutes=45)  # 40 minutes: time would be up
    attempt = start(quiz, student, django_capture_on_commit_callbacks, now=started)
    save_accommodation(
        course=course,
        quiz=quiz,
        students=[student],
        terms=AccommodationTerms(extra_minutes=30),
        by=student,
        now=started + timedelta(minutes=10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert close_when_time_is_up.call(attempt.pk) == "waiting for the new deadline"
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.deadline_at == started + timedelta(minutes=70)
    assert queued(attempt).order_by("run_after").last().run_after == (
        attempt.deadline_at + GRACE + timedelta(seconds=1)
    )
