"""Reading submitted answers, feedback, stated right answers and stable shuffles."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from quizzes.grading import (
    MAX_TEXT,
    AnswerError,
    SpecError,
    correct_answer_text,
    feedback_for,
    grade,
    parse_answer,
    shuffled,
)
from tests.quizzes.test_grading import (
    MATCHING,
    MULTIPLE,
    NUMERIC,
    NUMERIC_RANGE,
    NUMERIC_TOLERANCE,
    ORDERING,
    SHORT,
    SINGLE,
    TRUE_FALSE,
)

# What a browser posts alongside the answer; parse_answer must leave it alone.
NOISE = {"csrfmiddlewaretoken": ["x" * 64], "sequence": ["3"], "flagged": ["on"], "next": ["2"]}
# A choice id that belongs to some other question on the course.
OTHER_QUESTION_ID = "q17-b"


def _parse(kind: str, data: dict[str, Any], **fields: list[str] | str) -> Any:
    form: dict[str, Any] = {**NOISE, **{name.replace("_", "-"): v for name, v in fields.items()}}
    return parse_answer(kind, data, form)


def _refused(kind: str, data: dict[str, Any], form: dict[str, Any]) -> str:
    with pytest.raises(AnswerError) as caught:
        parse_answer(kind, data, form)
    return str(caught.value)


# single


def test_it_reads_a_single_choice_as_its_id() -> None:
    assert _parse("single", SINGLE, answer=["b"]) == "b"


def test_it_reads_a_single_choice_from_a_plain_string_value_too() -> None:
    assert parse_answer("single", SINGLE, {"answer": "b"}) == "b"  # type: ignore[dict-item]


@pytest.mark.parametrize("form", [{}, {"answer": []}, {"answer": [""]}, {"answer": ["  "]}, NOISE])
def test_a_blank_single_choice_is_no_answer(form: dict[str, list[str]]) -> None:
    assert parse_answer("single", SINGLE, form) is None


@pytest.mark.parametrize("value", [OTHER_QUESTION_ID, "A", "a ", "0", "true"])
def test_a_single_choice_not_in_the_question_is_refused(value: str) -> None:
    assert _refused("single", SINGLE, {"answer": [value]}) == "Choose one of the options shown."


def test_two_values_for_a_single_choice_are_refused() -> None:
    assert _refused("single", SINGLE, {"answer": ["a", "b"]}) == "Choose only one option."
    assert _refused("single", SINGLE, {"answer": ["a", "a"]}) == "Choose only one option."


def test_an_oversized_value_is_refused_before_anything_else() -> None:
    message = _refused("single", SINGLE, {"answer": ["a" * (MAX_TEXT + 1)]})
    assert message == "Your answer is longer than 500 characters."


# multiple


def test_it_reads_multiple_choices_as_a_sorted_list_without_repeats() -> None:
    assert _parse("multiple", MULTIPLE, answer=["c2", "w1", "c2"]) == ["c2", "w1"]
    assert _parse("multiple", MULTIPLE, answer=["c3"]) == ["c3"]


@pytest.mark.parametrize("values", [[], [""], ["", " "]])
def test_no_multiple_choices_is_no_answer(values: list[str]) -> None:
    assert _parse("multiple", MULTIPLE, answer=values) is None
    assert parse_answer("multiple", MULTIPLE, NOISE) is None


def test_blank_values_among_multiple_choices_are_dropped() -> None:
    assert _parse("multiple", MULTIPLE, answer=["", "c1"]) == ["c1"]


def test_a_multiple_choice_from_another_question_is_refused() -> None:
    message = _refused("multiple", MULTIPLE, {"answer": ["c1", OTHER_QUESTION_ID]})
    assert message == "Choose one of the options shown."


def test_more_multiple_values_than_choices_are_refused() -> None:
    # Five choices: six values can only be a tampered or broken form.
    assert _refused("multiple", MULTIPLE, {"answer": ["c1"] * 6}) == (
        "Choose each option at most once."
    )
    assert _parse("multiple", MULTIPLE, answer=["c1"] * 5) == ["c1"]


# true_false


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("false", False), ("True", True), (" FALSE ", False)]
)
def test_it_reads_true_or_false(value: str, expected: bool) -> None:
    assert _parse("true_false", TRUE_FALSE, answer=[value]) is expected


def test_a_blank_true_false_is_no_answer() -> None:
    assert _parse("true_false", TRUE_FALSE, answer=[""]) is None
    assert parse_answer("true_false", TRUE_FALSE, {}) is None


@pytest.mark.parametrize("value", ["yes", "1", "on", "t", OTHER_QUESTION_ID])
def test_a_true_false_value_other_than_true_or_false_is_refused(value: str) -> None:
    assert _refused("true_false", TRUE_FALSE, {"answer": [value]}) == "Choose True or False."


def test_both_true_and_false_are_refused() -> None:
    message = _refused("true_false", TRUE_FALSE, {"answer": ["true", "false"]})
    assert message == "Choose either True or False, not both."


# numeric


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("137000", "137000"),
        ("137,000", "137,000"),
        ("137 000", "137 000"),
        ("  137,000\n", "137,000"),
        ("1.5", "1.5"),
        (".5", ".5"),
        ("5.", "5."),
        ("-3", "-3"),
        ("+3", "+3"),
        ("\u22123", "\u22123"),
        ("1,000.5", "1,000.5"),
        ("1,234,567.891", "1,234,567.891"),
        ("0", "0"),
        ("007", "007"),
    ],
)
def test_it_keeps_a_numeric_answer_as_typed_once_it_reads_as_a_number(
    typed: str, stored: str
) -> None:
    assert _parse("numeric", NUMERIC, answer=[typed]) == {"text": stored, "convention": "en"}


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12,34,5",  # not standard thousands grouping
        "1,00,000",  # nor Indian grouping
        "1,000 000",  # mixed separators
        "137  000",
        "1e3",  # no scientific notation
        "1E3",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "-",
        ".",
        "--3",
        "3-",
        "- 3",
        "$5",
        "5%",
        "137,000 rounds",
        "0x10",
        "1_000",
        "١٢",  # Arabic-Indic digits
        "１２",  # full-width digits
        "10²",
        "½",
        "1.2.3",
    ],
)
def test_a_numeric_answer_that_is_not_a_plain_number_is_refused_with_an_example(
    typed: str,
) -> None:
    message = _refused("numeric", NUMERIC, {"answer": [typed]})
    assert message == "Enter a number, such as 1234 or 1,234."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": 1234}, "Enter a number, such as 98765 or 98,765."),
        ({"answer": 1000, "tolerance": 500}, "Enter a number, such as 98765 or 98,765."),
        ({"min": 0, "max": 100000}, "Enter a number, such as 4321000 or 4,321,000."),
        (
            {"min": 0, "max": 10**7},
            "Enter a number in digits, with commas or spaces between thousands if you like.",
        ),
    ],
)
def test_the_example_in_the_number_hint_is_never_a_right_answer(
    data: dict[str, Any], message: str
) -> None:
    assert _refused("numeric", data, {"answer": ["abc"]}) == message


def test_a_blank_numeric_answer_is_no_answer() -> None:
    assert _parse("numeric", NUMERIC, answer=["   "]) is None


def test_a_numeric_answer_over_the_length_limit_is_refused() -> None:
    assert _refused("numeric", NUMERIC, {"answer": ["1" * 501]}) == (
        "Your answer is longer than 500 characters."
    )


@pytest.mark.parametrize("digits", [41, 100, 400])
def test_a_numeric_answer_longer_than_any_number_is_refused(digits: int) -> None:
    # A wall of digits reads as a number, but no question's answer is one, and the page
    # would show it back as one unbreakable line.
    assert _refused("numeric", NUMERIC, {"answer": ["9" * digits]}) == (
        "Enter a number of at most 40 characters."
    )


def test_a_numeric_answer_of_40_characters_is_read() -> None:
    typed = "1234567890" * 4
    assert len(typed) == 40
    assert _parse("numeric", NUMERIC, answer=[typed]) == {"text": typed, "convention": "en"}


def test_two_numeric_values_are_refused() -> None:
    assert _refused("numeric", NUMERIC, {"answer": ["1", "2"]}) == "Enter one number only."


# short


def test_it_keeps_a_short_answer_as_typed_but_stripped() -> None:
    assert _parse("short", SHORT, answer=["  the Jalisco  New Generation Cartel. \n"]) == (
        "the Jalisco  New Generation Cartel."
    )


def test_a_short_answer_of_exactly_the_limit_is_accepted_and_one_more_is_refused() -> None:
    assert _parse("short", SHORT, answer=["x" * MAX_TEXT]) == "x" * MAX_TEXT
    assert _refused("short", SHORT, {"answer": ["x" * (MAX_TEXT + 1)]}) == (
        "Your answer is longer than 500 characters."
    )


def test_null_characters_are_dropped_from_a_short_answer() -> None:
    # PostgreSQL cannot store them, and nobody types one on purpose.
    assert _parse("short", SHORT, answer=["CJ\x00NG\x00"]) == "CJNG"
    assert _parse("short", SHORT, answer=["\x00"]) is None


def test_a_blank_short_answer_is_no_answer() -> None:
    assert _parse("short", SHORT, answer=[" \t "]) is None


def test_two_short_answers_are_refused() -> None:
    assert _refused("short", SHORT, {"answer": ["CJNG", "x"]}) == "Enter one answer only."


# ordering


def test_it_reads_ordering_positions_by_item_id() -> None:
    answer = _parse(
        "ordering",
        ORDERING,
        position_a=["2"],
        position_b=["1"],
        position_c=[" 4 "],
        position_d=["3"],
    )
    assert answer == {"a": 2, "b": 1, "c": 4, "d": 3}


def test_blank_ordering_positions_are_left_out() -> None:
    assert _parse("ordering", ORDERING, position_a=["1"], position_c=[""]) == {"a": 1}


def test_all_blank_ordering_positions_are_no_answer() -> None:
    assert _parse("ordering", ORDERING, position_a=[""], position_b=[" "]) is None
    assert parse_answer("ordering", ORDERING, NOISE) is None


def test_repeated_ordering_positions_are_kept_so_no_work_is_lost() -> None:
    # A student moving an item with plain selects passes through states like this one.
    answer = _parse(
        "ordering", ORDERING, position_a=["1"], position_b=["1"], position_c=["3"], position_d=["3"]
    )
    assert answer == {"a": 1, "b": 1, "c": 3, "d": 3}


@pytest.mark.parametrize("value", ["0", "5", "-1", "1.5", "abc", "+1", "1_0", "²", "99999999"])
def test_an_ordering_position_outside_one_to_n_is_refused(value: str) -> None:
    message = _refused("ordering", ORDERING, {"position-a": [value]})
    assert message == "Choose a position from 1 to 4 for each item."


def test_an_ordering_position_for_an_item_not_in_the_question_is_refused() -> None:
    message = _refused("ordering", ORDERING, {"position-a": ["1"], "position-zz": ["2"]})
    assert message == (
        "Your answer mentions an item that is not in this question; "
        "reload the page and answer again."
    )
    assert "not in this question" in _refused("ordering", ORDERING, {"position-": ["1"]})


def test_two_positions_for_one_item_are_refused() -> None:
    message = _refused("ordering", ORDERING, {"position-a": ["1", "2"]})
    assert message == "Choose one position for each item."


# matching


def test_it_reads_matches_by_pair_id_leaving_blanks_out() -> None:
    answer = _parse("matching", MATCHING, match_a=["a"], match_b=["x1"], match_c=[""])
    assert answer == {"a": "a", "b": "x1"}


def test_the_same_option_may_be_chosen_for_two_items() -> None:
    assert _parse("matching", MATCHING, match_a=["x1"], match_b=["x1"]) == {"a": "x1", "b": "x1"}


def test_all_blank_matches_are_no_answer() -> None:
    assert _parse("matching", MATCHING, match_a=[""], match_b=[""], match_c=[""]) is None


def test_a_match_to_an_option_from_another_question_is_refused() -> None:
    message = _refused("matching", MATCHING, {"match-a": [OTHER_QUESTION_ID]})
    assert message == "Choose one of the options shown."


@pytest.mark.parametrize("field", ["match-zz", "match-x1", "match-"])
def test_a_match_for_an_item_not_in_the_question_is_refused(field: str) -> None:
    # x1 is an option (a distractor), not a left-hand item.
    assert "not in this question" in _refused("matching", MATCHING, {field: ["a"]})


def test_two_matches_for_one_item_are_refused() -> None:
    message = _refused("matching", MATCHING, {"match-a": ["a", "b"]})
    assert message == "Choose one match for each item."


# every kind


KIND_DATA = [
    ("single", SINGLE),
    ("multiple", MULTIPLE),
    ("true_false", TRUE_FALSE),
    ("numeric", NUMERIC),
    ("short", SHORT),
    ("ordering", ORDERING),
    ("matching", MATCHING),
]


@pytest.mark.parametrize(("kind", "data"), KIND_DATA)
def test_an_empty_form_is_no_answer_for_every_kind(kind: str, data: dict[str, Any]) -> None:
    assert parse_answer(kind, data, {}) is None


@pytest.mark.parametrize(("kind", "data"), KIND_DATA)
def test_fields_the_question_does_not_own_are_ignored(kind: str, data: dict[str, Any]) -> None:
    form = {
        **NOISE,
        "answers": ["a"],
        "positions-a": ["9"],
        "matches-a": ["zz"],
        "position": ["9"],
        "Answer": ["zz"],
    }
    assert parse_answer(kind, data, form) is None


@pytest.mark.parametrize(("kind", "data"), KIND_DATA)
def test_a_value_over_the_length_limit_is_refused_for_every_kind(
    kind: str, data: dict[str, Any]
) -> None:
    long = ["a" * (MAX_TEXT + 1)]
    form = {"answer": long, "position-a": long, "match-a": long}
    assert _refused(kind, data, form) == "Your answer is longer than 500 characters."


@pytest.mark.parametrize(("kind", "data"), KIND_DATA)
def test_an_unreadable_form_value_is_an_answer_error(kind: str, data: dict[str, Any]) -> None:
    form: dict[str, Any] = {"answer": [3], "position-a": [None], "match-a": {"a": "a"}}
    assert "could not be read" in _refused(kind, data, form)


def test_an_unknown_kind_is_an_answer_error_the_student_can_report() -> None:
    message = _refused("essay", {}, {"answer": ["x"]})
    assert "tell your teacher" in message


def test_malformed_question_data_is_a_spec_error_not_the_students_problem() -> None:
    with pytest.raises(SpecError):
        parse_answer("single", {"choices": []}, {"answer": ["a"]})


def test_answer_errors_are_value_errors() -> None:
    assert issubclass(AnswerError, ValueError)


@pytest.mark.parametrize(
    ("kind", "data", "form", "points"),
    [
        ("single", SINGLE, {"answer": ["a"]}, "1.00"),
        ("multiple", MULTIPLE, {"answer": ["c1", "c2", "w1"]}, "0.17"),  # 2/3 - 1/2
        ("true_false", TRUE_FALSE, {"answer": ["true"]}, "1.00"),
        ("numeric", NUMERIC, {"answer": [" 137 000 "]}, "1.00"),
        ("numeric", NUMERIC_TOLERANCE, {"answer": ["65.0"]}, "1.00"),
        ("numeric", NUMERIC_RANGE, {"answer": ["199,999"]}, "0.00"),
        ("short", SHORT, {"answer": ["The Jalisco New-Generation Cartel!"]}, "1.00"),
        (
            "ordering",
            ORDERING,
            {"position-a": ["1"], "position-b": ["3"], "position-c": ["2"], "position-d": ["4"]},
            "0.83",
        ),
        ("matching", MATCHING, {"match-a": ["a"], "match-b": ["b"], "match-c": ["x1"]}, "0.67"),
    ],
)
def test_a_parsed_answer_grades_as_expected(
    kind: str, data: dict[str, Any], form: dict[str, list[str]], points: str
) -> None:
    assert grade(kind, data, parse_answer(kind, data, form)).points == D(points)


# feedback_for


def test_feedback_for_a_single_choice_is_the_picked_choices_feedback() -> None:
    assert feedback_for("single", SINGLE, "b") == ["No."]
    assert feedback_for("single", SINGLE, "a") == ["Right."]


def test_a_choice_without_feedback_gives_none() -> None:
    assert feedback_for("single", SINGLE, "c") == []
    blank = {"choices": [{**SINGLE["choices"][0], "feedback": "  "}, SINGLE["choices"][1]]}
    assert feedback_for("single", blank, "a") == []


def test_feedback_for_multiple_choices_is_every_picked_choices_feedback_in_choice_order() -> None:
    data = {
        "choices": [
            {**choice, "feedback": f"About {choice['text']}."} for choice in MULTIPLE["choices"]
        ]
    }
    assert feedback_for("multiple", data, ["c3", "c1", "w1"]) == [
        "About Guerrero.",
        "About Yucatán.",
        "About Michoacán.",
    ]
    assert feedback_for("multiple", data, []) == []


def test_feedback_for_true_false_follows_the_value_picked() -> None:
    assert feedback_for("true_false", TRUE_FALSE, True) == ["Yes."]
    assert feedback_for("true_false", TRUE_FALSE, False) == ["It is true."]
    assert feedback_for("true_false", {"answer": True}, False) == []


@pytest.mark.parametrize(("kind", "data"), KIND_DATA)
@pytest.mark.parametrize("answer", [None, "zz", ["zz"], 1, {"a": "a"}, [[]], "true"])
def test_feedback_for_blank_or_junk_answers_is_empty(
    kind: str, data: dict[str, Any], answer: Any
) -> None:
    assert feedback_for(kind, data, answer) == []


def test_other_kinds_have_no_feedback_even_when_right() -> None:
    assert feedback_for("numeric", NUMERIC, "137000") == []
    assert feedback_for("short", SHORT, "CJNG") == []
    assert feedback_for("ordering", ORDERING, {"a": 1, "b": 2, "c": 3, "d": 4}) == []
    assert feedback_for("matching", MATCHING, {"a": "a"}) == []


# correct_answer_text


@pytest.mark.parametrize(
    ("kind", "data", "text"),
    [
        ("single", SINGLE, "Sinaloa Cartel"),
        ("multiple", MULTIPLE, "Guerrero; Guanajuato; Michoacán"),
        ("true_false", TRUE_FALSE, "True"),
        ("true_false", {"answer": False}, "False"),
        ("numeric", NUMERIC, "137,000 rounds"),
        ("numeric", {"answer": 137000}, "137,000"),
        ("numeric", NUMERIC_TOLERANCE, "60 ± 5"),
        ("numeric", {"answer": 1.5, "tolerance": 0.25, "unit": "%"}, "1.5 ± 0.25 %"),
        ("numeric", NUMERIC_RANGE, "200,000 to 500,000"),
        ("numeric", {**NUMERIC_RANGE, "unit": "rounds"}, "200,000 to 500,000 rounds"),
        ("numeric", {"answer": 1000.5}, "1,000.5"),
        ("numeric", {"answer": 137000.0}, "137,000"),
        ("numeric", {"answer": 1e21}, "1,000,000,000,000,000,000,000"),
        ("numeric", {"answer": 1e-7}, "0.0000001"),
        ("numeric", {"answer": -1234.5}, "-1,234.5"),
        ("numeric", {"answer": -0.0}, "0"),
        ("numeric", {"answer": D("2.50")}, "2.5"),
        ("numeric", {"min": -10, "max": 0.5}, "-10 to 0.5"),
        ("short", SHORT, "CJNG"),
        (
            "ordering",
            ORDERING,
            "Felix Gallardo is jailed → Los Zetas recruit soldiers → "
            "Calderon deploys federal forces → CJNG blockades Guadalajara",
        ),
        (
            "matching",
            MATCHING,
            "Sinaloa Cartel → Culiacán; Gulf Cartel → Matamoros; Tijuana Cartel → Tijuana",
        ),
    ],
)
def test_correct_answer_text_states_the_right_answer_for_people(
    kind: str, data: dict[str, Any], text: str
) -> None:
    assert correct_answer_text(kind, data) == text


def test_correct_answer_text_refuses_malformed_data() -> None:
    with pytest.raises(SpecError):
        correct_answer_text("numeric", {"min": 3, "max": 1})


# shuffled

TEN = [f"q{n}" for n in range(10)]


def test_shuffled_is_a_permutation_of_its_input() -> None:
    assert sorted(shuffled(TEN, "7:12")) == sorted(TEN)
    assert shuffled([], "7:12") == []
    assert shuffled(["only"], "7:12") == ["only"]


def test_shuffled_is_the_same_on_every_call() -> None:
    assert shuffled(TEN, "attempt-1:question-9") == shuffled(TEN, "attempt-1:question-9")
    assert shuffled(tuple(TEN), "attempt-1:question-9") == shuffled(TEN, "attempt-1:question-9")


def test_shuffled_is_the_same_in_every_python_run() -> None:
    # Pinned: a change here (for example to hash(), which is salted per process) would
    # reorder every student's attempt on the next request.
    assert shuffled([str(n) for n in range(10)], "42:7") == [
        "3",
        "6",
        "0",
        "8",
        "2",
        "9",
        "5",
        "7",
        "1",
        "4",
    ]


def test_shuffled_differs_between_seeds() -> None:
    orders = {tuple(shuffled(TEN, f"{attempt}:5")) for attempt in range(20)}
    assert len(orders) >= 2
    # In practice all twenty differ: 10! orders make a repeat very unlikely.
    assert len(orders) == 20


def test_shuffled_does_not_change_its_input() -> None:
    ids = list(TEN)
    shuffled(ids, "1:1")
    assert ids == TEN


def test_shuffled_accepts_any_text_as_a_seed() -> None:
    assert sorted(shuffled(TEN, "")) == TEN
    assert sorted(shuffled(TEN, "León \ud800 ☃")) == TEN
