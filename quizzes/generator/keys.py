"""Stage 3: keys, what a question may ask for in a sentence.

Years and months, quantities (numbers with a unit, percentages, amounts of money, ranges),
the lexicon's names (groups, agencies, regions, cities; see name_keys) and key terms ("known
as monstruos", "or “huachicol”"). A key is dropped when it is ambiguous (twice in the
sentence), a member of a list (of names or of dates), inside a quotation, or given away by
another word of the sentence.
"""

from __future__ import annotations

import re

from courseware.ingest.sentences import words
from quizzes.generator.lexicon import Language
from quizzes.generator.model import Key
from quizzes.generator.name_keys import agency_keys, group_keys, place_keys
from quizzes.generator.names import Names
from quizzes.generator.numbers import (
    RANGE,
    YEAR,
    numbers_found,
    unit_after,
    value_of,
    year_in_range,
)
from quizzes.generator.pool import Pool
from quizzes.generator.text import contains_words, fold, quote_depths, word_list


def _list_member(text: str, start: int, end: int, names: Names) -> bool:
    before, after = text[:start], text[end:]
    noun = rf"(?:\s+(?:{names.group_word}))?" if names.group_word else ""
    return bool(
        re.match(rf"{noun}(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)(?:the\s+)?[A-Z]", after)
        or re.search(rf"[A-Z][\w’'.-]*{noun}(?:,|\s+and|\s+or|/)\s*(?:the\s+)?$", before)
    )


def _in_quotation(text: str, start: int) -> bool:
    return bool(quote_depths(text)[start]) if start < len(text) else False


def _gives_away(text: str, key: Key, names: Names) -> bool:
    """Whether the sentence, with the key blanked, still shows the key (or a word of it)."""
    rest = text[: key.start] + " " + text[key.end :]
    if any(contains_words(rest, form) for form in (key.text, *key.accepted)):
        return True
    generic = names.group_words | names.lexicon.language.place_nouns
    for word in word_list(key.text):
        if len(word) < 4 or word in generic:
            continue
        if any(other[:5] == word[:5] for other in word_list(rest) if len(other) >= 4):
            return True
    return False


def find_keys(text: str, pool: Pool) -> list[Key]:
    """Every usable key in a unit, in order of preference (see the module docstring).

    Dropped: keys that occur twice, list members, keys inside quotation marks (except terms
    introduced with quotation marks), and keys the rest of the sentence gives away.
    """
    language, names = pool.lexicon.language, pool.names
    named = pool.lexicon.named_kinds
    keys: list[Key] = []
    keys.extend(_range_keys(text, language))
    keys.extend(group_keys(text, pool))
    keys.extend(agency_keys(text, pool))
    keys.extend(place_keys(text, pool))
    keys.extend(_number_keys(text, language))
    keys.extend(_year_keys(text, language))
    keys.extend(_month_keys(text, language))
    keys.extend(_term_keys(text))
    usable = []
    for key in keys:
        if key.kind != "term" and _in_quotation(text, key.start):
            continue
        if key.kind in named and _list_member(text, key.start, key.end, names):
            continue
        if (key.kind in named or key.kind == "term") and re.search(
            r"\b(?:an?)\s+$", text[: key.start]
        ):
            continue  # "a"/"an" before the blank would hint at the answer
        if _gives_away(text, key, names):
            continue
        usable.append(key)
    return usable


def _range_keys(text: str, language: Language) -> list[Key]:
    keys = []
    for match in RANGE.finditer(text):
        low, high = value_of(match.group("a"), language), value_of(match.group("b"), language)
        unit = unit_after(match.group("rest"), language)
        if not unit or low >= high or re.fullmatch(r"(?:1[89]|20)\d\d", match.group("a")):
            continue
        keys.append(
            Key(
                "range",
                text[match.start() : match.end("b")],
                match.start(),
                match.end("b"),
                value=low,
                high=high,
                unit=unit,
                group="count",
            )
        )
    return keys


