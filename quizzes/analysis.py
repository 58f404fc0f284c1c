"""The data behind a quiz's item analysis page (teachers only).

`analysis_of` reads what `quizzes.statistics.analyse` needs — each analysed attempt's responses
(points, max points, the option chosen) tagged with the passages their question cites and its
objectives — and the labels the page shows: question stems, option texts, "Source ¶N". It costs
the same few queries whatever the size of the class.

Which attempts: Moodle's item analysis uses each student's first attempt by default, since later
attempts break the assumptions behind the statistics (a student who retakes a quiz has seen it);
"last" and "all" are offered as well. With "all", each attempt counts as if a different student
made it, as Moodle does. Only submitted attempts count.

Labels come from each question's current version: the option texts, and the citations whose
passages the roll-ups use. An option students chose that the current version no longer has is
shown by its id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from courseware.models import Objective, Passage
from quizzes.models import (
    Attempt,
    Question,
    QuestionCitation,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    Response,
)
from quizzes.statistics import ItemResponse, ItemStats, Rollup, TestStats, analyse

FIRST_ATTEMPTS, LAST_ATTEMPTS, ALL_ATTEMPTS = "first", "last", "all"
WHICH_ATTEMPTS = {
    FIRST_ATTEMPTS: gettext_lazy("First attempts"),
    LAST_ATTEMPTS: gettext_lazy("Last attempts"),
    ALL_ATTEMPTS: gettext_lazy("All attempts"),
}
# The flags quizzes.statistics raises, in the reader's language (the template translates them).
FLAG_WORDS = (
    gettext_noop("too easy"),
    gettext_noop("too hard"),
    gettext_noop("negative discrimination"),
    gettext_noop("weak discrimination"),
)
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE)
STEM_EXCERPT = 120
PASSAGE_EXCERPT = 140


@dataclass(frozen=True)
class PassageRef:
    """A passage of a source that some question cites."""

    tag: str
    label: str  # "Source title ¶12"
    excerpt: str
    source_slug: str
    start: int
    end: int


@dataclass(frozen=True)
class ChoiceRow:
    label: str
    is_key: bool  # the right option (for multiple response: the right combination)
    count: int
    share: float  # percent of the item's responses
    point_biserial: float | None


@dataclass(frozen=True)
class ItemRow:
    number: int  # 1-based place in the quiz
    question: Question
    stem: str  # an excerpt of the current version's stem
    stats: ItemStats | None  # None when no analysed attempt had this question
    choices: tuple[ChoiceRow, ...]  # for choice questions
    blank: int  # responses left unanswered
    passages: tuple[PassageRef, ...]
    objectives: tuple[Objective, ...]
    is_drawn: bool = False  # a pool drew it: only some attempts showed it


@dataclass(frozen=True)
class RollupRow:
    label: str
    rollup: Rollup
    passage: PassageRef | None = None  # for a passage's row
    objective: Objective | None = None  # for an objective's row


@dataclass(frozen=True)
class Analysis:
    which: str
    attempts: int  # attempts analysed
    students: int  # students who made them
    test: TestStats
    items: list[ItemRow]
    passages: list[RollupRow]  # weakest first
    objectives: list[RollupRow]  # weakest first

    @property
    def alpha_reading(self) -> str:
        return alpha_reading(self.test.alpha)


def alpha_reading(alpha: float | None) -> str:
    """Cronbach's alpha (a percent) in plain words, with Moodle's bands for it."""
    if alpha is None:
        return gettext(
            "Not defined: it needs at least two questions and total scores that differ between "
            "attempts."
        )
    if alpha >= 75:
        return gettext("Satisfactory: the questions agree with each other (Moodle: above 75%).")
    if alpha >= 70:
        return gettext(
            "Acceptable for a graded test (usually at least 70% is wanted), though below "
            "Moodle's 75%."
        )
    if alpha >= 64:
        return gettext(
            "Borderline: under the 70% that is usually wanted for a test used for grades; look at "
            "the flagged questions."
        )
    return gettext(
        "Unsatisfactory (Moodle: below 64%): the questions do not measure the same thing "
        "consistently enough to grade on; look at the flagged questions."
    )


def analysis_of(quiz: Quiz, *, which: str = FIRST_ATTEMPTS) -> Analysis:
    """The item analysis of the quiz's submitted attempts (`which`: first, last or all).

    Six queries, whatever the number of students: the slots with their questions, the
    questions' versions, the versions' citations, the objectives, the cited passages, and the
    analysed responses.
    """
    if which not in WHICH_ATTEMPTS:
        raise ValueError(
            f"Unknown choice of attempts {which!r}; use one of {list(WHICH_ATTEMPTS)}."
        )
    slots = _slots_of(quiz)
    versions = {slot.pk: _current(slot.question) for slot in slots}
    passages = _cited_passages(v for v in versions.values() if v is not None)
    passages_by_slot = {
        slot_id: _passages_of(version, passages) if version else ()
        for slot_id, version in versions.items()
    }
    objectives_by_slot = {slot.pk: tuple(slot.question.objectives.all()) for slot in slots}
    tags = {
        slot.pk: tuple(p.tag for p in passages_by_slot[slot.pk])
        + tuple(f"objective:{o.code}" for o in objectives_by_slot[slot.pk])
        for slot in slots
    }
    kinds = {slot.pk: slot.question.kind for slot in slots}
    pools = {slot.pk: slot.pool_id for slot in slots if slot.pool_id is not None}
    responses, students, blank = _item_responses(quiz, which, kinds=kinds, tags=tags, pools=pools)
    test, item_stats, rollups = analyse(responses)
    stats_by_slot = {int(s.item): s for s in item_stats}
    items = []
    for number, slot in enumerate(slots, start=1):
        version, stats = versions[slot.pk], stats_by_slot.get(slot.pk)
        items.append(
            ItemRow(
                number=number,
                question=slot.question,
                stem=_excerpt(version.stem if version else "", STEM_EXCERPT),
                stats=stats,
                choices=_choice_rows(slot.question.kind, version, stats),
                blank=blank[slot.pk],
                passages=passages_by_slot[slot.pk],
                objectives=objectives_by_slot[slot.pk],
                is_drawn=slot.pk in pools,
            )
        )
    passage_rows, objective_rows = _rollup_rows(rollups, passages, objectives_by_slot)
    return Analysis(
        which=which,
        attempts=len({r.attempt for r in responses}),
        students=len(students),
        test=test,
        items=items,
        passages=_weakest_first(passage_rows),
        objectives=_weakest_first(objective_rows),
    )


def _rollup_rows(
    rollups: Iterable[Rollup],
    passages: dict[int, PassageRef],
    objectives_by_slot: dict[int, tuple[Objective, ...]],
) -> tuple[list[RollupRow], list[RollupRow]]:
    """The roll-ups of cited passages, and those of objectives, labelled for the page."""
    refs = {p.tag: p for p in passages.values()}
    objectives = {f"objective:{o.code}": o for os in objectives_by_slot.values() for o in os}
    passage_rows = [
        RollupRow(label=refs[r.tag].label, rollup=r, passage=refs[r.tag])
        for r in rollups
        if r.tag in refs
    ]
    objective_rows = [
        RollupRow(label=objectives[r.tag].title, rollup=r, objective=objectives[r.tag])
        for r in rollups
        if r.tag in objectives
    ]
    return passage_rows, objective_rows


def _slots_of(quiz: Quiz) -> list[QuizQuestion]:
    """The quiz's slots in order, with their questions, the questions' versions (newest first)
    and those versions' citations, and the questions' objectives: four queries. Every question
    a pool has drawn is a slot of its own, at its pool's position (after a fixed question at
    the same position), so item statistics stay per question."""
    slots = list(
        quiz.slots.select_related("question", "pool")
        .prefetch_related(
            Prefetch(
                "question__versions",
                queryset=QuestionVersion.objects.order_by("-number").prefetch_related(
                    Prefetch(
                        "citations", queryset=QuestionCitation.objects.select_related("source")
                    )
                ),
            ),
            "question__objectives",
        )
        .order_by("position")
    )
    return sorted(
        slots,
        key=lambda slot: (
            slot.position if slot.pool is None else slot.pool.position,
            slot.pool is not None,
            slot.question.key,
        ),
    )


def _item_responses(
    quiz: Quiz,
    which: str,
    *,
    kinds: dict[int, str],
    tags: dict[int, tuple[str, ...]],
    pools: dict[int, int],
) -> tuple[list[ItemResponse], set[int], dict[int, int]]:
    """The analysed responses as `analyse` takes them, the students who gave them, and the
    number left blank by slot: one query. A drawn question (`pools`: slot → its pool) fills
    one of its pool's places in the attempt ("pool:4:0", "pool:4:1"…), so attempts that drew
    different questions still count as complete."""
    responses: list[ItemResponse] = []
    students: set[int] = set()
    blank: dict[int, int] = defaultdict(int)
    filled: dict[tuple[int, int], int] = defaultdict(int)  # (attempt, pool) → places filled
    for attempt_id, student_id, slot_id, points, max_points, answer in _responses(quiz, which):
        if slot_id not in kinds:  # cannot happen: a slot with responses cannot be deleted
            continue
        students.add(student_id)
        blank[slot_id] += answer is None
        place = ""
        if (pool := pools.get(slot_id)) is not None:
            place = f"pool:{pool}:{filled[attempt_id, pool]}"
            filled[attempt_id, pool] += 1
        responses.append(
            ItemResponse(
                attempt=str(attempt_id),
                item=str(slot_id),
                score=float(points),
                max_score=float(max_points),
                choice=choice_of(kinds[slot_id], answer),
                tags=tags[slot_id],
                place=place,
            )
        )
    return responses, students, blank


def choice_of(kind: str, answer: Any) -> str | None:
    """The option(s) a stored answer chose, as `ItemResponse.choice` takes them."""
    if answer is None:
        return None
    if kind == Question.Kind.SINGLE:
        return str(answer)
    if kind == Question.Kind.MULTIPLE:
        return ",".join(sorted(str(a) for a in answer)) or None
    if kind == Question.Kind.TRUE_FALSE:
        return "true" if answer is True else "false"
    return None


def _responses(quiz: Quiz, which: str) -> Iterable[tuple[int, int, int, Decimal, Decimal, Any]]:
    responses = Response.objects.filter(
        attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED, points__isnull=False
    )
    if which != ALL_ATTEMPTS:
        kept = (
            Attempt.objects.filter(
                quiz=quiz,
                student_id=OuterRef("attempt__student_id"),
                state=Attempt.State.SUBMITTED,
            )
            .order_by("number" if which == FIRST_ATTEMPTS else "-number")
            .values("pk")[:1]
        )
        responses = responses.filter(attempt_id=Subquery(kept))
    # In each attempt's order (the unique index's), so a pool's places are filled the same way
    # on every run.
    rows = responses.order_by("attempt_id", "position").values_list(
        "attempt_id", "attempt__student_id", "slot_id", "points", "max_points", "answer"
    )
    # Graded responses only (points__isnull=False): no points are None.
    return cast(Iterable[tuple[int, int, int, Decimal, Decimal, Any]], rows)


def _current(question: Question) -> QuestionVersion | None:
    """The newest version, from the prefetch (ordered newest first)."""
    versions = list(question.versions.all())
    return versions[0] if versions else None


def _cited_passages(versions: Iterable[QuestionVersion]) -> dict[int, PassageRef]:
    """The passages any of these versions' citations overlap, by passage id (one query)."""
    spans = Q()
    for version in versions:
        for c in version.citations.all():
            spans |= Q(source_id=c.source_id, start__lt=c.end, end__gt=c.start)
    if not spans:
        return {}
    found = Passage.objects.filter(spans).select_related("source").order_by("source_id", "start")
    return {
        p.pk: PassageRef(
            tag=f"passage:{p.pk}",
            label=f"{p.source.title} ¶{p.position + 1}",
            excerpt=_excerpt(p.text, PASSAGE_EXCERPT),
            source_slug=p.source.slug,
            start=p.start,
            end=p.end,
        )
        for p in found
    }


