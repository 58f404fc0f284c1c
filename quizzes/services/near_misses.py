"""Near misses: short answers marked wrong that come close to an accepted one, and accepting
one (a new version of the question, then a regrade of the quiz's responses to it)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quizzes.grading import MAX_TEXT, SpecError, grade, validate_spec
from quizzes.models import (
    Attempt,
    GradeOverride,
    Question,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    Response,
)
from quizzes.scores import kept_score
from quizzes.services.authoring import save_question_version
from quizzes.services.grades import _grade_reason
from quizzes.services.regrade import RegradeReport, apply_regrade
from quizzes.short_answers import Nearest, nearest, normalised


@dataclass(frozen=True)
class NearMiss:
    """One distinct wrong answer to a question (answers that differ only in case, accents,
    punctuation, spacing or articles are one), with how many gave it."""

    text: str  # as most students who gave it typed it
    responses: int
    students: int
    nearest: Nearest | None  # None: the question's current version accepts it already

    @property
    def percent(self) -> int | None:
        """How alike it is to the nearest accepted answer, in percent."""
        return round(self.nearest.similarity * 100) if self.nearest else None


@dataclass(frozen=True)
class QuestionMisses:
    slot: QuizQuestion
    version: QuestionVersion  # the question's current version
    misses: list[NearMiss]
    others: int  # distinct wrong answers near no accepted one

    @property
    def number(self) -> int:
        """The question's number in the quiz's own order (1 for the first)."""
        return self.slot.position + 1


def near_misses(quiz: Quiz) -> list[QuestionMisses]:
    """The quiz's short-answer questions (in quiz order) with the answers marked wrong in
    submitted attempts that are near an accepted answer of the question's current version
    (quizzes.short_answers.nearest) or that it now accepts (a version accepted them since,
    not yet regraded); most given first. Two queries."""
    slots = list(
        QuizQuestion.objects.filter(quiz=quiz, question__kind=Question.Kind.SHORT)
        .select_related("question")
        .order_by("position", "id")
    )
    current = _current_versions([slot.question_id for slot in slots])
    given: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    students: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = Response.objects.filter(
        attempt__quiz=quiz,
        attempt__state=Attempt.State.SUBMITTED,
        slot__in=slots,
        outcome=Response.Outcome.INCORRECT,
        answer__isnull=False,
    ).values_list("slot_id", "answer", "attempt__student_id")
    for slot_id, answer, student_id in rows:
        if isinstance(answer, str) and normalised(answer):
            given[slot_id][normalised(answer)][answer] += 1
            students[(slot_id, normalised(answer))].add(student_id)
    found = []
    for slot in slots:
        version = current.get(slot.question_id)
        if version is None:
            continue
        misses, others = [], 0
        for form, typed in given[slot.pk].items():
            text = _most_given(typed)
            miss = _near_miss(version, text, typed, len(students[(slot.pk, form)]))
            if miss is None:
                others += 1
            else:
                misses.append(miss)
        misses.sort(key=lambda m: (-m.responses, m.text.casefold()))
        found.append(QuestionMisses(slot=slot, version=version, misses=misses, others=others))
    return found


def _most_given(typed: Counter[str]) -> str:
    """The form most students typed; of forms as common, the shortest (fewest stray marks)."""
    return min(typed, key=lambda text: (-typed[text], len(text), text))


def _near_miss(
    version: QuestionVersion, text: str, typed: Counter[str], students: int
) -> NearMiss | None:
    accepted_now = grade(Question.Kind.SHORT, version.data, text).outcome == "correct"
    found = None if accepted_now else nearest(version.data["accepted"], text)
    if not accepted_now and found is None:
        return None
    return NearMiss(text=text, responses=sum(typed.values()), students=students, nearest=found)


def _current_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    current: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "-number"
    ):
        current.setdefault(version.question_id, version)
    return current


# Accepting an answer


@dataclass(frozen=True)
class ResponseChange:
    student_id: int
    student: str
    attempt_id: int
    attempt_number: int
    number: int  # the question's number in the attempt, as the student saw it
    answer: str
    old_points: Decimal | None
    new_points: Decimal


@dataclass(frozen=True)
class StudentChange:
    """A student's grade on the quiz, as the gradebook shows it, before and after."""

    student: str
    before: Decimal | None
    after: Decimal | None
    is_overridden: bool  # a teacher's override is in force: the grade stays as it is


@dataclass(frozen=True)
class AcceptPlan:
    slot: QuizQuestion
    stem: str
    answer: str
    is_new: bool  # False: an accepted answer is already exactly this (nothing to add)
    version: int  # the version number the responses will be graded against
    regraded: int  # responses graded again (every one of this quiz's to the question)
    changes: list[ResponseChange]  # those whose points change
    students: list[StudentChange] = field(default_factory=list)

    @property
    def question(self) -> Question:
        return self.slot.question


def _with_answer(current: QuestionVersion, slot: QuizQuestion, answer: str) -> dict[str, Any]:
    """The question's data with the answer among the accepted ones. Unchanged when an accepted
    answer already reads the same, unless responses graded against this very version still
    have it wrong (graded by an older rule of Fuente's matching): a new version, with the
    answer written out, then regrades them too."""
    data: dict[str, Any] = current.data
    wanted = normalised(answer)
    if any(normalised(text) == wanted for text in data["accepted"]):
        wrong = Response.objects.filter(
            slot=slot,
            version=current,
            attempt__state=Attempt.State.SUBMITTED,
            outcome=Response.Outcome.INCORRECT,
        ).values_list("answer", flat=True)
        if answer in data["accepted"] or not any(
            isinstance(text, str) and normalised(text) == wanted for text in wrong
        ):
            return data
    return {**data, "accepted": [*data["accepted"], answer]}


