"""Stage 4, rendering: a key in a sentence becomes a draft question.

The first usable key of a sentence makes a fill-in-the-blank ("short"), a multiple choice
("single", four choices) or a numeric question. Whether a key becomes a blank or a choice
depends on the sentence, not the seed, so re-running with another seed proposes the same
keys (and so the same ids); the seed picks distractors and where the right choice goes. The
stems and feedback are English.
"""

from __future__ import annotations

import random
from typing import Any

from quizzes.generator.distractors import CHOICES, distractors_for
from quizzes.generator.model import BLANK, Draft, Key, SourceText, Unit
from quizzes.generator.pool import Pool
from quizzes.generator.text import digest


def _blank(text: str, key: Key) -> str:
    stem = text[: key.start] + BLANK + text[key.end :]
    return stem if stem.rstrip().endswith((".", "!", "”", '"')) else stem.rstrip(" ,;") + "."


def _number_json(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _prefers_choice(quote: str) -> bool:
    # Seed-independent, so that another seed proposes the same keys (and so the same ids).
    return int(digest(quote)[:8], 16) % 3 != 0


def _choices(key: Key, distractors: list[str], who: str, rng: random.Random) -> dict[str, Any]:
    texts = list(distractors)
    texts.insert(rng.randrange(CHOICES), key.text)
    return {
        "choices": [
            {
                "id": "abcd"[index],
                "text": text,
                "correct": text == key.text,
                "feedback": (
                    f"Right: {who} says “{key.text}” here."
                    if text == key.text
                    else f"No: {who} says “{key.text}” here, not “{text}”."
                ),
            }
            for index, text in enumerate(texts)
        ]
    }


def _question(
    unit: Unit, key: Key, pool: Pool, source: SourceText, rng: random.Random
) -> tuple[str, str, str, dict[str, Any], str]:
    """(rule, kind, stem, data, answer) for a key; the rule never depends on the seed."""
    who = source.label
    blanked = _blank(unit.text, key)
    if key.kind == "range":
        return (
            "numeric-range",
            "numeric",
            f"Fill in the blank with a number in the range {who} gives "
            f"(unit: {key.unit}): {blanked}",
            {"min": _number_json(key.value), "max": _number_json(key.high), "unit": key.unit},
            f"{key.text} {key.unit}",
        )
    choice = _prefers_choice(unit.text)
    if key.kind == "number":
        digits = key.text[:1].isdigit() and key.group in ("count", "percent")
        distractors = (
            distractors_for(unit.text, key, pool, rng, source) if digits and choice else None
        )
        if distractors is not None:
            stem = f"Which number completes this sentence from {who}? {blanked}"
            data = _choices(key, distractors, who, rng)
            return "choice-number", "single", stem, data, key.text
        return (
            "numeric-value",
            "numeric",
            f"Fill in the number, as {who} gives it (unit: {key.unit}): {blanked}",
            {"answer": _number_json(key.value), "tolerance": 0, "unit": key.unit},
            f"{key.text} {key.unit}",
        )
    # Terms have no kind to draw distractors from; "CJNG" and "Cartel of ___" have no
    # distractors of the same shape.
    can_choose = key.kind != "term" and key.group not in ("acronym", "of", "town")
    distractors = (
        distractors_for(unit.text, key, pool, rng, source) if can_choose and choice else None
    )
    if distractors is not None:
        stem = f"Which choice completes this sentence from {who}? {blanked}"
        data = _choices(key, distractors, who, rng)
        return f"choice-{key.kind}", "single", stem, data, key.text
    return (
        f"blank-{key.kind}",
        "short",
        f"Fill in the blank ({pool.lexicon.hint(key.kind)}) in this sentence from {who}: {blanked}",
        {"accepted": list(key.accepted or (key.text,))},
        key.text,
    )


def source_draft(source: SourceText, unit: Unit, others: list[str], seed: int) -> Draft:
    """ "Which source is this sentence from?": the source's label among three others'. Exactly
    one source holds the sentence's words, so the key cannot be argued."""
    rng = random.Random(f"{seed}:{source.slug}:{unit.start}:source")
    labels = rng.sample(others, CHOICES - 1)
    labels.insert(rng.randrange(CHOICES), source.label)
    who = source.label
    data = {
        "choices": [
            {
                "id": "abcd"[index],
                "text": label,
                "correct": label == who,
                "feedback": (
                    f"Right: this sentence is from {who}."
                    if label == who
                    else f"No: this sentence is from {who}, not {label}."
                ),
            }
            for index, label in enumerate(labels)
        ]
    }
    when = f" ({source.published})" if source.published else ""
    return Draft(
        key=f"gen-{source.slug}-choice-source-{digest(unit.text)[:8]}",
        source=source.slug,
        rule="choice-source",
        kind="single",
        stem=f"This sentence comes from one of the sources. Which one? “{unit.text}”",
        data=data,
        answer=who,
        blank="",
        quote=unit.text,
        start=unit.start,
        end=unit.end,
        explanation=f"From {who}{when}: “{unit.text}”",
    )


def draft_for(source: SourceText, unit: Unit, key: Key, pool: Pool, seed: int) -> Draft:
    rng = random.Random(f"{seed}:{source.slug}:{unit.start}:{key.kind}:{key.text}")
    rule, kind, stem, data, answer = _question(unit, key, pool, source, rng)
    when = f" ({source.published})" if source.published else ""
    return Draft(
        key=f"gen-{source.slug}-{rule}-{digest(unit.text)[:8]}",
        source=source.slug,
        rule=rule,
        kind=kind,
        stem=stem,
        data=data,
        answer=answer,
        blank=key.text,
        quote=unit.text,
        start=unit.start,
        end=unit.end,
        explanation=f"From {source.label}{when}: “{unit.text}”",
    )
