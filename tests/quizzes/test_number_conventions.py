"""Numbers typed the way the student's language writes them (pure core: quizzes.grading).

In English 2,006 is two thousand and six and 2.5 two and a half; in Spanish 2.006 is two
thousand and six and 2,5 two and a half. An answer is read by the convention of the language it
was given in, and stores that convention, so that grading it again reads it the same way."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import translation

from quizzes.grading import (
    AnswerError,
    correct_answer_text,
    grade,
    number_format_hint,
    parse_answer,
)
from quizzes.numbers import (
    format_number,
    number_convention,
    numeric_text,
    numeric_value,
    parse_number,
)

BOTH = [
    # (typed, English reading, Spanish reading); None: refused
    ("2", D(2), D(2)),
    ("0", D(0), D(0)),
    ("007", D(7), D(7)),
    ("2006", D(2006), D(2006)),
    ("2.5", D("2.5"), None),
    ("2,5", None, D("2.5")),
    ("2,006", D(2006), D("2.006")),
    ("2.006", D("2.006"), D(2006)),
    ("1,234", D(1234), D("1.234")),
    ("1.234", D("1.234"), D(1234)),
    ("1,234,567", D(1234567), None),
    ("1.234.567", None, D(1234567)),
    ("1,234,567.891", D("1234567.891"), None),
    ("1.234.567,891", None, D("1234567.891")),
    ("1,234.5", D("1234.5"), None),
    ("1.234,5", None, D("1234.5")),
    ("137 000", D(137000), D(137000)),
    ("137 000.5", D("137000.5"), None),
    ("137 000,5", None, D("137000.5")),
    ("137\u00a0000", D(137000), D(137000)),  # no-break space
    ("137\u202f000", D(137000), D(137000)),  # narrow no-break space
    ("137\u2009000", D(137000), D(137000)),  # thin space
    (".5", D("0.5"), None),
    (",5", None, D("0.5")),
    ("5.", D(5), None),
    ("5,", None, D(5)),
    ("  2,5\n", None, D("2.5")),
    ("-2", D(-2), D(-2)),
    ("+2", D(2), D(2)),
    ("\u22122,5", None, D("-2.5")),  # U+2212 minus sign
    ("\u22122.5", D("-2.5"), None),
    ("-1.234,5", None, D("-1234.5")),
    ("-1,234.5", D("-1234.5"), None),
    ("-0", D(0), D(0)),
    ("0,75", None, D("0.75")),
    ("0.75", D("0.75"), None),
    ("1,5", None, D("1.5")),
    ("1,0000", None, D("1.0000")),
    ("1.0000", D("1.0000"), None),
    ("1 000,5", None, D("1000.5")),
    ("1 000.5", D("1000.5"), None),
]

JUNK = [
    "",
    " ",
    "abc",
    "2,5,5",
    "12,34,5",
    "12.34.5",
    "1,00,000",  # Indian grouping, in neither
    "1.00.000",
    "1,000 000",  # mixed separators
    "1.000 000",
    "137  000",
    "1,2.3,4",
    "1.2,3.4",
    "1e3",
    "1E3",
    "NaN",
    "inf",
    "Infinity",
    "-",
    ".",
    ",",
    "--3",
    "3-",
    "- 3",
    "+-3",
    "$5",
    "5%",
    "5 m",
    "0x10",
    "1_000",
    "١٢",  # Arabic-Indic digits
    "１２",  # full-width digits
    "10²",
    "½",
    "1.2.3",
    "1,2,3",
    "2,5.",
    "2.5,",
    "1" * 501,
]


@pytest.mark.parametrize(("typed", "english", "spanish"), BOTH)
def test_a_number_reads_by_its_convention(typed: str, english: Any, spanish: Any) -> None:
    assert parse_number(typed, "en") == english
    assert parse_number(typed, "es") == spanish


@pytest.mark.parametrize("typed", JUNK)
@pytest.mark.parametrize("convention", ["en", "es"])
def test_junk_is_a_number_in_neither_convention(typed: str, convention: str) -> None:
    assert parse_number(typed, convention) is None


@pytest.mark.parametrize("convention", ["", "EN", "fr", "es-mx", None])
def test_an_unknown_convention_is_a_programming_error(convention: Any) -> None:
    with pytest.raises(ValueError, match="convention"):
        parse_number("1", convention)
    with pytest.raises(ValueError, match="convention"):
        parse_answer("numeric", {"answer": 1}, {"answer": ["1"]}, convention=convention)


@pytest.mark.parametrize(
    ("language", "convention"),
    [
        ("es", "es"),
        ("es-mx", "es"),
        ("es_MX", "es"),
        ("ES-419", "es"),
        ("en", "en"),
        ("en-us", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
        ("est", "en"),  # Estonian's code starts with "es" too; it is not Spanish
    ],
)
def test_a_language_code_gives_its_convention(language: Any, convention: str) -> None:
    assert number_convention(language) == convention


@pytest.mark.parametrize(
    ("number", "english", "spanish"),
    [
        (D(137000), "137,000", "137.000"),
        (D("2.5"), "2.5", "2,5"),
        (D("1234567.891"), "1,234,567.891", "1.234.567,891"),
        (D("-0"), "0", "0"),
        (D("-1234.50"), "-1,234.5", "-1.234,5"),
        (D("0.001"), "0.001", "0,001"),
        (5, "5", "5"),
    ],
)
def test_a_number_is_written_by_its_convention(number: Any, english: str, spanish: str) -> None:
    assert format_number(number, "en") == english
    assert format_number(number, "es") == spanish
    assert parse_number(english, "en") == parse_number(spanish, "es") == D(number)


@pytest.mark.parametrize(("typed", "english", "spanish"), BOTH)
def test_the_stored_answer_records_the_reading_and_grades_by_it(
    typed: str, english: Any, spanish: Any
) -> None:
    for convention, value in (("en", english), ("es", spanish)):
        if value is None:
            continue
        question = {"answer": float(value)} if value % 1 else {"answer": int(value)}
        answer = parse_answer("numeric", question, {"answer": [typed]}, convention=convention)
        assert answer == {"text": typed.strip(), "convention": convention}
        assert numeric_text(answer) == typed.strip()
        assert numeric_value(answer) == value
        assert grade("numeric", question, answer).outcome == "correct"


def test_the_same_text_grades_by_the_convention_it_was_given_in() -> None:
    question = {"answer": 2.5}
    spanish = parse_answer("numeric", question, {"answer": ["2,5"]}, convention="es")
    assert grade("numeric", question, spanish).outcome == "correct"
    thousands = {"answer": 2006}
    in_english = parse_answer("numeric", thousands, {"answer": ["2,006"]}, convention="en")
    in_spanish = parse_answer("numeric", thousands, {"answer": ["2,006"]}, convention="es")
    assert grade("numeric", thousands, in_english).outcome == "correct"
    assert grade("numeric", thousands, in_spanish).outcome == "incorrect"  # 2.006 in Spanish


def test_an_answer_stored_before_conventions_were_recorded_reads_the_english_way() -> None:
    assert grade("numeric", {"answer": 2006}, "2,006").outcome == "correct"
    assert grade("numeric", {"answer": 2.5}, "2,5").outcome == "incorrect"
    assert numeric_text("2,006") == "2,006" and numeric_value("2,006") == D(2006)


@pytest.mark.parametrize(
    "stored",
    [
        {"text": "2,5"},
        {"convention": "es"},
        {"text": "2,5", "convention": "fr"},
        {"text": "2,5", "convention": None},
        {"text": 2.5, "convention": "es"},
        {"text": "2,5", "convention": "es", "extra": 1},
        ["2,5", "es"],
        2.5,
        None,
        True,
    ],
)
def test_a_malformed_stored_answer_earns_nothing_and_never_raises(stored: Any) -> None:
    assert grade("numeric", {"answer": 2.5}, stored).outcome == "incorrect"
    assert numeric_value(stored) is None


@pytest.mark.parametrize(
    ("typed", "convention", "message"),
    [
        ("2.5", "es", "Write decimals with a comma, such as 2,5."),
        ("2,5", "en", "Write decimals with a point, such as 2.5."),
        ("abc", "en", "Enter a number, such as 1234 or 1,234."),
        ("abc", "es", "Enter a number, such as 1234 or 1.234."),
        ("1,234,567.891", "es", "Write decimals with a comma, such as 2,5."),
        ("1.234.567,891", "en", "Write decimals with a point, such as 2.5."),
        ("12,34,5", "es", "Enter a number, such as 1234 or 1.234."),
    ],
)
def test_junk_is_refused_with_a_message_in_the_students_convention(
    typed: str, convention: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(AnswerError) as refused:
        parse_answer("numeric", {"answer": 7}, {"answer": [typed]}, convention=convention)
    assert str(refused.value) == message


def test_the_decimal_example_is_never_a_right_answer() -> None:
    with translation.override("en"), pytest.raises(AnswerError) as refused:
        parse_answer("numeric", {"min": 2, "max": 3}, {"answer": ["2.7"]}, convention="es")
    assert str(refused.value) == "Write decimals with a comma, such as 0,75."


def test_the_format_hint_shows_the_conventions_marks_with_examples_that_are_not_the_answer() -> (
    None
):
    with translation.override("en"):
        english = number_format_hint("numeric", {"answer": 2.5}, "en")
        spanish = number_format_hint("numeric", {"answer": 1234}, "es")
        wide = number_format_hint("numeric", {"min": 0, "max": 10**8}, "es")
        assert number_format_hint("short", {"accepted": ["x"]}, "en") == ""
    assert english == "Write decimals with a point (0.75); thousands may be grouped (1,234)."
    assert spanish == "Write decimals with a comma (2,5); thousands may be grouped (98.765)."
    assert wide == "Use a comma for decimals; points or spaces between thousands are optional."


def test_the_right_answer_is_written_the_readers_way() -> None:
    question = {"answer": 137000, "tolerance": 500, "unit": "km"}
    assert correct_answer_text("numeric", question) == "137,000 ± 500 km"
    assert correct_answer_text("numeric", question, convention="es") == "137.000 ± 500 km"
    ranged = {"min": 1.5, "max": 2500}
    with translation.override("es"):
        assert correct_answer_text("numeric", ranged, convention="es") == "1,5 a 2.500"
    with translation.override("en"):
        assert correct_answer_text("numeric", ranged) == "1.5 to 2,500"


@pytest.mark.parametrize(
    "stored",
    [
        {"text": "2.006", "convention": "es"},
        {"text": "2,5", "convention": "es"},
        "2,006",  # stored before conventions were recorded: read the English way
    ],
)
@pytest.mark.parametrize("convention", ["en", "es"])
def test_an_unchanged_number_keeps_the_reading_it_was_given_with(
    stored: Any, convention: str
) -> None:
    text = numeric_text(stored)
    again = parse_answer(
        "numeric", {"answer": 1}, {"answer": [f" {text} "]}, convention=convention, stored=stored
    )
    assert again is stored


def test_a_changed_number_is_read_by_the_convention_it_is_saved_in() -> None:
    stored = {"text": "2.006", "convention": "es"}
    again = parse_answer(
        "numeric", {"answer": 1}, {"answer": ["2.007"]}, convention="en", stored=stored
    )
    assert again == {"text": "2.007", "convention": "en"}


@pytest.mark.parametrize(
    "stored", [{"text": "2.5", "convention": "fr"}, {"text": "abc", "convention": "en"}, 7]
)
def test_a_malformed_stored_answer_is_never_kept(stored: Any) -> None:
    with pytest.raises(AnswerError):
        parse_answer("numeric", {"answer": 1}, {"answer": ["abc"]}, convention="en", stored=stored)
    again = parse_answer(
        "numeric", {"answer": 1}, {"answer": ["2.5"]}, convention="en", stored=stored
    )
    assert again == {"text": "2.5", "convention": "en"}
