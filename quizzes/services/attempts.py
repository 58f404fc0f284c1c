"""The attempt life cycle: start, save answers, check, submit, report a problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, gettext_lazy

from courseware.models import Enrollment
from courseware.services.citations import typed_text
from quizzes.accommodations import Terms
from quizzes.display import answer_fields
from quizzes.grade_events import grades_changed
from quizzes.grading import AnswerError, grade, parse_answer, shuffled
from quizzes.models import Attempt, QuestionReport, Quiz, QuizQuestion, Response
from quizzes.numbers import number_convention
from quizzes.selectors import current_version_ids, terms_of, with_versions
from quizzes.services.pools import attempt_slots
from quizzes.services.rows import update_rows
from quizzes.tasks import close_at_deadline

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
    """A save based on an older state of the response (another tab or device saved since).

    `is_replay`: what was sent is what is stored already (a save sent again because its reply
    was lost), so nothing is overwritten and the caller may take it as saved; `response` is
    the stored response.
    """

    def __init__(self, message: str, *, response: Response, is_replay: bool = False) -> None:
        super().__init__(message)
        self.response = response
        self.is_replay = is_replay


@dataclass(frozen=True)
class PageAnswer:
    """One question's fields as a page posted them (the question's own field names, opaque
    ids), the sequence number the page showed, and the flag."""

    form: Mapping[str, list[str]]
    sequence: int
    is_flagged: bool


def _check_open(quiz: Quiz, terms: Terms, now: datetime) -> None:
    """Raise QuizUnavailable unless the quiz takes a new attempt from the student at `now`, by
    their own terms (an accommodation may move the dates)."""
    if not quiz.is_published or not terms.has_opened_at(now):
        message = gettext("This quiz is not open yet.")
        if terms.opens_at:
            when = formats.date_format(timezone.localtime(terms.opens_at), "DATETIME_FORMAT")
            message += " " + gettext("It opens %(when)s.") % {"when": when}
        raise QuizUnavailable(message)
    if terms.is_closed_at(now):
        raise QuizUnavailable(gettext("This quiz has closed; you can no longer start an attempt."))


@dataclass(frozen=True)
class _Plan:
    """What a student's next attempt at a quiz would be, given how many they made."""

    made: int
    terms: Terms
    slots: list[tuple[QuizQuestion, Decimal]]
    versions: dict[int, int]  # each question's current version, by question id


def _plan(quiz: Quiz, student: User, made: int) -> _Plan:
    """The quiz's terms for the student (accommodations), and the questions attempt `made` + 1
    shows (the fixed ones and what the pools draw), with their points and current versions."""
    slots = attempt_slots(quiz=quiz, student=student, number=made + 1)
    versions = current_version_ids(slot.question_id for slot, _ in slots)
    return _Plan(made, terms_of(quiz, student), slots, versions)


def start_attempt(*, quiz: Quiz, student: User, now: datetime | None = None) -> Attempt:
    """Resume the student's open attempt, or start a new one if the quiz allows it.

    Raises QuizUnavailable (closed, not open yet, attempts used up, no questions).
    """
    now = now or timezone.now()
    made = list(Attempt.objects.filter(quiz=quiz, student=student))
    for overdue in made:
        submit_if_overdue(overdue, now)  # committed on its own, whatever happens next
    # The new attempt is planned before the write transaction: on SQLite a write transaction
    # holds the one database lock, so a class starting at once queues only for the writes.
    # Under the lock the plan is used if the student's attempts are still the ones it counted.
    plan = None if any(attempt.is_open for attempt in made) else _plan(quiz, student, len(made))
    with transaction.atomic():
        # One lock per student and course: simultaneous starts queue here, so each sees the
        # attempt the previous one made (and resumes it) instead of making another.
        enrollment = Enrollment.objects.select_for_update().get(
            course_id=quiz.course_id, user=student
        )
        # Read after taking the lock: the open attempt to resume, and how many were made.
        made = list(Attempt.objects.filter(quiz=quiz, student=student))
        current = next((attempt for attempt in made if attempt.is_open), None)
        if current is not None:
            return current
        if not enrollment.is_active:  # left the course (the LMS's roster): no new attempts
            raise QuizUnavailable(
                gettext(
                    "You are no longer enrolled in this course, so you cannot start a new "
                    "attempt. Your earlier attempts and grades are kept."
                )
            )
        if plan is None or plan.made != len(made):
            plan = _plan(quiz, student, len(made))
        terms, slots, versions = plan.terms, list(plan.slots), plan.versions
        _check_open(quiz, terms, now)
        if terms.attempts_left(len(made)) == 0:
            raise QuizUnavailable(
                gettext("You have used all %(n)s attempts at this quiz.")
                % {"n": terms.attempts_allowed}
            )
        if not slots:
            raise QuizUnavailable(gettext("This quiz has no questions yet."))
        attempt = Attempt.objects.create(
            quiz=quiz,
            student=student,
            number=len(made) + 1,
            started_at=now,
            deadline_at=terms.deadline(now),
            max_points=sum((points for _slot, points in slots), Decimal(0)),
        )
        if quiz.shuffle_questions:
            order = shuffled([str(slot.pk) for slot, _ in slots], f"{attempt.pk}:questions")
            slots.sort(key=lambda pair: order.index(str(pair[0].pk)))
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                slot=slot,
                version_id=versions[slot.question_id],
                position=position,
                max_points=points,
            )
            for position, (slot, points) in enumerate(slots)
        )
        close_at_deadline(attempt, GRACE)  # submitted in the background if left open
    return attempt


