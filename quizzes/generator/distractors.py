"""Stage 5: distractors, three wrong choices of the key's kind drawn from the pool.

A year for a year, a group for a group, a place of the key's group, a number of similar
magnitude. None is named or made true by the sentence itself ("over 75,000" rules out
smaller numbers; a year next to the key can be half true); the seed picks among the closest
in length or size.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence

from quizzes.generator.model import Key, SourceText
from quizzes.generator.numbers import NUM, QUALIFIER_DOWN, QUALIFIER_UP, YEAR, value_of
from quizzes.generator.pool import Entity, Pool
from quizzes.generator.text import alternation, contains_words, fold

CHOICES = 4
# Of the distractor candidates sorted by closeness (in length or size), the seed picks among
# this many, so that different seeds give different choices but never far-fetched ones.
_CANDIDATES = 6


def _mentioned(text: str, entity: Entity) -> bool:
    names = {entity.identity, *entity.forms, *entity.acronyms}
    return any(contains_words(text, name) for name in names if name)


def _closest(
    candidates: Sequence[str], distance: Mapping[str, float], rng: random.Random
) -> list[str] | None:
    ordered = sorted(candidates, key=lambda c: (distance[c], c))[:_CANDIDATES]
    if len(ordered) < CHOICES - 1:
        return None
    return rng.sample(ordered, CHOICES - 1)


def distractors_for(
    text: str, key: Key, pool: Pool, rng: random.Random, source: SourceText | None = None
) -> list[str] | None:
    """Three wrong choices of the key's kind that the sentence does not name or make true.

    Dates stay within the source's time: no year after it was published (unless the key is
    one), and no month that the source names elsewhere in the key's year or that comes after
    its publication — the event may have happened then too, or not yet.
    """
    if key.kind == "year":
        key_year = int(key.text)
        mentioned = {int(y) for y in YEAR.findall(text)}
        until = max(key_year, _published(source)[0] or key_year + 12)
        years = [
            str(year)
            for year in sorted(pool.years)
            # A year next to the key can be half true ("new President Sheinbaum" in 2024 and
            # 2025), so distractors are at least two years away.
            if year not in mentioned and 2 <= abs(year - key_year) <= 12 and year <= until
        ]
        return _closest(years, {y: abs(int(y) - key_year) for y in years}, rng)
    if key.kind == "number":
        return _number_distractors(text, key, pool, rng)
    if key.kind == "month":
        language = pool.lexicon.language
        months = list(language.months)
        named = set(re.findall(rf"\b(?:{language.month_names})\b", text))
        named |= _months_of_the_same_time(text, key, source, months, language.month_names)
        others = [m for m in months if m not in named and m in pool.months]
        index = months.index(key.text)
        return _closest(
            others,
            {
                m: min(
                    (months.index(m) - index) % len(months), (index - months.index(m)) % len(months)
                )
                for m in others
            },
            rng,
        )
    group_kind = pool.lexicon.group_kind
    if key.kind in pool.lexicon.named_kinds:
        group = key.group if key.kind != group_kind else None
        display: dict[str, str] = {}
        for entity in pool.of_kind(key.kind, group):
            if entity.identity == key.identity or _mentioned(text, entity):
                continue
            name = _display_for(entity, key, pool)
            if name and fold(name) != fold(key.text):
                display.setdefault(fold(name), name)
        names = sorted(display.values())
        return _closest(names, {n: abs(len(n) - len(key.text)) for n in names}, rng)
    return None


def _published(source: SourceText | None) -> tuple[int | None, int | None]:
    """The year and month (1-12) a source was published, as far as it says."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?", source.published if source else "")
    if found is None:
        return None, None
    return int(found[1]), int(found[2]) if found[2] else None


def _months_of_the_same_time(
    text: str, key: Key, source: SourceText | None, months: list[str], names: str
) -> set[str]:
    """Months a choice must not be: those the source names elsewhere with the key's year,
    and those after the source was published, in its year."""
    year = re.match(r"\s+(\d{4})\b", text[key.end :])
    if source is None or year is None:
        return set()
    excluded = set(re.findall(rf"\b({names})\s+{year[1]}\b", source.text)) - {key.text}
    published_year, published_month = _published(source)
    if published_year == int(year[1]) and published_month is not None:
        excluded |= set(months[published_month:])
    return excluded


def _display_for(entity: Entity, key: Key, pool: Pool) -> str | None:
    nouns = pool.lexicon.group_nouns
    if key.kind != pool.lexicon.group_kind:
        return entity.display()
    if not nouns:
        return None
    # The blank replaces the distinctive words of "the ___ Cartel": distractors must fit it.
    for form, _ in sorted(entity.forms.items(), key=lambda item: (-item[1], item[0])):
        match = re.fullmatch(rf"(.+?)\s+(?:{alternation(nouns)})", form)
        if match and not form.startswith(nouns):
            return match.group(1)
    return None


def _number_distractors(text: str, key: Key, pool: Pool, rng: random.Random) -> list[str] | None:
    before = text[: key.start]
    up, down = QUALIFIER_UP.search(before), QUALIFIER_DOWN.search(before)
    mentioned = {value_of(n, pool.lexicon.language) for n in re.findall(NUM, text)}
    decimals = "." in key.text
    candidates: dict[str, float] = {}
    for number in sorted(pool.numbers.get(key.group, {}).values(), key=lambda n: n.value):
        value = number.value
        if value in mentioned or value <= 0 or key.value <= 0:
            continue
        if (up and value < key.value) or (down and value > key.value):
            continue  # "over 75,000": 60,000 would be true as well
        ratio = abs(math.log(value / key.value))
        if ratio > math.log(5) or ("." in number.text) != decimals:
            continue
        shown = _format_like(value, key.text)
        if shown != key.text:
            candidates.setdefault(shown, ratio)
    return _closest(sorted(candidates), candidates, rng)


def _format_like(value: float, example: str) -> str:
    if "." in example:
        places = len(example.split(".")[1])
        return f"{value:,.{places}f}" if "," in example else f"{value:.{places}f}"
    if "," in example or value >= 10_000:
        return f"{int(value):,}"
    return str(int(value))
