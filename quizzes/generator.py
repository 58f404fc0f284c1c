"""Proposing draft quiz questions from a source's cleaned text, by rules: no model, no network.

Pure Python (no Django): sources and the distractor pool come in as plain text and blocks,
drafts go out as plain data that quizzes.services saves. The same input and seed always give
the same drafts.

How a draft is made:

1. The source's paragraphs and list items are cut into sentences, each with its offsets in the
   cleaned text. A leading list label ("Drone attacks: …") or dateline, and trailing reference
   numbers ("… [1] [2].") are left out of the citation.
2. Filters reject what would make a poor question: fragments (short, no verb, lowercase start,
   questions, lines ending in a colon), sentences that lean on earlier ones (a pronoun or a
   connective first, "the president" unnamed), quotations and reported speech, boilerplate
   (disclaimers, bylines, donation and site furniture), reference numbers mid-sentence, and
   sentences too long to read as a question.
3. In what survives, keys are found: years and months, quantities (numbers with a unit,
   percentages, amounts of money, ranges), cartels, agencies (acronyms), places (Mexican and US
   states, cities) and key terms ("known as monstruos", "or “huachicol”"). A key is dropped
   when it is ambiguous (twice in the sentence), a member of a list (of names or of dates),
   inside a quotation, given away by another word of the sentence (or by its other name:
   "CJNG" next to "Jalisco New Generation Cartel"), or a place next to a geographic clue that
   either gives it away or makes a distractor right too.
4. One draft per sentence: the first usable key in a fixed order of kinds makes a
   fill-in-the-blank ("short"), a multiple choice ("single", four choices) or a numeric
   question. Whether a key becomes a blank or a choice depends on the sentence, not the seed,
   so re-running with another seed proposes the same keys. A source asks about the same answer
   at most twice (a number once), and a fact it repeats only once.
5. Distractors are of the key's kind and come from the pool (every source's text): a year for
   a year, a cartel for a cartel, a number of similar magnitude. None is named or made true by
   the sentence itself ("over 75,000" rules out smaller numbers; a year next to the key can be
   half true); the seed picks among the closest in length or size and places the key.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from courseware.ingest import Block, QuoteError, anchor
from courseware.ingest.sentences import split_sentences, words

__all__ = [
    "BLANK",
    "Draft",
    "Key",
    "Pool",
    "SourceText",
    "Unit",
    "build_pool",
    "find_keys",
    "generate",
    "generate_all",
    "rejection",
    "select",
    "source_label",
    "units",
]

BLANK = "_____"
MIN_WORDS = 8
MAX_WORDS = 48
CHOICES = 4
# Of the distractor candidates sorted by closeness (in length or size), the seed picks among
# this many, so that different seeds give different choices but never far-fetched ones.
_CANDIDATES = 6

# ---------------------------------------------------------------------------------------------
# Data in and out


@dataclass(frozen=True)
class SourceText:
    """One source as the generator sees it: its cleaned text and blocks, and how to name it."""

    slug: str
    label: str  # "Al Jazeera", "Evan Ellis": who says it, for stems and explanations
    published: str  # "2026-03-03", "2025" or ""
    text: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Draft:
    """A proposed question: kind and data as quizzes.grading expects, one citation."""

    key: str
    source: str
    rule: str
    kind: str
    stem: str
    data: dict[str, Any]
    answer: str
    blank: str  # the words of the quote that the stem shows as BLANK
    quote: str  # == source text[start:end]
    start: int
    end: int
    explanation: str


@dataclass(frozen=True)
class Unit:
    """A sentence (or the part of it worth citing) with its offsets in the source text."""

    text: str
    start: int
    end: int
    quoted_before: bool = False  # the block had an open quotation where the unit starts


@dataclass(frozen=True)
class Key:
    """What a question asks for, found in a unit: span is [start, end) of unit.text."""

    kind: str  # year, range, number, cartel, agency, state, city, term
    text: str
    start: int
    end: int
    identity: str = ""
    accepted: tuple[str, ...] = ()
    value: float = 0.0
    high: float = 0.0
    unit: str = ""
    group: str = ""  # number: count/percent/money…; place and agency: mx/us


# ---------------------------------------------------------------------------------------------
# Small text helpers


def _fold(text: str) -> str:
    """Lowercase without accents or typographic quotes, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.replace("’", "'").replace("‘", "'")


def _word_list(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _fold(text))


def _contains_words(haystack: str, needle: str) -> int:
    """How many times needle occurs in haystack as whole words (folded)."""
    hay, need = _word_list(haystack), _word_list(needle)
    if not need:
        return 0
    return sum(1 for i in range(len(hay) - len(need) + 1) if hay[i : i + len(need)] == need)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def source_label(publisher: str, author: str, title: str) -> str:
    """Who a source's words belong to, for stems: the publisher, else the author, else title.

    Metadata that says a name is not in the text ("Not named in the text", "name not given")
    is skipped, and a parenthesised remark is dropped ("Norb Leahy (poster; …)").
    """
    for value in (publisher, author):
        name = re.sub(r"\s*\(.*$", "", value).strip()
        if name and not re.search(r"\bnot (?:named|given)\b|^personal blog", name, re.I):
            return name
    return title


# ---------------------------------------------------------------------------------------------
# Cutting a source into units


_LABEL = re.compile(r"^(?P<label>[A-Z“\"][^:!?;]{0,60}?):\s+(?=[A-Z“\"])")
_DATELINE = re.compile(r"^(?:date\s+)?\d{4}-\d{2}-\d{2}\s+")
_TRAILING_REFS = re.compile(r"(?:\s*\[\d+\])+\s*\.?\s*$")
_OPENING_QUOTES = "“"
_CLOSING_QUOTES = "”"


def _quote_depths(text: str) -> list[int]:
    """For each character of a block, whether a quotation is open before it (0 or 1)."""
    depths: list[int] = []
    depth = 0
    for char in text:
        depths.append(depth)
        if char in _OPENING_QUOTES:
            depth = 1
        elif char in _CLOSING_QUOTES:
            depth = 0
        elif char == '"':
            depth = 1 - depth
    return depths