def _check_answer(slot: QuizQuestion, answer: str) -> str:
    """The answer to accept, stripped; ValidationError naming what is wrong otherwise."""
    if slot.question.kind != Question.Kind.SHORT:
        raise ValidationError(_("Only a short-answer question's answers can be accepted."))
    answer = answer.replace("\x00", "").strip()
    if not normalised(answer):
        raise ValidationError(_("Give the answer to accept: it has no letters or digits."))
    if len(answer) > MAX_TEXT:
        raise ValidationError(_("That answer is longer than any a student can give."))
    wanted = normalised(answer)
    given = Response.objects.filter(
        slot=slot, attempt__state=Attempt.State.SUBMITTED, answer__isnull=False
    ).values_list("answer", flat=True)
    if not any(isinstance(a, str) and normalised(a) == wanted for a in given):
        raise ValidationError(
            _("No submitted answer to this question is “%(answer)s”: there is nothing to accept.")
            % {"answer": answer}
        )
    return answer


def plan_accept_answer(*, quiz: Quiz, slot: QuizQuestion, answer: str) -> AcceptPlan:
    """What accepting `answer` for the slot's short-answer question would change (reads only;
    `accept_answer` does it): the answer joins the accepted answers of a new version of the
    question (or of the current one, when nobody has answered that), and the quiz's submitted
    responses to the question are graded again against it, as `apply_regrade` will. Raises
    ValidationError for an answer that cannot be accepted."""
    answer = _check_answer(slot, answer)
    current = slot.question.current_version()
    if current is None:
        raise ValidationError(_("This question has no content yet."))
    data = _with_answer(current, slot, answer)
    is_new = data != current.data
    responses = Response.objects.filter(
        attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED, slot=slot
    ).select_related("attempt__student")
    if not is_new:
        responses = responses.exclude(version=current)
    regraded = list(responses.order_by("attempt__student_id", "attempt__number"))
    changes = []
    for response in regraded:
        result = grade(
            Question.Kind.SHORT,
            data,
            response.answer,
            max_points=response.max_points,
            multiple_scoring=quiz.multiple_scoring,
        )
        if result.points != response.points:
            changes.append(_change(response, result.points))
    number = current.number + 1 if is_new and current.responses.exists() else current.number
    return AcceptPlan(
        slot=slot,
        stem=current.stem,
        answer=answer,
        is_new=is_new,
        version=number,
        regraded=len(regraded),
        changes=changes,
        students=_students(quiz, changes),
    )


def _change(response: Response, new_points: Decimal) -> ResponseChange:
    student = response.attempt.student
    return ResponseChange(
        student_id=student.pk,
        student=str(student.get_full_name() or student.get_username()),
        attempt_id=response.attempt_id,
        attempt_number=response.attempt.number,
        number=response.position + 1,
        answer=response.answer if isinstance(response.answer, str) else "",
        old_points=response.points,
        new_points=new_points,
    )


def _students(quiz: Quiz, changes: list[ResponseChange]) -> list[StudentChange]:
    """Each student with a changed response: their quiz grade now and after the regrade."""
    delta: dict[int, Decimal] = defaultdict(Decimal)
    for change in changes:
        delta[change.attempt_id] += change.new_points - (change.old_points or Decimal(0))
    attempts = (
        Attempt.objects.filter(
            quiz=quiz,
            state=Attempt.State.SUBMITTED,
            student_id__in={change.student_id for change in changes},
        )
        .select_related("student")
        .order_by("student_id", "number")
    )
    by_student: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_student[attempt.student_id].append(attempt)
    overrides: dict[int, Decimal | None] = {}
    for student_id, points in GradeOverride.objects.filter(
        quiz=quiz, student_id__in=list(by_student)
    ).values_list("student_id", "points"):  # newest first (the model's ordering)
        overrides.setdefault(student_id, points)
    found = []
    for student_id, rows in by_student.items():
        before = [a.points if a.points is not None else Decimal(0) for a in rows]
        after = [
            points + delta.get(a.pk, Decimal(0)) for a, points in zip(rows, before, strict=True)
        ]
        override = overrides.get(student_id)
        user = rows[0].student
        found.append(
            StudentChange(
                student=str(user.get_full_name() or user.get_username()),
                before=kept_score(before, quiz.grading_method) if override is None else override,
                after=kept_score(after, quiz.grading_method) if override is None else override,
                is_overridden=override is not None,
            )
        )
    return sorted(found, key=lambda s: s.student.casefold())


@transaction.atomic
def accept_answer(
    *, quiz: Quiz, slot: QuizQuestion, answer: str, reason: str, by: User
) -> RegradeReport:
    """Accept `answer` for the slot's short-answer question, as `plan_accept_answer` shows:
    the question gets a new version (as editing it in the admin does; other quizzes using it
    see the new version, and their own regrade pages list their responses) and this quiz's
    submitted responses to it are regraded, each with a Regrade row saying who and why.
    Raises ValidationError for an answer that cannot be accepted or a missing reason."""
    reason = _grade_reason(reason)
    answer = _check_answer(slot, answer)
    # Two teachers accepting at once would both make "the next version": the second waits.
    question = Question.objects.select_for_update().get(pk=slot.question_id)
    current = question.current_version()
    if current is None:
        raise ValidationError(_("This question has no content yet."))
    data = _with_answer(current, slot, answer)
    try:
        validate_spec(question.kind, data)
    except SpecError as error:
        raise ValidationError(str(error)) from error
    save_question_version(
        question,
        stem=current.stem,
        data=data,
        explanation=current.explanation,
        citations=[c.anchor_fields() for c in current.citations.select_related("source")],
    )
    return apply_regrade(quiz=quiz, question=question, reason=reason, by=by)
