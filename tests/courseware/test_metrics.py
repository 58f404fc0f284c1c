"""Word counts, reading time, syllables and Flesch–Kincaid grade."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.ingest import count_syllables, count_words, flesch_kincaid_grade, reading_minutes
from courseware.ingest.metrics import count_sentences

# Counts as given by dictionary hyphenation (Merriam-Webster style), one pronunciation.
KNOWN_SYLLABLES = {
    "the": 1,
    "a": 1,
    "fire": 1,
    "cat": 1,
    "yes": 1,
    "year": 1,
    "makes": 1,
    "used": 1,
    "armed": 1,
    "seized": 1,
    "states": 1,
    "while": 1,
    "cartel": 2,
    "people": 2,
    "business": 2,
    "every": 2,
    "table": 2,
    "police": 2,
    "weapons": 2,
    "being": 2,
    "forces": 2,
    "wanted": 2,
    "cities": 2,
    "cocaine": 2,
    "nation": 2,
    "million": 2,
    "fuel": 2,
    "agreed": 2,
    "statement": 2,
    "Sheinbaum": 2,
    "created": 3,
    "violence": 3,
    "government": 3,
    "president": 3,
    "Mexico": 3,
    "Mexico's": 3,
    "various": 3,
    "area": 3,
    "idea": 3,
    "completely": 3,
    "everyone": 3,
    "enforcement": 3,
    "fentanyl": 3,
    "actual": 3,
    "radio": 3,
    "organized": 3,
    "trafficking": 3,
    "Benítez": 3,
    "Sinaloa": 4,
    "security": 4,
    "terrorism": 4,
    "Colombian": 4,
    "Ukrainian": 4,
    "ammunition": 4,
    "situation": 4,
    "designated": 4,
    "intelligence": 4,
    "Guanajuato": 4,
    "cooperation": 5,
    "responsibility": 6,
}


@pytest.mark.parametrize(("word", "syllables"), sorted(KNOWN_SYLLABLES.items()))
def test_it_counts_the_syllables_of_known_words(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


@pytest.mark.parametrize(("acronym", "syllables"), [("U.S.", 2), ("CJNG", 4), ("DEA", 3)])
def test_an_acronym_counts_one_syllable_per_letter(acronym: str, syllables: int) -> None:
    assert count_syllables(acronym) == syllables


def test_accents_and_case_do_not_change_the_syllable_count() -> None:
    assert count_syllables("León") == count_syllables("leon") == 2


def test_a_token_without_letters_or_digits_has_no_syllables() -> None:
    assert count_syllables("—") == 0
    assert count_syllables("") == 0


@given(st.text(min_size=1).filter(lambda word: any(char.isalpha() for char in word)))
def test_any_word_with_a_letter_has_at_least_one_syllable(word: str) -> None:
    assert count_syllables(word) >= 1


def test_it_counts_words_between_whitespace_and_dashes() -> None:
    # U.S. / military-grade / rifles / 200,000 / of / them
    assert count_words("U.S. military-grade rifles—200,000 of them") == 6


def test_punctuation_alone_is_no_word() -> None:
    assert count_words(" — – … • ") == 0
    assert count_words("") == 0


@pytest.mark.parametrize(
    ("words", "wpm", "minutes"),
    [(0, 200, 0), (1, 200, 1), (200, 200, 1), (201, 200, 2), (450, 150, 3), (1000, 200, 5)],
)
def test_reading_minutes_round_up_and_are_at_least_one(words: int, wpm: int, minutes: int) -> None:
    assert reading_minutes(words, wpm) == minutes


def test_reading_minutes_default_to_200_words_per_minute() -> None:
    assert reading_minutes(401) == 3


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The cat sat on the mat.", 1),
        ("Mr. Smith went to Washington. He saw the U.S. Capitol!", 2),
        ("Nathan P. Jones spoke. It was 3.6 percent lower.", 2),
        ("Is it? Yes! It is.", 3),
        ("Conclusion\n\nCartels are militarizing.", 2),
        ("1. Demand creates the market", 1),
        ("Figures to the U.S.. Then more.", 2),
        ("", 0),
    ],
)
def test_it_counts_sentences_and_line_breaks_end_them(text: str, sentences: int) -> None:
    assert count_sentences(text) == sentences


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        # 6 words, 1 sentence, 6 syllables: 0.39×6 + 11.8×1 − 15.59 = −1.45, half away from 0.
        ("The cat sat on the mat.", -1.5),
        # 2 words, 1 sentence, 3 syllables (hel-lo world): 0.78 + 17.7 − 15.59 = 2.89.
        ("Hello world", 2.9),
        # 10 words, 2 sentences, 15 syllables (Mr 1, Wash-ing-ton 3, U.S. 2, Cap-i-tol 3):
        # 0.39×5 + 11.8×1.5 − 15.59 = 1.95 + 17.7 − 15.59 = 4.06.
        ("Mr. Smith went to Washington. He saw the U.S. Capitol!", 4.1),
        # 4 words, 2 sentences (the heading is one), 11 syllables (con-clu-sion, car-tels,
        # are, mil-i-ta-riz-ing): 0.39×2 + 11.8×2.75 − 15.59 = 0.78 + 32.45 − 15.59 = 17.64.
        ("Conclusion\n\nCartels are militarizing.", 17.6),
    ],
)
def test_flesch_kincaid_grade_matches_hand_computed_values(text: str, grade: float) -> None:
    assert flesch_kincaid_grade(text) == grade


def test_flesch_kincaid_grade_of_empty_text_is_zero() -> None:
    assert flesch_kincaid_grade("") == 0.0
    assert flesch_kincaid_grade("  — …  ") == 0.0
