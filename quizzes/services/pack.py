"""Loading the course pack's questions and quizzes, after the course itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from courseware.models import Course, Objective, Reading, Source
from courseware.pack import PackError, load_pack
from courseware.services.citations import anchor_citations
from courseware.services.pack import BuildSummary, build_course
from quizzes.models import Question, Quiz, QuizPool, QuizQuestion, Response
from quizzes.pack import QUIZZES_FILE, QuestionSpec, QuizSpec, load_questions, load_quizzes
from quizzes.services.authoring import save_question_version, set_question_status


def _sync_question(
    spec: QuestionSpec, sources: Mapping[str, Source], objectives: Mapping[str, Objective]
) -> Question:
    item = f"question {spec.key!r}"
    citations = anchor_citations(spec.citations, sources, spec.file, item)
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
    # The pack lists the quiz's fixed questions; those its pools drew are the pools' own.
    fixed = QuizQuestion.objects.filter(quiz=quiz, pool__isnull=True)
    current = {slot.question_id: slot for slot in fixed}
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
    fixed.update(position=F("position") + 10_000)
    for slot_spec in spec.slots:
        question_id = questions[slot_spec.question].pk
        QuizQuestion.objects.update_or_create(
            quiz=quiz,
            question_id=question_id,
            # A question a pool drew before the pack fixed it becomes a fixed question.
            defaults={"position": slot_spec.position, "points": slot_spec.points, "pool": None},
        )
    _sync_pools(quiz, spec, item)
    return quiz


def _sync_pools(quiz: Quiz, spec: QuizSpec, item: str) -> None:
    """The quiz's pools as the pack lists them, each known by its place in the list; a pool
    whose drawn questions students have answered cannot be removed."""
    for pool in quiz.pools.exclude(position__in=[p.position for p in spec.pools]):
        if Response.objects.filter(slot__pool=pool).exists():
            raise PackError(
                QUIZZES_FILE,
                item,
                f"the pool at place {pool.position + 1} has answers in this quiz and cannot be "
                "removed; keep it in the list at the same place.",
            )
        pool.delete()
    for pool_spec in spec.pools:
        where = f"{item} pool at place {pool_spec.position + 1}"
        objective = Objective.objects.filter(code=pool_spec.objective).first()
        if pool_spec.objective and objective is None:
            raise PackError(QUIZZES_FILE, where, f"objective {pool_spec.objective!r} is unknown.")
        source = Source.objects.filter(slug=pool_spec.source).first()
        if pool_spec.source and source is None:
            raise PackError(QUIZZES_FILE, where, f"source {pool_spec.source!r} is unknown.")
        QuizPool.objects.update_or_create(
            quiz=quiz,
            position=pool_spec.position,
            defaults={
                "count": pool_spec.count,
                "points": pool_spec.points,
                "objective": objective,
                "tag": pool_spec.tag,
                "difficulty": pool_spec.difficulty,
                "source": source,
                "kind": pool_spec.kind,
            },
        )


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
        log(f"  quiz {spec.slug}: {len(spec.slots)} questions, {len(spec.pools)} pools")
    return summary, len(questions), len(quizzes)
