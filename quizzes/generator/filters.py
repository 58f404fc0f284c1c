"""Stage 2: filters, which reject what would make a poor question.

Fragments (short, no verb, lowercase start, questions, lines ending in a colon), sentences
that lean on earlier ones (a pronoun or a connective first, "the president" unnamed),
quotations and reported speech, boilerplate (disclaimers, bylines, donation and site
furniture: the one list in courseware.ingest.boilerplate, which the cleaner uses too),
reference numbers mid-sentence, and sentences too long to read as a question.
The word lists are the language file's; the patterns below are English sentence shapes.
"""

from __future__ import annotations

import re

from courseware.ingest.boilerplate import boilerplate_phrase
from courseware.ingest.sentences import words
from quizzes.generator.lexicon import Language, load_language
from quizzes.generator.text import CLOSING_QUOTES, OPENING_QUOTES

MIN_WORDS = 8
MAX_WORDS = 48

_VAGUE = re.compile(
    r"\bthe (?:president|state|city|town|country|group|organi[sz]ation|initiative|case|"
    r"operation|programme|program|agency|ministry|minister|region|area|latter|former)\b"
    r"(?!\s+(?:of|in|for)\b|\s+[A-Z])"
)
_PERSONAL = re.compile(r"\b(?:he|she|his|her|him|hers)\b", re.I)
# "this offer", "these weapons", "such actions": the sentence points back at an earlier one.
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those|such(?! as\b)|aforementioned|similar|same|latter|former)\b"
    r"|\b(?:of|in|by|to|from|with|on|at|for) that (?!is|was|are|were|has|have|had)[a-z]+"
    r"|\bthere[.,]",
    re.I,
)
_THEY = re.compile(r"\b(?:they|them|their|theirs)\b", re.I)
_BACK_REFERENCE = re.compile(
    r"\bthe (?:allegation|controversy|initiative|defection|incident|move|decision|proposal|"
    r"offer|lawsuit|ruling|affair|scheme|episode|latter|former)s?\b(?! (?:of|to|that|by)\b)"
)
_REPORTED = re.compile(
    r"(?:,|\bthat)\s+(?:[A-Z][\w’'-]*\s+){0,3}(?:said|told|added|explained|noted|argued|"
    r"says|writes|wrote|claimed|stressed|insisted)\b[^.]*\.?$|^[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?"
    r"\s+(?:said|says|told|added|explained|noted|argued|believes|thinks)\b"
    r"|,\s+(?:he|she|they)\s+(?:said|says|told|added|explained|noted|argued)\b"
    r"|\b(?:but|and|while)\s+[A-Z][\w’'-]*\s+(?:said|says|told|added|explained|noted|argued)\b"
)
# Slips a reader would stumble on ("issued a an alert", "regularly us heavily"): the stem
# would quote them, so such sentences are left to a person.
_TYPO = re.compile(r"\b(?:a|an|the) (?:a|an|the)\b|\b\w+ly us\b|\b(\w+) \1\b|[^.]\.\.$", re.I)
_REFERENCE = re.compile(r"\[\s*\d+\s*\]|\[[a-z][^\]]*\]")


def _has_verb(text: str, language: Language) -> bool:
    verbs = language.verbs
    for token in re.findall(r"[A-Za-z’'-]+", text):
        if not token[0].islower():
            continue
        word = token.lower().strip("’'-")
        if word in language.auxiliaries or word in verbs:
            return True
        if word in language.not_verbs:
            continue
        for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
            if word.endswith(suffix) and word[: -len(suffix)] + replacement in verbs:
                return True
        if len(word) >= 5 and word.endswith("ed") and "-" not in word:
            return True
    return False


def _quoted_share(text: str) -> float:
    inside = 0
    depth = 0
    for char in text:
        if char in OPENING_QUOTES or (char == '"' and depth == 0):
            depth = 1
            continue
        if char in CLOSING_QUOTES or (char == '"' and depth == 1):
            depth = 0
            continue
        inside += depth
    return inside / max(1, len(text))


def _unbalanced_quotes(text: str) -> bool:
    opening = sum(text.count(mark) for mark in OPENING_QUOTES)
    closing = sum(text.count(mark) for mark in CLOSING_QUOTES)
    return opening != closing or text.count('"') % 2 == 1


def _first_proper_noun(text: str, language: Language) -> int:
    """Offset of the first capitalised word after the first word, len(text) if none. A
    leading date names nobody ("In July 2026, she spoke…"): its month does not count."""
    date = re.match(
        rf"(?:In|On|By|Since|Until|From|As of)\s+(?:early |late |mid-)?(?:{language.month_names})"
        r"(?:\s+\d{1,2})?,?\s+\d{4},?\s+",
        text,
    )
    start = date.end() - 1 if date else 0
    for match in re.finditer(r"(?<=\s)[“\"(]?[A-Z][\w’'.-]*", text[start:]):
        return start + match.start()
    return len(text)


def rejection(
    text: str, *, quoted_before: bool = False, language: Language | None = None
) -> str | None:
    """Why a unit cannot become a question (a short reason), or None if it may.

    quoted_before: the unit starts inside a quotation opened by an earlier sentence.
    language: whose word lists to read it with (default: English).
    """
    language = language or load_language()
    stripped = text.strip()
    reason = _shape_rejection(stripped, quoted_before, language)
    if reason is not None:
        return reason
    if language.connective_start.match(stripped):
        return "depends on an earlier sentence"
    if re.search(r"\bthe president\b(?![’'] ?s? [A-Z]|,? [A-Z])", stripped):
        return "unresolved reference"
    if _DEMONSTRATIVE.search(stripped) or _BACK_REFERENCE.search(stripped):
        return "unresolved reference"
    proper = _first_proper_noun(stripped, language)
    for pronoun in (_PERSONAL, _THEY):
        found = pronoun.search(stripped)
        if found and found.start() < proper:
            return "unresolved pronoun"
    vague = _VAGUE.search(stripped)
    if vague and vague.start() < proper:
        return "unresolved reference"
    return None


def _shape_rejection(stripped: str, quoted_before: bool, language: Language) -> str | None:
    """Boilerplate, references, questions, slips, quotations and fragments."""
    if boilerplate_phrase(stripped) is not None:
        return "boilerplate"
    if _REFERENCE.search(stripped):
        return "reference numbers"
    if stripped.endswith("?"):
        return "question"
    if _TYPO.search(stripped):
        return "typo in the source"
    first_word = re.match(r"[A-Za-z’']+", stripped)
    if first_word and first_word.group().lower() in language.pronoun_starts:
        return "pronoun start"
    if quoted_before or _unbalanced_quotes(stripped) or _quoted_share(stripped) > 0.3:
        return "quotation"
    if _REPORTED.search(stripped):
        return "quotation: reported speech"
    first = stripped[:1]
    if not first.isalpha() or not first.isupper():
        return "fragment: does not start a sentence"
    count = len(words(stripped))
    if count < MIN_WORDS:
        return "fragment: too short"
    if count > MAX_WORDS:
        return "too long"
    if stripped.endswith((":", ",", ";")) or not _has_verb(stripped, language):
        return "fragment: no verb"
    return None