def units(source: SourceText) -> list[Unit]:
    """The source's sentences with their offsets, from paragraphs and list items only.

    A list label of at most six words before a colon, a leading ISO dateline and trailing
    bracketed reference numbers are cut off, so the unit is what a citation should quote.
    """
    found: list[Unit] = []
    for block in source.blocks:
        if block.kind not in ("paragraph", "list_item"):
            continue
        depths = _quote_depths(block.text)
        cursor = 0
        for sentence in split_sentences(block.text):
            at = block.text.find(sentence, cursor)
            if at < 0:
                continue
            cursor = at + len(sentence)
            begin, end = at, at + len(sentence)
            piece = block.text[begin:end]
            for pattern in (_DATELINE, _LABEL):
                match = pattern.match(piece)
                if match and (
                    pattern is _DATELINE
                    or (
                        len(words(match.group("label"))) <= 6
                        and not re.search(r"[a-z]\. [A-Z]", match.group())
                    )
                ):
                    begin += match.end()
                    piece = block.text[begin:end]
            refs = _TRAILING_REFS.search(piece)
            if refs and refs.start() > 0:
                end = begin + refs.start()
                piece = block.text[begin:end]
            found.append(
                Unit(
                    text=piece,
                    start=block.start + begin,
                    end=block.start + end,
                    quoted_before=bool(depths[begin]) if begin < len(depths) else False,
                )
            )
    return found


# ---------------------------------------------------------------------------------------------
# Filters


_PRONOUN_STARTS = frozenset(
    (
        *("it", "its", "they", "them", "their", "this", "these", "that", "those", "he", "she"),
        *("his", "her", "him", "such", "another", "many", "most", "others", "each", "here"),
        *("we", "our", "you", "both", "neither", "either", "former", "latter", "said"),
    )
)
# Openers that point back to an earlier sentence: the sentence alone misleads or says little.
_CONNECTIVE_START = re.compile(
    r"^(?:Indeed|Instead|Thus|Rather|Nonetheless|Nevertheless|However|Still|Similarly|"
    r"Likewise|Correspondingly|Reciprocally|Meanwhile|Otherwise|Therefore|Hence|Consequently|"
    r"Accordingly|Yet|But|And|Or|So|Also|Then|As such|As a result|In turn|In response|"
    r"In this way|In doing so|In the process|In the context|Because of this|Despite this|"
    r"On the other hand|Before that|After that|At the same time|Even so|For example|"
    r"For instance|Whatever the|Such|The (?:same|former|latter|second|third|fourth|fifth|"
    r"resulting|case|initiative|aim|controversy|defection|organization|group|move|plan|"
    r"program|programme|operation|report|deal|agreement|measure|effort|latter|trade|changes|"
    r"rest|others|remainder))\b"
)
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
_BOILERPLATE = re.compile(
    r"views expressed|not an official|official policy|disclaimer|can make mistakes|"
    r"verify important|checked on|learn more|click here|read more|this article|"
    r"part i\b|part ii\b|subscribe|sign up|newsletter|donat|supporters|loading|"
    r"all rights reserved|copyright|cookie|scroll to top|post a comment|no comments|"
    r"want to dive deeper|share this|follow us|"
    r"^\S+(?: \S+){0,3} is an? (?:[\w-]+ ){0,6}(?:professor|fellow|journalist|"
    r"correspondent|editor|researcher|analyst|director|reporter|writer|author)\b",
    re.I,
)
# Slips a reader would stumble on ("issued a an alert", "regularly us heavily"): the stem
# would quote them, so such sentences are left to a person.
_TYPO = re.compile(r"\b(?:a|an|the) (?:a|an|the)\b|\b\w+ly us\b|\b(\w+) \1\b|[^.]\.\.$", re.I)
_REFERENCE = re.compile(r"\[\s*\d+\s*\]|\[[a-z][^\]]*\]")
_AUX = frozenset(
    (
        *("is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do"),
        *("does", "did", "will", "would", "can", "could", "should", "shall", "may", "might"),
        *("must", "cannot"),
    )
)
_VERBS = frozenset(
    (
        *("include", "remain", "operate", "control", "fight", "face", "make", "take", "give"),
        *("provide", "offer", "seek", "say", "tell", "show", "lead", "move", "become", "run"),
        *("see", "use", "need", "require", "allow", "help", "hold", "keep", "continue"),
        *("begin", "grow", "rise", "fall", "reach", "bring", "get", "go", "come", "put"),
        *("mean", "stand", "serve", "argue", "claim", "note", "point", "report", "estimate"),
        *("suggest", "indicate", "focus", "depend", "fuel", "drive", "create", "build"),
        *("supply", "smuggle", "sell", "buy", "purchase", "own", "cost", "pay", "spend"),
        *("lose", "win", "kill", "attack", "seize", "arrest", "target", "prohibit", "forbid"),
        *("bar", "shield", "rule", "sue", "file", "pursue", "deny", "accept", "agree", "call"),
        *("know", "believe", "think", "want", "try", "work", "live", "stay", "exist"),
        *("appear", "seem", "act", "cooperate", "share", "engage", "dominate", "vary"),
        *("reflect", "shape", "affect", "risk", "threaten", "enable", "empower", "escalate"),
        *("exploit", "converge", "contribute", "carry", "flow", "fund", "cause", "produce"),
        *("increase", "decrease", "reduce", "expand", "prioritize", "utilize", "tackle"),
        *("acquire", "transport", "obtain", "break", "spur", "stop", "explain"),
        *("emphasize", "enforce", "destroy", "push", "shift", "flood", "struck"),
        *("strike", "sank", "rose", "fell", "began", "became", "brought", "held", "led"),
        *("made", "took", "gave", "ran", "saw", "went", "came", "put", "sold", "bought"),
        *("paid", "lost", "won", "kept", "stood", "meant", "told", "said", "thought"),
        *("drew", "drawn", "swept", "built", "left", "met", "sent", "spent", "grew"),
        *("maintain", "bear", "present", "contrast", "link", "constitute", "comprise"),
        *("embody", "follow", "lack", "ensure", "mention", "settle", "omit", "warn"),
        *("limit", "harm", "undermine", "impede", "strip", "impose", "restrict", "permit"),
        *("visit", "release", "drop", "publish", "replace", "finance", "study", "compete"),
        *("switch", "host", "import", "deploy", "cross", "open", "ban", "fail", "flee"),
        *("evacuate", "damage", "rescue", "record", "warn", "reopen", "close", "repair"),
    )
)
_NOT_VERBS = frozenset(("united", "red", "hundred", "bed", "speed", "seed", "feed", "need"))


def _has_verb(text: str) -> bool:
    for token in re.findall(r"[A-Za-z’'-]+", text):
        if not token[0].islower():
            continue
        word = token.lower().strip("’'-")
        if word in _AUX or word in _VERBS:
            return True
        if word in _NOT_VERBS:
            continue
        for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
            if word.endswith(suffix) and word[: -len(suffix)] + replacement in _VERBS:
                return True
        if len(word) >= 5 and word.endswith("ed") and "-" not in word:
            return True
    return False


def _quoted_share(text: str) -> float:
    inside = 0
    depth = 0
    for char in text:
        if char in _OPENING_QUOTES or (char == '"' and depth == 0):
            depth = 1
            continue
        if char in _CLOSING_QUOTES or (char == '"' and depth == 1):
            depth = 0
            continue
        inside += depth
    return inside / max(1, len(text))


