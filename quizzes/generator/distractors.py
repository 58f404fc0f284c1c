"""Stage 5: distractors, three wrong choices of the key's kind drawn from the pool.

A year for a year, a group for a group, a place of the key's group, a number of similar
magnitude. None is named or made true by the sentence itself ("over 75,000" rules out
smaller numbers; a year next to the key can be half true); the seed picks among the closest
in length or size.

Nor is a name another sentence of the same source makes true in the same frame: the source
would then support a "wrong" choice (Guerrero asked, with the golden-triangle states the
source says the same of among the choices). A candidate name is dropped
(supported_elsewhere) when another sentence of the source either
- is the key's sentence with the key swapped for the candidate (compared as folded words), or
- names the candidate and shares with the key's sentence a run of three consecutive content
  words (four letters or more, not the language's common words, not a word of the key's or
  the candidate's names): "growing heroin poppies" said of Guerrero in one sentence and of
  the golden-triangle states in another.
Only named kinds (groups, places, agencies) are checked; years, months and numbers have
their own rules above. A fill-in-the-blank has no choices to leave such a name out of, so
the pipeline does not make one of a key that has one (another_right_name).
"""

from __future__ import annotations

import functools
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from quizzes.generator.model import Key, SourceText
from quizzes.generator.numbers import NUM, QUALIFIER_DOWN, QUALIFIER_UP, YEAR, value_of
from quizzes.generator.pool import Entity, Pool
from quizzes.generator.sentences import units
from quizzes.generator.text import alternation, contains_words, fold, word_list

CHOICES = 4
# Of the distractor candidates sorted by closeness (in length or size), the seed picks among
# this many, so that different seeds give different choices but never far-fetched ones.
_CANDIDATES = 6
# Consecutive content words two sentences share to say the same thing of two names.
_SAME_PREDICATE_RUN = 3


def _names(entity: Entity) -> list[str]:
    return sorted(name for name in {entity.identity, *entity.forms, *entity.acronyms} if name)


def _mentioned(text: str, entity: Entity) -> bool:
    return any(contains_words(text, name) for name in _names(entity))


@dataclass(frozen=True)
class Sentences:
    """A source's sentences indexed for supported_elsewhere, so that a long source costs a
    look-up per candidate, not a pass over its text: each sentence's folded words, and the
    sentences each run of three content words occurs in."""

    words: frozenset[tuple[str, ...]]
    by_run: Mapping[tuple[str, ...], tuple[str, ...]]


def index_sentences(sentences: Iterable[str], common: frozenset[str]) -> Sentences:
    by_run: dict[tuple[str, ...], list[str]] = {}
    words: set[tuple[str, ...]] = set()
    for sentence in sentences:
        words.add(tuple(word_list(sentence)))
        for run in _content_runs(sentence, common, set()):
            by_run.setdefault(run, []).append(sentence)
    return Sentences(frozenset(words), {run: tuple(found) for run, found in by_run.items()})


@functools.lru_cache(maxsize=8)
def _source_sentences(source: SourceText, common: frozenset[str]) -> Sentences:
    return index_sentences((unit.text for unit in units(source)), common)


def _content_runs(text: str, common: frozenset[str], skip: set[str]) -> set[tuple[str, ...]]:
    words = word_list(text)
    content = [len(word) >= 4 and word not in common and word not in skip for word in words]
    size = _SAME_PREDICATE_RUN
    return {
        tuple(words[i : i + size])
        for i in range(len(words) - size + 1)
        if all(content[i : i + size])
    }


def supported_elsewhere(
    sentence: str, key: Key, names: Sequence[str], others: Sentences, common: frozenset[str]
) -> bool:
    """Whether another of the source's sentences (`others`, which may hold `sentence`) says
    of the candidate known by `names` what `sentence` says of the key: the sentence with the
    key swapped for a name, or a sentence naming the candidate that shares a run of three
    content words with it (not words of the names). See the module docstring."""
    swapped = {tuple(word_list(sentence[: key.start] + n + sentence[key.end :])) for n in names}
    if swapped & others.words:
        return True
    skip = {w for name in (*names, key.text, key.identity, *key.accepted) for w in word_list(name)}
    for run in _content_runs(sentence, common, skip):
        for other in others.by_run.get(run, ()):
            if other != sentence and any(contains_words(other, name) for name in names):
                return True
    return False


def another_right_name(text: str, key: Key, pool: Pool, source: SourceText) -> str | None:
    """A name of the key's kind and group, other than the key, that another sentence of the
    source says the same of (supported_elsewhere): a second right fill for a blank."""
    common = pool.lexicon.language.common
    said = _source_sentences(source, common)
    group = key.group if key.kind != pool.lexicon.group_kind else None
    for entity in pool.of_kind(key.kind, group):
        if entity.identity == key.identity or _mentioned(text, entity):
            continue
        if supported_elsewhere(text, key, _names(entity), said, common):
            return entity.display()
    return None


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
        common = pool.lexicon.language.common
        said = _source_sentences(source, common) if source else index_sentences([], common)
        for entity in pool.of_kind(key.kind, group):
            if entity.identity == key.identity or _mentioned(text, entity):
                continue
            if supported_elsewhere(text, key, _names(entity), said, common):
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
