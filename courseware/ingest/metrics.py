"""Word counts, reading time and Flesch–Kincaid grade, computed offline."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from courseware.ingest.sentences import split_sentences, words

__all__ = [
    "count_sentences",
    "count_syllables",
    "count_words",
    "flesch_kincaid_grade",
    "reading_minutes",
]

_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_CONSONANT = re.compile(r"[b-df-hj-np-tv-xz]")
# Acronyms are read letter by letter ("CJNG", "U.S."); W is the one three-syllable letter.
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,4}s?\.?")
# Words the rules below get wrong and that are common enough to matter.
_EXCEPTIONS = {
    "business": 2,
    "businesses": 3,
    "element": 3,
    "elements": 3,
    "heroin": 3,
    "science": 2,
    "society": 4,
    "poem": 2,
    "poems": 2,
}
# Vowel pairs that are read as two syllables, except after the listed consonants
# ("vi-o-lence" but "na-tion"; "Co-lom-bi-a" but "Rus-sia"; "ac-tu-al" but "guard";
# "Le-on" but "peo-ple").
_SPLIT_PAIRS = (
    re.compile(r"(?:^|(?<=[^tscgxln]))io"),
    re.compile(r"(?:^|(?<=[^tsc]))ia"),
    re.compile(r"(?<=[^gqjh])ua"),
    re.compile(r"(?<=[^gq])uel"),
    re.compile(r"(?:^|(?<=[^pg]))eo(?!u)"),
    re.compile(r"ea$"),
    re.compile(r"oa$"),
    re.compile(r"^creat"),
    re.compile(r"^coo[pr]"),
    re.compile(r"ism$"),
    re.compile(r"(?<=[aeiouy])ing"),
)
_SILENT_E_BEFORE_SUFFIX = re.compile(r"[aeiou][b-df-hj-np-tv-xz]{1,2}e(?:ly|ment|ness|ful|less)$")
_SOUNDED_ES = ("ses", "zes", "xes", "ces", "ges", "ches", "shes")


def count_words(text: str) -> int:
    """Number of words: whitespace- or dash-separated tokens with a letter or digit."""
    return len(words(text))


def count_sentences(text: str) -> int:
    """Number of sentences (every line break also ends one)."""
    return len(split_sentences(text))


def reading_minutes(words: int, wpm: int = 200) -> int:
    """Minutes to read `words` words at `wpm` words per minute, rounded up; 0 for none."""
    if words <= 0:
        return 0
    return max(1, math.ceil(words / wpm))


def count_syllables(word: str) -> int:
    """Estimate the syllables in an English word with spelling rules (no dictionary).

    At least 1 for any word holding a letter or digit, 0 otherwise. Accents and
    apostrophes are ignored ("León" counts like "Leon", "Mexico's" like "Mexicos").
    """
    bare = word.strip(",;:!?\"'“”‘’()[]")
    if _ACRONYM.fullmatch(bare):
        return sum(3 if char == "W" else 1 for char in bare if char.isalpha() and char.isupper())
    decomposed = unicodedata.normalize("NFD", word.lower())
    letters = "".join(char for char in decomposed if "a" <= char <= "z")
    if not letters:
        return 1 if any(char.isalnum() for char in word) else 0
    return max(1, _syllables(letters))


def _syllables(letters: str) -> int:
    if letters in _EXCEPTIONS:
        return _EXCEPTIONS[letters]
    if letters.startswith("every"):
        # "ev(e)ry" drops its middle vowel: ev-ry, ev-ry-one, ev-ry-thing.
        rest = letters[len("every") :]
        return 2 + (_syllables(rest) if rest else 0)
    # An initial y before a vowel is a consonant ("year", "young").
    scanned = letters[1:] if letters[0] == "y" and letters[1:2] in set("aeiou") else letters
    count = len(_VOWEL_GROUP.findall(scanned))
    count += sum(len(pattern.findall(letters)) for pattern in _SPLIT_PAIRS)
    if count > 1:
        count -= _silent_endings(letters)
    return count


def _silent_endings(letters: str) -> int:
    before = letters[-3:-2]
    if letters.endswith("e") and _CONSONANT.fullmatch(letters[-2]):
        # A final "-le" after a consonant is sounded ("peo-ple", "ta-ble").
        sounded_le = letters.endswith("le") and _CONSONANT.fullmatch(before) is not None
        return 0 if sounded_le else 1
    if letters.endswith("es") and _CONSONANT.fullmatch(before):
        sounded = letters.endswith(_SOUNDED_ES) or (
            letters.endswith("les") and _CONSONANT.fullmatch(letters[-4:-3]) is not None
        )
        return 0 if sounded else 1
    if letters.endswith("ed") and _CONSONANT.fullmatch(before) and before not in "td":
        return 1
    if _SILENT_E_BEFORE_SUFFIX.search(letters):
        return 1
    return 0


def flesch_kincaid_grade(text: str) -> float:
    """Flesch–Kincaid grade level, rounded to one decimal; 0.0 for text without words.

    0.39 × words/sentences + 11.8 × syllables/words − 15.59, computed exactly and
    rounded half away from zero (so −1.45 gives −1.5).
    """
    tokens = words(text)
    if not tokens:
        return 0.0
    sentences = max(1, count_sentences(text))
    syllables = sum(count_syllables(token) for token in tokens)
    grade = (
        Fraction(39, 100) * Fraction(len(tokens), sentences)
        + Fraction(118, 10) * Fraction(syllables, len(tokens))
        - Fraction(1559, 100)
    )
    exact = Decimal(grade.numerator) / Decimal(grade.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