def _unbalanced_quotes(text: str) -> bool:
    opening = sum(text.count(mark) for mark in _OPENING_QUOTES)
    closing = sum(text.count(mark) for mark in _CLOSING_QUOTES)
    return opening != closing or text.count('"') % 2 == 1


def _first_proper_noun(text: str) -> int:
    """Offset of the first capitalised word after the first word (len(text) if none)."""
    for match in re.finditer(r"(?<=\s)[“\"(]?[A-Z][\w’'.-]*", text):
        return match.start()
    return len(text)


def rejection(text: str, *, quoted_before: bool = False) -> str | None:
    """Why a unit cannot become a question (a short reason), or None if it may.

    quoted_before: the unit starts inside a quotation opened by an earlier sentence.
    """
    stripped = text.strip()
    if _BOILERPLATE.search(stripped):
        return "boilerplate"
    if _REFERENCE.search(stripped):
        return "reference numbers"
    if stripped.endswith("?"):
        return "question"
    if _TYPO.search(stripped):
        return "typo in the source"
    first_word = re.match(r"[A-Za-z’']+", stripped)
    if first_word and first_word.group().lower() in _PRONOUN_STARTS:
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
    if stripped.endswith((":", ",", ";")) or not _has_verb(stripped):
        return "fragment: no verb"
    if _CONNECTIVE_START.match(stripped):
        return "depends on an earlier sentence"
    if re.search(r"\bthe president\b(?![’'] ?s? [A-Z]|,? [A-Z])", stripped):
        return "unresolved reference"
    if _DEMONSTRATIVE.search(stripped) or _BACK_REFERENCE.search(stripped):
        return "unresolved reference"
    proper = _first_proper_noun(stripped)
    for pronoun in (_PERSONAL, _THEY):
        found = pronoun.search(stripped)
        if found and found.start() < proper:
            return "unresolved pronoun"
    vague = _VAGUE.search(stripped)
    if vague and vague.start() < proper:
        return "unresolved reference"
    return None


# ---------------------------------------------------------------------------------------------
# Gazetteers: kinds of place and agency that a pool's texts may name


