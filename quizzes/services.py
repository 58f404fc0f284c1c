"""Writes that touch several rows: loading the pack's questions, and the attempt life cycle."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from courseware.ingest import Block, QuoteError
from courseware.models import Course, Enrollment, Objective, Reading, Source
from courseware.pack import CitationSpec, PackError, load_pack
from courseware.services import BuildSummary, build_course, quote_fields, without_nul
from quizzes.display import answer_fields
from quizzes.generator import SourceText, build_pool, generate, load_lexicon, select, source_label
from quizzes.grading import grade, parse_answer, shuffled
from quizzes.models import (
    Attempt,
    GradeOverride,
    Question,
    QuestionCitation,
    QuestionReport,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    Regrade,
    Response,
)
from quizzes.pack import (
    QUIZZES_FILE,
    QuestionSpec,
    QuizSpec,
    load_questions,
    load_quizzes,
)
from quizzes.review import ASPECTS

# Saves that arrive this long after the deadline still count: the request was on its way.
GRACE = timedelta(seconds=30)


class QuizUnavailable(Exception):
    """The student may not start this quiz now; the message says why."""


class AttemptClosed(Exception):
    """The attempt no longer takes answers; the message says why."""


class StaleAnswer(Exception):
    """A save based on an older state of the response (another tab or device saved since)."""


# ---------------------------------------------------------------------------------------------
# Questions


@transaction.atomic
def save_question_version(
    question: Question,
    *,
    stem: str,
    data: dict[str, Any],
    explanation: str,
    citations: list[dict[str, Any]],
) -> QuestionVersion:
    """Store what a question asks. Unchanged content changes nothing; a version nobody has
    answered is edited in place; a version with responses is kept as it is (its responses stay
    graded against it) and a new version is made."""
    version = question.current_version()
    if version is not None:
        same = (
            version.stem == stem
            and version.data == json.loads(json.dumps(data))
            and version.explanation == explanation
            and [(c.source_id, c.exact, c.start, c.end) for c in version.citations.all()]
            == [(c["source"].pk, c["exact"], c["start"], c["end"]) for c in citations]
        )
        if same:
            return version
        if version.responses.exists():
            version = None
    if version is None:
        number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = QuestionVersion.objects.create(
            question=question, number=number, stem=stem, data=data, explanation=explanation
        )
    else:
        version.stem, version.data, version.explanation = stem, data, explanation
        version.save(update_fields=["stem", "data", "explanation"])
        version.citations.all().delete()
    QuestionCitation.objects.bulk_create(
        QuestionCitation(version=version, position=i, **fields)
        for i, fields in enumerate(citations)
    )
    return version


def set_question_status(question: Question, status: str) -> None:
    """Change a question's status; publishing needs at least one citation that anchors."""
    if status == Question.Status.PUBLISHED:
        version = question.current_version()
        citations = list(version.citations.select_related("source")) if version else []
        if not citations:
            raise ValidationError(f"{question.key} cannot be published: it has no citation.")
        for citation in citations:
            citation.full_clean()
    question.status = status
    question.save(update_fields=["status", "updated_at"])


def _mark_reviewed(question: Question, by: Any, now: datetime) -> None:
    if question.origin == Question.Origin.GENERATED and question.reviewed_at is None:
        question.reviewed_by, question.reviewed_at = by, now


@transaction.atomic
def author_question(
    *,
    question: Question,
    stem: str,
    data: dict[str, Any],
    explanation: str,
    citations: list[dict[str, Any]],
    by: Any,
) -> QuestionVersion:
    """Save a question written or edited in the admin (its own fields already set on it) and
    what it asks. A new question is the teacher's; publishing a generated draft after editing
    it counts as accepting it. Publishing needs a citation that anchors (ValidationError)."""
    now = timezone.now()
    if question.pk is None:
        question.origin, question.created_by = Question.Origin.TEACHER, by
    if question.status == Question.Status.PUBLISHED:
        _mark_reviewed(question, by, now)
    question.save()
    version = save_question_version(
        question, stem=stem, data=data, explanation=explanation, citations=citations
    )
    if question.status == Question.Status.PUBLISHED:
        set_question_status(question, question.status)  # checks its citations anchor
    return version


