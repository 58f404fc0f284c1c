"""Stage 3, names: keys that are a group, an agency or a place the lexicon knows of.

A name is dropped when it occurs twice, when the sentence spells out its other name ("CJNG"
next to "Jalisco New Generation Cartel"), when it is the group named after a place rather
than the place, or when a geographic clue next to a place gives it away or makes a distractor
right as well.
"""

from __future__ import annotations

import re

from quizzes.generator.model import Key
from quizzes.generator.names import group_names
from quizzes.generator.pool import Pool
from quizzes.generator.text import contains_words, fold


def group_keys(text: str, pool: Pool) -> list[Key]:
    """Groups named in the sentence ("the Gulf Cartel": "Gulf"), and their acronyms."""
    kind, names = pool.lexicon.group_kind, pool.names
    nouns = pool.lexicon.group_nouns
    keys = []
    for found in group_names(text, names):
        if contains_words(text, found.name) > 1:
            continue
        entity = pool.entities.get((kind, found.identity))
        forms = sorted(entity.forms) if entity else [found.full]
        accepted = tuple(dict.fromkeys([found.name, found.full, *forms]))
        name_start = text.index(found.name, found.start)
        keys.append(
            Key(
                kind,
                found.name,
                name_start,
                name_start + len(found.name),
                identity=found.identity,
                accepted=accepted,
                group="of" if nouns and found.full.startswith(nouns) else "before",
            )
        )
    for acronym in sorted({a for e in pool.of_kind(kind) for a in e.acronyms}):
        for match in re.finditer(rf"(?<![\w(-]){re.escape(acronym)}(?![\w)-])", text):
            if contains_words(text, acronym) > 1:
                continue
            identity = pool.group_identity(acronym) or acronym.lower()
            entity = pool.entities[(kind, identity)]
            keys.append(
                Key(
                    kind,
                    acronym,
                    match.start(),
                    match.end(),
                    identity=identity,
                    accepted=tuple(dict.fromkeys([acronym, *sorted(entity.forms)])),
                    group="acronym",
                )
            )
    return keys


def agency_keys(text: str, pool: Pool) -> list[Key]:
    """Agencies by their acronym, unless the sentence also spells out the long form."""
    kind = pool.lexicon.agency_kind
    keys = []
    for entity in pool.of_kind(kind):
        acronym = entity.identity
        for match in re.finditer(rf"(?<![\w(-]){re.escape(acronym)}(?![\w)-])", text):
            if contains_words(text, acronym) > 1:
                continue
            long_forms = sorted(pool.acronym_forms.get(acronym, ()))
            if any(contains_words(text, form) for form in long_forms):
                continue
            keys.append(
                Key(
                    kind,
                    acronym,
                    match.start(),
                    match.end(),
                    identity=acronym,
                    accepted=tuple(dict.fromkeys([acronym, *long_forms])),
                    group=entity.group,
                )
            )
    return keys


def place_keys(text: str, pool: Pool) -> list[Key]:
    """Regions and cities named in the sentence as places (see _place_key)."""
    lexicon = pool.lexicon
    keys: list[Key] = []
    context = _Context(text, pool)
    cities = [form for entity in pool.of_kind(lexicon.city_kind) for form in entity.forms]
    for group, pattern in pool.names.regions:
        for match in pattern.finditer(text):
            if any(contains_words(text, city) for city in cities):
                continue  # "Cancun" or "Monterrey" in the sentence may give the state away
            keys.extend(context.key(lexicon.region_kind, group, match.group(), match.start()))
    for entity in pool.of_kind(lexicon.city_kind):
        for form in sorted(entity.forms):
            for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                keys.extend(context.key(lexicon.city_kind, entity.group, form, match.start()))
    return keys


class _Context:
    """A sentence and what tells a place from a group named after it."""

    def __init__(self, text: str, pool: Pool) -> None:
        self.text = text
        self.city_kind = pool.lexicon.city_kind
        self.geography = pool.lexicon.language.geography_word
        group_kind = pool.lexicon.group_kind
        self.group_identities = {identity for kind, identity in pool.entities if kind == group_kind}
        group_word = pool.names.group_word
        self.after_name = re.compile(rf"\s*(?:{group_word + '|' if group_word else ''}’s|'s|-)")

    def key(self, kind: str, group: str, name: str, start: int) -> list[Key]:
        """The place as a key, or nothing if the sentence makes it a poor question.

        Geography next to a place ("the state of ___, bordering the United States", "on
        tourist beaches") either gives it away, when the distractors do not fit the clue, or
        makes a distractor that fits it right as well: such places are not asked.
        """
        text = self.text
        end = start + len(name)
        if contains_words(text, name) > 1:
            return []
        after = text[end : end + 12]
        before = text[max(0, start - 24) : start]
        if self.after_name.match(after):
            return []  # the group named after the place, not the place
        if self.geography.search(text[max(0, start - 40) : start]) or self.geography.search(
            text[end : end + 70]
        ):
            return []
        explicit = re.search(
            r"\b(?:state|city|town|port|capital) of\s+$|\b(?:in|into|across|throughout|near)\s+$",
            before,
            re.I,
        )
        if fold(name) in self.group_identities and not explicit:
            return []  # "Sinaloa and CJNG": the cartel; "the state of Sinaloa", "in Sinaloa"
        if not explicit and not re.search(
            r"\b(?:to|from|through|toward|towards|at|of)\s+$", before, re.I
        ):
            return []
        # Distractors come from a list of cities: next to "the town of", big cities stand out.
        if kind == self.city_kind and re.search(r"\b(?:town|village)s? of\s+$", before, re.I):
            group = "town"
        return [Key(kind, name, start, end, identity=fold(name), accepted=(name,), group=group)]
