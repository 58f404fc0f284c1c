"""Accommodations: other terms for some students (more time, more attempts, their own dates),
for one quiz or the whole course, saved or removed by a teacher and applied at once to the
attempts those students have open. The rules combining several rows are the pure
`quizzes.accommodations`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from courseware.models import Course, Enrollment
from courseware.services.citations import typed_text
from quizzes.accommodations import Grant, moved_deadline, terms_for
from quizzes.models import Accommodation, Attempt, Quiz
from quizzes.selectors import quiz_plan, terms_of
from quizzes.services.attempts import GRACE

# A deadline an accommodation's change shortens never ends an open attempt sooner than this
# from now: the student gets the timer's last warnings instead of losing the page they are on.
NOTICE = timedelta(minutes=5)
MAX_EXTRA_MINUTES = 10_080  # a week
MAX_EXTRA_ATTEMPTS = 100
MAX_LABEL = 120
MAX_NOTE = 2000


@dataclass(frozen=True)
class AccommodationTerms:
    """What a teacher sets on an accommodation."""

    label: str = ""
    extra_minutes: int = 0
    time_multiplier: Decimal = Decimal(1)
    extra_attempts: int = 0
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    note: str = ""

    @property
    def changes_time(self) -> bool:
        return self.extra_minutes > 0 or (
            self.time_multiplier.is_finite() and self.time_multiplier > 1
        )

    @property
    def changes_anything(self) -> bool:
        return (
            self.changes_time
            or self.extra_attempts > 0
            or self.opens_at is not None
            or self.closes_at is not None
        )


@dataclass(frozen=True)
class Saved:
    accommodation: Accommodation | None  # None once removed
    moved: list[Attempt] = field(default_factory=list)  # open attempts given a new deadline

    @property
    def summary(self) -> str:
        """For the teacher's message: how many attempts in progress changed."""
        n = len(self.moved)
        if not n:
            return ""
        return ngettext(
            "%(n)s attempt in progress has its new deadline.",
            "%(n)s attempts in progress have their new deadline.",
            n,
        ) % {"n": n}


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _number_errors(terms: AccommodationTerms) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 0 <= terms.extra_minutes <= MAX_EXTRA_MINUTES:
        errors["extra_minutes"] = [
            gettext("Give extra minutes from 0 to %(n)s (a week).") % {"n": MAX_EXTRA_MINUTES}
        ]
    if not (terms.time_multiplier.is_finite() and 1 <= terms.time_multiplier <= 5):
        errors["time_multiplier"] = [
            gettext("Give a time multiplier from 1 to 5, e.g. 1.5 for time and a half.")
        ]
    elif terms.time_multiplier != terms.time_multiplier.quantize(Decimal("0.01")):
        errors["time_multiplier"] = [gettext("Give the multiplier with at most two decimals.")]
    if not 0 <= terms.extra_attempts <= MAX_EXTRA_ATTEMPTS:
        errors["extra_attempts"] = [
            gettext("Give extra attempts from 0 to %(n)s.") % {"n": MAX_EXTRA_ATTEMPTS}
        ]
    if len(terms.label) > MAX_LABEL:
        errors["label"] = [gettext("Keep the label under %(n)s characters.") % {"n": MAX_LABEL}]
    if len(terms.note) > MAX_NOTE:
        errors["note"] = [gettext("Keep the note under %(n)s characters.") % {"n": MAX_NOTE}]
    return errors


def _quiz_errors(quiz: Quiz, terms: AccommodationTerms) -> dict[str, list[str]]:
    """What makes these terms wrong for this one quiz: they change nothing on it, or open it
    for the students after it closes."""
    grant = Grant(
        is_for_this_quiz=True,
        extra_minutes=terms.extra_minutes,
        time_multiplier=terms.time_multiplier,
        extra_attempts=terms.extra_attempts,
        opens_at=terms.opens_at,
        closes_at=terms.closes_at,
    )
    result = terms_for(quiz_plan(quiz), [grant])
    if result.opens_at and result.closes_at and result.closes_at <= result.opens_at:
        return {
            "closes_at": [
                gettext(
                    "“%(quiz)s” closes on %(when)s, before this opening: give a closing date too."
                )
                % {"quiz": quiz.title, "when": _when(result.closes_at)}
            ]
        }
    if not result.is_accommodated:
        why = []
        if terms.changes_time:
            why.append(gettext("it has no time limit"))
        if terms.extra_attempts:
            why.append(gettext("its attempts are unlimited"))
        if terms.opens_at or terms.closes_at:
            why.append(gettext("these are its own dates"))
        return {
            "__all__": [
                gettext("This changes nothing on “%(quiz)s”: %(why)s. Give other terms.")
                % {"quiz": quiz.title, "why": "; ".join(why)}
            ]
        }
    return {}