def set_questions_status(*, questions: list[Question], status: str, by: Any) -> list[str]:
    """Move questions to a status (the admin's bulk actions). Returns the problems, one per
    question that could not move (e.g. publishing one without a citation); the others move."""
    if status == Question.Status.REJECTED:
        raise ValidationError("Reject a generated draft from the review queue, with a reason.")
    problems = []
    now = timezone.now()
    for question in questions:
        try:
            with transaction.atomic():
                set_question_status(question, status)
                if status == Question.Status.PUBLISHED and question.reviewed_at is None:
                    _mark_reviewed(question, by, now)
                    question.save(update_fields=["reviewed_by", "reviewed_at"])
        except ValidationError as error:
            problems.append(" ".join(error.messages))
    return problems


@transaction.atomic
def duplicate_question(*, question: Question, by: Any) -> Question:
    """A draft copy of a question (what it asks, its citations, objectives and tags) that the
    teacher can change freely: the original and its students' answers are untouched."""
    base = f"{question.key[:100]}-copy"
    key, number = base, 1
    while Question.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    copy = Question.objects.create(
        key=key,
        kind=question.kind,
        status=Question.Status.DRAFT,
        origin=Question.Origin.TEACHER,
        difficulty=question.difficulty,
        tags=list(question.tags),
        created_by=by,
    )
    copy.objectives.set(question.objectives.all())
    version = question.current_version()
    if version is not None:
        save_question_version(
            copy,
            stem=version.stem,
            data=version.data,
            explanation=version.explanation,
            citations=[c.anchor_fields() for c in version.citations.select_related("source")],
        )
    return copy


def _pending_draft(question: Question) -> None:
    if question.origin != Question.Origin.GENERATED or question.status != Question.Status.DRAFT:
        raise ValidationError(f"{question.key} is not a generated draft waiting for review.")


@transaction.atomic
def accept_draft(*, question: Question, by: Any) -> None:
    """Publish a generated draft as it is (it must have a citation that anchors)."""
    _pending_draft(question)
    set_question_status(question, Question.Status.PUBLISHED)
    _mark_reviewed(question, by, timezone.now())
    question.save(update_fields=["reviewed_by", "reviewed_at"])


@transaction.atomic
def reject_draft(*, question: Question, reason: str, by: Any) -> None:
    """Reject a generated draft; the reason is kept, to improve the rule that made it."""
    _pending_draft(question)
    reason = without_nul(reason).strip()
    if not reason:
        raise ValidationError("Say why the draft is rejected: it tells us how to fix its rule.")
    if len(reason) > 2000:
        raise ValidationError("Keep the reason under 2,000 characters.")
    question.status, question.rejection_reason = Question.Status.REJECTED, reason
    question.reviewed_by, question.reviewed_at = by, timezone.now()
    question.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )


def _resolve_citations(
    specs: tuple[CitationSpec, ...], sources: Mapping[str, Source], file: str, item: str
) -> list[dict[str, Any]]:
    resolved = []
    for number, spec in enumerate(specs, start=1):
        try:
            resolved.append(
                quote_fields(sources[spec.source], spec.quote, spec.prefix, spec.suffix)
            )
        except QuoteError as error:
            raise PackError(file, f"{item}, citation {number}", str(error)) from error
    return resolved


def _sync_question(
    spec: QuestionSpec, sources: Mapping[str, Source], objectives: Mapping[str, Objective]
) -> Question:
    item = f"question {spec.key!r}"
    citations = _resolve_citations(spec.citations, sources, spec.file, item)
    question, _ = Question.objects.get_or_create(
        key=spec.key, defaults={"kind": spec.kind, "origin": Question.Origin.PACK}
    )
    if question.kind != spec.kind:
        if Response.objects.filter(version__question=question).exists():
            raise PackError(
                spec.file,
                item,
                "students have answered it as another type; give the new question a new id.",
            )
        question.kind = spec.kind
    question.difficulty = spec.difficulty
    question.tags = list(spec.tags)
    question.save(update_fields=["kind", "difficulty", "tags", "updated_at"])
    question.objectives.set([objectives[code] for code in spec.objectives])
    save_question_version(
        question, stem=spec.stem, data=spec.data, explanation=spec.explanation, citations=citations
    )
    if spec.status != Question.Status.PUBLISHED:
        set_question_status(question, spec.status)
    elif question.status != Question.Status.RETIRED:  # retired in the admin: it stays retired
        set_question_status(question, Question.Status.PUBLISHED)
    return question