def _number_keys(text: str, language: Language) -> list[Key]:
    keys = []
    for found in numbers_found(text, language):
        number = found.number
        if contains_words(text, number.text) > 1:
            continue
        if re.search(r"\d{4}\s+$", text[: found.start]):
            continue
        if (
            number.group == "count"
            and number.value <= 12
            and re.search(r"[:–—]|\(", text[found.end :])
        ):
            continue  # the sentence goes on to list the things counted
        if number.group == "count" and number.value < 2:
            continue
        if re.search(r"\b(?:the|these|those|its|their)\s+$", text[: found.start]):
            continue  # "the two militaries": the number is given by what came before
        if number.value <= 12 and re.match(
            r"[^.]{0,40}?[,:–—(]\s*(?:the\s+)?[A-Z][^,.]{0,40}(?:,|\s+and\s+)", text[found.end :]
        ):
            continue  # "Two factions …, the Mayito Flacos and Los Chapitos": count the names
        keys.append(
            Key(
                "number",
                text[found.key_start : found.key_end],
                found.key_start,
                found.key_end,
                value=number.value,
                unit=found.unit,
                group=number.group,
            )
        )
    return keys


def _year_keys(text: str, language: Language) -> list[Key]:
    keys = []
    for match in YEAR.finditer(text):
        year = match.group()
        if text.count(year) > 1 or year_in_range(text, match.start(), match.end()):
            continue
        if re.match(r"\s+[A-Z]", text[match.end() :]) and not re.match(
            rf"\s+(?:{language.month_names})\b", text[match.end() :]
        ):
            continue  # part of a title: "the 2025 Annual Threat Assessment"
        if _in_date_list(text, match.start(), match.end(), language):
            continue
        keys.append(Key("year", year, match.start(), match.end(), identity=year, accepted=(year,)))
    return keys


def _in_date_list(text: str, start: int, end: int, language: Language) -> bool:
    """Whether a date is one of a list ("May 2021, December 2021, and January 2022"): the
    order of the others would give it away."""
    month = rf"(?:(?:{language.month_names})\s+)?"
    head = re.search(rf"{month}$", text[:start])
    before = text[: head.start()] if head else text[:start]
    return bool(
        re.search(r"\d{4},?\s+(?:and\s+)?$", before)
        or re.match(rf",?\s+(?:and\s+)?{month}\d{{4}}", text[end:])
    )


def _month_keys(text: str, language: Language) -> list[Key]:
    # Only a month followed by a year: "May" alone may be the verb, and "June 9" is a day.
    keys = []
    for match in re.finditer(rf"\b(?:{language.month_names})(?= (?:1[89]|20)\d\d\b)", text):
        month = match.group()
        if contains_words(text, month) > 1 or _in_date_list(
            text, match.start(), match.end() + 5, language
        ):
            continue
        keys.append(
            Key("month", month, match.start(), match.end(), identity=month, accepted=(month,))
        )
    return keys


_TERM_PATTERNS = (
    re.compile(
        r"\b(?:known as|called|dubbed|nicknamed|termed)\s+(?:the\s+)?“(?P<t>[^”]{2,40}?)[,.]?”"
    ),
    re.compile(r"\bor\s+“(?P<t>[^”]{2,40}?)[,.]?”"),
    re.compile(r"\bknown as\s+(?P<t>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)(?=\s+(?:that|which|who)\b)"),
    re.compile(r"^(?P<t>[A-Z][a-z]+(?:\s+[a-z]+){0,2})\s+(?:happens|occurs|refers to|means)\b"),
)


def _term_keys(text: str) -> list[Key]:
    keys = []
    for pattern in _TERM_PATTERNS:
        for match in pattern.finditer(text):
            term = match.group("t").strip(" ,.")
            if len(words(term)) > 4 or contains_words(text, term) > 1:
                continue
            start = match.start("t")
            bare = re.sub(r"^the\s+", "", term, flags=re.I)
            keys.append(
                Key(
                    "term",
                    term,
                    start,
                    start + len(term),
                    identity=fold(term),
                    accepted=tuple(dict.fromkeys([term, bare])),
                )
            )
    return keys