_MX_STATES = (
    *("Aguascalientes", "Baja California Sur", "Baja California", "Campeche", "Chiapas"),
    *("Chihuahua", "Coahuila", "Colima", "Durango", "Guanajuato", "Guerrero", "Hidalgo"),
    *("Jalisco", "Michoacán", "Michoacan", "Morelos", "Nayarit", "Nuevo León", "Nuevo Leon"),
    *("Oaxaca", "Puebla", "Querétaro", "Queretaro", "Quintana Roo", "San Luis Potosí"),
    *("San Luis Potosi", "Sinaloa", "Sonora", "Tabasco", "Tamaulipas", "Tlaxcala", "Veracruz"),
    *("Yucatán", "Yucatan", "Zacatecas", "Mexico State", "State of Mexico"),
)
_US_STATES = (
    *("Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut"),
    *("Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa"),
    *("Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan"),
    *("Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada"),
    *("New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina"),
    *("North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island"),
    *("South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia"),
    # Not Washington: in news it is nearly always the capital (or the government).
    *("West Virginia", "Wisconsin", "Wyoming"),
)
# Large Mexican cities whose names are not also states' names.
_MX_CITIES = (
    *("Mexico City", "Guadalajara", "Monterrey", "Tijuana", "Ciudad Juárez"),
    *("Ciudad Juarez", "Culiacán", "Culiacan", "Acapulco", "Cancún", "Cancun", "Reynosa"),
    *("Matamoros", "Nuevo Laredo", "Mazatlán", "Mazatlan", "Morelia", "Hermosillo"),
    *("Mexicali", "León", "Apodaca", "Manzanillo", "Uruapan", "Tampico", "Ensenada"),
)
# Agencies every reader of US–Mexico news meets; others are learnt from "Long Name (ACRO)".
_US_AGENCIES = frozenset(
    ("ATF", "DEA", "FBI", "CIA", "DHS", "ICE", "CBP", "DOJ", "NSA", "OFAC", "USCG", "NORTHCOM")
)
_AGENCY_WORDS = re.compile(
    r"\b(?:Agency|Bureau|Department|Secretariat|Secretary|Ministry|Administration|"
    r"Enforcement|Protection|Command|Guard|Service|Intelligence|Office|Commission|"
    r"Police|Army|Navy|Marines|Investigation)\b"
)
_NOT_GROUP_FIRST = frozenset(
    (
        *("mexican", "mexico", "colombian", "american", "us", "u.s", "the", "a", "an", "each"),
        *("every", "both", "other", "major", "another", "main", "rival", "several", "two"),
        *("three", "many", "some", "most", "all", "smaller", "larger", "powerful", "drug"),
        *("in", "of", "and", "for", "by", "with", "to", "as", "on", "at", "from", "gulf-facing"),
        *("cartel", "cartels", "latin", "first", "current", "new", "de", "del", "la", "los"),
        *("this", "that", "these", "those", "its", "their", "when"),
        *("where", "while", "after", "before", "since", "if", "although", "because", "such"),
    )
)
_NAME_WORD = r"[A-Z][\w’'-]*"
# Names are runs of capitalised words on one line; a possessive ("Quintero’s Cartel") or a
# capitalised word after "Cartel" (a heading: "U.S. Fuels Cartel Firepower") is no name.
_GROUP_WORD = r"[A-Z][\w-]*(?![’'])"
_CARTEL_BEFORE = re.compile(
    rf"\b({_GROUP_WORD}(?: (?:{_GROUP_WORD}|de|del|la))*?) (Cartels?)\b(?! [A-Z])"
)
_CARTEL_LOWER = re.compile(rf"\b({_GROUP_WORD}(?: {_GROUP_WORD})*?) (cartel)\b(?! [A-Z])")
_CARTEL_OF = re.compile(rf"\b(Cartel (?:of|de) (?:the )?)({_GROUP_WORD}(?: {_GROUP_WORD})*)")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w.’'-]*|of|and|the|for|on|,)(?:\s+(?:[A-Z][\w.’'-]*|of|and|the|for|on|,)|,)*?)\s+\(([A-Z]{2,8})s?\)"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@dataclass
class _Entity:
    kind: str  # cartel, agency, state, city
    group: str  # places: mx / us; agencies: us / other; cartels: ""
    identity: str
    forms: Counter[str] = field(default_factory=Counter)  # surface forms seen in the pool
    acronyms: set[str] = field(default_factory=set)

    def display(self) -> str:
        # The most common form, ties broken alphabetically, so the pool's order never matters.
        return min(self.forms.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass(frozen=True)
class _Number:
    value: float
    text: str  # as the pool writes it: "137,000", "3.6", "127.1"
    group: str  # count, percent, money-million, money-billion, money


@dataclass
class Pool:
    """What distractors are drawn from: the years, numbers and named things of many texts."""

    years: set[int] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    numbers: dict[str, dict[float, _Number]] = field(default_factory=dict)
    entities: dict[tuple[str, str], _Entity] = field(default_factory=dict)
    acronym_forms: dict[str, set[str]] = field(default_factory=dict)

    def entity(self, kind: str, identity: str, group: str = "") -> _Entity:
        found = self.entities.get((kind, identity))
        if found is None:
            found = self.entities[(kind, identity)] = _Entity(kind, group, identity)
        return found

    def of_kind(self, kind: str, group: str | None = None) -> list[_Entity]:
        return sorted(
            (
                entity
                for (entity_kind, _), entity in self.entities.items()
                if entity_kind == kind and (group is None or entity.group == group)
            ),
            key=lambda entity: entity.identity,
        )

    def cartel_identity(self, acronym: str) -> str | None:
        for entity in self.of_kind("cartel"):
            if acronym in entity.acronyms:
                return entity.identity
        return None


def _cartel_identity(name: str) -> str:
    significant = [
        word
        for word in _word_list(name)
        if word not in ("cartel", "cartels", "of", "the", "de", "del", "la", "los", "las", "el")
    ]
    return significant[0] if significant else ""


def _group_names(text: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, distinctive name, full form, identity) for each cartel named in text."""
    found: list[tuple[int, int, str, str, str]] = []
    for pattern in (_CARTEL_BEFORE, _CARTEL_LOWER):
        for match in pattern.finditer(text):
            name = match.group(1)
            # Drop leading words that describe rather than name ("Mexican", "Both").
            parts = name.split()
            # "Analyzing cartel videos", "Ongoing cartel violence": no name.
            while parts and (_fold(parts[0]) in _NOT_GROUP_FIRST or parts[0].endswith("ing")):
                parts.pop(0)
            if not parts:
                continue
            name = " ".join(parts)
            start = match.start(1) + match.group(1).rindex(name)
            identity = _cartel_identity(name)
            if identity:
                found.append((start, match.end(), name, f"{name} {match.group(2)}", identity))
    for match in _CARTEL_OF.finditer(text):
        identity = _cartel_identity(match.group(2))
        if identity:
            found.append((match.start(), match.end(), match.group(2), match.group(0), identity))
    found.sort()
    unique: list[tuple[int, int, str, str, str]] = []
    for item in found:
        if unique and item[0] < unique[-1][1]:
            continue
        unique.append(item)
    return unique


def _alternation(names: Iterable[str]) -> str:
    ordered = sorted(set(names), key=lambda name: (-len(name), name))
    return "|".join(re.escape(name) for name in ordered)


def _place_pattern(names: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(names)})(?![\w-])")


_MX_STATE_RE = _place_pattern(_MX_STATES)
_US_STATE_RE = _place_pattern(_US_STATES)
_MX_CITY_RE = _place_pattern(_MX_CITIES)
_TOWN_OF = re.compile(
    rf"\b(?:town|city|village|port|municipality) of ({_NAME_WORD}(?: {_NAME_WORD})*)"
)
_PLACE_PREPOSITION = r"\b(?:in|of|at|from|to|near|into) "
_CITY_COMMA_STATE = (
    (
        re.compile(rf"{_PLACE_PREPOSITION}({_NAME_WORD}), (?:{_alternation(_MX_STATES)})(?![\w-])"),
        "mx",
    ),
    (
        re.compile(rf"{_PLACE_PREPOSITION}({_NAME_WORD}), (?:{_alternation(_US_STATES)})(?![\w-])"),
        "us",
    ),
)
_NOT_CITIES = frozenset(("mexico", "united states", "us", "u.s", "in", "the"))


def _learned_cities(text: str) -> list[tuple[str, str]]:
    """(city, group) named in text as "the town of X" or "X, <state>"."""
    cities = [(match.group(1), "mx") for match in _TOWN_OF.finditer(text)]
    for pattern, group in _CITY_COMMA_STATE:
        for match in pattern.finditer(text):
            city = match.group(1)
            if not _MX_STATE_RE.fullmatch(city) and not _US_STATE_RE.fullmatch(city):
                cities.append((city, group))
    return [(city, group) for city, group in cities if _fold(city) not in _NOT_CITIES]


def build_pool(texts: Iterable[str]) -> Pool:
    """Collect years, numbers, cartels, agencies and places from texts (a course's sources)."""
    pool = Pool()
    for text in texts:
        for match in _YEAR.finditer(text):
            pool.years.add(int(match.group()))
        pool.months.update(re.findall(rf"\b(?:{_MONTHS})(?= \d)", text))
        for number in _numbers_in(text):
            pool.numbers.setdefault(number.group, {}).setdefault(number.value, number)
        for match in _ACRONYM_DEF.finditer(text):
            acronym = match.group(2)
            long_form = match.group(1).strip(" ,").rsplit(" and the ", 1)[-1]
            long_form = re.sub(r"^(?:(?:[a-z]+|The)\s+)+", "", long_form)
            pool.acronym_forms.setdefault(acronym, set()).add(long_form)
            if re.search(r"\b[Cc]artels?\b", long_form):
                identity = _cartel_identity(long_form)
                if identity:
                    pool.entity("cartel", identity).acronyms.add(acronym)
            elif _AGENCY_WORDS.search(long_form) and not re.search(r"Brigade|Force", long_form):
                group = (
                    "us"
                    if acronym in _US_AGENCIES or re.match(r"U\.?S\.? ", long_form)
                    else "other"
                )
                pool.entity("agency", acronym, group).forms[acronym] += 1
        for acronym in sorted(_US_AGENCIES):
            for _ in re.finditer(rf"(?<![\w-]){acronym}(?![\w-])", text):
                pool.entity("agency", acronym, "us").forms[acronym] += 1
        for _start, _end, name, full, identity in _group_names(text):
            entity = pool.entity("cartel", identity)
            entity.forms[
                full if full.endswith(("Cartel", "Cartels")) or full.startswith("Cartel") else name
            ] += 1
        for pattern, group in ((_MX_STATE_RE, "mx"), (_US_STATE_RE, "us")):
            for match in pattern.finditer(text):
                pool.entity("state", _fold(match.group()), group).forms[match.group()] += 1
        for match in _MX_CITY_RE.finditer(text):
            pool.entity("city", _fold(match.group()), "mx").forms[match.group()] += 1
        for city, group in _learned_cities(text):
            pool.entity("city", _fold(city), group).forms[city] += 1
    # An acronym that names a cartel is a form of it, so it is never a distractor for itself.
    for entity in pool.of_kind("cartel"):
        for acronym in entity.acronyms:
            entity.forms[acronym] += 0
    # Names that are both a city and a state ("Mexico City" is no state; "Chihuahua" is both)
    # stay states: a city distractor must not be right as a state.
    for identity in [identity for kind, identity in pool.entities if kind == "city"]:
        if ("state", identity) in pool.entities:
            del pool.entities[("city", identity)]
    return pool


# ---------------------------------------------------------------------------------------------
# Finding keys


_YEAR = re.compile(r"(?<![\w$.,/-])(1[89]\d\d|20\d\d)(?![\w/-]|,\d|\.\d)")
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMBERS = {
    **{
        name: value
        for value, name in enumerate(
            (
                *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight"),
                *("nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"),
                *("sixteen", "seventeen", "eighteen", "nineteen"),
            )
        )
    },
    **{
        name: 10 * value
        for value, name in enumerate(
            ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"),
        )
        if name
    },
}
_WORD_NUM = "|".join(sorted(_WORD_NUMBERS, key=lambda name: -len(name)))
_MONEY = re.compile(
    rf"(?<![\w.])(?:USD\s?)?\$(?P<n>{_NUM})(?:\s?(?P<scale>million|billion|trillion|bn|m)\b)?"
)
_PERCENT = re.compile(
    rf"(?<![\w.,$-])(?P<n>{_NUM}|(?i:{_WORD_NUM}))(?P<unit>\s?(?:percent|per cent|%))"
)
_UNIT_STOP = frozenset(
    (
        *("are", "is", "were", "was", "have", "has", "had", "from", "in", "into", "to", "that"),
        *("which", "who", "whom", "and", "or", "of", "with", "on", "at", "by", "for", "since"),
        *("last", "there", "per", "a", "an", "the", "than", "as", "over", "under", "each"),
        *("every", "this", "these", "those", "their", "its", "his", "her", "will", "would"),
        *("can", "could", "may", "might", "been", "be", "during", "between", "among", "after"),
        *("before", "while", "when", "where", "alone", "later", "earlier", "ago", "annually"),
        *("yearly", "daily", "back", "again", "also", "more", "up", "down", "out", "off"),
    )
)
_COUNT = re.compile(
    rf"(?<![\w.,$/-])(?P<n>{_NUM}|(?i:{_WORD_NUM}))(?![\w,-]|\.\d)(?=(?P<rest>\s[^\s][^.;:!?]*))"
)
_RANGE = re.compile(
    rf"(?<![\w.,$-])(?:between\s+)?(?P<a>{_NUM})\s+(?:to|and)\s+(?P<b>{_NUM})(?![\w,-]|\.\d)"
    r"(?=(?P<rest>\s[^.;:!?]*))"
)
_QUALIFIER_UP = re.compile(
    r"(?:over|more than|at least|above|exceeding|upwards of|in excess of)\s+(?:USD\s?)?\$?$"
)
_QUALIFIER_DOWN = re.compile(r"(?:under|fewer than|less than|at most|up to|below)\s+\$?$")
_SCALES = {"million": "million", "m": "million", "billion": "billion", "bn": "billion"}


def _value(text: str) -> float:
    folded = text.lower()
    if folded in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[folded])
    return float(text.replace(",", ""))


def _unit_after(rest: str) -> str:
    """The noun phrase right after a number: up to four words, before any function word."""
    taken: list[str] = []
    for token in rest.split():
        clean = token.strip(',“”"()')
        if not clean or _fold(clean) in _UNIT_STOP or not re.fullmatch(r"[.\w’'-]+", clean):
            break
        if taken and clean.endswith("ed"):
            break  # "26 cartel figures wanted by …": the unit ends before the participle
        taken.append(clean)
        if token.endswith((",", ")", "”", '"')) or len(taken) == 4:
            break
    # A unit must end in a lowercase word ("gun dealers"), not a name ("60 Minutes").
    while (
        taken
        and not taken[-1][:1].islower()
        and not taken[-1].startswith(".")
        and not re.fullmatch(r"[A-Z][a-z]+(?:ans|ese)", taken[-1])  # "108,000 Americans"
    ):
        taken.pop()
    return " ".join(taken)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    number: _Number
    unit: str
    key_start: int  # the part the blank replaces: the digits (and word-number)
    key_end: int


def _numbers_found(text: str) -> list[_Found]:
    """Quantities in text: money, percentages and counts with a unit (years excluded)."""
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _MONEY.finditer(text):
        scale = _SCALES.get((match.group("scale") or "").lower(), "")
        group = f"money-{scale}" if scale else "money"
        unit = f"{scale} dollars" if scale else "dollars"
        number = _Number(_value(match.group("n")), match.group("n"), group)
        found.append(_Found(match.start(), match.end(), number, unit, *match.span("n")))
        taken.append(match.span())
    for match in _PERCENT.finditer(text):
        if not free(*match.span()):
            continue
        number = _Number(_value(match.group("n")), match.group("n"), "percent")
        found.append(_Found(match.start(), match.end(), number, "percent", *match.span("n")))
        taken.append(match.span())
    for match in _COUNT.finditer(text):
        if not free(*match.span("n")):
            continue
        digits = match.group("n")
        before = text[max(0, match.start() - 12) : match.start()]
        if re.fullmatch(r"(?:1[89]|20)\d\d", digits):
            continue  # a year
        if re.search(rf"(?:{_MONTHS})\s+$", before) or re.search(r"[A-Za-z]-?$", before):
            continue  # a day of a month, or part of a name (Mi-17, Bell 429)
        unit = _unit_after(match.group("rest"))
        if not unit:
            continue
        number = _Number(_value(digits), digits, "count")
        end = (
            match.start("rest")
            + match.group("rest").index(unit.split()[-1])
            + len(unit.split()[-1])
        )
        found.append(_Found(match.start(), end, number, unit, *match.span("n")))
        taken.append(match.span("n"))
    return sorted(found, key=lambda item: item.start)


def _numbers_in(text: str) -> list[_Number]:
    return [found.number for found in _numbers_found(text)]


def _year_in_range(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 20) : start], text[end : end + 20]
    return bool(
        (
            re.search(r"\b(?:from|between)\s+$", before, re.I)
            and re.match(r"\s*(?:to|and|–|-)\s*\d{4}", after)
        )
        or re.search(r"\d{4}\s*(?:to|and|–|-|through)\s+$|\d{4}\s*[–-]\s*$", before)
        or re.match(r"\s*[–-]\s*\d{4}", after)
    )