def accommodation_errors(
    *, course: Course, quiz: Quiz | None, students: Sequence[User], terms: AccommodationTerms
) -> dict[str, list[str]]:
    """Every reason these terms cannot be saved, by field, in words a teacher can act on."""
    errors = _number_errors(terms)
    numbers_read = not errors
    if not students:
        errors["students"] = [gettext("Choose at least one student.")]
    else:
        enrolled = set(
            Enrollment.objects.filter(
                course=course, role=Enrollment.Role.STUDENT, user__in=students
            ).values_list("user_id", flat=True)
        )
        strangers = [s for s in students if s.pk not in enrolled]
        if strangers:
            errors["students"] = [
                gettext("Not a student of this course: %(names)s.")
                % {"names": ", ".join(s.get_username() for s in strangers[:5])}
            ]
    if quiz is not None and (quiz.course_id != course.pk or quiz.practice_for_id is not None):
        errors["quiz"] = [gettext("Choose one of this course's quizzes, or every quiz.")]
    if terms.opens_at and terms.closes_at and terms.closes_at <= terms.opens_at:
        errors["closes_at"] = [gettext("The closing must come after the opening.")]
    if numbers_read and not terms.changes_anything:
        errors["__all__"] = [
            gettext(
                "This changes nothing: give more time (minutes or a multiplier), more attempts, "
                "or other dates."
            )
        ]
    elif quiz is not None and not errors:
        errors.update(_quiz_errors(quiz, terms))
    return errors


def _apply_to_open_attempts(
    *, course: Course, quiz_ids: set[int] | None, student_ids: set[int], now: datetime
) -> list[Attempt]:
    """Give the students' open attempts (at these quizzes; None: every quiz of the course) the
    deadline their terms give now: later at once, earlier never sooner than NOTICE from now.
    An attempt whose time had already run out is left as it was: it is submitted with the
    answers saved before its deadline. Takes the students' enrolment locks first, as
    start_attempt does, so no attempt starts on the old terms meanwhile."""
    list(
        Enrollment.objects.select_for_update()
        .filter(course=course, user_id__in=student_ids)
        .order_by("pk")
    )
    attempts = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__course", "student")
        .filter(
            quiz__course=course,
            quiz__practice_for__isnull=True,
            student_id__in=student_ids,
            state=Attempt.State.IN_PROGRESS,
        )
        .order_by("pk")
    )
    if quiz_ids is not None:
        attempts = attempts.filter(quiz_id__in=quiz_ids)
    moved = []
    for attempt in attempts:
        old = attempt.deadline_at
        if old is not None and now > old + GRACE:
            continue
        new = terms_of(attempt.quiz, attempt.student).deadline(attempt.started_at)
        deadline = moved_deadline(old=old, new=new, now=now, notice=NOTICE)
        if deadline != old:
            attempt.deadline_at = deadline
            attempt.save(update_fields=["deadline_at"])
            moved.append(attempt)
    return moved


def _clean_terms(terms: AccommodationTerms) -> AccommodationTerms:
    return replace(
        terms, label=typed_text(terms.label).strip(), note=typed_text(terms.note).strip()
    )


@transaction.atomic
def save_accommodation(
    *,
    course: Course,
    quiz: Quiz | None,
    students: Sequence[User],
    terms: AccommodationTerms,
    by: User,
    accommodation: Accommodation | None = None,
    now: datetime | None = None,
) -> Saved:
    """Add an accommodation (or change `accommodation`) for these students of the course, on
    one quiz or (quiz None) every quiz of the course, and apply it at once to their attempts in
    progress (students taken off it and the quiz it no longer covers included).

    Raises ValidationError keyed by field ("students", "quiz", "extra_minutes",
    "time_multiplier", "extra_attempts", "closes_at", "label", "note", "__all__")."""
    now = now or timezone.now()
    terms = _clean_terms(terms)
    errors = accommodation_errors(course=course, quiz=quiz, students=students, terms=terms)
    if accommodation is not None and accommodation.course_id != course.pk:
        errors["__all__"] = [gettext("This accommodation belongs to another course.")]
    if errors:
        raise ValidationError(errors)
    row = accommodation or Accommodation(course=course, created_by=by)
    before_students = set(row.students.values_list("pk", flat=True)) if row.pk else set()
    before_quiz = row.quiz_id if row.pk else quiz.pk if quiz else None
    row.quiz = quiz
    for name, value in asdict(terms).items():
        setattr(row, name, value)
    row.save()
    row.students.set(students)
    scope = None if quiz is None or before_quiz is None else {quiz.pk, before_quiz}
    moved = _apply_to_open_attempts(
        course=course,
        quiz_ids=scope,
        student_ids=before_students | {s.pk for s in students},
        now=now,
    )
    return Saved(accommodation=row, moved=moved)


@transaction.atomic
def remove_accommodation(*, accommodation: Accommodation, now: datetime | None = None) -> Saved:
    """Delete the accommodation; its students' attempts in progress go back to the terms that
    still apply (a shorter deadline never sooner than NOTICE from now)."""
    now = now or timezone.now()
    course = accommodation.course
    student_ids = set(accommodation.students.values_list("pk", flat=True))
    scope = None if accommodation.quiz_id is None else {accommodation.quiz_id}
    accommodation.delete()
    moved = _apply_to_open_attempts(course=course, quiz_ids=scope, student_ids=student_ids, now=now)
    return Saved(accommodation=None, moved=moved)
