"""The pipeline: every stage in turn, for one source or many, and a varied selection.

A source asks about the same answer at most twice (a number once), and a fact it repeats
only once: two sentences sharing most of their content words tell the same fact. Across the
sources of one run, a fact two sources tell is asked once (distinct_facts). A name another
sentence of the source says the same of another name is not made a blank
(distractors.another_right_name): two fills would be right.

A short source with few names and numbers (an explainer made of claims) yields few drafts by
those rules; in a run of four or more sources, such a source also gets up to three "which
source is this sentence from?" drafts (short_source_drafts), on sentences no other source comes
close to saying. The generator's service (quizzes.services.drafts) does the same for the
sources of a run against every source in the database.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

from courseware.ingest import QuoteError, anchor
from quizzes.generator.distractors import another_right_name
from quizzes.generator.filters import rejection
from quizzes.generator.keys import find_keys
from quizzes.generator.lexicon import Lexicon
from quizzes.generator.model import Draft, Key, SourceText, Unit
from quizzes.generator.pool import POOL_CHARS_PER_TEXT, Pool, build_pool
from quizzes.generator.render import draft_for, source_draft
from quizzes.generator.sentences import units
from quizzes.generator.text import fold, word_list

# A source that keeps returning to one year or one group would otherwise fill the bank with
# the same answer; numbers are asked once per source.
_MAX_SAME_ANSWER = 2
# Two sentences of one source sharing this share of their content words tell the same fact: a
# question on one would give the other's answer away, so only the first is asked.
_SAME_FACT = 0.6


def _content_words(text: str, common: frozenset[str]) -> set[str]:
    return {word for word in word_list(text) if len(word) >= 4 and word not in common}


def _signature(key: Key) -> str:
    if key.kind in ("number", "range"):
        return f"{key.kind}:{key.value}:{key.high}:{key.unit}"
    return f"{key.kind}:{key.identity or fold(key.text)}"


def _anchors(source: SourceText, unit: Unit) -> bool:
    try:
        found = anchor(source.text, unit.text)
    except QuoteError:
        return False
    return found.start == unit.start and found.end == unit.end


def _two_right_fills(draft: Draft, unit: Unit, key: Key, pool: Pool, source: SourceText) -> bool:
    """A blank of a name that another name the source says the same of would fill too."""
    if draft.kind != "short" or key.kind not in pool.lexicon.named_kinds:
        return False
    return another_right_name(unit.text, key, pool, source) is not None


def generate(source: SourceText, *, seed: int, pool: Pool) -> list[Draft]:
    """Drafts for one source, in text order, at most one per sentence."""
    language, order = pool.lexicon.language, pool.lexicon.order
    drafts: list[Draft] = []
    answers: Counter[str] = Counter()
    asked: list[set[str]] = []
    for unit in units(source):
        if rejection(unit.text, quoted_before=unit.quoted_before, language=language) is not None:
            continue
        if not _anchors(source, unit):
            continue
        keys = sorted(find_keys(unit.text, pool), key=lambda k: (order.index(k.kind), k.start))
        for key in keys:
            signature = _signature(key)
            limit = 1 if key.kind in ("number", "range") else _MAX_SAME_ANSWER
            if answers[signature] >= limit:
                continue
            vocabulary = _content_words(unit.text, language.common)
            if any(
                len(vocabulary & seen) >= _SAME_FACT * min(len(vocabulary), len(seen))
                for seen in asked
            ):
                break  # the same fact said twice (a source that repeats itself) is asked once
            draft = draft_for(source, unit, key, pool, seed)
            if _two_right_fills(draft, unit, key, pool, source):
                continue  # "Guerrero" where the golden-triangle states fit as well
            answers[signature] += 1
            asked.append(vocabulary)
            drafts.append(draft)
            break
    return drafts


def generate_all(
    sources: Sequence[SourceText],
    *,
    seed: int,
    pool: Pool | None = None,
    lexicon: Lexicon | None = None,
) -> list[Draft]:
    """Drafts for several sources, each fact once (distinct_facts); the pool defaults to the
    sources' own texts (and lexicon)."""
    if pool is None:
        pool = build_pool((source.text for source in sources), lexicon=lexicon)
    drafts = []
    for source in sources:
        drafts.extend(generate(source, seed=seed, pool=pool))
        drafts.extend(short_source_drafts(source, sources, drafts, seed=seed, pool=pool))
    return distinct_facts(drafts, common=pool.lexicon.language.common)