def _is_overdue(attempt: Attempt, now: datetime) -> bool:
    """Past the deadline and its grace period: no save counts any more."""
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def is_past_deadline(attempt: Attempt, now: datetime | None = None) -> bool:
    """Past the deadline itself: saves still on their way count (GRACE), nothing else does —
    no check, no page change, no finishing; the attempt is submitted instead."""
    now = now or timezone.now()
    return attempt.deadline_at is not None and now > attempt.deadline_at


STALE = gettext_lazy(
    "This answer was changed in another tab or on another device. "
    "Reload the page to see the latest answer before changing it."
)
SUBMITTED = gettext_lazy("This attempt has been submitted; its answers can no longer change.")


def _locked(attempt_id: int, student: User | None = None) -> Attempt:
    """The attempt row, locked, with its quiz. Every write to an attempt's responses (save,
    check, submit) first locks the attempt row, and only it: a submit cannot grade around a
    save, none can deadlock, and locking the joined quiz row would queue every submit in a
    class. With `student`, the lock is taken through them — the ownership check
    (Attempt.DoesNotExist for someone else's attempt, or one of a course they left); the
    responses are read after it, so their sequence numbers are the latest."""
    rows = Attempt.objects.select_for_update(of=("self",)).select_related("quiz")
    if student is not None:
        rows = rows.filter(student=student, quiz__course__enrollments__user=student)
    return rows.get(pk=attempt_id)


def _locked_open(attempt_id: int, student: User | None = None) -> Attempt:
    """`_locked`, and AttemptClosed if it no longer takes answers."""
    attempt = _locked(attempt_id, student)
    if not attempt.is_open:
        raise AttemptClosed(str(SUBMITTED))
    return attempt


def _parsed(response: Response, form: Mapping[str, list[str]]) -> Any:
    kind, data = response.version.question.kind, response.version.data
    # A number is read the way the student's language writes it ("2,5" is 2.5 in Spanish),
    # and the answer records which way, so that grading and regrading read it the same.
    return parse_answer(
        kind,
        data,
        answer_fields(response).reveal(kind, data, form),
        convention=number_convention(get_language()),
        stored=response.answer,
    )


def _apply(response: Response, given: PageAnswer, now: datetime) -> bool:
    """Put `given` on the response (unsaved); False when it changes nothing. Raises
    AttemptClosed (a checked answer), StaleAnswer and AnswerError."""
    if response.is_checked:
        raise AttemptClosed(gettext("You have checked this answer, so it can no longer change."))
    if given.sequence != response.sequence:
        try:
            same = _parsed(response, given.form) == response.answer
        except AnswerError:
            same = False
        raise StaleAnswer(
            str(STALE),
            response=response,
            is_replay=same and given.is_flagged == response.is_flagged,
        )
    answer = _parsed(response, given.form)
    if answer == response.answer and given.is_flagged == response.is_flagged:
        return False  # nothing new: the sequence stays, so other tabs' pages stay current
    response.answer = answer
    response.is_flagged = given.is_flagged
    response.sequence += 1
    response.saved_at = now
    return True


SAVED_FIELDS = ["answer", "is_flagged", "sequence", "saved_at"]


