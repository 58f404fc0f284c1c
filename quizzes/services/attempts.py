"""The attempt life cycle: start, save answers, check, submit, report a problem."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from courseware.models import Enrollment
from courseware.services.citations import without_nul
from quizzes.display import answer_fields
from quizzes.grading import grade, parse_answer, shuffled
from quizzes.models import Attempt, Question, QuestionReport, Quiz, Response

# Saves that arrive this long after the deadline still count: the request was on its way.
GRACE = timedelta(seconds=30)
# Said when a save or a check arrives after the deadline: the attempt is submitted instead.
TIME_IS_UP = gettext_lazy(
    "Time is up: your attempt was submitted with the answers you had saved before the deadline."
)


class QuizUnavailable(Exception):
    """The student may not start this quiz now; the message says why."""


class AttemptClosed(Exception):
    """The attempt no longer takes answers; the message says why."""


class StaleAnswer(Exception):
    """A save based on an older state of the response (another tab or device saved since)."""


def _deadline(quiz: Quiz, started_at: datetime) -> datetime | None:
    ends = (
        [started_at + timedelta(minutes=quiz.time_limit_minutes)] if quiz.time_limit_minutes else []
    )
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def _check_open(quiz: Quiz, now: datetime) -> None:
    """Raise QuizUnavailable unless the quiz takes new attempts at `now`."""
    if not quiz.is_published or (quiz.opens_at and now < quiz.opens_at):
        opens = (
            f" It opens {timezone.localtime(quiz.opens_at):%B %-d at %H:%M}."
            if quiz.opens_at
            else ""
        )
        raise QuizUnavailable(f"This quiz is not open yet.{opens}")
    if quiz.is_closed_at(now):
        raise QuizUnavailable("This quiz has closed; you can no longer start an attempt.")


def start_attempt(*, quiz: Quiz, student: User, now: datetime | None = None) -> Attempt:
    """Resume the student's open attempt, or start a new one if the quiz allows it.

    Raises QuizUnavailable (closed, not open yet, attempts used up, no questions).
    """
    now = now or timezone.now()
    open_attempts = Attempt.objects.filter(
        quiz=quiz, student=student, state=Attempt.State.IN_PROGRESS
    )
    for overdue in open_attempts.all():
        submit_if_overdue(overdue, now)  # committed on its own, whatever happens next
    with transaction.atomic():
        # One lock per student and course: simultaneous starts queue here, so each sees the
        # attempt the previous one made (and resumes it) instead of making another.
        Enrollment.objects.select_for_update().get(course_id=quiz.course_id, user=student)
        current = open_attempts.all().first()  # a fresh query, read after taking the lock
        if current is not None:
            return current
        _check_open(quiz, now)
        used = Attempt.objects.filter(quiz=quiz, student=student).count()
        if quiz.attempts_allowed and used >= quiz.attempts_allowed:
            raise QuizUnavailable(
                f"You have used all {quiz.attempts_allowed} attempts at this quiz."
            )
        slots = list(
            quiz.slots.filter(question__status=Question.Status.PUBLISHED)
            .select_related("question")
            .prefetch_related("question__versions")
        )
        if not slots:
            raise QuizUnavailable("This quiz has no questions yet.")
        attempt = Attempt.objects.create(
            quiz=quiz,
            student=student,
            number=used + 1,
            started_at=now,
            deadline_at=_deadline(quiz, now),
            max_points=sum((slot.points for slot in slots), Decimal(0)),
        )
        if quiz.shuffle_questions:
            order = shuffled([str(slot.pk) for slot in slots], f"{attempt.pk}:questions")
            slots.sort(key=lambda slot: order.index(str(slot.pk)))
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                slot=slot,
                version=max(slot.question.versions.all(), key=lambda v: v.number),
                position=position,
                max_points=slot.points,
            )
            for position, slot in enumerate(slots)
        )
    return attempt


def _is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def _locked_open_attempt(attempt_id: int, now: datetime) -> Attempt:
    attempt = (
        Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt_id)
    )
    if not attempt.is_open:
        raise AttemptClosed("This attempt has been submitted; its answers can no longer change.")
    return attempt


def record_answer(
    *,
    student: User,
    attempt_id: int,
    position: int,
    form: Mapping[str, list[str]],
    sequence: int,
    is_flagged: bool,
    now: datetime | None = None,
) -> Response:
    """Save a student's answer (and flag) to one question of their own open attempt.

    `sequence` is the response's sequence number the student's page was showing; if another
    tab or device has saved since, the save is refused (StaleAnswer) rather than overwrite a
    newer answer. Raises AnswerError (malformed value), AttemptClosed, StaleAnswer,
    Attempt.DoesNotExist (not the student's attempt) and Response.DoesNotExist (no such
    question in the attempt).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Every write to an attempt's responses (save, check, submit) first locks the attempt
        # row, and only it: a submit cannot grade around this save, and none can deadlock.
        # The lock is taken through the student (the ownership check) and the response is read
        # after it, so its sequence number is the latest.
        attempt = Attempt.objects.select_for_update(of=("self",)).get(
            pk=attempt_id, student=student, quiz__course__enrollments__user=student
        )
        if not attempt.is_open:
            raise AttemptClosed(
                "This attempt has been submitted; its answers can no longer change."
            )
        response = Response.objects.select_related("version__question").get(
            attempt=attempt, position=position
        )
        overdue = _is_overdue(attempt, now)
        if not overdue:
            if response.is_checked:
                raise AttemptClosed("You have checked this answer, so it can no longer change.")
            if sequence != response.sequence:
                raise StaleAnswer(
                    "This answer was changed in another tab or on another device. "
                    "Reload the page to see the latest answer before changing it."
                )
            kind, data = response.version.question.kind, response.version.data
            response.answer = parse_answer(
                kind, data, answer_fields(response).reveal(kind, data, form)
            )
            response.is_flagged = is_flagged
            response.sequence += 1
            response.saved_at = now
            response.save(update_fields=["answer", "is_flagged", "sequence", "saved_at"])
    if overdue:
        submit_attempt(attempt=attempt, now=now, auto=True)
        raise AttemptClosed(str(TIME_IS_UP))
    return response


