"""Reading a course pack's questions and quizzes (TOML in, dataclasses out; no database)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from courseware.pack import (
    COURSE_DIR,
    CitationSpec,
    PackError,
    Table,
    check_unique,
    load_sources,
    parse_citations,
    read_toml,
)
from quizzes.grading import DEFAULT_SCORING, KINDS, SCORINGS, SpecError, validate_spec

QUESTIONS_DIR = f"{COURSE_DIR}/questions"
QUIZZES_FILE = f"{COURSE_DIR}/quizzes.toml"
# Keys of a [[question]] table that are not its type-specific answer data.
QUESTION_KEYS = {
    "id",
    "type",
    "stem",
    "objectives",
    "difficulty",
    "tags",
    "explanation",
    "citations",
    "status",
}
# A pack question is published unless it says otherwise; a draft may have no citation yet.
STATUSES = ("published", "draft", "retired")
# Labels teachers filter by, and the pack's own checks count.
TAGS = ("disagreement", "as-of-date", "timeline", "source-judging")
DATA_KEYS = {
    *("choices", "answer", "feedback_true", "feedback_false", "tolerance", "min", "max", "unit"),
    *("accepted", "patterns", "items", "pairs", "distractors"),
}
REVIEW_MOMENTS = ("immediately", "after_submit", "after_close", "never")
# What a pool entry of a quiz's questions list may filter by.
POOL_FILTERS = ("objective", "tag", "difficulty", "source", "type")
REVIEW_ASPECTS = ("correctness", "points", "feedback", "answer", "citations")


@dataclass(frozen=True)
class QuestionSpec:
    file: str
    key: str
    kind: str
    stem: str
    objectives: tuple[str, ...]
    difficulty: int
    tags: tuple[str, ...]
    explanation: str
    citations: tuple[CitationSpec, ...]
    data: dict[str, Any]
    status: str = "published"


@dataclass(frozen=True)
class SlotSpec:
    question: str
    points: Decimal
    position: int = 0  # its place in the quiz's questions list


@dataclass(frozen=True)
class PoolSpec:
    """A `{ pool = {…}, count = N }` entry: N questions drawn for each attempt from the
    published ones matching every filter given (objective code, tag, difficulty, source slug,
    type). Its place in the list is its identity when the pack is built again."""

    position: int
    count: int
    points: Decimal
    objective: str = ""
    tag: str = ""
    difficulty: int | None = None
    source: str = ""
    kind: str = ""


@dataclass(frozen=True)
class QuizSpec:
    slug: str
    title: str
    reading: str
    description: str
    settings: dict[str, Any]
    slots: tuple[SlotSpec, ...]
    pools: tuple[PoolSpec, ...] = ()


def load_questions(root: Path, objectives: set[str]) -> tuple[QuestionSpec, ...]:
    """Read every course/questions/*.toml (in name order), checking each question's shape and
    answer data. Ids are unique across all the files."""
    sources = {s.slug for s in load_sources(root)}
    specs = []
    for path in sorted((root / QUESTIONS_DIR).glob("*.toml")):
        file = str(path.relative_to(root))
        for index, raw in enumerate(read_toml(path, root).get("question", []), 1):
            specs.append(_question(raw, file, f"question #{index}", sources, objectives))
    check_unique(QUESTIONS_DIR, "question", [q.key for q in specs])
    return tuple(specs)


def _question(
    raw: Any, file: str, where: str, sources: set[str], objectives: set[str]
) -> QuestionSpec:
    table = Table(raw, file, where, QUESTION_KEYS | DATA_KEYS)
    key = table.text("id")
    item = f"question {key!r}"
    kind = table.text("type")
    if kind not in KINDS:
        raise PackError(file, item, f"type {kind!r} is not one of {', '.join(KINDS)}.")
    codes = tuple(table.items("objectives"))
    unknown = [code for code in codes if code not in objectives]
    if unknown:
        raise PackError(file, item, f"objective(s) {', '.join(unknown)} not in objectives.toml.")
    difficulty = table.number("difficulty", 2)
    if difficulty not in (1, 2, 3):
        raise PackError(file, item, "difficulty must be 1 (easy), 2 or 3 (hard).")
    tags = tuple(table.items("tags"))
    if any(tag not in TAGS for tag in tags):
        raise PackError(file, item, f"tags must be among {', '.join(TAGS)}.")
    status = table.text("status", "published")
    if status not in STATUSES:
        raise PackError(file, item, f"status must be one of {', '.join(STATUSES)}.")
    if status == "published" and not codes:
        raise PackError(
            file,
            item,
            gettext(
                "a published question needs at least one objective, so it counts toward mastery."
            ),
        )
    data = {k: v for k, v in raw.items() if k in DATA_KEYS}
    try:
        validate_spec(kind, data)
    except SpecError as error:
        raise PackError(file, item, str(error)) from error
    return QuestionSpec(
        file=file,
        key=key,
        kind=kind,
        stem=" ".join(table.text("stem").split()),
        objectives=codes,
        difficulty=difficulty,
        tags=tags,
        explanation=" ".join(table.text("explanation", "").split()),
        citations=()
        if status == "draft" and not raw.get("citations")
        else parse_citations(raw.get("citations"), file, item, sources),
        data=data,
        status=status,
    )


def load_quizzes(root: Path, questions: set[str], readings: set[str]) -> tuple[QuizSpec, ...]:
    """quizzes.toml's quizzes, checked against the pack's question keys and reading slugs."""
    if not (root / QUIZZES_FILE).exists():
        return ()
    specs = [
        _quiz_spec(raw, index, questions, readings)
        for index, raw in enumerate(read_toml(root / QUIZZES_FILE, root).get("quiz", []), 1)
    ]
    check_unique(QUIZZES_FILE, "quiz", [q.slug for q in specs])
    return tuple(specs)


def _quiz_spec(raw: Any, index: int, questions: set[str], readings: set[str]) -> QuizSpec:
    """The `index`th (1-based) [[quiz]] table of quizzes.toml."""
    table = Table(
        raw,
        QUIZZES_FILE,
        f"quiz #{index}",
        {
            *(
                "slug",
                "title",
                "reading",
                "description",
                "attempts_allowed",
                "time_limit_minutes",
            ),
            *("grading_method", "multiple_scoring", "shuffle_questions", "shuffle_choices"),
            *("layout", "review", "questions"),
        },
    )
    slug = table.text("slug")
    item = f"quiz {slug!r}"
    reading = table.text("reading", "")
    if reading and reading not in readings:
        raise PackError(QUIZZES_FILE, item, f"reading {reading!r} is not in readings.toml.")
    settings = _quiz_settings(table, raw, item)
    slots, pools = _quiz_slots(table, item, questions)
    return QuizSpec(
        slug=slug,
        title=table.text("title"),
        reading=reading,
        description=" ".join(table.text("description", "").split()),
        settings=settings,
        slots=tuple(slots),
        pools=tuple(pools),
    )


def _quiz_settings(table: Table, raw: Any, item: str) -> dict[str, Any]:
    """A quiz's settings (Quiz field → value), its review policy included."""
    settings: dict[str, Any] = {
        "attempts_allowed": table.number("attempts_allowed", 0),
        "time_limit_minutes": table.data.get("time_limit_minutes"),
        "grading_method": table.text("grading_method", "highest"),
        "multiple_scoring": table.text("multiple_scoring", DEFAULT_SCORING),
        "shuffle_questions": table.flag("shuffle_questions", False),
        "shuffle_choices": table.flag("shuffle_choices", True),
        "layout": table.text("layout", "all_on_one"),
    }
    if settings["multiple_scoring"] not in SCORINGS:
        raise PackError(
            QUIZZES_FILE, item, f"multiple_scoring must be one of {', '.join(SCORINGS)}."
        )
    if settings["time_limit_minutes"] is not None:
        settings["time_limit_minutes"] = table.number("time_limit_minutes")
    review = Table(raw.get("review", {}), QUIZZES_FILE, f"{item} review", set(REVIEW_ASPECTS))
    for aspect in REVIEW_ASPECTS:
        moment = review.text(aspect, "after_submit")
        if moment not in REVIEW_MOMENTS:
            raise PackError(
                QUIZZES_FILE,
                f"{item} review",
                f"{aspect} must be one of {', '.join(REVIEW_MOMENTS)}.",
            )
        settings[f"review_{aspect}"] = moment
    return settings


def _quiz_slots(
    table: Table, item: str, questions: set[str]
) -> tuple[list[SlotSpec], list[PoolSpec]]:
    """A quiz's questions and their points, and its pools; at least one entry, each question
    once, each in the pack."""
    slots, pools = [], []
    for position, raw_slot in enumerate(table.items("questions")):
        if isinstance(raw_slot, dict) and "pool" in raw_slot:
            pools.append(_pool_spec(raw_slot, f"{item} pool at place {position + 1}", position))
            continue
        if isinstance(raw_slot, str):
            raw_slot = {"id": raw_slot}
        slot = Table(raw_slot, QUIZZES_FILE, f"{item} question", {"id", "points"})
        key = slot.text("id")
        if key not in questions:
            raise PackError(QUIZZES_FILE, item, f"question {key!r} is not in {QUESTIONS_DIR}/.")
        points = _points(slot, item, f"points of {key!r}")
        slots.append(SlotSpec(question=key, points=points, position=position))
    if not slots and not pools:
        raise PackError(QUIZZES_FILE, item, "lists no questions.")
    check_unique(QUIZZES_FILE, f"{item} question", [s.question for s in slots])
    return slots, pools


def _points(table: Table, item: str, what: str) -> Decimal:
    try:
        points = Decimal(str(table.data.get("points", 1)))
    except InvalidOperation as error:
        raise PackError(QUIZZES_FILE, item, f"{what} must be a number.") from error
    if not points > 0:
        raise PackError(QUIZZES_FILE, item, f"{what} must be more than zero.")
    return points


def _pool_spec(raw: dict[str, Any], where: str, position: int) -> PoolSpec:
    """A `{ pool = { objective, tag, difficulty, source, type }, count, points }` entry."""
    entry = Table(raw, QUIZZES_FILE, where, {"pool", "count", "points"})
    filters = Table(raw["pool"], QUIZZES_FILE, where, {*POOL_FILTERS})
    count = entry.number("count", 1)
    if count < 1:
        raise PackError(QUIZZES_FILE, where, "count must be at least 1.")
    kind, tag = filters.text("type", ""), filters.text("tag", "")
    if kind and kind not in KINDS:
        raise PackError(QUIZZES_FILE, where, f"type {kind!r} is not one of {', '.join(KINDS)}.")
    if tag and tag not in TAGS:
        raise PackError(QUIZZES_FILE, where, f"tag must be one of {', '.join(TAGS)}.")
    difficulty = None
    if "difficulty" in filters.data:
        difficulty = filters.number("difficulty")
        if difficulty not in (1, 2, 3):
            raise PackError(QUIZZES_FILE, where, "difficulty must be 1 (easy), 2 or 3 (hard).")
    return PoolSpec(
        position=position,
        count=count,
        points=_points(entry, where, "points"),
        objective=filters.text("objective", ""),
        tag=tag,
        difficulty=difficulty,
        source=filters.text("source", ""),
        kind=kind,
    )