# The columns the usual save reads, checks and answers with (attempt_save's fragment: the
# sequence, the time, the question's state and the quiz's layout); a third of the columns of the
# three rows. Reading a column left out would cost a query per save (tests/quizzes/
# test_query_budgets.py counts them).
_SAVE_READS = (
    *("attempt", "slot", "version", "position", "answer", "sequence", "is_flagged"),
    *("is_checked", "saved_at", "attempt__state", "attempt__deadline_at", "attempt__quiz"),
    "attempt__quiz__layout",
)


def _save_if_current(
    student: User, attempt_id: int, position: int, given: PageAnswer, now: datetime
) -> Response | None:
    """The usual save (a new answer to an open attempt, from a page that shows the latest
    sequence number) in two statements and no transaction: the response read through its
    attempt's student (the ownership check), then one UPDATE that writes only if, when it
    runs, the sequence number is still the one the page showed and the attempt is still open
    and in time. On PostgreSQL that UPDATE takes a share lock on the attempt row first (a
    submit, which locks the attempt row for update, cannot grade around it: it waits for the
    save, or the save waits for it and then finds the attempt closed), in the lock order of
    every other write. SQLite runs one writer at a time. Returns the saved response, or None
    for `record_answer`'s locked path to decide. Raises AnswerError (nothing is written)."""
    try:
        response = (
            Response.objects.select_related("attempt__quiz")
            .only(*_SAVE_READS)
            .get(
                attempt_id=attempt_id,
                position=position,
                attempt__student=student,
                attempt__quiz__course__enrollments__user=student,
            )
        )
    except Response.DoesNotExist:
        return None
    attempt = response.attempt
    if (
        not attempt.is_open
        or _is_overdue(attempt, now)
        or response.is_checked
        or given.sequence != response.sequence
    ):
        return None
    with_versions([response])
    answer = _parsed(response, given.form)
    if answer == response.answer and given.is_flagged == response.is_flagged:
        return None
    answer_field = Response._meta.get_field("answer")
    saved_at_field = Response._meta.get_field("saved_at")
    deadline_field = Attempt._meta.get_field("deadline_at")
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Response._meta.db_table} SET answer = %s, is_flagged = %s, "
            "sequence = %s, saved_at = %s WHERE id = %s AND sequence = %s AND NOT is_checked "
            f"AND attempt_id IN (SELECT id FROM {Attempt._meta.db_table} WHERE id = %s "
            f"AND state = %s AND (deadline_at IS NULL OR deadline_at >= %s){lock})",
            [
                answer_field.get_db_prep_save(answer, connection),
                given.is_flagged,
                given.sequence + 1,
                saved_at_field.get_db_prep_save(now, connection),
                response.pk,
                given.sequence,
                attempt.pk,
                Attempt.State.IN_PROGRESS,
                deadline_field.get_db_prep_save(now - GRACE, connection),
            ],
        )
        if cursor.rowcount != 1:
            return None
    response.answer, response.is_flagged = answer, given.is_flagged
    response.sequence, response.saved_at = given.sequence + 1, now
    return response


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
    newer answer. A save that changes nothing writes nothing. Past the deadline and its grace
    period the attempt is submitted instead (AttemptClosed, TIME_IS_UP). Raises AnswerError
    (malformed value), AttemptClosed, StaleAnswer, Attempt.DoesNotExist (not the student's
    attempt) and Response.DoesNotExist (no such question in the attempt).
    """
    now = now or timezone.now()
    given = PageAnswer(form, sequence, is_flagged)
    saved = _save_if_current(student, attempt_id, position, given, now)
    if saved is not None:
        return saved
    # Anything unusual (closed, overdue, checked, stale, nothing new, no such attempt or
    # question, or a change since the read above) is decided here, with the attempt locked.
    with transaction.atomic():
        attempt = _locked_open(attempt_id, student)
        response = Response.objects.select_related("version__question").get(
            attempt=attempt, position=position
        )
        overdue = _is_overdue(attempt, now)
        if not overdue and _apply(response, given, now):
            response.save(update_fields=SAVED_FIELDS)
    if overdue:
        submit_attempt(attempt=attempt, now=now, auto=True)
        raise AttemptClosed(str(TIME_IS_UP))
    return response


def record_answers(
    *,
    student: User,
    attempt_id: int,
    answers: Mapping[int, PageAnswer],
    now: datetime | None = None,
) -> dict[int, str]:
    """Save every answer a page posted at once (by position), as `record_answer` saves one, in
    one transaction: the attempt page without JavaScript is one form, and any of its buttons
    saves all its answers. Returns why each refused answer was not saved, by position (the
    others are saved); a stale answer that is already the stored one is not refused. Raises
    AttemptClosed (submitted already, or time is up: submitted now) and Attempt.DoesNotExist.
    """
    now = now or timezone.now()
    refused: dict[int, str] = {}
    with transaction.atomic():
        attempt = _locked_open(attempt_id, student)
        overdue = _is_overdue(attempt, now)
        if not overdue and answers:
            responses = Response.objects.select_related("version__question").filter(
                attempt=attempt, position__in=list(answers)
            )
            found = {r.position: r for r in responses}
            changed = []
            for position, given in sorted(answers.items()):
                response = found.get(position)
                try:
                    if response is None:
                        raise AnswerError(
                            gettext("This attempt has no question %(n)s.") % {"n": position + 1}
                        )
                    if _apply(response, given, now):
                        changed.append(response)
                except StaleAnswer as stale:
                    if not stale.is_replay:
                        refused[position] = str(stale)
                except (AnswerError, AttemptClosed) as error:
                    refused[position] = str(error)
            update_rows(changed, SAVED_FIELDS)
    if overdue:
        submit_attempt(attempt=attempt, now=now, auto=True)
        raise AttemptClosed(str(TIME_IS_UP))
    return refused


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
    """Lock one answered question and grade it now, for quizzes with immediate feedback.

    Past the deadline (its grace is for saves on their way, not for checks) nothing more is
    graded: the attempt is submitted instead (AttemptClosed, TIME_IS_UP)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(attempt.pk)
        past = is_past_deadline(locked, now)
        if not past:
            if not locked.quiz.has_immediate_review:
                raise AttemptClosed(
                    gettext("This quiz gives feedback after you submit, not question by question.")
                )
            response = Response.objects.select_related("version__question").get(
                attempt=locked, position=position
            )
            if response.answer is None:
                raise AttemptClosed(gettext("Answer the question before checking it."))
            if not response.is_checked:
                _grade(response, locked.quiz)
                response.is_checked = True
                response.save(update_fields=["points", "outcome", "parts", "is_checked"])
    if past:
        submit_attempt(attempt=locked, now=now, auto=True)
        raise AttemptClosed(str(TIME_IS_UP))
    return response