def _list_member(text: str, start: int, end: int) -> bool:
    before, after = text[:start], text[end:]
    return bool(
        re.match(
            r"(?:\s+[Cc]artels?)?(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)(?:the\s+)?[A-Z]",
            after,
        )
        or re.search(
            r"[A-Z][\w’'.-]*(?:\s+[Cc]artels?)?(?:,|\s+and|\s+or|/)\s*(?:the\s+)?$", before
        )
    )


def _in_quotation(text: str, start: int) -> bool:
    return bool(_quote_depths(text)[start]) if start < len(text) else False


def _gives_away(text: str, key: Key) -> bool:
    """Whether the sentence, with the key blanked, still shows the key (or a word of it)."""
    rest = text[: key.start] + " " + text[key.end :]
    if any(_contains_words(rest, form) for form in (key.text, *key.accepted)):
        return True
    for word in _word_list(key.text):
        if len(word) < 4 or word in ("cartel", "cartels", "state", "city"):
            continue
        if any(other[:5] == word[:5] for other in _word_list(rest) if len(other) >= 4):
            return True
    return False


def find_keys(text: str, pool: Pool) -> list[Key]:
    """Every usable key in a unit, in order of preference (see the module docstring).

    Dropped: keys that occur twice, list members, keys inside quotation marks (except terms
    introduced with quotation marks), and keys the rest of the sentence gives away.
    """
    keys: list[Key] = []
    keys.extend(_range_keys(text))
    keys.extend(_group_keys(text, pool))
    keys.extend(_agency_keys(text, pool))
    keys.extend(_place_keys(text, pool))
    keys.extend(_number_keys(text))
    keys.extend(_year_keys(text))
    keys.extend(_month_keys(text))
    keys.extend(_term_keys(text))
    usable = []
    for key in keys:
        if key.kind != "term" and _in_quotation(text, key.start):
            continue
        if key.kind in ("cartel", "agency", "state", "city") and _list_member(
            text, key.start, key.end
        ):
            continue
        if key.kind in ("cartel", "agency", "state", "city", "term") and re.search(
            r"\b(?:an?)\s+$", text[: key.start]
        ):
            continue  # "a"/"an" before the blank would hint at the answer
        if _gives_away(text, key):
            continue
        usable.append(key)
    return usable


