"""Numbers as people write them: the convention of a language ("en": 2,006 and 2.5; "es":
2.006 and 2,5), reading a typed number by one, writing one in it. Pure: plain values in and
out. A numeric answer stores the convention it was read by, so a regrade or an export reads
it the same way (quizzes.grading)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# Longer text is no number anyone typed (the same limit as a typed answer's, quizzes.grading).
MAX_LENGTH = 500

# How numbers are written, by convention: "en" reads 2,006 as 2006 and 2.5 as two and a half;
# "es" reads 2.006 as 2006 and 2,5 as two and a half. A number's text is read by the
# convention of the student's language when they answered, which is stored with it.
NUMBER_CONVENTIONS: tuple[str, ...] = ("en", "es")
_MARKS = {"en": (",", "."), "es": (".", ",")}  # (thousands separator, decimal mark)


def _number_pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(
        rf"""
        [+-]?
        (?:
            (?:
                [0-9]{{1,3}} (?: {g}[0-9]{{3}} )+     # 137,000 (en), 137.000 (es)
              | [0-9]{{1,3}} (?: \ [0-9]{{3}} )+     # 137 000
              | [0-9]+                              # 137000
            )
            (?: {d}[0-9]* )?
          | {d}[0-9]+                               # .5 (en), ,5 (es)
        )
        """,
        re.VERBOSE,
    )


_NUMBER = {convention: _number_pattern(*marks) for convention, marks in _MARKS.items()}
# No-break and thin spaces are what some keyboards and copy-pastes put between thousands;
# U+2212 is the typographic minus sign.
_NUMBER_CHARS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})


def number_convention(language: str | None) -> str:
    """The convention numbers are written in for a language code: "es" for Spanish ("es",
    "es-mx", "es_MX"), "en" for everything else."""
    code = (language or "").lower().replace("_", "-")
    return "es" if code == "es" or code.startswith("es-") else "en"


def parse_number(text: str, convention: str) -> Decimal | None:
    """The number `text` reads as in `convention` (one of NUMBER_CONVENTIONS), or None.

    Digits 0-9 only, an optional sign (+, - or the minus sign U+2212), the convention's
    decimal mark, and thousands grouped by its separator or by spaces (no-break and thin
    spaces too), in groups of three. So "1,234" is 1234 in "en" and 1.234 in "es", while
    "2.5" is refused in "es" and "2,5" in "en" (a decimal group of other than three digits
    cannot be thousands). Exponents, NaN and infinity never match, and grouping must be
    standard thousands (one separator, groups of three) so that "12,34,5" is refused rather
    than guessed at. Raises ValueError for an unknown convention.
    """
    if convention not in _MARKS:
        raise ValueError(f"convention must be one of {NUMBER_CONVENTIONS}, not {convention!r}.")
    if len(text) > MAX_LENGTH:
        return None
    cleaned = text.strip().translate(_NUMBER_CHARS)
    if not _NUMBER[convention].fullmatch(cleaned):
        return None
    group, decimal = _MARKS[convention]
    return Decimal(cleaned.replace(group, "").replace(" ", "").replace(decimal, "."))


def numeric_text(answer: Any) -> str:
    """A stored numeric answer's text as the student typed it ("" for none or junk)."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, Mapping) and isinstance(answer.get("text"), str):
        return str(answer["text"])
    return ""


def numeric_value(answer: Any) -> Decimal | None:
    """The number a stored numeric answer was read as when it was given, or None."""
    # Numeric answers stored before conventions were recorded are bare strings, and were
    # read the English way.
    if isinstance(answer, str):
        return parse_number(answer, "en")
    if (
        isinstance(answer, Mapping)
        and set(answer) == {"text", "convention"}
        and isinstance(answer["text"], str)
        and answer["convention"] in NUMBER_CONVENTIONS
    ):
        return parse_number(answer["text"], answer["convention"])
    return None


_SWAP_MARKS = str.maketrans(",.", ".,")


def format_number(number: Decimal | int, convention: str) -> str:
    """A number as people using `convention` write it, thousands grouped: 137,000 and 2.5
    ("en"); 137.000 and 2,5 ("es"). No trailing zeros, and no "-0"."""
    text = format(Decimal(number), ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if convention == "es":
        text = text.translate(_SWAP_MARKS)
    return text