def _grade(response: Response, quiz: Quiz) -> None:
    result = grade(
        response.version.question.kind,
        response.version.data,
        response.answer,
        max_points=response.max_points,
        multiple_scoring=quiz.multiple_scoring,
    )
    response.points, response.outcome, response.parts = result.points, result.outcome, result.parts


def check_response(*, attempt: Attempt, position: int, now: datetime | None = None) -> Response:
    """Lock one answered question and grade it now, for quizzes with immediate feedback."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open_attempt(attempt.pk, now)
        if not locked.quiz.has_immediate_review:
            raise AttemptClosed(
                "This quiz gives feedback after you submit, not question by question."
            )
        response = Response.objects.select_related("version__question").get(
            attempt=locked, position=position
        )
        # Past the deadline nothing more is graded: the attempt is submitted instead.
        overdue = _is_overdue(locked, now)
        if not overdue:
            if response.answer is None:
                raise AttemptClosed("Answer the question before checking it.")
            if not response.is_checked:
                _grade(response, locked.quiz)
                response.is_checked = True
                response.save(update_fields=["points", "outcome", "parts", "is_checked"])
    if overdue:
        submit_attempt(attempt=locked, now=now, auto=True)
        raise AttemptClosed(str(TIME_IS_UP))
    return response


def submit_attempt(*, attempt: Attempt, now: datetime | None = None, auto: bool = False) -> Attempt:
    """Grade every response and close the attempt. Submitting twice grades once."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock only the attempt: locking the joined quiz row would queue every submit in a class.
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        if not locked.is_open:
            return locked
        responses = list(locked.responses.select_related("version__question"))
        for response in responses:
            _grade(response, locked.quiz)
        Response.objects.bulk_update(responses, ["points", "outcome", "parts"])
        locked.points = sum((r.points or Decimal(0) for r in responses), Decimal(0))
        locked.state = Attempt.State.SUBMITTED
        locked.submitted_at = now
        locked.is_auto_submitted = auto
        locked.save(update_fields=["points", "state", "submitted_at", "is_auto_submitted"])
    return locked


def submit_if_overdue(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """An attempt whose time ran out is submitted with the answers saved so far."""
    now = now or timezone.now()
    if attempt.is_open and _is_overdue(attempt, now):
        return submit_attempt(attempt=attempt, now=now, auto=True)
    return attempt


def report_problem(*, response: Response, student: User, text: str) -> QuestionReport:
    text = without_nul(text).strip()
    if not text:
        raise ValidationError("Describe the problem in a few words.")
    if len(text) > 2000:
        raise ValidationError("Keep the report under 2,000 characters.")
    return QuestionReport.objects.create(
        question=response.version.question,
        version=response.version,
        student=student,
        attempt=response.attempt,
        text=text,
    )