def _range_keys(text: str) -> list[Key]:
    keys = []
    for match in _RANGE.finditer(text):
        low, high = _value(match.group("a")), _value(match.group("b"))
        unit = _unit_after(match.group("rest"))
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


def _group_keys(text: str, pool: Pool) -> list[Key]:
    keys = []
    for start, _end, name, full, identity in _group_names(text):
        if _contains_words(text, name) > 1:
            continue
        entity = pool.entities.get(("cartel", identity))
        forms = sorted(entity.forms) if entity else [full]
        accepted = tuple(dict.fromkeys([name, full, *forms]))
        name_start = text.index(name, start)
        keys.append(
            Key(
                "cartel",
                name,
                name_start,
                name_start + len(name),
                identity=identity,
                accepted=accepted,
                group="of" if full.startswith("Cartel") else "before",
            )
        )
    for acronym in sorted({a for e in pool.of_kind("cartel") for a in e.acronyms}):
        for match in re.finditer(rf"(?<![\w(-]){acronym}(?![\w)-])", text):
            if _contains_words(text, acronym) > 1:
                continue
            identity = pool.cartel_identity(acronym) or acronym.lower()
            entity = pool.entities[("cartel", identity)]
            keys.append(
                Key(
                    "cartel",
                    acronym,
                    match.start(),
                    match.end(),
                    identity=identity,
                    accepted=tuple(dict.fromkeys([acronym, *sorted(entity.forms)])),
                    group="acronym",
                )
            )
    return keys


def _agency_keys(text: str, pool: Pool) -> list[Key]:
    keys = []
    for entity in pool.of_kind("agency"):
        acronym = entity.identity
        for match in re.finditer(rf"(?<![\w(-]){re.escape(acronym)}(?![\w)-])", text):
            if _contains_words(text, acronym) > 1:
                continue
            long_forms = sorted(pool.acronym_forms.get(acronym, ()))
            if any(_contains_words(text, form) for form in long_forms):
                continue
            keys.append(
                Key(
                    "agency",
                    acronym,
                    match.start(),
                    match.end(),
                    identity=acronym,
                    accepted=tuple(dict.fromkeys([acronym, *long_forms])),
                    group=entity.group,
                )
            )
    return keys


# Geography next to a place ("the state of ___, bordering the United States", "on tourist
# beaches") either gives it away, when the distractors do not fit the clue, or makes a
# distractor that fits it right as well: such places are not asked.
_GEOGRAPHY = re.compile(
    r"\b(?:border(?:s|ing)?|coast(?:al)?|ports?|beach(?:es)?|touris[mt]|gulf(?:-facing)?|"
    r"pacific|caribbean|mountains?|desert|(?:north|south)(?:east|west)?(?:ern)?|"
    r"(?:east|west)(?:ern)?|central|corridor|access to)\b",
    re.I,
)


def _place_keys(text: str, pool: Pool) -> list[Key]:
    keys: list[Key] = []
    cartel_identities = {identity for kind, identity in pool.entities if kind == "cartel"}
    cities = [form for entity in pool.of_kind("city") for form in entity.forms]
    for kind, group, pattern in (
        ("state", "mx", _MX_STATE_RE),
        ("state", "us", _US_STATE_RE),
    ):
        for match in pattern.finditer(text):
            if any(_contains_words(text, city) for city in cities):
                continue  # "Cancun" or "Monterrey" in the sentence may give the state away
            keys.extend(
                _place_key(text, kind, group, match.group(), match.start(), cartel_identities)
            )
    for entity in pool.of_kind("city"):
        for form in sorted(entity.forms):
            for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                keys.extend(
                    _place_key(text, "city", entity.group, form, match.start(), cartel_identities)
                )
    return keys


def _place_key(
    text: str, kind: str, group: str, name: str, start: int, cartel_identities: set[str]
) -> list[Key]:
    end = start + len(name)
    if _contains_words(text, name) > 1:
        return []
    after = text[end : end + 12]
    before = text[max(0, start - 24) : start]
    if re.match(r"\s*(?:[Cc]artels?|’s|'s|-)", after):
        return []  # the group named after the place, not the place
    if _GEOGRAPHY.search(text[max(0, start - 40) : start]) or _GEOGRAPHY.search(
        text[end : end + 70]
    ):
        return []
    explicit = re.search(
        r"\b(?:state|city|town|port|capital) of\s+$|\b(?:in|into|across|throughout|near)\s+$",
        before,
        re.I,
    )
    if _fold(name) in cartel_identities and not explicit:
        return []  # "Sinaloa and CJNG": the cartel; "the state of Sinaloa", "in Sinaloa": places
    if not explicit and not re.search(
        r"\b(?:to|from|through|toward|towards|at|of)\s+$", before, re.I
    ):
        return []
    # Distractors come from a list of cities: next to "the town of", big cities stand out.
    if kind == "city" and re.search(r"\b(?:town|village)s? of\s+$", before, re.I):
        group = "town"
    return [Key(kind, name, start, end, identity=_fold(name), accepted=(name,), group=group)]


