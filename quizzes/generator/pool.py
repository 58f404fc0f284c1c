"""The distractor pool: the years, months, numbers and named things of many texts.

Built once from every source of a course (build_pool), with the lexicon that says which
names to look for; stage 3 asks it which names are known, stage 5 draws distractors from it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from quizzes.generator.lexicon import Lexicon, language_only
from quizzes.generator.names import ACRONYM_DEF, Names, group_names, learned_cities, names_for
from quizzes.generator.numbers import YEAR, Number, numbers_found
from quizzes.generator.text import fold


@dataclass
class Entity:
    kind: str  # the lexicon's group, agency, region or city kind
    group: str  # places and agencies: the lexicon's groups (agencies: home or "other")
    identity: str
    forms: Counter[str] = field(default_factory=Counter)  # surface forms seen in the pool
    acronyms: set[str] = field(default_factory=set)

    def display(self) -> str:
        # The most common form, ties broken alphabetically, so the pool's order never matters.
        return min(self.forms.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass
class Pool:
    """What distractors are drawn from: the years, numbers and named things of many texts."""

    years: set[int] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    numbers: dict[str, dict[float, Number]] = field(default_factory=dict)
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    acronym_forms: dict[str, set[str]] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=language_only)

    @property
    def names(self) -> Names:
        return names_for(self.lexicon)

    def entity(self, kind: str, identity: str, group: str = "") -> Entity:
        found = self.entities.get((kind, identity))
        if found is None:
            found = self.entities[(kind, identity)] = Entity(kind, group, identity)
        return found

    def of_kind(self, kind: str, group: str | None = None) -> list[Entity]:
        return sorted(
            (
                entity
                for (entity_kind, _), entity in self.entities.items()
                if entity_kind == kind and (group is None or entity.group == group)
            ),
            key=lambda entity: entity.identity,
        )

    def group_identity(self, acronym: str) -> str | None:
        """The group an acronym stands for ("CJNG": "jalisco"), if the pool defined it."""
        for entity in self.of_kind(self.lexicon.group_kind):
            if acronym in entity.acronyms:
                return entity.identity
        return None


def _add_acronyms(pool: Pool, text: str) -> None:
    """Long forms defined as "Long Name (ACRO)": a group's other name, or an agency."""
    lexicon, names = pool.lexicon, pool.names
    for match in ACRONYM_DEF.finditer(text):
        acronym = match.group(2)
        long_form = match.group(1).strip(" ,").rsplit(" and the ", 1)[-1]
        long_form = re.sub(r"^(?:(?:[a-z]+|The)\s+)+", "", long_form)
        pool.acronym_forms.setdefault(acronym, set()).add(long_form)
        if names.group_word and re.search(rf"\b(?:{names.group_word})\b", long_form):
            identity = names.group_identity(long_form)
            if identity:
                pool.entity(lexicon.group_kind, identity).acronyms.add(acronym)
        elif lexicon.language.agency_word.search(long_form) and not re.search(
            r"Brigade|Force", long_form
        ):
            home = acronym in lexicon.home_agencies or (
                lexicon.home_prefix and re.match(lexicon.home_prefix, long_form)
            )
            group = lexicon.home_group if home else "other"
            pool.entity(lexicon.agency_kind, acronym, group).forms[acronym] += 1
    for acronym in sorted(lexicon.home_agencies):
        for _ in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            pool.entity(lexicon.agency_kind, acronym, lexicon.home_group).forms[acronym] += 1


def _add_names(pool: Pool, text: str) -> None:
    """Groups, regions and cities named in a text."""
    lexicon, names = pool.lexicon, pool.names
    for found in group_names(text, names):
        entity = pool.entity(lexicon.group_kind, found.identity)
        entity.forms[found.full if names.is_group_noun_form(found.full) else found.name] += 1
    for group, pattern in names.regions:
        for match in pattern.finditer(text):
            entity = pool.entity(lexicon.region_kind, fold(match.group()), group)
            entity.forms[match.group()] += 1
    for group, pattern in names.cities:
        for match in pattern.finditer(text):
            entity = pool.entity(lexicon.city_kind, fold(match.group()), group)
            entity.forms[match.group()] += 1
    for city, group in learned_cities(text, names):
        pool.entity(lexicon.city_kind, fold(city), group).forms[city] += 1


# Distractors need a source's names and numbers, not all of a book: each text gives the pool
# at most its first this many characters, so one huge source cannot slow every run down.
POOL_CHARS_PER_TEXT = 200_000


def pool_text(text: str) -> str:
    """What of a text goes into the pool: all of it, or its first POOL_CHARS_PER_TEXT
    characters cut back to the last paragraph break."""
    if len(text) <= POOL_CHARS_PER_TEXT:
        return text
    head = text[:POOL_CHARS_PER_TEXT]
    return head.rsplit("\n\n", 1)[0] if "\n\n" in head else head


def build_pool(texts: Iterable[str], *, lexicon: Lexicon | None = None) -> Pool:
    """Collect years, numbers, groups, agencies and places from texts (a course's sources),
    each cut to its first POOL_CHARS_PER_TEXT characters (pool_text).

    lexicon: the names to look for (a course pack's, from load_lexicon); without one, the
    English language file alone.
    """
    pool = Pool(lexicon=lexicon or language_only())
    language = pool.lexicon.language
    for text in map(pool_text, texts):
        for match in YEAR.finditer(text):
            pool.years.add(int(match.group()))
        pool.months.update(re.findall(rf"\b(?:{language.month_names})(?= \d)", text))
        for found in numbers_found(text, language):
            number = found.number
            pool.numbers.setdefault(number.group, {}).setdefault(number.value, number)
        _add_acronyms(pool, text)
        _add_names(pool, text)
    group_kind, city_kind = pool.lexicon.group_kind, pool.lexicon.city_kind
    # An acronym that names a group is a form of it, so it is never a distractor for itself.
    for entity in pool.of_kind(group_kind):
        for acronym in entity.acronyms:
            entity.forms[acronym] += 0
    # Names that are both a city and a region ("Mexico City" is no state; "Chihuahua" is
    # both) stay regions: a city distractor must not be right as a region.
    for identity in [identity for kind, identity in pool.entities if kind == city_kind]:
        if (pool.lexicon.region_kind, identity) in pool.entities:
            del pool.entities[(city_kind, identity)]
    return pool
