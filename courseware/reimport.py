"""Re-importing a source: where its passages, readings and citations go in the new text.

Plain data in and out, no database. Passages are matched by their text (unchanged ones in
order, then edited ones paired within each stretch that changed). A citation inside passages
that did not change keeps its place in them; any other citation is anchored again with its
exact words, prefix and suffix (the same `anchor` that checked it when it was written). Nothing
is ever matched fuzzily: a quote that does not anchor is broken.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from courseware.ingest import QuoteError, anchor, selector

UNCHANGED, MOVED, EDITED, BROKEN = "unchanged", "moved", "edited", "broken"
STATUS_LABELS = {
    UNCHANGED: "Unchanged",
    MOVED: "Moved",
    EDITED: "Passage edited",
    BROKEN: "Broken",
}


@dataclass(frozen=True)
class Span:
    """A passage: its offsets in its text, and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Relocation:
    """Where a citation goes. For every status but BROKEN, new_text[start:end] == exact."""

    status: str
    start: int = 0
    end: int = 0
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    message: str = ""  # BROKEN: why, naming the nearest text when there is one
    nearest: str = ""


def match_passages(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Old passage index → new passage index.

    Identical passages are matched in order; within a stretch that changed, old and new
    passages are paired in order (an edited paragraph stays the same passage). Old passages
    left over were removed; new ones left over were added.
    """
    mapping: dict[int, int] = {}
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(min(old_end - old_start, new_end - new_start)):
                mapping[old_start + offset] = new_start + offset
    return mapping


def _covering(passages: Sequence[Span], start: int, end: int) -> list[int]:
    return [i for i, p in enumerate(passages) if p.start < end and start < p.end]


def relocate(
    *,
    exact: str,
    prefix: str,
    suffix: str,
    start: int,
    end: int,
    old_passages: Sequence[Span],
    new_text: str,
    new_passages: Sequence[Span],
    mapping: Mapping[int, int],
) -> Relocation:
    """Re-anchor one citation of the old text in the new text.

    UNCHANGED: same place, and the passages around it read the same. MOVED: the same words in
    unchanged passages, at new offsets. EDITED: the words still anchor, but a passage they sit
    in was edited, so what they mean may have changed. BROKEN: they no longer anchor.
    """
    old_around = _covering(old_passages, start, end)
    kept = [mapping.get(i) for i in old_around]
    if old_around and all(
        j is not None and new_passages[j].text == old_passages[i].text
        for i, j in zip(old_around, kept, strict=True)
    ):
        # The passages that held the quote are all still there, word for word: the quote is
        # where they put it, even if its words now also occur somewhere else.
        delta = new_passages[kept[0] or 0].start - old_passages[old_around[0]].start
        new_start, new_end = start + delta, end + delta
        if (
            new_text[new_start:new_end] == exact
            and _covering(new_passages, new_start, new_end) == kept
        ):
            status = UNCHANGED if delta == 0 else MOVED
            return _relocated(status, new_text, new_start, new_end)
    try:
        found = anchor(new_text, exact, prefix, suffix)
    except QuoteError as error:
        return Relocation(BROKEN, message=str(error), nearest=error.nearest or "")
    return _relocated(EDITED, new_text, found.start, found.end)


def _relocated(status: str, text: str, start: int, end: int) -> Relocation:
    try:
        prefix, suffix = selector(text, start, end)
    except ValueError as error:  # QuoteError, or a span that splits a character
        return Relocation(BROKEN, message=str(error))
    return Relocation(status, start, end, text[start:end], prefix, suffix)


def remap_reading(
    items: Sequence[int | None], mapping: Mapping[int, int], added: Collection[int]
) -> list[tuple[str, int]]:
    """A reading's passages after the re-import.

    `items` are the reading's passages in order: the old position of each passage of this
    source, None for a passage of another source. Returns ("keep", index into items) for each
    passage kept, and ("add", new position) for each added passage that falls between two of
    the reading's passages that were consecutive in the source (the reading read that stretch
    whole, so it keeps reading it whole). Removed passages are left out.
    """
    present = {old for old in items if old is not None}
    result: list[tuple[str, int]] = []
    previous: int | None = None  # old position of the last kept passage of this source
    for index, old in enumerate(items):
        if old is None:
            result.append(("keep", index))
            continue
        if old not in mapping:
            continue
        if previous is not None and all(p in present for p in range(previous + 1, old)):
            result.extend(
                ("add", new) for new in range(mapping[previous] + 1, mapping[old]) if new in added
            )
        result.append(("keep", index))
        previous = old
    return result
