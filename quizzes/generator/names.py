"""Recognising a subject's names in text: groups, regions, cities, agencies.

The patterns are built from the lexicon (once per lexicon): the course pack's lexicon says
that groups are "<Name> Cartel" and "Cartel of <Name>", which regions and cities there are,
and which agencies are known. With no subject lexicon, no group, region or city is known in
advance; cities are still learnt from "the town of X", and agencies from "Long Name (ACRO)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from quizzes.generator.lexicon import Lexicon
from quizzes.generator.text import alternation, fold, word_list

NAME_WORD = r"[A-Z][\w’'-]*"
# Names are runs of capitalised words on one line; a possessive ("Quintero’s Cartel") or a
# capitalised word after "Cartel" (a heading: "U.S. Fuels Cartel Firepower") is no name.
_GROUP_WORD = r"[A-Z][\w-]*(?![’'])"
ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w.’'-]*|of|and|the|for|on|,)(?:\s+(?:[A-Z][\w.’'-]*|of|and|the|for|on|,)|,)*?)\s+\(([A-Z]{2,8})s?\)"
)
_TOWN_OF = re.compile(
    rf"\b(?:town|city|village|port|municipality) of ({NAME_WORD}(?: {NAME_WORD})*)"
)
_PLACE_PREPOSITION = r"\b(?:in|of|at|from|to|near|into) "


@dataclass(frozen=True)
class GroupName:
    """A group named in a text: [start, end) of the whole mention, and its parts."""

    start: int
    end: int
    name: str  # the distinctive words: "Gulf", "CJNG"'s "Jalisco New Generation"
    full: str  # "Gulf Cartel", "Cartel of the Suns"
    identity: str


def _place_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{alternation(names)})(?![\w-])")


@dataclass(frozen=True, eq=False)
class Names:
    """The lexicon's lists as compiled patterns (see names_for)."""

    lexicon: Lexicon
    group_patterns: tuple[re.Pattern[str], ...]  # group(1) the name, group(2) the noun
    group_of: re.Pattern[str] | None  # group(1) "Cartel of (the) ", group(2) the name
    group_word: str  # any form of the group noun ("[Cc]artels?"), as a regex, or ""
    group_words: frozenset[str]  # folded, for comparing words
    not_first: frozenset[str]
    regions: tuple[tuple[str, re.Pattern[str]], ...]  # (group, pattern)
    cities: tuple[tuple[str, re.Pattern[str]], ...]
    city_comma_region: tuple[tuple[str, re.Pattern[str]], ...]
    not_cities: frozenset[str]

    def group_identity(self, name: str) -> str:
        """A group's identity: the first word of its name that is not a noun or particle."""
        skip = self.lexicon.group_identity_skip
        significant = [word for word in word_list(name) if word not in skip]
        return significant[0] if significant else ""

    def is_group_noun_form(self, full: str) -> bool:
        nouns = self.lexicon.group_nouns
        return bool(nouns) and (full.endswith(nouns) or full.startswith(nouns))

    def is_region(self, name: str) -> bool:
        return any(pattern.fullmatch(name) for _, pattern in self.regions)


@cache
def names_for(lexicon: Lexicon) -> Names:
    """The patterns of a lexicon, compiled once."""
    group_patterns: list[re.Pattern[str]] = []
    particles = "".join(f"|{re.escape(word)}" for word in lexicon.group_particles)
    if lexicon.group_nouns:
        group_patterns.append(
            re.compile(
                rf"\b({_GROUP_WORD}(?: (?:{_GROUP_WORD}{particles}))*?) "
                rf"({alternation(lexicon.group_nouns)})\b(?! [A-Z])"
            )
        )
    if lexicon.group_lowercase_nouns:
        group_patterns.append(
            re.compile(
                rf"\b({_GROUP_WORD}(?: {_GROUP_WORD})*?) "
                rf"({alternation(lexicon.group_lowercase_nouns)})\b(?! [A-Z])"
            )
        )
    group_of = (
        re.compile(
            rf"\b((?:{alternation(lexicon.group_of)}) (?:the )?)"
            rf"({_GROUP_WORD}(?: {_GROUP_WORD})*)"
        )
        if lexicon.group_of
        else None
    )
    forms = {
        *lexicon.group_nouns,
        *lexicon.group_lowercase_nouns,
        *(noun[:1].lower() + noun[1:] for noun in lexicon.group_nouns),
    }
    return Names(
        lexicon=lexicon,
        group_patterns=tuple(group_patterns),
        group_of=group_of,
        group_word=alternation(forms) if forms else "",
        group_words=frozenset(fold(form) for form in forms),
        not_first=lexicon.language.not_name_first | lexicon.group_not_first,
        regions=tuple((places.group, _place_pattern(places.names)) for places in lexicon.regions),
        cities=tuple((places.group, _place_pattern(places.names)) for places in lexicon.cities),
        city_comma_region=tuple(
            (
                places.group,
                re.compile(
                    rf"{_PLACE_PREPOSITION}({NAME_WORD}), (?:{alternation(places.names)})(?![\w-])"
                ),
            )
            for places in lexicon.regions
        ),
        not_cities=lexicon.language.not_place_names | lexicon.not_cities,
    )


def group_names(text: str, names: Names) -> list[GroupName]:
    """Each group named in text, in text order, overlapping mentions dropped."""
    found: list[GroupName] = []
    for pattern in names.group_patterns:
        for match in pattern.finditer(text):
            # Drop leading words that describe rather than name ("Mexican", "Both").
            parts = match.group(1).split()
            # "Analyzing cartel videos", "Ongoing cartel violence": no name.
            while parts and (fold(parts[0]) in names.not_first or parts[0].endswith("ing")):
                parts.pop(0)
            if not parts:
                continue
            name = " ".join(parts)
            start = match.start(1) + match.group(1).rindex(name)
            identity = names.group_identity(name)
            if identity:
                full = f"{name} {match.group(2)}"
                found.append(GroupName(start, match.end(), name, full, identity))
    if names.group_of is not None:
        for match in names.group_of.finditer(text):
            identity = names.group_identity(match.group(2))
            if identity:
                found.append(
                    GroupName(match.start(), match.end(), match.group(2), match.group(0), identity)
                )
    found.sort(key=lambda item: (item.start, item.end, item.name, item.full, item.identity))
    unique: list[GroupName] = []
    for item in found:
        if unique and item.start < unique[-1].end:
            continue
        unique.append(item)
    return unique


def learned_cities(text: str, names: Names) -> list[tuple[str, str]]:
    """(city, group) named in text as "the town of X" or "X, <region>"."""
    group = names.lexicon.learned_city_group
    cities = [(match.group(1), group) for match in _TOWN_OF.finditer(text)]
    for region_group, pattern in names.city_comma_region:
        for match in pattern.finditer(text):
            city = match.group(1)
            if not names.is_region(city):
                cities.append((city, region_group))
    return [(city, group) for city, group in cities if fold(city) not in names.not_cities]