def _sync_quiz(spec: QuizSpec, course: Course, questions: Mapping[str, Question]) -> Quiz:
    item = f"quiz {spec.slug!r}"
    quiz = Quiz.objects.filter(course=course, slug=spec.slug).first() or Quiz(
        course=course, slug=spec.slug
    )
    quiz.title, quiz.description = spec.title, spec.description
    quiz.reading = Reading.objects.get(slug=spec.reading) if spec.reading else None
    for field, value in spec.settings.items():
        setattr(quiz, field, value)
    try:
        quiz.full_clean(exclude=["position"])
    except ValidationError as error:
        raise PackError(QUIZZES_FILE, item, "; ".join(error.messages)) from error
    quiz.save()

    wanted = [questions[slot.question].pk for slot in spec.slots]
    current = {slot.question_id: slot for slot in quiz.slots.all()}
    for question_id, slot in current.items():
        if question_id not in wanted:
            if slot.responses.exists():
                raise PackError(
                    QUIZZES_FILE,
                    item,
                    f"question {slot.question.key!r} has answers in this quiz and cannot be "
                    "removed; retire the question instead.",
                )
            slot.delete()
    # Positions are unique per quiz: move the kept slots out of the way before renumbering.
    QuizQuestion.objects.filter(quiz=quiz).update(position=F("position") + 10_000)
    for position, slot_spec in enumerate(spec.slots):
        question_id = questions[slot_spec.question].pk
        QuizQuestion.objects.update_or_create(
            quiz=quiz,
            question_id=question_id,
            defaults={"position": position, "points": slot_spec.points},
        )
    return quiz


@transaction.atomic
def build_pack(
    *, seeds_dir: Path, log: Callable[[str], None] = lambda line: None
) -> tuple[BuildSummary, int, int]:
    """Build the course (sources, readings…) then its questions and quizzes, all or nothing."""
    summary = build_course(seeds_dir=seeds_dir, log=log)
    pack = load_pack(seeds_dir)
    objectives = {o.code: o for o in Objective.objects.all()}
    sources = {s.slug: s for s in Source.objects.all()}
    specs = load_questions(seeds_dir, set(objectives))
    questions = {spec.key: _sync_question(spec, sources, objectives) for spec in specs}
    log(f"  questions: {len(questions)}")
    course = Course.objects.get(slug=pack.course.slug)
    quizzes = load_quizzes(seeds_dir, set(questions), {r.slug for r in pack.readings})
    for position, spec in enumerate(quizzes):
        quiz = _sync_quiz(spec, course, questions)
        Quiz.objects.filter(pk=quiz.pk).update(position=position)
        log(f"  quiz {spec.slug}: {len(spec.slots)} questions")
    return summary, len(questions), len(quizzes)


# ---------------------------------------------------------------------------------------------
# Attempts


def _deadline(quiz: Quiz, started_at: datetime) -> datetime | None:
    ends = (
        [started_at + timedelta(minutes=quiz.time_limit_minutes)] if quiz.time_limit_minutes else []
    )
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def start_attempt(*, quiz: Quiz, student: AbstractBaseUser, now: datetime | None = None) -> Attempt:
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
        if not quiz.is_published or (quiz.opens_at and now < quiz.opens_at):
            opens = (
                f" It opens {timezone.localtime(quiz.opens_at):%B %-d at %H:%M}."
                if quiz.opens_at
                else ""
            )
            raise QuizUnavailable(f"This quiz is not open yet.{opens}")
        if quiz.is_closed_at(now):
            raise QuizUnavailable("This quiz has closed; you can no longer start an attempt.")
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
    student: AbstractBaseUser,
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
        raise AttemptClosed(
            "Time is up: your attempt was submitted with the answers you had saved before "
            "the deadline."
        )
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
        raise AttemptClosed(
            "Time is up: your attempt was submitted with the answers you had saved before "
            "the deadline."
        )
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


