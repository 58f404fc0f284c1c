"""Anchoring quotes to exact offsets in a source text (W3C TextQuoteSelector semantics).

A quote matches when it is the same text up to whitespace, quote-mark, dash and
Unicode-normalisation differences. Both sides are folded to a canonical form that keeps,
for each folded character, the span of original characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from courseware.ingest.normalize import INVISIBLE_CHARS

__all__ = ["Anchor", "QuoteAmbiguous", "QuoteError", "QuoteNotFound", "anchor", "selector"]

_SINGLE_QUOTES = "’‘‛′'"
_DOUBLE_QUOTES = '“”„‟″"'
_DASHES = "–—‐‑‒―-"
_FOLD_TABLE = str.maketrans(
    {
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
    }
)
# A run of whitespace and invisible characters folds to one space if it holds any
# whitespace, and to nothing otherwise.
_GAP = re.compile(rf"[\s{INVISIBLE_CHARS}]+")
_WHITESPACE = re.compile(r"\s")
# Below this similarity the "nearest" text is noise and naming it would mislead.
_MIN_NEAREST_SCORE = 50
# Long quotes and contexts are shortened in messages so that they stay readable.
_MESSAGE_CHARS = 200


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in a text; exact == text[start:end] (the text's own characters)."""

    start: int
    end: int
    exact: str


class QuoteError(ValueError):
    """A quote cannot be anchored; str(error) tells the teacher what to change."""

    def __init__(
        self,
        message: str,
        *,
        quote: str,
        nearest: str | None = None,
        nearest_start: int | None = None,
        nearest_end: int | None = None,
        score: float | None = None,
        matches: int = 0,
        spans: tuple[tuple[int, int], ...] = (),
    ) -> None:
        super().__init__(message)
        self.quote = quote
        self.nearest = nearest
        self.nearest_start = nearest_start
        self.nearest_end = nearest_end
        self.score = score
        self.matches = matches
        self.spans = spans


class QuoteNotFound(QuoteError):
    """The quote (with its prefix and suffix) does not occur in the text."""


class QuoteAmbiguous(QuoteError):
    """The quote occurs in several places that its prefix and suffix do not tell apart."""


@dataclass(frozen=True)
class _Folded:
    text: str
    # Original span [starts[k], ends[k]) of folded character k.
    starts: array[int]
    ends: array[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=8)
def _fold_text(text: str) -> _Folded:
    # Cached because one source text is anchored against many times in a row.
    return _fold(text)


def _fold(text: str) -> _Folded:
    if not unicodedata.is_normalized("NFC", text):
        return _fold_by_cluster(text)
    parts: list[str] = []
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    position = 0
    for gap in _GAP.finditer(text):
        gap_start, gap_end = gap.span()
        if gap_start > position:
            parts.append(text[position:gap_start].translate(_FOLD_TABLE))
            starts.extend(range(position, gap_start))
            ends.extend(range(position + 1, gap_start + 1))
        if _WHITESPACE.search(text, gap_start, gap_end):
            parts.append(" ")
            starts.append(gap_start)
            ends.append(gap_end)
        position = gap_end
    if position < len(text):
        parts.append(text[position:].translate(_FOLD_TABLE))
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return _Folded("".join(parts), starts, ends)


def _fold_by_cluster(text: str) -> _Folded:
    # Slow path for text that is not NFC: compose each base character with its
    # combining marks, and map every composed character to the whole cluster.
    parts: list[str] = []
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    index = 0
    while index < len(text):
        char = text[index]
        if char in INVISIBLE_CHARS:
            index += 1
            continue
        if char.isspace():
            if parts and parts[-1] == " ":
                ends[-1] = index + 1
            else:
                parts.append(" ")
                starts.append(index)
                ends.append(index + 1)
            index += 1
            continue
        cluster_end = index + 1
        while cluster_end < len(text) and unicodedata.combining(text[cluster_end]):
            cluster_end += 1
        for folded in unicodedata.normalize("NFC", text[index:cluster_end]).translate(_FOLD_TABLE):
            parts.append(folded)
            starts.append(index)
            ends.append(cluster_end)
        index = cluster_end
    return _Folded("".join(parts), starts, ends)


def _fold_quote(text: str) -> str:
    return _fold(text).text.strip(" ")


def _occurrences(folded: str, needle: str) -> list[int]:
    found: list[int] = []
    index = folded.find(needle)
    while index != -1:
        end = index + len(needle)
        # A match must not split an accented letter that has no precomposed form.
        if not unicodedata.combining(folded[index]) and not (
            end < len(folded) and unicodedata.combining(folded[end])
        ):
            found.append(index)
        index = folded.find(needle, index + 1)
    return found


def _has_prefix(folded: str, start: int, prefix: str) -> bool:
    # Whitespace at the junction is optional on both sides, like whitespace anywhere.
    end = start - 1 if start > 0 and folded[start - 1] == " " else start
    return folded.endswith(prefix, 0, end)