def _passages_of(
    version: QuestionVersion, passages: dict[int, PassageRef]
) -> tuple[PassageRef, ...]:
    return tuple(
        ref
        for ref in passages.values()
        if any(
            c.source.slug == ref.source_slug and c.start < ref.end and c.end > ref.start
            for c in version.citations.all()
        )
    )


def _choice_rows(
    kind: str, version: QuestionVersion | None, stats: ItemStats | None
) -> tuple[ChoiceRow, ...]:
    """Every option of the current version (chosen or not) for single choice and true/false;
    the combinations chosen, most chosen first, for multiple response."""
    if kind not in CHOICE_KINDS or version is None:
        return ()
    chosen = stats.choices if stats else {}
    if kind == Question.Kind.TRUE_FALSE:
        key = version.data.get("answer")
        options = [("true", "True", key is True), ("false", "False", key is False)]
    else:
        options = [
            (str(c["id"]), f"{c['id']}. {c['text']}", bool(c.get("correct")))
            for c in version.data.get("choices", [])
        ]
    texts = {option_id: label for option_id, label, _ in options}
    if kind == Question.Kind.MULTIPLE:
        key_ids = ",".join(sorted(option_id for option_id, _, correct in options if correct))
        return tuple(
            ChoiceRow(
                label=" + ".join(texts.get(i, _no_longer(i)) for i in c.split(",")),
                is_key=c == key_ids,
                count=s.count,
                share=s.share,
                point_biserial=s.point_biserial,
            )
            for c, s in sorted(chosen.items(), key=lambda pair: (-pair[1].count, pair[0]))
        )
    rows = [
        ChoiceRow(
            label=label,
            is_key=correct,
            count=chosen[option_id].count if option_id in chosen else 0,
            share=chosen[option_id].share if option_id in chosen else 0.0,
            point_biserial=chosen[option_id].point_biserial if option_id in chosen else None,
        )
        for option_id, label, correct in options
    ]
    rows += [
        ChoiceRow(_no_longer(c), False, s.count, s.share, s.point_biserial)
        for c, s in chosen.items()
        if c not in texts
    ]
    return tuple(rows)


def _weakest_first(rows: list[RollupRow]) -> list[RollupRow]:
    """Lowest facility first (those without one last); ties by source then place in its
    text for passages, in the course's order for objectives."""

    def order(row: RollupRow) -> tuple[Any, ...]:
        if row.passage is not None:
            place: tuple[Any, ...] = (row.passage.source_slug, row.passage.start)
        else:
            place = (row.objective.position if row.objective else 0, row.label.casefold())
        return (row.rollup.facility is None, row.rollup.facility or 0.0, *place)

    return sorted(rows, key=order)


def _excerpt(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _no_longer(option_id: str) -> str:
    return gettext("%(id)s (no longer an option)") % {"id": option_id}