def report_problem(*, response: Response, student: AbstractBaseUser, text: str) -> QuestionReport:
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


# ---------------------------------------------------------------------------------------------
# Generated drafts


@transaction.atomic
def generate_drafts(
    *,
    sources: list[Source],
    limit: int | None,
    seed: int,
    distractor_pool: list[Source] | None = None,
) -> list[Question]:
    """Propose draft questions from the sources' cleaned texts, by rules (quizzes.generator).

    Distractors come from the texts of `distractor_pool` (by default every source in the
    database). At most `limit` new drafts per source (None: no limit), taken in turn from each
    rule. Each draft is saved with status "draft", origin "generated", difficulty 2, no
    objectives, the rule that made it, and one citation: the sentence it was made from. Keys
    are stable (source, rule and sentence), so a key that already exists is skipped and running
    again adds nothing twice. Drafts never reach students until a teacher publishes them.
    Returns the questions created, source by source.
    """
    pool_sources = list(Source.objects.all()) if distractor_pool is None else distractor_pool
    lexicon = load_lexicon(settings.SEEDS_DIR)  # the pack's course/lexicon.toml, if any
    pool = build_pool((source.text for source in pool_sources), lexicon=lexicon)
    created: list[Question] = []
    for source in sources:
        blocks = tuple(
            Block(p.kind, p.text, p.start, p.end, p.section) for p in source.passages.all()
        )
        text = SourceText(
            slug=source.slug,
            label=source_label(source.publisher, source.author, source.title),
            published=source.published,
            text=source.text,
            blocks=blocks,
        )
        drafts = generate(text, seed=seed, pool=pool)
        existing = set(
            Question.objects.filter(key__in=[d.key for d in drafts]).values_list("key", flat=True)
        )
        for draft in select([d for d in drafts if d.key not in existing], limit):
            question = Question.objects.create(
                key=draft.key,
                kind=draft.kind,
                status=Question.Status.DRAFT,
                origin=Question.Origin.GENERATED,
                difficulty=2,
                generator_rule=draft.rule,
            )
            save_question_version(
                question,
                stem=draft.stem,
                data=draft.data,
                explanation=draft.explanation,
                citations=[quote_fields(source, draft.quote)],
            )
            created.append(question)
    return created


@transaction.atomic
def start_practice(
    *, course: Course, student: AbstractBaseUser, keys: list[str], policy: Mapping[str, str]
) -> Attempt:
    """An ungraded practice quiz of the given questions (the ones the student missed), started.
    `policy` is its review policy by aspect (selectors.StudentAnswers.practice_policy): never
    more than the quizzes the questions were answered in show.

    Raises QuizUnavailable when none of them can be practised.
    """
    by_key = {
        q.key: q for q in Question.objects.filter(key__in=keys, status=Question.Status.PUBLISHED)
    }
    questions = [by_key[key] for key in keys if key in by_key]
    if not questions:
        raise QuizUnavailable("Nothing to practise: you have no missed questions right now.")
    quiz = Quiz.objects.create(
        course=course,
        practice_for=student,
        slug=f"practice-{student.pk}-{uuid.uuid4().hex[:10]}",
        title="Practice: the questions you missed",
        description="Not graded: practise as often as you like.",
        **{f"review_{aspect}": policy.get(aspect, Quiz.Review.NEVER) for aspect in ASPECTS},
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=question, position=i)
        for i, question in enumerate(questions)
    )
    return start_attempt(quiz=quiz, student=student)


# ---------------------------------------------------------------------------------------------
# Grades: teachers' overrides and regrades


def _grade_reason(reason: str) -> str:
    reason = without_nul(reason).strip()
    if not reason:
        raise ValidationError({"reason": ["Give a reason: it is kept in the grade's history."]})
    if len(reason) > 2000:
        raise ValidationError({"reason": ["Keep the reason under 2,000 characters."]})
    return reason


