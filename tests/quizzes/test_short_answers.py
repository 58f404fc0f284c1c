"""Matching short answers: normalising, teachers' patterns and near misses (quizzes.short_answers),
and how grading uses them (pure, no database)."""

from __future__ import annotations

import re
import time
import unicodedata
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.grading import SpecError, grade, validate_spec
from quizzes.short_answers import (
    ARTICLES,
    LEADING_ARTICLES,
    MAX_ALTERNATIVES,
    MAX_PATTERN,
    MAX_PATTERNS,
    Nearest,
    Pattern,
    PatternError,
    _Any,
    _Token,
    _Word,
    expand_pattern,
    nearest,
    normalised,
)


def _old_normalise(text: str) -> str:
    """The matching before patterns and other articles: only a leading "the" was dropped."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    chars = []
    for char in text:
        if unicodedata.combining(char):
            continue
        category = unicodedata.category(char)
        if category == "Pd" or char.isspace():
            chars.append(" ")
        elif category[0] != "P" and category not in ("Cc", "Cf"):
            chars.append(char)
    words = "".join(chars).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# Normalising

answer_texts = st.lists(
    st.sampled_from([*"aAeÉéñlostThn ,.-–'’", "the ", "la ", "an ", "El ", "ﬁ", "ß"]),
    max_size=12,
).map("".join)


@pytest.mark.parametrize(
    ("language", "article"),
    [(language, article) for language, words in LEADING_ARTICLES.items() for article in words],
)
def test_every_listed_article_is_dropped_from_the_start_in_any_case(
    language: str, article: str
) -> None:
    assert normalised(f"{article.upper()} Río Bravo") == "rio bravo"
    assert normalised(f"{article} {article} Río Bravo") == "rio bravo"
    assert article in ARTICLES


@pytest.mark.parametrize("article", sorted(ARTICLES))
def test_a_lone_article_is_the_answer_itself_and_a_later_one_stays(article: str) -> None:
    assert normalised(article) == article
    assert normalised(f"Río {article} Bravo") == f"rio {article} bravo"


@pytest.mark.parametrize(
    ("typed", "form"),
    [
        ("  The   Río\tBravo. ", "rio bravo"),
        ("«El Chapo»", "chapo"),
        ("St. Louis, Missouri", "st louis missouri"),
        ("U.S.–Mexico", "us mexico"),
        ("fibre-optic", "fibre optic"),
        ("ﬁber", "fiber"),
        ("Straße", "strasse"),
        ("No", "no"),
        ("", ""),
        ("...", ""),
    ],
)
def test_normalised_forms(typed: str, form: str) -> None:
    assert normalised(typed) == form


@settings(max_examples=500)
@given(answer_texts, answer_texts)
def test_every_answer_that_matched_before_still_matches(accepted: str, typed: str) -> None:
    # Dropping more leading articles only ever makes more answers match.
    if _old_normalise(typed) == _old_normalise(accepted):
        assert normalised(typed) == normalised(accepted)


@settings(max_examples=500)
@given(answer_texts)
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert normalised(normalised(text)) == normalised(text)


# Patterns: what they accept


@pytest.mark.parametrize(
    ("pattern", "typed"),
    [
        ("lake city *", "Lake City, Missouri"),
        ("lake city *", "Lake City"),  # "*" may stand for no words
        ("lake city *", "the Lake City Army Ammunition Plant"),
        ("* missouri", "St. Louis, Missouri"),
        ("lake * plant", "Lake City Army Ammunition Plant"),
        ("lake * plant", "lake plant"),
        ("fertili*", "Fertilizer"),
        ("fertili*", "fertiliser"),
        ("fertili*", "FERTILI"),  # a word may be just the start
        ("U.S.*", "USA"),
        ("(river|lake) silt", "river silt"),
        ("(river|lake) silt", "The lake silt."),
        ("(river silt|mud)", "river silt"),
        ("(very|) muddy", "muddy"),
        ("(very|) muddy", "very muddy"),
        ("(Río|rio) Bravo", "rio bravo"),
        ("the river *", "river Nile"),  # a pattern's articles go like an answer's
        ("(the|a) river", "the river"),  # …and an answer is also tried with its own
        ("Nuevo León", "nuevo leon"),
        ("fibre (optic|optics) *", "fibre-optic cables"),
    ],
)
def test_a_pattern_accepts(pattern: str, typed: str) -> None:
    assert Pattern.read(pattern).match(typed)


@pytest.mark.parametrize(
    ("pattern", "typed"),
    [
        ("lake city *", "Salt Lake City"),
        ("lake city *", "lakecity"),
        ("* missouri", "Missouri River"),
        ("lake * plant", "lake plant nearby"),
        ("fertili*", "fertile"),
        ("fertili*", "a fertiliser spill"),
        ("(river|lake) silt", "silt"),
        ("(river|lake) silt", "sea silt"),
        ("(very|) muddy", "very very muddy"),
        ("silt", "silts"),
        ("silt", ""),
    ],
)
def test_a_pattern_refuses(pattern: str, typed: str) -> None:
    assert not Pattern.read(pattern).match(typed)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("*", "it would accept any answer"),
        ("* *", "it would accept any answer"),
        ("(silt|) *", "it would accept any answer"),
        ("the *", "it would accept any answer"),  # an article is no word to insist on
        ("(the|a) *", "it would accept any answer"),
        ("...", "it would accept any answer"),
        ("", "it is empty"),
        ("  ", "it is empty"),
        ("river|lake", "write (river|lake), not river|lake"),
        ("(river silt", "a ( is never closed with )"),
        ("river) silt", "a ) has no ( before it"),
        ("((river)) silt", "brackets cannot go inside brackets"),
        ("(river|*) silt", "a * for any words cannot go inside brackets"),
        ("*silt", "it cannot start a word or sit inside one"),
        ("si*lt", "it cannot start a word or sit inside one"),
        ("() silt", "brackets need at least one phrase with a word in it"),
        ("(|) silt", "brackets need at least one phrase with a word in it"),
        ("(" + "|".join("abcdefghijk") + ") silt", f"at most {MAX_ALTERNATIVES} phrases"),
        ("silt " * 41, f"longer than {MAX_PATTERN} characters"),
    ],
)
def test_a_pattern_that_cannot_be_read_is_refused_with_what_to_change(
    pattern: str, message: str
) -> None:
    with pytest.raises(PatternError, match=re.escape(message)):
        Pattern.read(pattern)


# Patterns: the automaton against a regular expression built from the same tokens

small_words = st.sampled_from(["a", "b", "ab", "the", "la"])
pattern_texts = st.lists(
    st.one_of(
        small_words,
        small_words.map(lambda word: f"{word}*"),
        st.just("*"),
        st.lists(st.one_of(st.just(""), small_words), min_size=1, max_size=3)
        .filter(any)
        .map(lambda phrases: "(" + "|".join(phrases) + ")"),
    ),
    min_size=1,
    max_size=5,
).map(" ".join)


def _regex(tokens: tuple[_Token, ...]) -> str:
    def word(token: _Word) -> str:
        return " " + re.escape(token.text) + (r"\S*" if token.is_prefix else "")

    parts = []
    for token in tokens:
        if isinstance(token, _Any):
            parts.append(r"(?: \S+)*")
        elif isinstance(token, _Word):
            parts.append(word(token))
        else:
            phrases = ["".join(word(w) for w in phrase) for phrase in token.alternatives]
            parts.append("(?:" + "|".join(phrases) + ")")
    return "".join(parts)


@settings(max_examples=1000)
@given(pattern_texts, st.lists(small_words, max_size=6))
def test_the_automaton_agrees_with_a_regular_expression(text: str, typed: list[str]) -> None:
    try:
        pattern = Pattern.read(text)
    except PatternError:
        assume(False)
        return
    answer = " ".join(typed)
    found = answer.split()
    forms = [found]
    start = 0
    while start < len(found) - 1 and found[start] in ARTICLES:
        start += 1
    forms.append(found[start:])
    expected = any(
        re.fullmatch(_regex(tokens), "".join(f" {w}" for w in form))
        for tokens in pattern.variants
        for form in forms
    )
    assert pattern.match(answer) == bool(expected)


@settings(max_examples=300)
@given(answer_texts, answer_texts)
def test_a_pattern_without_signs_accepts_what_the_same_accepted_answer_does(
    text: str, typed: str
) -> None:
    try:
        pattern = Pattern.read(text)
    except PatternError:
        assume(False)
        return
    assert pattern.match(typed) == (normalised(typed) == normalised(text))


@settings(max_examples=300)
@given(pattern_texts)
def test_reading_a_pattern_never_fails_other_than_with_a_pattern_error(text: str) -> None:
    try:
        pattern = Pattern.read(text)
    except PatternError as error:
        assert str(error)
        return
    assert pattern.variants
    # Every readable pattern needs a word: it never accepts a blank answer.
    assert not pattern.match("")


def test_no_pattern_or_answer_can_make_matching_slow() -> None:
    # Brackets whose phrases overlap and stars between them: a backtracking regular
    # expression would take exponential time on a long answer that almost fits.
    text = " * ".join(["(a|a a|a a a)"] * 11) + " b"
    assert len(text) <= MAX_PATTERN
    pattern = Pattern.read(text)
    answer = " ".join(["a"] * 250) + " c"
    started = time.perf_counter()
    for _ in range(MAX_PATTERNS):
        assert not pattern.match(answer)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("pattern", "phrasings"),
    [
        ("Lake City *", ["Lake City *"]),
        ("(river|lake) silt", ["river silt", "lake silt"]),
        ("(very|) muddy  brown", ["very muddy brown", "muddy brown"]),
        ("(a|b) (c|d)", ["a c", "a d", "b c", "b d"]),
        ("fertili*", ["fertili*"]),
    ],
)
def test_a_pattern_expands_to_its_phrasings(pattern: str, phrasings: list[str]) -> None:
    assert expand_pattern(pattern, 10) == phrasings


def test_expanding_stops_one_past_the_limit() -> None:
    assert len(expand_pattern("(a|b) (c|d) (e|f) x", 3)) == 4
    with pytest.raises(PatternError):
        expand_pattern("*", 3)


# Near misses


@pytest.mark.parametrize(
    ("accepted", "typed", "closest", "how"),
    [
        (["silt", "river silt"], "slit", "silt", "spelling"),  # two letters swapped
        (["silt"], "silts", "silt", "spelling"),
        (["Mississippi"], "Missisippi", "Mississippi", "spelling"),
        (["Ecuador"], "equador", "Ecuador", "spelling"),
        (["Lake City"], "Lake City, Missouri", "Lake City", "extra words"),
        (["Lake City", "Lake City plant"], "The Lake City plant, Missouri", "Lake City plant", "extra words"),
        (["muddy brown"], "muddy", "muddy brown", "fewer words"),
        (["Jalisco New Generation Cartel", "CJNG"], "Jalisco Nueva Generation Cartel", "Jalisco New Generation Cartel", "spelling"),
    ],
)  # fmt: skip
def test_a_near_miss_names_the_closest_accepted_answer(
    accepted: list[str], typed: str, closest: str, how: str
) -> None:
    found = nearest(accepted, typed)
    assert found is not None
    assert (found.accepted, found.how) == (closest, how)
    assert 0 < found.similarity < 1


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        (["silt"], "Silt."),  # it matches: not a miss at all
        (["silt"], "the silt"),
        (["silt"], "water"),
        (["silt"], ""),
        (["silt"], "?!"),
        (["Ecuador"], "Peru"),
        (["Mississippi"], "Missouri"),
    ],
)
def test_an_answer_that_matches_or_is_far_from_every_accepted_one_is_no_near_miss(
    accepted: list[str], typed: str
) -> None:
    assert nearest(accepted, typed) is None


def test_the_best_of_several_near_accepted_answers_wins() -> None:
    assert nearest(["silk", "silt"], "silts") == Nearest("silt", 0.8, "spelling")


@settings(max_examples=300)
@given(st.lists(answer_texts, min_size=1, max_size=3), answer_texts)
def test_a_near_miss_is_never_an_answer_that_matches(accepted: list[str], typed: str) -> None:
    found = nearest(accepted, typed)
    if found is not None:
        assert found.accepted in accepted
        assert all(normalised(typed) != normalised(a) for a in accepted)
        assert 0 < found.similarity <= 1


# Grading with patterns


SHORT = {"accepted": ["Lake City Army Ammunition Plant"], "patterns": ["lake city *"]}


def test_grading_accepts_an_answer_a_pattern_fits_and_refuses_others() -> None:
    assert grade("short", SHORT, "Lake City, Missouri").points == D("1.00")
    assert grade("short", SHORT, "lake city army ammunition plant").outcome == "correct"
    assert grade("short", SHORT, "Independence, Missouri").outcome == "incorrect"


def test_patterns_are_optional_and_may_be_empty() -> None:
    validate_spec("short", {"accepted": ["silt"]})
    validate_spec("short", {"accepted": ["silt"], "patterns": []})
    assert grade("short", {"accepted": ["silt"], "patterns": []}, "silt").outcome == "correct"


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ("lake city *", r"^The question data: 'patterns' must be a list, not the string"),
        ([7], r"^Pattern 1 must be a string, not a number\.$"),
        (["lake *", "*"], r"^Pattern 2 \('\*'\): it would accept any answer; give it at least one word every answer must have\.$"),
        (["(lake"], r"^Pattern 1 \('\(lake'\): a \( is never closed with \)\.$"),
        (["x" * 50 + "|"], r"^Pattern 1 \('x{40}…'\): a \| separates phrases"),
        (["silt"] * (MAX_PATTERNS + 1), rf"^A short-answer question takes at most {MAX_PATTERNS} patterns; this one has {MAX_PATTERNS + 1}\.$"),
    ],
)  # fmt: skip
def test_bad_patterns_are_refused_with_a_message_naming_the_pattern(
    patterns: object, message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        validate_spec("short", {"accepted": ["silt"], "patterns": patterns})
