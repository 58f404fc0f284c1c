"""The generator's word lists, loaded from data: a language file and a course pack's lexicon.

A language file (`lexicon_<code>.toml`, next to this module) holds what reading sentences of
that language needs: month names, number words, verbs, pronouns and connectives, the words
that end a unit of measure. A course pack may add `course/lexicon.toml` with its subject's
names: what its groups are called ("<Name> Cartel"), its regions and cities (with a group
each, so that a distractor is of the key's group), its agencies, and the kinds and hints its
questions use. Without that file the generator still works, with the language file alone.
Both files are checked on load; a wrong key or type is refused with the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

PACK_FILE = "course/lexicon.toml"
_HERE = Path(__file__).parent
_BUILT_IN_KINDS = frozenset(("range", "number", "year", "month", "term"))


class LexiconError(ValueError):
    """A language file or a pack's lexicon that cannot be used: which file, what to fix."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file


class _Table:
    """A TOML table read strictly: unknown keys and wrong types are refused."""

    def __init__(self, data: object, file: str, where: str, allowed: set[str]) -> None:
        if not isinstance(data, dict):
            raise LexiconError(file, f"{where} must be a table.")
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise LexiconError(file, f"unknown key(s) {', '.join(unknown)} in {where}.")
        self.data, self.file, self.where = data, file, where

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise LexiconError(self.file, f"{self.where}.{key} must be a string.")
        return value

    def words(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise LexiconError(self.file, f"{self.where}.{key} must be a list of strings.")
        return tuple(value)

    def table(self, key: str, allowed: set[str]) -> _Table:
        return _Table(self.data.get(key, {}), self.file, f"{self.where}.{key}", allowed)

    def tables(self, key: str, allowed: set[str]) -> list[_Table]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise LexiconError(self.file, f"{self.where}.{key} must be a list of tables.")
        return [
            _Table(item, self.file, f"{self.where}.{key}[{index}]", allowed)
            for index, item in enumerate(value, 1)
        ]


def _read(path: Path, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LexiconError(file, f"not valid TOML: {error}") from error


@dataclass(frozen=True, eq=False)
class Language:
    """What the rules need to read sentences of one language (see lexicon_en.toml)."""

    code: str
    months: tuple[str, ...]
    number_words: dict[str, int]
    pronoun_starts: frozenset[str]
    connectives: tuple[str, ...]  # regular expressions
    auxiliaries: frozenset[str]
    verbs: frozenset[str]
    not_verbs: frozenset[str]
    unit_stop: frozenset[str]
    common: frozenset[str]
    not_name_first: frozenset[str]
    not_place_names: frozenset[str]
    place_nouns: frozenset[str]
    agency_words: tuple[str, ...]
    geography: tuple[str, ...]  # regular expressions
    hints: dict[str, str]

    @cached_property
    def month_names(self) -> str:
        """The months as a regex alternation, in calendar order."""
        return "|".join(re.escape(month) for month in self.months)

    @cached_property
    def number_word_names(self) -> str:
        return "|".join(sorted(self.number_words, key=lambda name: -len(name)))

    @cached_property
    def connective_start(self) -> re.Pattern[str]:
        return re.compile(rf"^(?:{'|'.join(self.connectives)})\b")

    @cached_property
    def agency_word(self) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{'|'.join(self.agency_words)})\b")

    @cached_property
    def geography_word(self) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{'|'.join(self.geography)})\b", re.I)


@cache
def load_language(code: str = "en") -> Language:
    """The language file lexicon_<code>.toml of this package (loaded once)."""
    file = f"lexicon_{code}.toml"
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?", code) or not (_HERE / file).is_file():
        known = sorted(path.stem.removeprefix("lexicon_") for path in _HERE.glob("lexicon_*.toml"))
        raise LexiconError(PACK_FILE, f"no language file for {code!r}; known: {', '.join(known)}.")
    top = _Table(
        _read(_HERE / file, file),
        file,
        "the file",
        {"code", "months", "number_words", "words", "hints"},
    )
    numbers = top.data.get("number_words", {})
    if not isinstance(numbers, dict) or not all(isinstance(v, int) for v in numbers.values()):
        raise LexiconError(file, "number_words must be a table of whole numbers.")
    word_keys = {
        *("pronoun_starts", "connectives", "auxiliaries", "verbs", "not_verbs", "unit_stop"),
        *("common", "not_name_first", "not_place_names", "place_nouns", "agency_words"),
        "geography",
    }
    words = top.table("words", word_keys)
    hints = top.table("hints", {"year", "month", "term", "group", "region", "city", "agency"})
    return Language(
        code=top.text("code"),
        months=top.words("months"),
        number_words=dict(numbers),
        pronoun_starts=frozenset(words.words("pronoun_starts")),
        connectives=words.words("connectives"),
        auxiliaries=frozenset(words.words("auxiliaries")),
        verbs=frozenset(words.words("verbs")),
        not_verbs=frozenset(words.words("not_verbs")),
        unit_stop=frozenset(words.words("unit_stop")),
        common=frozenset(words.words("common")),
        not_name_first=frozenset(words.words("not_name_first")),
        not_place_names=frozenset(words.words("not_place_names")),
        place_nouns=frozenset(words.words("place_nouns")),
        agency_words=words.words("agency_words"),
        geography=words.words("geography"),
        hints={key: hints.text(key) for key in hints.data},
    )