def submit_attempt(*, attempt: Attempt, now: datetime | None = None, auto: bool = False) -> Attempt:
    """Grade every response and close the attempt. Submitting twice grades once."""
    with transaction.atomic():
        locked = _locked(attempt.pk)
        return _submit_locked(locked, now or timezone.now(), auto)


def submit_own_attempt(*, student: User, attempt_id: int, now: datetime | None = None) -> Attempt:
    """The student's submit: the ownership check is the locking read (Attempt.DoesNotExist
    for someone else's attempt, or one of a course they were removed from). Past the
    deadline it is marked as submitted when the time ran out (only answers saved in time
    count: later saves were refused)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(attempt_id, student)
        return _submit_locked(locked, now, auto=is_past_deadline(locked, now))


def _submit_locked(locked: Attempt, now: datetime, auto: bool) -> Attempt:
    if not locked.is_open:
        return locked
    responses = with_versions(list(locked.responses.all()))
    for response in responses:
        _grade(response, locked.quiz)
    update_rows(responses, ["points", "outcome", "parts"])
    locked.points = sum((r.points or Decimal(0) for r in responses), Decimal(0))
    locked.state = Attempt.State.SUBMITTED
    locked.submitted_at = now
    locked.is_auto_submitted = auto
    locked.save(update_fields=["points", "state", "submitted_at", "is_auto_submitted"])
    grades_changed(quiz_id=locked.quiz_id, student_ids=[locked.student_id])
    return locked


def submit_if_overdue(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """An attempt whose time ran out is submitted with the answers saved so far."""
    now = now or timezone.now()
    if attempt.is_open and _is_overdue(attempt, now):
        return submit_attempt(attempt=attempt, now=now, auto=True)
    return attempt


def report_problem(*, response: Response, student: User, text: str) -> QuestionReport:
    text = typed_text(text).strip()
    if not text:
        raise ValidationError(gettext("Describe the problem in a few words."))
    if len(text) > 2000:
        raise ValidationError(gettext("Keep the report under 2,000 characters."))
    return QuestionReport.objects.create(
        question=response.version.question,
        version=response.version,
        student=student,
        attempt=response.attempt,
        text=text,
    )