@transaction.atomic
def override_grade(
    *,
    quiz: Quiz,
    student: AbstractBaseUser,
    points: Decimal | None,
    reason: str,
    by: AbstractBaseUser,
    now: datetime | None = None,
) -> GradeOverride:
    """Give a student a teacher's grade on a quiz in place of their kept attempt score, or,
    with `points` None, remove the override in force so the attempts count again. Either way a
    new row is added: the grade's history keeps who, when and why.

    Raises ValidationError keyed by "points", "reason" or "student", with a message a teacher
    can act on: points outside 0 to the quiz's possible points or finer than 0.01, no reason,
    no override to remove, or a student who is not a student of the quiz's course.
    """
    if not Enrollment.objects.filter(
        course_id=quiz.course_id, user_id=student.pk, role=Enrollment.Role.STUDENT
    ).exists():
        raise ValidationError({"student": ["This person is not a student of this course."]})
    errors: dict[str, list[str]] = {}
    if points is None:
        current = GradeOverride.objects.filter(quiz=quiz, student_id=student.pk).first()
        if current is None or current.points is None:
            errors["points"] = ["There is no override to remove."]
    else:
        possible = quiz.slots.aggregate(p=Sum("points"))["p"] or Decimal(0)
        if not points.is_finite() or not 0 <= points <= possible:
            errors["points"] = [f"Give points from 0 to {possible.normalize():f}."]
        elif points != points.quantize(Decimal("0.01")):
            errors["points"] = ["Give points with at most two decimal places."]
    try:
        reason = _grade_reason(reason)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    return GradeOverride.objects.create(
        quiz=quiz,
        student=student,
        points=points,
        reason=reason,
        created_by=by,
        created_at=now or timezone.now(),
    )


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
        return bool(parse_answer(kind, data, form) == answer)
    except ValueError:  # AnswerError, or SpecError for data that no longer loads
        return False


def _display_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def regrade_quiz(
    *,
    quiz: Quiz,
    reason: str,
    by: AbstractBaseUser | None,
    dry_run: bool,
    now: datetime | None = None,
) -> RegradeReport:
    """Grade again, against their question's current version, the quiz's submitted responses
    that were graded against an older version (after a teacher fixed a question).

    Each is graded with quizzes.grading.grade and the quiz's multiple scoring, only if its
    answer still fits the new version (else it is reported and left as it is). With `dry_run`
    nothing is written; otherwise every regraded response gets a Regrade row (who, why, old and
    new points), its new points, outcome, parts and version, and its attempt its new total,
    all in one transaction. Running again changes nothing. Raises ValidationError (no reason)
    when not a dry run.
    """
    if not dry_run:
        reason = _grade_reason(reason)
    current: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question__slots__quiz=quiz).order_by(
        "question_id", "-number"
    ):
        current.setdefault(version.question_id, version)
    stale = Response.objects.filter(
        attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED
    ).exclude(version_id__in=[v.pk for v in current.values()])
    if not dry_run:
        # The lock order of every write to an attempt's responses: the attempt rows first (in
        # id order, so two regrades queue rather than deadlock), the responses read after.
        attempt_ids = set(stale.values_list("attempt_id", flat=True))
        list(
            Attempt.objects.select_for_update()
            .filter(pk__in=attempt_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    responses = list(
        stale.select_related("attempt__student", "version__question").order_by(
            "slot__position", "attempt__student_id", "attempt__number"
        )
    )
    changes, regrades = [], []
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
        changes.append(
            RegradeChange(
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
        )
        if result is None or dry_run:
            continue
        regrades.append(
            Regrade(
                response=response,
                from_version=old,
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
        Response.objects.bulk_update(
            [r.response for r in regrades], ["version", "points", "outcome", "parts"]
        )
        totals = (
            Response.objects.filter(attempt_id__in={r.response.attempt_id for r in regrades})
            .values("attempt_id")
            .annotate(total=Sum("points"))
        )
        Attempt.objects.bulk_update(
            [Attempt(pk=t["attempt_id"], points=t["total"] or Decimal(0)) for t in totals],
            ["points"],
        )
    return RegradeReport(changes=changes, applied=not dry_run)