def _number_keys(text: str) -> list[Key]:
    keys = []
    for found in _numbers_found(text):
        number = found.number
        if _contains_words(text, number.text) > 1:
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


def _year_keys(text: str) -> list[Key]:
    keys = []
    for match in _YEAR.finditer(text):
        year = match.group()
        if text.count(year) > 1 or _year_in_range(text, match.start(), match.end()):
            continue
        if re.match(r"\s+[A-Z]", text[match.end() :]) and not re.match(
            rf"\s+(?:{_MONTHS})\b", text[match.end() :]
        ):
            continue  # part of a title: "the 2025 Annual Threat Assessment"
        if _in_date_list(text, match.start(), match.end()):
            continue
        keys.append(Key("year", year, match.start(), match.end(), identity=year, accepted=(year,)))
    return keys


def _in_date_list(text: str, start: int, end: int) -> bool:
    """Whether a date is one of a list ("May 2021, December 2021, and January 2022"): the
    order of the others would give it away."""
    month = rf"(?:(?:{_MONTHS})\s+)?"
    head = re.search(rf"{month}$", text[:start])
    before = text[: head.start()] if head else text[:start]
    return bool(
        re.search(r"\d{4},?\s+(?:and\s+)?$", before)
        or re.match(rf",?\s+(?:and\s+)?{month}\d{{4}}", text[end:])
    )


def _month_keys(text: str) -> list[Key]:
    # Only a month followed by a year: "May" alone may be the verb, and "June 9" is a day.
    keys = []
    for match in re.finditer(rf"\b(?:{_MONTHS})(?= (?:1[89]|20)\d\d\b)", text):
        month = match.group()
        if _contains_words(text, month) > 1 or _in_date_list(text, match.start(), match.end() + 5):
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
            if len(words(term)) > 4 or _contains_words(text, term) > 1:
                continue
            start = match.start("t")
            bare = re.sub(r"^the\s+", "", term, flags=re.I)
            keys.append(
                Key(
                    "term",
                    term,
                    start,
                    start + len(term),
                    identity=_fold(term),
                    accepted=tuple(dict.fromkeys([term, bare])),
                )
            )
    return keys


# ---------------------------------------------------------------------------------------------
# Distractors


def _mentioned(text: str, entity: _Entity) -> bool:
    names = {entity.identity, *entity.forms, *entity.acronyms}
    return any(_contains_words(text, name) for name in names if name)


def _closest(
    candidates: Sequence[str], distance: Mapping[str, float], rng: random.Random
) -> list[str] | None:
    ordered = sorted(candidates, key=lambda c: (distance[c], c))[:_CANDIDATES]
    if len(ordered) < CHOICES - 1:
        return None
    return rng.sample(ordered, CHOICES - 1)


def _distractors(text: str, key: Key, pool: Pool, rng: random.Random) -> list[str] | None:
    """Three wrong choices of the key's kind that the sentence does not name or make true."""
    if key.kind == "year":
        key_year = int(key.text)
        mentioned = {int(y) for y in _YEAR.findall(text)}
        years = [
            str(year)
            for year in sorted(pool.years)
            # A year next to the key can be half true ("new President Sheinbaum" in 2024 and
            # 2025), so distractors are at least two years away.
            if year not in mentioned and 2 <= abs(year - key_year) <= 12
        ]
        return _closest(years, {y: abs(int(y) - key_year) for y in years}, rng)
    if key.kind == "number":
        return _number_distractors(text, key, pool, rng)
    if key.kind == "month":
        months = _MONTHS.split("|")
        named = set(re.findall(rf"\b(?:{_MONTHS})\b", text))
        others = [m for m in months if m not in named and m in pool.months]
        index = months.index(key.text)
        return _closest(
            others,
            {
                m: min((months.index(m) - index) % 12, (index - months.index(m)) % 12)
                for m in others
            },
            rng,
        )
    if key.kind in ("cartel", "agency", "state", "city"):
        group = key.group if key.kind != "cartel" else None
        display: dict[str, str] = {}
        for entity in pool.of_kind(key.kind, group):
            if entity.identity == key.identity or _mentioned(text, entity):
                continue
            name = _display_for(entity, key)
            if name and _fold(name) != _fold(key.text):
                display.setdefault(_fold(name), name)
        names = sorted(display.values())
        return _closest(names, {n: abs(len(n) - len(key.text)) for n in names}, rng)
    return None


def _display_for(entity: _Entity, key: Key) -> str | None:
    if key.kind != "cartel":
        return entity.display()
    # The blank replaces the distinctive words of "the ___ Cartel": distractors must fit it.
    for form, _ in sorted(entity.forms.items(), key=lambda item: (-item[1], item[0])):
        match = re.fullmatch(r"(.+?)\s+Cartels?", form)
        if match and not form.startswith("Cartel"):
            return match.group(1)
    return None


def _number_distractors(text: str, key: Key, pool: Pool, rng: random.Random) -> list[str] | None:
    before = text[: key.start]
    up, down = _QUALIFIER_UP.search(before), _QUALIFIER_DOWN.search(before)
    mentioned = {_value(n) for n in re.findall(_NUM, text)}
    decimals = "." in key.text
    candidates: dict[str, float] = {}
    for number in sorted(pool.numbers.get(key.group, {}).values(), key=lambda n: n.value):
        value = number.value
        if value in mentioned or value <= 0 or key.value <= 0:
            continue
        if (up and value < key.value) or (down and value > key.value):
            continue  # "over 75,000": 60,000 would be true as well
        ratio = abs(math.log(value / key.value))
        if ratio > math.log(5) or ("." in number.text) != decimals:
            continue
        shown = _format_like(value, key.text)
        if shown != key.text:
            candidates.setdefault(shown, ratio)
    return _closest(sorted(candidates), candidates, rng)


def _format_like(value: float, example: str) -> str:
    if "." in example:
        places = len(example.split(".")[1])
        return f"{value:,.{places}f}" if "," in example else f"{value:.{places}f}"
    if "," in example or value >= 10_000:
        return f"{int(value):,}"
    return str(int(value))


# ---------------------------------------------------------------------------------------------
# Drafts


_ORDER = ("range", "cartel", "agency", "state", "city", "number", "year", "month", "term")
_HINTS = {
    "year": "a year",
    "month": "a month",
    "state": "a state",
    "city": "a city or town",
    "cartel": "a cartel",
    "agency": "an agency, by its acronym",
    "term": "a word or phrase",
}
# A source that keeps returning to one year or one group would otherwise fill the bank with
# the same answer; numbers are asked once per source.
_MAX_SAME_ANSWER = 2