@dataclass(frozen=True)
class PlaceList:
    """Names of one kind of place that belong together (a distractor is of the key's group)."""

    group: str
    names: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A language and, optionally, a subject's names (a course pack's course/lexicon.toml)."""

    language: Language
    group_kind: str = "group"
    group_nouns: tuple[str, ...] = ()  # "Cartel", "Cartels": after a capitalised name
    group_lowercase_nouns: tuple[str, ...] = ()  # "cartel"
    group_of: tuple[str, ...] = ()  # "Cartel of", "Cartel de": before a name
    group_particles: tuple[str, ...] = ()  # "de", "del", "la": inside a name
    group_identity_skip: frozenset[str] = frozenset()
    group_not_first: frozenset[str] = frozenset()
    region_kind: str = "region"
    regions: tuple[PlaceList, ...] = ()
    city_kind: str = "city"
    cities: tuple[PlaceList, ...] = ()
    learned_city_group: str = ""
    not_cities: frozenset[str] = frozenset()
    agency_kind: str = "agency"
    home_agencies: tuple[str, ...] = ()
    home_group: str = ""
    home_prefix: str = ""  # a regular expression: a long form naming a home agency
    hints: dict[str, str] = field(default_factory=dict)  # by kind

    @cached_property
    def named_kinds(self) -> tuple[str, str, str, str]:
        """The kinds whose keys are names (distractors come from the pool's entities)."""
        return (self.group_kind, self.agency_kind, self.region_kind, self.city_kind)

    @cached_property
    def order(self) -> tuple[str, ...]:
        """Kinds in order of preference: a sentence asks about its first usable key."""
        named = (self.group_kind, self.agency_kind, self.region_kind, self.city_kind)
        return ("range", *named, "number", "year", "month", "term")

    def hint(self, kind: str) -> str:
        return self.hints[kind]


def _place_lists(table: _Table) -> tuple[PlaceList, ...]:
    return tuple(
        PlaceList(item.text("group"), item.words("names"))
        for item in table.tables("list", {"group", "names"})
    )


def _kinds_and_hints(
    tables: dict[str, _Table], language: Language, file: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The kind each role's questions are (by role), and the stems' hints (by kind)."""
    kinds = {role: table.text("kind", role) for role, table in tables.items()}
    if len(set(kinds.values())) < 4 or _BUILT_IN_KINDS & set(kinds.values()):
        raise LexiconError(file, "the kinds of groups, regions, cities and agencies must differ.")
    try:
        re.compile(tables["agency"].text("home_prefix"))
    except re.error as error:
        raise LexiconError(
            file, f"agencies.home_prefix is no regular expression: {error}"
        ) from error
    hints = dict(language.hints)
    for role, table in tables.items():
        hints[kinds[role]] = table.text("hint", language.hints[role])
    return kinds, hints


def _subject(data: dict[str, Any], language: Language, file: str) -> Lexicon:
    """A Lexicon from a pack's lexicon.toml, already parsed; the layout is in the docs."""
    top = _Table(data, file, "the file", {"language", "groups", "regions", "cities", "agencies"})
    groups = top.table(
        "groups",
        {
            "kind",
            "hint",
            "nouns",
            "lowercase_nouns",
            "of",
            "particles",
            "identity_skip",
            "not_first",
        },
    )
    regions = top.table("regions", {"kind", "hint", "list"})
    cities = top.table("cities", {"kind", "hint", "list", "learned_group", "not_names"})
    agencies = top.table("agencies", {"kind", "hint", "home_group", "home_prefix", "known"})
    tables = {"group": groups, "region": regions, "city": cities, "agency": agencies}
    kinds, hints = _kinds_and_hints(tables, language, file)
    return Lexicon(
        language=language,
        group_kind=kinds["group"],
        group_nouns=groups.words("nouns"),
        group_lowercase_nouns=groups.words("lowercase_nouns"),
        group_of=groups.words("of"),
        group_particles=groups.words("particles"),
        group_identity_skip=frozenset(groups.words("identity_skip")),
        group_not_first=frozenset(groups.words("not_first")),
        region_kind=kinds["region"],
        regions=_place_lists(regions),
        city_kind=kinds["city"],
        cities=_place_lists(cities),
        learned_city_group=cities.text("learned_group"),
        not_cities=frozenset(cities.words("not_names")),
        agency_kind=kinds["agency"],
        home_agencies=agencies.words("known"),
        home_group=agencies.text("home_group"),
        home_prefix=agencies.text("home_prefix"),
        hints=hints,
    )


def language_only(code: str = "en") -> Lexicon:
    """A lexicon with no subject: the language file alone."""
    return _subject({}, load_language(code), PACK_FILE)


def read_lexicon(path: Path, file: str = PACK_FILE) -> Lexicon:
    """The lexicon in a TOML file (a pack's course/lexicon.toml, or a test's)."""
    data = _read(path, file)
    code = data.get("language", "en")
    if not isinstance(code, str):
        raise LexiconError(file, 'language must be a string such as "en".')
    return _subject(data, load_language(code), file)


def load_lexicon(pack_dir: Path) -> Lexicon:
    """A course pack's lexicon (course/lexicon.toml), or the language file alone without one."""
    path = pack_dir / PACK_FILE
    return read_lexicon(path) if path.is_file() else language_only()
