"""Regrading a quiz's submitted responses against the current versions of its questions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from quizzes.grade_events import grades_changed
from quizzes.grading import Result, grade, parse_answer
from quizzes.models import Attempt, Question, QuestionVersion, Quiz, Regrade, Response
from quizzes.services.grades import _grade_reason
from quizzes.services.rows import update_rows


@dataclass(frozen=True)
class RegradeChange:
    """One submitted response graded against an older version of its question."""

    response_id: int
    student: str
    attempt_id: int
    attempt_number: int
    question: str  # the question's key
    number: int  # its number in the attempt, as the student saw it
    from_version: int
    to_version: int
    old_points: Decimal | None
    new_points: Decimal | None  # None when the answer no longer fits the new version
    old_outcome: str
    new_outcome: str

    @property
    def fits(self) -> bool:
        return self.new_points is not None

    @property
    def is_changed(self) -> bool:
        return self.fits and self.new_points != self.old_points


@dataclass(frozen=True)
class RegradeReport:
    changes: list[RegradeChange]  # by question, then student
    applied: bool

    @property
    def questions(self) -> dict[str, tuple[int, int, int]]:
        """Per question key: the oldest version its responses were graded against, the
        current version, and how many responses."""
        found: dict[str, tuple[int, int, int]] = {}
        for c in self.changes:
            oldest, _, count = found.get(c.question, (c.from_version, c.to_version, 0))
            found[c.question] = (min(oldest, c.from_version), c.to_version, count + 1)
        return found

    @property
    def changed(self) -> list[RegradeChange]:
        return [c for c in self.changes if c.is_changed]

    @property
    def regradable(self) -> list[RegradeChange]:
        return [c for c in self.changes if c.fits]

    @property
    def unfit(self) -> list[RegradeChange]:
        return [c for c in self.changes if not c.fits]


def _answer_form(kind: str, answer: Any) -> dict[str, list[str]] | None:
    """A stored answer as the form that would give it (parse_answer's inverse), or None."""
    if answer is None:
        return {}
    if kind in ("single", "numeric", "short") and isinstance(answer, str):
        return {"answer": [answer]}
    if kind == "numeric" and isinstance(answer, dict) and isinstance(answer.get("text"), str):
        return {"answer": [answer["text"]]}
    if kind == "multiple" and isinstance(answer, list):
        return {"answer": [str(a) for a in answer]}
    if kind == "true_false" and isinstance(answer, bool):
        return {"answer": ["true" if answer else "false"]}
    if kind in ("ordering", "matching") and isinstance(answer, dict):
        prefix = "position-" if kind == "ordering" else "match-"
        return {f"{prefix}{key}": [str(value)] for key, value in answer.items()}
    return None


def answer_fits(kind: str, data: Mapping[str, Any], answer: Any) -> bool:
    """Whether a stored answer is one the student could have given to this version: every
    choice, item and option it names still exists (a removed choice, say, does not fit)."""
    form = _answer_form(kind, answer)
    if form is None:
        return False
    try:
        # A number is read again the way it was read when given (legacy bare strings: "en").
        convention = "en"
        if kind == "numeric" and isinstance(answer, str):
            answer = {"text": answer, "convention": "en"}
        elif kind == "numeric" and isinstance(answer, dict):
            convention = str(answer.get("convention"))
        return bool(parse_answer(kind, data, form, convention=convention) == answer)
    except ValueError:  # AnswerError, or SpecError for data that no longer loads
        return False


def _display_name(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


def plan_regrade(*, quiz: Quiz, question: Question | None = None) -> RegradeReport:
    """What regrading the quiz would change now (reads only; `apply_regrade` writes it).

    The quiz's submitted responses that were graded against an older version of their question
    (after a teacher fixed it) are graded again, against the current version, with
    quizzes.grading.grade and the quiz's multiple scoring, when their answer still fits the new
    version (else they are reported as not fitting). With a question, only its responses.
    """
    current = _current_versions(quiz)
    graded = _regraded(quiz, current, _stale_responses(quiz, current, question))
    return RegradeReport(changes=[g.change for g in graded], applied=False)


@transaction.atomic
def apply_regrade(
    *,
    quiz: Quiz,
    reason: str,
    by: User | None,
    now: datetime | None = None,
    question: Question | None = None,
) -> RegradeReport:
    """Regrade what `plan_regrade` shows, as planned again under lock: every regraded response
    gets a Regrade row (who, why, old and new points), its new points, outcome, parts and
    version, and its attempt its new total, all in one transaction. An answer that no longer
    fits is reported and left as it is. Running again changes nothing. Raises ValidationError
    when there is no reason. With a question, only its responses are regraded.
    """
    reason = _grade_reason(reason)
    current = _current_versions(quiz)
    stale = _stale_responses(quiz, current, question)
    # The lock order of every write to an attempt's responses: the attempt rows first (in id
    # order, so two regrades queue rather than deadlock), the responses read after.
    attempt_ids = set(stale.values_list("attempt_id", flat=True))
    list(
        Attempt.objects.select_for_update()
        .filter(pk__in=attempt_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    graded = _regraded(quiz, current, stale)
    _write_regrades(graded, reason=reason, by=by, now=now)
    changed = [g.response.attempt.student_id for g in graded if g.change.is_changed]
    grades_changed(quiz_id=quiz.pk, student_ids=changed)
    return RegradeReport(changes=[g.change for g in graded], applied=True)


def _write_regrades(
    graded: list[_Regraded], *, reason: str, by: User | None, now: datetime | None
) -> None:
    """Store the regrades whose answer fits: Regrade rows, the responses' new grades and
    versions, their attempts' new totals."""
    regrades = []
    for item in graded:
        response, new, result = item.response, item.new, item.result
        if result is None:
            continue
        regrades.append(
            Regrade(
                response=response,
                from_version=response.version,
                to_version=new,
                old_points=response.points,
                new_points=result.points,
                old_outcome=response.outcome,
                new_outcome=result.outcome,
                reason=reason,
                created_by=by,
                created_at=now or timezone.now(),
            )
        )
        response.version = new
        response.points, response.outcome, response.parts = (
            result.points,
            result.outcome,
            result.parts,
        )
    if regrades:
        Regrade.objects.bulk_create(regrades)
        update_rows([r.response for r in regrades], ["version", "points", "outcome", "parts"])
        totals = (
            Response.objects.filter(attempt_id__in={r.response.attempt_id for r in regrades})
            .values("attempt_id")
            .annotate(total=Sum("points"))
        )
        update_rows(
            [Attempt(pk=t["attempt_id"], points=t["total"] or Decimal(0)) for t in totals],
            ["points"],
        )


def _current_versions(quiz: Quiz) -> dict[int, QuestionVersion]:
    """The current version of each of the quiz's questions, by question id."""
    current: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question__slots__quiz=quiz).order_by(
        "question_id", "-number"
    ):
        current.setdefault(version.question_id, version)
    return current


def _stale_responses(
    quiz: Quiz, current: dict[int, QuestionVersion], question: Question | None = None
) -> QuerySet[Response]:
    """The quiz's submitted responses (to one question, if given) graded against a version
    that is no longer current."""
    stale = Response.objects.filter(
        attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED
    ).exclude(version_id__in=[v.pk for v in current.values()])
    return stale if question is None else stale.filter(version__question=question)


@dataclass(frozen=True)
class _Regraded:
    """A stale response, its question's current version, and its grade against it (None when
    its answer no longer fits), with the change that makes."""

    change: RegradeChange
    response: Response
    new: QuestionVersion
    result: Result | None


def _regraded(
    quiz: Quiz, current: dict[int, QuestionVersion], stale: QuerySet[Response]
) -> list[_Regraded]:
    """Each stale response graded against its question's current version, by question then
    student (the order of the report)."""
    responses = list(
        stale.select_related("attempt__student", "version__question").order_by(
            "slot__position", "attempt__student_id", "attempt__number"
        )
    )
    graded: list[_Regraded] = []
    for response in responses:
        old, new = response.version, current[response.version.question_id]
        kind = old.question.kind
        result = (
            grade(
                kind,
                new.data,
                response.answer,
                max_points=response.max_points,
                multiple_scoring=quiz.multiple_scoring,
            )
            if answer_fits(kind, new.data, response.answer)
            else None
        )
        change = RegradeChange(
            response_id=response.pk,
            student=_display_name(response.attempt.student),
            attempt_id=response.attempt_id,
            attempt_number=response.attempt.number,
            question=old.question.key,
            number=response.position + 1,
            from_version=old.number,
            to_version=new.number,
            old_points=response.points,
            new_points=result.points if result else None,
            old_outcome=response.outcome,
            new_outcome=result.outcome if result else "",
        )
        graded.append(_Regraded(change, response, new, result))
    return graded