def _blank(text: str, key: Key) -> str:
    stem = text[: key.start] + BLANK + text[key.end :]
    return stem if stem.rstrip().endswith((".", "!", "”", '"')) else stem.rstrip(" ,;") + "."


def _number_json(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _prefers_choice(quote: str) -> bool:
    # Seed-independent, so that another seed proposes the same keys (and so the same ids).
    return int(_digest(quote)[:8], 16) % 3 != 0


def _choices(key: Key, distractors: list[str], who: str, rng: random.Random) -> dict[str, Any]:
    texts = list(distractors)
    texts.insert(rng.randrange(CHOICES), key.text)
    return {
        "choices": [
            {
                "id": "abcd"[index],
                "text": text,
                "correct": text == key.text,
                "feedback": (
                    f"Right: {who} writes “{key.text}” here."
                    if text == key.text
                    else f"No: {who} writes “{key.text}” here, not “{text}”."
                ),
            }
            for index, text in enumerate(texts)
        ]
    }


def _question(
    unit: Unit, key: Key, pool: Pool, who: str, rng: random.Random
) -> tuple[str, str, str, dict[str, Any], str]:
    """(rule, kind, stem, data, answer) for a key; the rule never depends on the seed."""
    blanked = _blank(unit.text, key)
    if key.kind == "range":
        return (
            "numeric-range",
            "numeric",
            f"Fill in the blank with a number in the range {who} gives "
            f"(unit: {key.unit}): {blanked}",
            {"min": _number_json(key.value), "max": _number_json(key.high), "unit": key.unit},
            f"{key.text} {key.unit}",
        )
    choice = _prefers_choice(unit.text)
    if key.kind == "number":
        digits = key.text[:1].isdigit() and key.group in ("count", "percent")
        distractors = _distractors(unit.text, key, pool, rng) if digits and choice else None
        if distractors is not None:
            stem = f"Which number completes this sentence from {who}? {blanked}"
            data = _choices(key, distractors, who, rng)
            return "choice-number", "single", stem, data, key.text
        return (
            "numeric-value",
            "numeric",
            f"Fill in the number, as {who} gives it (unit: {key.unit}): {blanked}",
            {"answer": _number_json(key.value), "tolerance": 0, "unit": key.unit},
            f"{key.text} {key.unit}",
        )
    # Terms have no kind to draw distractors from; "CJNG" and "Cartel of ___" have no
    # distractors of the same shape.
    can_choose = key.kind != "term" and key.group not in ("acronym", "of", "town")
    distractors = _distractors(unit.text, key, pool, rng) if can_choose and choice else None
    if distractors is not None:
        stem = f"Which choice completes this sentence from {who}? {blanked}"
        data = _choices(key, distractors, who, rng)
        return f"choice-{key.kind}", "single", stem, data, key.text
    return (
        f"blank-{key.kind}",
        "short",
        f"Fill in the blank ({_HINTS[key.kind]}) in this sentence from {who}: {blanked}",
        {"accepted": list(key.accepted or (key.text,))},
        key.text,
    )


# Two sentences of one source sharing this share of their content words tell the same fact: a
# question on one would give the other's answer away, so only the first is asked.
_SAME_FACT = 0.6
_COMMON = frozenset(
    (
        *("that", "this", "with", "from", "have", "been", "were", "which", "their", "than"),
        *("more", "over", "also", "into", "about", "after", "such", "other", "some", "they"),
        *("them", "there", "when", "while", "including", "under", "between", "against"),
    )
)


def _content_words(text: str) -> set[str]:
    return {word for word in _word_list(text) if len(word) >= 4 and word not in _COMMON}


def _signature(key: Key) -> str:
    if key.kind in ("number", "range"):
        return f"{key.kind}:{key.value}:{key.high}:{key.unit}"
    return f"{key.kind}:{key.identity or _fold(key.text)}"


def _draft_for(source: SourceText, unit: Unit, key: Key, pool: Pool, seed: int) -> Draft:
    rng = random.Random(f"{seed}:{source.slug}:{unit.start}:{key.kind}:{key.text}")
    rule, kind, stem, data, answer = _question(unit, key, pool, source.label, rng)
    when = f" ({source.published})" if source.published else ""
    return Draft(
        key=f"gen-{source.slug}-{rule}-{_digest(unit.text)[:8]}",
        source=source.slug,
        rule=rule,
        kind=kind,
        stem=stem,
        data=data,
        answer=answer,
        blank=key.text,
        quote=unit.text,
        start=unit.start,
        end=unit.end,
        explanation=f"From {source.label}{when}: “{unit.text}”",
    )


def _anchors(source: SourceText, unit: Unit) -> bool:
    try:
        found = anchor(source.text, unit.text)
    except QuoteError:
        return False
    return found.start == unit.start and found.end == unit.end


def generate(source: SourceText, *, seed: int, pool: Pool) -> list[Draft]:
    """Drafts for one source, in text order, at most one per sentence."""
    drafts: list[Draft] = []
    answers: Counter[str] = Counter()
    asked: list[set[str]] = []
    for unit in units(source):
        if rejection(unit.text, quoted_before=unit.quoted_before) is not None:
            continue
        if not _anchors(source, unit):
            continue
        keys = sorted(find_keys(unit.text, pool), key=lambda k: (_ORDER.index(k.kind), k.start))
        for key in keys:
            signature = _signature(key)
            limit = 1 if key.kind in ("number", "range") else _MAX_SAME_ANSWER
            if answers[signature] >= limit:
                continue
            vocabulary = _content_words(unit.text)
            if any(
                len(vocabulary & seen) >= _SAME_FACT * min(len(vocabulary), len(seen))
                for seen in asked
            ):
                break  # the same fact said twice (a source that repeats itself) is asked once
            answers[signature] += 1
            asked.append(vocabulary)
            drafts.append(_draft_for(source, unit, key, pool, seed))
            break
    return drafts


def generate_all(
    sources: Sequence[SourceText], *, seed: int, pool: Pool | None = None
) -> list[Draft]:
    """Drafts for several sources; the pool defaults to the sources' own texts."""
    pool = pool if pool is not None else build_pool(source.text for source in sources)
    return [draft for source in sources for draft in generate(source, seed=seed, pool=pool)]


def select(drafts: Sequence[Draft], limit: int | None) -> list[Draft]:
    """At most `limit` drafts, taken in turn from each rule so that a short run is varied."""
    if limit is None or limit >= len(drafts):
        return list(drafts)
    by_rule: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_rule.setdefault(draft.rule, []).append(draft)
    chosen: list[Draft] = []
    while len(chosen) < limit:
        for rule in sorted(by_rule):
            if by_rule[rule] and len(chosen) < limit:
                chosen.append(by_rule[rule].pop(0))
    order = {id(draft): index for index, draft in enumerate(drafts)}
    return sorted(chosen, key=lambda draft: order[id(draft)])
