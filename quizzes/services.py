"""Writes that touch several rows: loading the pack's questions, and the attempt life cycle."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from courseware.ingest import Block, QuoteError
from courseware.models import Course, Enrollment, Objective, Reading, Source
from courseware.pack import CitationSpec, PackError, load_pack
from courseware.services import BuildSummary, build_course, quote_fields, without_nul
from quizzes.generator import SourceText, build_pool, generate, select, source_label
from quizzes.grading import grade, parse_answer, shuffled
from quizzes.models import (
    Attempt,
    Question,
    QuestionCitation,
    QuestionReport,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    Response,
)
from quizzes.pack import (
    QUIZZES_FILE,
    QuestionSpec,
    QuizSpec,
    load_questions,
    load_quizzes,
)

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
            citations=[
                {f: getattr(c, f) for f in ("source", "exact", "prefix", "suffix", "start", "end")}
                for c in version.citations.select_related("source")
            ],
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
    if question.status != Question.Status.RETIRED:
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
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id, student=student)
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
            response.answer = parse_answer(
                response.version.question.kind, response.version.data, form
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
        if response.answer is None:
            raise AttemptClosed("Answer the question before checking it.")
        if not response.is_checked:
            _grade(response, locked.quiz)
            response.is_checked = True
            response.save(update_fields=["points", "outcome", "parts", "is_checked"])
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
    pool = build_pool(source.text for source in pool_sources)
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
def start_practice(*, course: Course, student: AbstractBaseUser, keys: list[str]) -> Attempt:
    """An ungraded practice quiz of the given questions (the ones the student missed), started.

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
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=question, position=i)
        for i, question in enumerate(questions)
    )
    return start_attempt(quiz=quiz, student=student)