# A source with fewer drafts than this from its names and numbers is "short" ...
SHORT_YIELD = 5
# ... and gets at most this many "which source" drafts,
_SOURCE_DRAFTS = 3
# on sentences no sentence of another source shares half its content words with (counting
# sentences of at least this many content words: a heading shares little and says nothing).
_CLOSE_TO = 0.5
_MIN_WORDS = 5


def _head(source: SourceText) -> SourceText:
    """A source's first POOL_CHARS_PER_TEXT characters' blocks: a book cannot slow a run."""
    blocks = tuple(block for block in source.blocks if block.start < POOL_CHARS_PER_TEXT)
    return dataclasses.replace(source, blocks=blocks)


def short_source_drafts(
    source: SourceText,
    sources: Sequence[SourceText],
    drafts: Sequence[Draft],
    *,
    seed: int,
    pool: Pool,
) -> list[Draft]:
    """ "Which source is this sentence from?" drafts for a short source (see the docstring)."""
    own = [draft for draft in drafts if draft.source == source.slug]
    others = [other for other in sources if other.slug != source.slug]
    labels = list(dict.fromkeys(other.label for other in others if other.label != source.label))
    if len(own) >= SHORT_YIELD or len(labels) < 3:
        return []
    language = pool.lexicon.language
    said_elsewhere = [
        words
        for other in others
        for unit in units(_head(other))
        if len(words := _content_words(unit.text, language.common)) >= _MIN_WORDS
    ]
    asked = {draft.start for draft in own}
    found: list[Draft] = []
    for unit in units(source):
        if len(found) == _SOURCE_DRAFTS:
            break
        if unit.start in asked or not _anchors(source, unit):
            continue
        if rejection(unit.text, quoted_before=unit.quoted_before, language=language) is not None:
            continue
        words = _content_words(unit.text, language.common)
        if len(words) < _MIN_WORDS or any(
            len(words & seen) >= _CLOSE_TO * min(len(words), len(seen)) for seen in said_elsewhere
        ):
            continue
        found.append(source_draft(source, unit, labels, seed))
    return found


# Two drafts of one queue with the same numbers of the same thing whose sentences share this
# share of their content words ask the same fact, though two sources say it: "between 200,000
# and 500,000 firearms" in one, "200,000 to 500,000 firearms" in another. (A name is the
# answer of many facts: "CJNG" twice is two questions unless the sentences are alike.)
_SAME_FACT_ACROSS = 0.15


def _numbers(text: str) -> tuple[str, ...]:
    """The numbers of an answer and what they count: ("200,000", "500,000", "firearms"); none
    for a bare number (a year)."""
    found = tuple(re.findall(r"\d[\d,.]*\d|\d", text))
    unit = [word for word in word_list(text)[-1:] if not word.isdigit()]
    return (*found, *unit) if found and unit else ()


def distinct_facts(drafts: Sequence[Draft], *, common: frozenset[str]) -> list[Draft]:
    """The drafts of a queue (several sources) without the ones that ask a fact an earlier
    one already asks: the same numbers of the same thing in sentences sharing 15 % of their
    content words, or any answer in sentences sharing 60 %."""
    kept: list[tuple[Draft, set[str]]] = []
    for draft in drafts:
        words = _content_words(draft.quote, common)
        if not any(_same_fact(draft, words, other, seen) for other, seen in kept):
            kept.append((draft, words))
    return [draft for draft, _ in kept]


def _same_fact(draft: Draft, words: set[str], other: Draft, seen: set[str]) -> bool:
    shared = len(words & seen) / max(1, min(len(words), len(seen)))
    numbers = _numbers(draft.answer)
    same_numbers = bool(numbers) and numbers == _numbers(other.answer)
    return shared >= _SAME_FACT or (same_numbers and shared >= _SAME_FACT_ACROSS)


def select(drafts: Sequence[Draft], limit: int | None) -> list[Draft]:
    """At most `limit` drafts, taken in turn from each rule so that a short run is varied."""
    if limit is None or limit >= len(drafts):
        return list(drafts)
    by_rule: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_rule.setdefault(draft.rule, []).append(draft)
    chosen: list[Draft] = []
    while len(chosen) < limit:
        for rule in sorted(by_rule):
            if by_rule[rule] and len(chosen) < limit:
                chosen.append(by_rule[rule].pop(0))
    order = {id(draft): index for index, draft in enumerate(drafts)}
    return sorted(chosen, key=lambda draft: order[id(draft)])