def _has_suffix(folded: str, end: int, suffix: str) -> bool:
    start = end + 1 if end < len(folded) and folded[end] == " " else end
    return folded.startswith(suffix, start)


def anchor(text: str, exact: str, prefix: str = "", suffix: str = "") -> Anchor:
    """Find the one place in text where the quote `exact` occurs.

    Tolerates only whitespace differences (any run matches any run, including a paragraph
    break), typographic versus straight quotes and apostrophes, dash variants and Unicode
    normalisation; case and accents count. When the quote occurs more than once, only
    places whose preceding text ends with `prefix` and following text starts with
    `suffix` are kept. Raises QuoteNotFound (naming the nearest text), QuoteAmbiguous,
    or QuoteError for an empty quote.
    """
    folded = _fold_text(text)
    needle = _fold_quote(exact)
    if not needle:
        raise QuoteError("The quote is empty: paste the exact words from the source.", quote=exact)
    occurrences = _occurrences(folded.text, needle)
    if not occurrences:
        raise _not_found(text, folded, exact, needle)
    folded_prefix = _fold_quote(prefix)
    folded_suffix = _fold_quote(suffix)
    kept = [
        start
        for start in occurrences
        if _has_prefix(folded.text, start, folded_prefix)
        and _has_suffix(folded.text, start + len(needle), folded_suffix)
    ]
    if len(kept) == 1:
        start, end = folded.span(kept[0], kept[0] + len(needle))
        return Anchor(start, end, text[start:end])
    if not kept:
        raise _context_mismatch(
            text, folded, exact, needle, occurrences, folded_prefix, folded_suffix
        )
    spans = tuple(folded.span(start, start + len(needle)) for start in kept)
    advice = (
        "make the prefix or suffix longer to choose one"
        if folded_prefix or folded_suffix
        else "add a prefix or suffix (the words just before or after) to choose one"
    )
    raise QuoteAmbiguous(
        f"Quote {_show(exact)} matches {len(kept)} places; {advice}.",
        quote=exact,
        matches=len(kept),
        spans=spans,
    )


