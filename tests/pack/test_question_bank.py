"""The course pack's question bank, checked line by line against the item-writing rules.

Pure: reads seeds/ and anchors every citation in the cleaned sources, without the database.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import cache

import pytest

from courseware.ingest import QuoteError, anchor, decode, ingest
from courseware.pack import load_pack
from quizzes.grading import KINDS
from quizzes.pack import QuestionSpec, load_questions, load_quizzes
from tests.conftest import SEEDS

# Words by which an explanation names each source (publisher or author).
SOURCE_NAMES = {
    "new-lines-militarization": ("New Lines",),
    "ellis-organized-crime": ("Ellis",),
    "leahy-ai-overview": ("Leahy", "blog", "AI overview"),
    "al-jazeera-guns": ("Al Jazeera",),
    "factually-drug-policy": ("Factually",),
}
BANNED_CHOICES = re.compile(r"\b(all|none|both) of the (above|these)\b", re.IGNORECASE)
SOURCE_JUDGING = "source-evaluation"


@cache
def pack():
    return load_pack(SEEDS)


@cache
def texts() -> dict[str, str]:
    return {s.slug: ingest(decode(pack().raw_bytes(s)), s.rules).text for s in pack().sources}


@cache
def bank() -> tuple[QuestionSpec, ...]:
    return load_questions(SEEDS, {o.code for o in pack().objectives})


def ids(kind: str | None = None) -> list[str]:
    return [q.key for q in bank() if kind is None or q.kind == kind]


def by_id(key: str) -> QuestionSpec:
    return next(q for q in bank() if q.key == key)


def cited_sources(question: QuestionSpec) -> set[str]:
    return {c.source for c in question.citations}


@pytest.mark.parametrize("key", ids())
def test_every_citation_anchors_exactly(key):
    for citation in by_id(key).citations:
        try:
            anchor(texts()[citation.source], citation.quote, citation.prefix, citation.suffix)
        except QuoteError as error:
            pytest.fail(f"{key}: {error}")


@pytest.mark.parametrize("key", ids())
def test_every_explanation_names_its_sources(key):
    question = by_id(key)
    for source in cited_sources(question):
        assert any(name in question.explanation for name in SOURCE_NAMES[source]), (key, source)


@pytest.mark.parametrize("key", ids("single") + ids("multiple"))
def test_choices_are_distinct_similar_in_length_and_each_has_feedback(key):
    choices = by_id(key).data["choices"]
    texts_ = [c["text"] for c in choices]
    assert len({t.casefold().strip() for t in texts_}) == len(texts_), key
    assert all(c.get("feedback", "").strip() for c in choices), key
    assert not any(BANNED_CHOICES.search(t) for t in texts_), key
    lengths = [len(t) for t in texts_]
    assert max(lengths) <= max(3 * min(lengths), min(lengths) + 25), (key, lengths)


@pytest.mark.parametrize("key", ids("true_false"))
def test_true_false_feedback_covers_both_answers(key):
    data = by_id(key).data
    assert data.get("feedback_true") and data.get("feedback_false"), key


def test_the_key_is_not_usually_the_longest_choice():
    questions = [by_id(k) for k in ids("single")]
    longest = 0
    for question in questions:
        choices = question.data["choices"]
        key = next(c for c in choices if c["correct"])
        longest += len(key["text"]) == max(len(c["text"]) for c in choices)
    assert longest <= len(questions) * 0.5, (
        f"the key is the longest choice in {longest} of {len(questions)}"
    )


def test_the_keys_position_varies():
    positions = Counter(
        [c["correct"] for c in by_id(k).data["choices"]].index(True) for k in ids("single")
    )
    assert len(positions) >= 3, positions
    assert max(positions.values()) <= 0.5 * sum(positions.values()), positions


def test_numeric_choices_do_not_give_the_key_away_by_sitting_in_the_middle():
    middle = total = 0
    for key in ids("single"):
        choices = by_id(key).data["choices"]
        values = []
        for choice in choices:
            number = re.fullmatch(r"[$]?([\d,.]+)\s*\w*%?", choice["text"].strip())
            if not number:
                break
            values.append((Decimal(number[1].replace(",", "")), choice["correct"]))
        else:
            total += 1
            ordered = [correct for _, correct in sorted(values)]
            middle += ordered.index(True) not in (0, len(ordered) - 1)
    assert total == 0 or middle <= max(1, total // 2), f"key in the middle in {middle} of {total}"


def test_ordering_and_matching_questions_have_enough_parts():
    for key in ids("ordering"):
        assert 3 <= len(by_id(key).data["items"]) <= 6, key
    for key in ids("matching"):
        assert 3 <= len(by_id(key).data["pairs"]) <= 6, key


def test_every_quiz_question_exists_and_quizzes_have_8_to_15_questions():
    quizzes = load_quizzes(SEEDS, set(ids()), {r.slug for r in pack().readings})
    for quiz in quizzes:
        if quiz.reading:
            assert 8 <= len(quiz.slots) <= 15, (quiz.slug, len(quiz.slots))
    unit = [q for q in quizzes if not q.reading]
    assert unit, "a cumulative quiz"
    covered = {o for slot in unit[0].slots for o in by_id(slot.question).objectives}
    assert covered == {o.code for o in pack().objectives}


def test_the_bank_meets_the_course_pack_numbers():
    questions = bank()
    assert len(questions) >= 150
    kinds = Counter(q.kind for q in questions)
    assert all(kinds[k] >= 10 for k in KINDS), kinds
    sources = Counter(s for q in questions for s in cited_sources(q))
    assert all(sources[s] >= 15 for s in SOURCE_NAMES), sources
    objectives = Counter(o for q in questions for o in q.objectives)
    assert all(objectives[o.code] >= 12 for o in pack().objectives), objectives
    assert sum(SOURCE_JUDGING in q.objectives for q in questions) >= 12
    tags = Counter(t for q in questions for t in q.tags)
    assert tags["disagreement"] + tags["as-of-date"] >= 8, tags
    assert sum(q.kind == "ordering" and "timeline" in q.tags for q in questions) >= 10, tags


@pytest.mark.parametrize(
    "key", [q.key for q in bank() if {"disagreement", "as-of-date"} & set(q.tags)]
)
def test_disagreements_cite_both_sides_and_say_so(key):
    question = by_id(key)
    if "disagreement" in question.tags:
        assert len(question.citations) >= 2, key
        assert re.search(r"disagree|differ|contradict", question.explanation, re.I), key
    else:
        assert re.search(r"as of|at the time|in \d{4}|by \d{4}", question.explanation), key
