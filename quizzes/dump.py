"""Writing the whole course pack — courseware content, questions, quizzes — to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w

from courseware import dump as courseware_dump
from courseware.models import Course, Source
from quizzes.models import Question, Quiz, QuizPool
from quizzes.pack import REVIEW_ASPECTS

QUIZ_SETTINGS = (
    *("attempts_allowed", "time_limit_minutes", "grading_method", "multiple_scoring"),
    *("shuffle_questions", "shuffle_choices", "layout"),
)


def questions_file() -> dict[str, Any]:
    questions = []
    # Rejected generated drafts are not part of the course; everything else is written.
    kept = Question.objects.exclude(status=Question.Status.REJECTED)
    for question in kept.prefetch_related("objectives", "versions__citations__source"):
        version = max(question.versions.all(), key=lambda v: v.number, default=None)
        if version is None:
            continue
        table: dict[str, Any] = {
            "id": question.key,
            "type": question.kind,
            "stem": version.stem,
            "objectives": [o.code for o in question.objectives.all()],
            "difficulty": question.difficulty,
        }
        if question.status != Question.Status.PUBLISHED:
            table["status"] = question.status
        if question.tags:
            table["tags"] = list(question.tags)
        table["explanation"] = version.explanation
        table["citations"] = [courseware_dump.citation(c) for c in version.citations.all()]
        table.update(version.data)
        questions.append(table)
    return {"question": questions}


def quizzes_file(course: Course) -> dict[str, Any]:
    quizzes = []
    for quiz in (
        Quiz.objects.filter(course=course, practice_for__isnull=True)
        .select_related("reading")
        .prefetch_related("slots__question", "pools__objective", "pools__source")
    ):
        table: dict[str, Any] = {"slug": quiz.slug, "title": quiz.title}
        if quiz.reading:
            table["reading"] = quiz.reading.slug
        table["description"] = quiz.description
        for name in QUIZ_SETTINGS:
            value = getattr(quiz, name)
            if value is not None:
                table[name] = value
        table["review"] = {aspect: getattr(quiz, f"review_{aspect}") for aspect in REVIEW_ASPECTS}
        entries: list[tuple[int, int, Any]] = [
            (
                slot.position,
                0,
                slot.question.key
                if slot.points == 1
                else {"id": slot.question.key, "points": float(slot.points)},
            )
            for slot in quiz.slots.all()
            if slot.pool_id is None  # a pool's drawn questions are the pool's
        ]
        entries += [(pool.position, 1, _pool_entry(pool)) for pool in quiz.pools.all()]
        table["questions"] = [entry for _position, _kind, entry in sorted(entries, key=_place)]
        quizzes.append(table)
    return {"quiz": quizzes}


def _place(entry: tuple[int, int, Any]) -> tuple[int, int]:
    return entry[0], entry[1]


def _pool_entry(pool: QuizPool) -> dict[str, Any]:
    """A pool as quizzes.toml lists it: `{ pool = { filters… }, count = N }`."""
    filters: dict[str, Any] = {}
    if pool.objective is not None:
        filters["objective"] = pool.objective.code
    if pool.tag:
        filters["tag"] = pool.tag
    if pool.difficulty is not None:
        filters["difficulty"] = pool.difficulty
    if pool.source is not None:
        filters["source"] = pool.source.slug
    if pool.kind:
        filters["type"] = pool.kind
    entry: dict[str, Any] = {"pool": filters, "count": pool.count}
    if pool.points != 1:
        entry["points"] = float(pool.points)
    return entry


def dump_pack(*, course: Course, output: Path) -> list[Path]:
    """Write the course's pack into `output` (sources, metadata, readings, prompts, timeline,
    questions, quizzes); returns the files written."""
    sources = list(
        Source.objects.filter(passages__readings__courses=course)
        .distinct()
        .order_by("position", "slug")
    )
    files: dict[str, dict[str, Any]] = {
        "sources.toml": courseware_dump.sources_file(sources),
        "course/course.toml": courseware_dump.course_file(course),
        "course/objectives.toml": courseware_dump.objectives_file(),
        "course/readings.toml": courseware_dump.readings_file(course),
        "course/prompts.toml": courseware_dump.prompts_file(course),
        "course/timeline.toml": courseware_dump.timeline_file(),
        "course/questions/bank.toml": questions_file(),
        "course/quizzes.toml": quizzes_file(course),
    }
    written = []
    for source in sources:
        path = output / "sources" / f"{source.slug}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(courseware_dump.source_bytes(source))
        written.append(path)
    for name, data in files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps(data, multiline_strings=False), encoding="utf-8")
        written.append(path)
    return written