def _show(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > _MESSAGE_CHARS:
        flat = flat[: _MESSAGE_CHARS - 1] + "…"
    return f'"{flat}"'


def _not_found(text: str, folded: _Folded, exact: str, needle: str) -> QuoteNotFound:
    nearest = _nearest(text, folded, needle)
    if nearest is None:
        return QuoteNotFound(
            f"Quote not found: {_show(exact)}. Nothing in the source resembles it; check "
            "that the quote comes from this source.",
            quote=exact,
        )
    start, end, score = nearest
    return QuoteNotFound(
        f"Quote not found: {_show(exact)}. Nearest text in the source: "
        f"{_show(text[start:end])} (score {min(round(score), 99)}).",
        quote=exact,
        nearest=text[start:end],
        nearest_start=start,
        nearest_end=end,
        score=score,
    )


def _nearest(text: str, folded: _Folded, needle: str) -> tuple[int, int, float] | None:
    if not folded.text:
        return None
    alignment = fuzz.partial_ratio_alignment(needle, folded.text)
    if (
        alignment is None
        or alignment.score < _MIN_NEAREST_SCORE
        or alignment.dest_end <= alignment.dest_start
    ):
        return None
    start, end = _whole_words(text, *folded.span(alignment.dest_start, alignment.dest_end))
    return start, end, float(alignment.score)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = _word_start(text, start), _word_end(text, end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _word_start(text: str, index: int) -> int:
    while 0 < index < len(text) and _in_word(text[index - 1]) and _in_word(text[index]):
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    while 0 < index < len(text) and _in_word(text[index - 1]) and _in_word(text[index]):
        index += 1
    return index


def _in_word(char: str) -> bool:
    return char.isalnum() or char in _SINGLE_QUOTES or unicodedata.combining(char) != 0


def _context_mismatch(
    text: str,
    folded: _Folded,
    exact: str,
    needle: str,
    occurrences: list[int],
    prefix: str,
    suffix: str,
) -> QuoteNotFound:
    def context_before(start: int) -> tuple[str, int]:
        end = start - 1 if start > 0 and folded.text[start - 1] == " " else start
        begin = max(0, end - len(prefix))
        original = folded.starts[begin] if begin < end else folded.starts[start]
        return folded.text[begin:end], original

    def context_after(end: int) -> tuple[str, int]:
        begin = end + 1 if end < len(folded.text) and folded.text[end] == " " else end
        stop = min(len(folded.text), begin + len(suffix))
        original = folded.ends[stop - 1] if stop > begin else folded.span(end - 1, end)[1]
        return folded.text[begin:stop], original

    def score(start: int) -> float:
        scores: list[float] = []
        if prefix:
            scores.append(fuzz.ratio(prefix, context_before(start)[0]))
        if suffix:
            scores.append(fuzz.ratio(suffix, context_after(start + len(needle))[0]))
        return sum(scores) / len(scores)

    best = max(occurrences, key=score)
    start, end = folded.span(best, best + len(needle))
    wrong: list[str] = []
    if prefix and not _has_prefix(folded.text, best, prefix):
        actual_start = _word_start(text, context_before(best)[1])
        wrong.append(
            f"is preceded by {_show(text[actual_start:start])} rather than {_show(prefix)}"
        )
    if suffix and not _has_suffix(folded.text, best + len(needle), suffix):
        actual_end = _word_end(text, context_after(best + len(needle))[1])
        wrong.append(f"is followed by {_show(text[end:actual_end])} rather than {_show(suffix)}")
    times = "once" if len(occurrences) == 1 else f"{len(occurrences)} times"
    return QuoteNotFound(
        f"Quote {_show(exact)} occurs {times} in the source, but not with that prefix and "
        f"suffix: the nearest occurrence {' and '.join(wrong)}. Correct the prefix or suffix "
        "(the words just before or after the quote).",
        quote=exact,
        nearest=text[start:end],
        nearest_start=start,
        nearest_end=end,
        score=score(best),
        matches=len(occurrences),
        spans=tuple(folded.span(s, s + len(needle)) for s in occurrences),
    )


def selector(text: str, start: int, end: int, context: int = 32) -> tuple[str, str]:
    """The shortest (prefix, suffix) that make text[start:end] the only match of anchor().

    Each is at most `context` characters of the text immediately before or after the span;
    ("", "") when the span's text is already unique. If `context` characters do not
    suffice (long repeated passages), longer contexts are used rather than failing.
    anchor(text, text[start:end], *selector(text, start, end)) returns the span.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"[{start}:{end}] is not a span of a text of length {len(text)}.")
    folded = _fold_text(text)
    needle = _fold_quote(text[start:end])
    if not needle:
        raise QuoteError(
            "The quote is empty: select some words of the source.", quote=text[start:end]
        )
    target = bisect_left(folded.starts, start)
    if target < len(folded.text) and folded.text[target] == " ":
        target += 1
    occurrences = _occurrences(folded.text, needle)
    if target not in occurrences:
        raise ValueError(f"[{start}:{end}] does not begin and end on whole characters.")
    if len(occurrences) == 1:
        return "", ""
    # Anchored spans never start or end with whitespace, so neither do their contexts.
    core_start, core_end = folded.span(target, target + len(needle))
    others = [other for other in occurrences if other != target]
    limit = context
    while True:
        choice = _shortest_context(
            text, folded, needle, target, others, core_start, core_end, limit
        )
        if choice is not None:
            return choice
        if limit >= len(text):
            raise QuoteAmbiguous(
                f"The text {_show(text[start:end])} cannot be told apart from another "
                "place with the same surroundings.",
                quote=text[start:end],
                matches=len(occurrences),
            )
        limit *= 2


def _shortest_context(
    text: str,
    folded: _Folded,
    needle: str,
    target: int,
    others: list[int],
    start: int,
    end: int,
    limit: int,
) -> tuple[str, str] | None:
    # Elimination is monotone: a longer context rules out at least what a shorter one
    # does. So find, per other occurrence, the shortest prefix and the shortest suffix
    # that rule it out alone; a pair works when it rules out every occurrence by one side.
    prefixes = [
        (length, _fold_quote(text[start - length : start]))
        for length in range(min(limit, start) + 1)
        if length == 0 or not unicodedata.combining(text[start - length])
    ]
    suffixes = [
        (length, _fold_quote(text[end : end + length]))
        for length in range(min(limit, len(text) - end) + 1)
        if end + length == len(text) or not unicodedata.combining(text[end + length])
    ]
    prefixes = [(n, p) for n, p in prefixes if _has_prefix(folded.text, target, p)]
    suffixes = [(n, s) for n, s in suffixes if _has_suffix(folded.text, target + len(needle), s)]
    infinite = len(text) + 1
    needs: list[tuple[int, int]] = []
    for other in others:
        by_prefix = next(
            (n for n, p in prefixes if not _has_prefix(folded.text, other, p)), infinite
        )
        by_suffix = next(
            (n for n, s in suffixes if not _has_suffix(folded.text, other + len(needle), s)),
            infinite,
        )
        needs.append((by_prefix, by_suffix))
    best: tuple[int, int] | None = None
    for prefix_length, _ in prefixes:
        suffix_length = max(
            (by_suffix for by_prefix, by_suffix in needs if by_prefix > prefix_length),
            default=0,
        )
        if suffix_length == infinite:
            continue
        if best is None or prefix_length + suffix_length < sum(best):
            best = (prefix_length, suffix_length)
    if best is None:
        return None
    return text[start - best[0] : start], text[end : end + best[1]]
