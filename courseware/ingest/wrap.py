"""Repairing hard-wrapped text: lines broken at a fixed width, or by a blog's editor.

Two rules find where a line was broken inside a paragraph:

- the width rule, for text wrapped at a fixed column (a web page copied as 72-column text, an
  e-mail): a line was broken there when the next line's first word would not have fitted on
  it. Used when the text looks wrapped (`wrap_width`);
- the continuation rule, for irregular breaks: a line that does not end a sentence continues
  when the next line starts in lowercase, or when it is a single word ("Bilateral" +
  "cooperation with the U.S."). Used when the source's rules ask for it; with the width rule,
  its lowercase half only (a single word alone on a line of a fixed-width text is a heading
  or the last word of a paragraph).

A blank line always ends a paragraph, and a line starting with a list marker or a number
("- ", "2. ") always starts one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

__all__ = ["unwrap_groups", "wrap_width"]

_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*$")
_STARTS_ITEM = re.compile(r"(?:[-•*]|\d{1,3}[.)]) +")
# A text is taken as wrapped at a width when the lines that run on into another line (not
# followed by a blank one) nearly all end within this many characters of it (words are
# shorter), almost none is longer, and there are enough of them to tell.
_BAND = 15
_MIN_LINES = 5
_MIN_WIDTH, _MAX_WIDTH = 40, 120
_IN_BAND_SHARE = 0.75
_LONGER_SHARE = 0.02


def wrap_width(lines: Sequence[str]) -> int | None:
    """The column a text was hard-wrapped at, or None when it was not.

    Only lines followed by another non-blank line count: in a wrapped text they are the
    full lines inside paragraphs; in a text with one paragraph per line they are whole
    paragraphs, of every length. The width is the length all but the longest of them (one,
    or 2 %) stay within; the text is wrapped when that is between 40 and 120 characters and
    at least 75 % of them end within 15 characters of it.
    """
    running_on = sorted(len(line) for line, following in pairwise(lines) if line and following)
    if len(running_on) < _MIN_LINES:
        return None
    longer_allowed = max(1, int(_LONGER_SHARE * len(running_on)))
    width = running_on[len(running_on) - 1 - longer_allowed]
    if not _MIN_WIDTH <= width <= _MAX_WIDTH:
        return None
    in_band = sum(1 for length in running_on if width - _BAND < length <= width)
    return width if in_band >= _IN_BAND_SHARE * len(running_on) else None


def unwrap_groups(
    lines: Sequence[str], *, width: int | None, continuation: bool
) -> list[list[int]]:
    """The lines' indexes grouped into the lines they were before wrapping, in order.

    A blank line is a group of its own, never joined. width: apply the width rule at this
    column (None: not). continuation: apply the continuation rule.
    """
    groups: list[list[int]] = []
    for index, line in enumerate(lines):
        previous = lines[groups[-1][-1]] if groups else ""
        if line and previous and _joins(previous, line, width, continuation):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _joins(line: str, following: str, width: int | None, continuation: bool) -> bool:
    if _STARTS_ITEM.match(following):
        return False
    if width is not None and len(line) + 1 + len(following.split(" ", 1)[0]) > width:
        return True
    if (width is None and not continuation) or _SENTENCE_END.search(line):
        return False
    # A single-word line of a fixed-width text is a heading or a paragraph's last word.
    return following[0].islower() or (continuation and len(line.split()) == 1)
