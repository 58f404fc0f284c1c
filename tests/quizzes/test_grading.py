"""Grading every kind of question, and refusing malformed question data (quizzes.grading)."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from typing import Any

import pytest

from quizzes.grading import KINDS, SCORINGS, Result, SpecError, grade, validate_spec

SINGLE = {
    "choices": [
        {"id": "a", "text": "Sinaloa Cartel", "correct": True, "feedback": "Right."},
        {"id": "b", "text": "Gulf Cartel", "correct": False, "feedback": "No."},
        {"id": "c", "text": "Los Zetas", "correct": False},
    ]
}
# Three correct choices (c1, c2, c3) and two incorrect ones (w1, w2).
MULTIPLE = {
    "choices": [
        {"id": "c1", "text": "Guerrero", "correct": True},
        {"id": "w1", "text": "Yucatán", "correct": False},
        {"id": "c2", "text": "Guanajuato", "correct": True},
        {"id": "w2", "text": "Baja California Sur", "correct": False},
        {"id": "c3", "text": "Michoacán", "correct": True},
    ]
}
TRUE_FALSE = {"answer": True, "feedback_true": "Yes.", "feedback_false": "It is true."}
NUMERIC = {"answer": 137000, "tolerance": 0, "unit": "rounds"}
NUMERIC_TOLERANCE = {"answer": 60, "tolerance": 5}
NUMERIC_RANGE = {"min": 200000, "max": 500000}
SHORT = {"accepted": ["CJNG", "Jalisco New Generation Cartel"]}
ORDERING = {
    "items": [
        {"id": "a", "text": "Felix Gallardo is jailed"},
        {"id": "b", "text": "Los Zetas recruit soldiers"},
        {"id": "c", "text": "Calderon deploys federal forces"},
        {"id": "d", "text": "CJNG blockades Guadalajara"},
    ]
}
MATCHING = {
    "pairs": [
        {"id": "a", "left": "Sinaloa Cartel", "right": "Culiacán"},
        {"id": "b", "left": "Gulf Cartel", "right": "Matamoros"},
        {"id": "c", "left": "Tijuana Cartel", "right": "Tijuana"},
    ],
    "distractors": [{"id": "x1", "text": "Mérida"}],
}
GOOD_SPECS: list[tuple[str, dict[str, Any]]] = [
    ("single", SINGLE),
    ("multiple", MULTIPLE),
    ("true_false", TRUE_FALSE),
    ("numeric", NUMERIC),
    ("numeric", NUMERIC_TOLERANCE),
    ("numeric", NUMERIC_RANGE),
    ("short", SHORT),
    ("ordering", ORDERING),
    ("matching", MATCHING),
]


def _points(kind: str, data: dict[str, Any], answer: Any, **options: Any) -> D:
    return grade(kind, data, answer, **options).points


# single


def test_it_gives_full_marks_for_the_correct_single_choice() -> None:
    assert grade("single", SINGLE, "a") == Result(
        points=D("1.00"),
        max_points=D("1.00"),
        outcome="correct",
        parts={"a": True, "b": True, "c": True},
    )


def test_it_gives_nothing_for_a_wrong_single_choice_and_marks_both_choices_involved() -> None:
    result = grade("single", SINGLE, "b")
    assert (result.points, result.outcome) == (D("0.00"), "incorrect")
    # a should have been picked and was not; b was picked and should not have been.
    assert result.parts == {"a": False, "b": False, "c": True}


def test_a_blank_single_choice_is_incorrect_with_only_the_correct_choice_missed() -> None:
    result = grade("single", SINGLE, None)
    assert (result.points, result.outcome) == (D("0.00"), "incorrect")
    assert result.parts == {"a": False, "b": True, "c": True}


def test_a_single_choice_scales_to_max_points() -> None:
    assert _points("single", SINGLE, "a", max_points=D(3)) == D("3.00")
    assert _points("single", SINGLE, "c", max_points=D(3)) == D("0.00")


@pytest.mark.parametrize("answer", ["zz", "A", "a ", ["a"], {"a": True}, 1, True])
def test_a_single_choice_that_is_not_exactly_a_choice_id_is_wrong(answer: Any) -> None:
    assert grade("single", SINGLE, answer).outcome == "incorrect"


def test_multiple_scoring_does_not_change_a_single_choice_grade() -> None:
    for scoring in SCORINGS:
        assert _points("single", SINGLE, "a", multiple_scoring=scoring) == D("1.00")


# multiple: 3 correct (c1, c2, c3) and 2 wrong (w1, w2) choices;
# right_minus_wrong = max(0, right / 3 - wrong / 2); proportional = max(0, (right - wrong) / 3)


@pytest.mark.parametrize(
    ("picks", "right_minus_wrong", "proportional", "all_or_nothing"),
    [
        (["c1", "c2", "c3"], "1.00", "1.00", "1.00"),  # 3/3 - 0/2 = 1
        (["c1", "c2"], "0.67", "0.67", "0.00"),  # 2/3 = 0.666… -> 0.67
        (["c1"], "0.33", "0.33", "0.00"),  # 1/3 = 0.333… -> 0.33
        (["c1", "c2", "w1"], "0.17", "0.33", "0.00"),  # 2/3 - 1/2 = 1/6; (2 - 1) / 3
        (["c1", "c2", "c3", "w1"], "0.50", "0.67", "0.00"),  # 3/3 - 1/2; (3 - 1) / 3
        (["c1", "w1"], "0.00", "0.00", "0.00"),  # 1/3 - 1/2 < 0; (1 - 1) / 3 = 0
        (["c1", "w1", "w2"], "0.00", "0.00", "0.00"),  # below zero -> 0, never negative
        (["c1", "c2", "c3", "w1", "w2"], "0.00", "0.33", "0.00"),  # every box: 1 - 1; (3 - 2) / 3
        (["w1", "w2"], "0.00", "0.00", "0.00"),
        ([], "0.00", "0.00", "0.00"),
    ],
)
def test_multiple_response_scores_by_the_documented_rule(
    picks: list[str], right_minus_wrong: str, proportional: str, all_or_nothing: str
) -> None:
    assert _points("multiple", MULTIPLE, picks) == D(right_minus_wrong)
    assert _points("multiple", MULTIPLE, picks, multiple_scoring="right_minus_wrong") == D(
        right_minus_wrong
    )
    assert _points("multiple", MULTIPLE, picks, multiple_scoring="proportional") == D(proportional)
    assert _points("multiple", MULTIPLE, picks, multiple_scoring="all_or_nothing") == D(
        all_or_nothing
    )


def test_multiple_response_scales_to_max_points_before_rounding() -> None:
    # (2 - 0) / 3 of 3 points = 2 exactly; of 2 points = 1.333… -> 1.33.
    assert _points("multiple", MULTIPLE, ["c1", "c2"], max_points=D(3)) == D("2.00")
    assert _points("multiple", MULTIPLE, ["c1", "c2"], max_points=D(2)) == D("1.33")


def test_multiple_response_never_goes_below_zero_even_when_every_wrong_choice_is_picked() -> None:
    result = grade("multiple", MULTIPLE, ["w1", "w2"], max_points=D(5))
    assert (result.points, result.outcome) == (D("0.00"), "incorrect")


def test_multiple_response_parts_say_whether_each_pick_or_non_pick_was_right() -> None:
    assert grade("multiple", MULTIPLE, ["c1", "w1"]).parts == {
        "c1": True,
        "w1": False,
        "c2": False,
        "w2": True,
        "c3": False,
    }


def test_multiple_response_outcomes_follow_the_points() -> None:
    assert grade("multiple", MULTIPLE, ["c3", "c1", "c2"]).outcome == "correct"
    assert grade("multiple", MULTIPLE, ["c1"]).outcome == "partial"
    assert grade("multiple", MULTIPLE, ["c1", "w1"]).outcome == "incorrect"
    assert grade("multiple", MULTIPLE, ["c1"], multiple_scoring="all_or_nothing").outcome == (
        "incorrect"
    )


def test_multiple_response_ignores_ids_that_are_not_in_the_question_and_repeats() -> None:
    # An answer saved against an older version keeps credit for the choices that remain.
    assert _points("multiple", MULTIPLE, ["c1", "c2", "gone"]) == D("0.67")
    assert _points("multiple", MULTIPLE, ["c1", "c1", "c1"]) == D("0.33")
    assert _points("multiple", MULTIPLE, ("c1", "c2", "c3")) == D("1.00")


@pytest.mark.parametrize(
    "answer", [None, "c1", {"c1": True}, 3, [["c1"]], [{"id": "c1"}], [None, 1, 2.5]]
)
def test_multiple_response_junk_is_wrong_without_raising(answer: Any) -> None:
    result = grade("multiple", MULTIPLE, answer)
    assert (result.points, result.outcome) == (D("0.00"), "incorrect")


def test_an_unknown_multiple_scoring_is_refused_for_any_kind() -> None:
    with pytest.raises(ValueError, match="multiple_scoring must be one of"):
        grade("multiple", MULTIPLE, ["c1"], multiple_scoring="negative")
    with pytest.raises(ValueError, match="multiple_scoring"):
        grade("single", SINGLE, "a", multiple_scoring="")


# true_false


def test_true_false_is_right_only_for_the_same_boolean() -> None:
    assert grade("true_false", TRUE_FALSE, True) == Result(
        D("1.00"), D("1.00"), "correct", {"answer": True}
    )
    assert grade("true_false", TRUE_FALSE, False) == Result(
        D("0.00"), D("1.00"), "incorrect", {"answer": False}
    )
    assert grade("true_false", {"answer": False}, False).outcome == "correct"


@pytest.mark.parametrize("answer", [None, "true", "True", 1, [True], {"answer": True}])
def test_true_false_answers_that_are_not_booleans_are_wrong(answer: Any) -> None:
    assert grade("true_false", TRUE_FALSE, answer).parts == {"answer": False}


# numeric


@pytest.mark.parametrize(
    "text",
    [
        "137000",
        "137,000",
        "137 000",
        "137\u00a0000",  # no-break space, as some keyboards and copy-pastes give
        "137\u202f000",  # narrow no-break space
        " 137000 ",
        "137000.0",
        "137,000.00",
        "+137000",
    ],
)
def test_a_numeric_answer_in_any_accepted_spelling_matches_exactly(text: str) -> None:
    assert grade("numeric", NUMERIC, text).parts == {"answer": True}


@pytest.mark.parametrize("text", ["137001", "136,999.99", "137000.01", "-137000", "137"])
def test_a_numeric_answer_off_by_anything_is_wrong_with_zero_tolerance(text: str) -> None:
    assert grade("numeric", NUMERIC, text).outcome == "incorrect"


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("55", True),  # 60 - 5: the lower edge is included
        ("65", True),  # 60 + 5: the upper edge is included
        ("60.5", True),
        ("54.99", False),
        ("65.01", False),
        ("65.000000000000000000000000000000001", False),  # more digits than Decimal's default
    ],
)
def test_a_numeric_tolerance_includes_both_edges(text: str, right: bool) -> None:
    assert grade("numeric", NUMERIC_TOLERANCE, text).parts == {"answer": right}


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("200,000", True),
        ("200 000", True),
        ("500000", True),
        ("350,000.5", True),
        ("199,999.99", False),
        ("500,000.01", False),
        ("-300000", False),
    ],
)
def test_a_numeric_range_includes_min_and_max(text: str, right: bool) -> None:
    assert grade("numeric", NUMERIC_RANGE, text).parts == {"answer": right}


def test_a_numeric_range_can_be_a_single_value() -> None:
    assert grade("numeric", {"min": 26, "max": 26}, "26").outcome == "correct"
    assert grade("numeric", {"min": 26, "max": 26}, "27").outcome == "incorrect"


def test_numeric_answers_with_decimals_and_signs_compare_as_numbers() -> None:
    assert grade("numeric", {"answer": 1000.5}, "1,000.5").outcome == "correct"
    assert grade("numeric", {"answer": 1000.5}, "1000.50").outcome == "correct"
    assert grade("numeric", {"answer": -3}, "-3").outcome == "correct"
    assert grade("numeric", {"answer": -3}, "\u22123").outcome == "correct"  # U+2212 minus
    assert grade("numeric", {"answer": -3}, "3").outcome == "incorrect"
    assert grade("numeric", {"answer": 0.5}, ".5").outcome == "correct"
    assert grade("numeric", {"answer": 0}, "-0").outcome == "correct"


def test_numeric_grading_has_no_binary_floating_point_error() -> None:
    # In floats 0.7 + 0.1 == 0.7999999999999999, which would wrongly refuse "0.8".
    assert grade("numeric", {"answer": 0.7, "tolerance": 0.1}, "0.8").outcome == "correct"
    assert grade("numeric", {"answer": 0.7, "tolerance": 0.1}, "0.6").outcome == "correct"
    assert grade("numeric", {"answer": 0.3}, "0.3").outcome == "correct"
    assert grade("numeric", {"min": 0.1, "max": 0.3}, "0.3").outcome == "correct"


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "",
        "abc",
        "12,34,5",
        "1,5",
        "1e3",
        "1E5",
        "NaN",
        "inf",
        "-Infinity",
        "137,000 rounds",
        "$137,000",
        "137000" + "0" * 600,  # longer than any answer parse_answer lets through
        137000,  # stored answers are the text as typed, never bare numbers
        D(137000),
        [137000],
    ],
)
def test_numeric_answers_that_do_not_read_as_a_number_are_wrong(answer: Any) -> None:
    assert grade("numeric", NUMERIC, answer).parts == {"answer": False}


# short


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        (["CJNG"], "cjng"),
        (["CJNG"], "  CJNG  "),
        (["CJNG"], "C.J.N.G."),
        (["Jalisco New Generation Cartel"], "jalisco new generation cartel."),
        (["Jalisco New Generation Cartel"], "JALISCO  new\tgeneration   Cartel!"),
        (["Nuevo León"], "Nuevo Leon"),
        (["Nuevo Leon"], "nuevo león"),
        (["Nuevo León"], "NUEVO LEÓN"),
        (["Sinaloa Cartel"], "The Sinaloa Cartel"),
        (["Sinaloa Cartel"], "the sinaloa cartel"),
        (["The Sinaloa Cartel"], "Sinaloa Cartel"),
        (["Zambada Niebla"], "Zambada-Niebla"),
        (["Zambada Niebla"], "Zambada\u2013Niebla"),  # en dash
        (["Zambada-Niebla"], "zambada niebla"),
        (["Joaquín Guzmán"], "Joaquin Guzman"),
        (["El Chapo"], "“El Chapo”"),  # curly quotes are punctuation too
        (["Miguel Ángel Félix Gallardo"], "miguel angel felix gallardo"),
        (["Sinaloa Cartel"], "A Sinaloa Cartel"),
        (["ambush"], "an ambush"),
        (["Padrino"], "El Padrino"),
        (["Familia Michoacana"], "la familia michoacana"),
        (["monstruos"], "Los monstruos"),
        (["balazos"], "las balazos"),
        (["cartel"], "un cartel"),
        (["una banda"], "banda"),
        (["The A Team"], "a team"),  # articles go while more words follow
        (["The Sinaloa Cartel"], "the a sinaloa cartel"),
    ],
)
def test_a_short_answer_matches_ignoring_case_accents_punctuation_and_leading_articles(
    accepted: list[str], typed: str
) -> None:
    assert grade("short", {"accepted": accepted}, typed).outcome == "correct"


def test_a_short_answer_matches_any_of_the_accepted_answers() -> None:
    assert grade("short", SHORT, "cjng").outcome == "correct"
    assert grade("short", SHORT, "the jalisco new generation cartel").outcome == "correct"


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        (["CJNG"], "CJN"),
        (["CJNG"], "CJNG cartel"),
        (["Sinaloa Cartel"], "Sinaloa"),
        (["Sinaloa Cartel"], "Sinaloa Cartels"),
        (["Sinaloa Cartel"], "Thesinaloa Cartel"),
        (["Sinaloa Cartel"], "No Sinaloa Cartel"),  # only articles are dropped
        (["Sinaloa Cartel"], "Sinaloa Cartel the"),  # only at the start
        (["Zambada Niebla"], "ZambadaNiebla"),  # a hyphen is a space, not nothing
        (["Nuevo León"], "Nuevo Leonn"),
        (["Padrino"], "Elpadrino"),
        (["The"], "A"),  # a lone article is the answer itself
    ],
)
def test_a_near_miss_short_answer_does_not_match(accepted: list[str], typed: str) -> None:
    assert grade("short", {"accepted": accepted}, typed).parts == {"answer": False}


@pytest.mark.parametrize("answer", [None, "", "   ", "...", 7, ["CJNG"], {"answer": "CJNG"}])
def test_a_blank_or_non_text_short_answer_is_wrong(answer: Any) -> None:
    assert grade("short", SHORT, answer).outcome == "incorrect"


# ordering: 4 items give 4 × 3 / 2 = 6 ordered pairs


def test_ordering_in_the_right_order_gets_full_marks_and_every_pair() -> None:
    result = grade("ordering", ORDERING, {"a": 1, "b": 2, "c": 3, "d": 4})
    assert (result.points, result.outcome) == (D("1.00"), "correct")
    assert result.parts == {
        "a<b": True,
        "a<c": True,
        "a<d": True,
        "b<c": True,
        "b<d": True,
        "c<d": True,
    }


def test_ordering_with_one_adjacent_swap_loses_one_pair_of_six() -> None:
    # b and c swapped: only the pair b<c is wrong, 5/6 = 0.833… -> 0.83.
    result = grade("ordering", ORDERING, {"a": 1, "b": 3, "c": 2, "d": 4})
    assert (result.points, result.outcome) == (D("0.83"), "partial")
    assert [pair for pair, right in result.parts.items() if not right] == ["b<c"]
    # Of 2 points: 10/6 = 1.666… -> 1.67.
    assert _points("ordering", ORDERING, {"a": 1, "b": 3, "c": 2, "d": 4}, max_points=D(2)) == D(
        "1.67"
    )


def test_ordering_reversed_gets_nothing() -> None:
    result = grade("ordering", ORDERING, {"a": 4, "b": 3, "c": 2, "d": 1})
    assert (result.points, result.outcome) == (D("0.00"), "incorrect")
    assert not any(result.parts.values())


def test_ordering_counts_only_relative_order() -> None:
    assert _points("ordering", ORDERING, {"a": 10, "b": 20, "c": 30, "d": 40}) == D("1.00")
    # Moving the first item to the end breaks the 3 pairs it is in: 3/6.
    assert _points("ordering", ORDERING, {"a": 4, "b": 1, "c": 2, "d": 3}) == D("0.50")


def test_ordering_pairs_with_equal_positions_are_wrong() -> None:
    # b and c share position 2: b<c fails, the other 5 pairs hold.
    assert _points("ordering", ORDERING, {"a": 1, "b": 2, "c": 2, "d": 3}) == D("0.83")
    assert _points("ordering", ORDERING, {"a": 1, "b": 1, "c": 1, "d": 1}) == D("0.00")


def test_ordering_pairs_with_a_missing_position_are_wrong() -> None:
    # Only a<b can be right: 1/6 = 0.1666… -> 0.17.
    result = grade("ordering", ORDERING, {"a": 1, "b": 2})
    assert (result.points, result.outcome) == (D("0.17"), "partial")
    assert [pair for pair, right in result.parts.items() if right] == ["a<b"]


def test_ordering_of_two_items_is_all_or_nothing() -> None:
    two = {"items": [{"id": "x", "text": "First"}, {"id": "y", "text": "Second"}]}
    assert grade("ordering", two, {"x": 1, "y": 2}).parts == {"x<y": True}
    assert grade("ordering", two, {"x": 2, "y": 1}).outcome == "incorrect"


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [1, 2, 3, 4],
        "abcd",
        {"a": "1", "b": "2", "c": "3", "d": "4"},  # stored positions are ints, not text
        {"a": True, "b": 2.5, "c": None, "d": [4]},
        {"e": 1, "f": 2},
    ],
)
def test_ordering_junk_is_wrong_without_raising(answer: Any) -> None:
    assert grade("ordering", ORDERING, answer).points == D("0.00")


# matching: 3 pairs, so each is worth a third


def test_matching_every_pair_gets_full_marks() -> None:
    result = grade("matching", MATCHING, {"a": "a", "b": "b", "c": "c"})
    assert (result.points, result.outcome, result.parts) == (
        D("1.00"),
        "correct",
        {"a": True, "b": True, "c": True},
    )


def test_matching_two_of_three_gets_two_thirds() -> None:
    result = grade("matching", MATCHING, {"a": "a", "b": "b", "c": "x1"})
    assert (result.points, result.outcome) == (D("0.67"), "partial")
    assert result.parts == {"a": True, "b": True, "c": False}


def test_matching_swapped_rights_lose_both_pairs() -> None:
    assert _points("matching", MATCHING, {"a": "b", "b": "a", "c": "c"}) == D("0.33")
    assert _points("matching", MATCHING, {"a": "x1", "b": "x1", "c": "x1"}) == D("0.00")


def test_matching_blank_pairs_are_wrong() -> None:
    assert grade("matching", MATCHING, {"a": "a"}).parts == {"a": True, "b": False, "c": False}


@pytest.mark.parametrize(
    "answer", [None, ["a", "b", "c"], "a", {"a": ["a"], "b": None, "c": 3}, {"zz": "zz"}]
)
def test_matching_junk_is_wrong_without_raising(answer: Any) -> None:
    assert grade("matching", MATCHING, answer).outcome == "incorrect"


# points and outcomes


@pytest.mark.parametrize(
    ("right_pairs", "max_points", "points"),
    [
        (1, "1", "0.13"),  # 1/8 = 0.125 rounds half up -> 0.13 (half-even would give 0.12)
        (3, "1", "0.38"),  # 3/8 = 0.375 -> 0.38
        (5, "1", "0.63"),  # 5/8 = 0.625 -> 0.63
        (1, "0.5", "0.06"),  # 1/8 × 0.5 = 0.0625 -> 0.06
        (4, "2.50", "1.25"),  # 4/8 × 2.5 = 1.25 exactly
        (7, "10", "8.75"),
    ],
)
def test_points_round_half_up_to_hundredths(right_pairs: int, max_points: str, points: str) -> None:
    pairs = [{"id": f"p{n}", "left": f"L{n}", "right": f"R{n}"} for n in range(8)]
    answer = {f"p{n}": f"p{n}" for n in range(right_pairs)}
    result = grade("matching", {"pairs": pairs}, answer, max_points=D(max_points))
    assert result.points == D(points)
    assert result.points.as_tuple().exponent == -2


def test_points_and_max_points_always_have_two_decimal_places() -> None:
    result = grade("single", SINGLE, "a", max_points=D("2.5"))
    assert (str(result.points), str(result.max_points)) == ("2.50", "2.50")
    assert str(grade("single", SINGLE, None, max_points=D(3)).points) == "0.00"


def test_an_answer_not_quite_right_never_rounds_up_to_full_marks() -> None:
    # 30 items have 435 pairs; one adjacent swap leaves 434/435 = 0.9977, which would round
    # to 1.00 and be reported as correct.
    items = [{"id": f"i{n:02}", "text": f"Event {n}"} for n in range(30)]
    positions = {f"i{n:02}": n + 1 for n in range(30)}
    positions["i00"], positions["i01"] = 2, 1
    result = grade("ordering", {"items": items}, positions)
    assert (result.points, result.outcome) == (D("0.99"), "partial")


def test_an_answer_slightly_right_never_rounds_down_to_nothing() -> None:
    # Only 1 of the 435 pairs is right: 0.0023 would round to 0.00 and be reported incorrect.
    items = [{"id": f"i{n:02}", "text": f"Event {n}"} for n in range(30)]
    result = grade("ordering", {"items": items}, {"i00": 1, "i01": 2})
    assert (result.points, result.outcome) == (D("0.01"), "partial")


def test_with_one_hundredth_of_a_point_there_is_no_room_for_partial_points() -> None:
    # The outcome follows the points: 2/3 of 0.01 rounds to 0.01, 1/3 to 0.00.
    assert grade("multiple", MULTIPLE, ["c1", "c2"], max_points=D("0.01")).outcome == "correct"
    assert grade("multiple", MULTIPLE, ["c1"], max_points=D("0.01")).outcome == "incorrect"


@pytest.mark.parametrize(
    "max_points", [D(0), D(-1), D("NaN"), D("sNaN"), D("Infinity"), D("0.005"), D("1.001")]
)
def test_max_points_must_be_positive_with_at_most_two_decimal_places(max_points: D) -> None:
    with pytest.raises(ValueError, match="max_points"):
        grade("single", SINGLE, "a", max_points=max_points)


def test_max_points_written_with_extra_zero_places_is_fine() -> None:
    assert grade("single", SINGLE, "a", max_points=D("1.000")).points == D("1.00")


@pytest.mark.parametrize(
    ("kind", "data", "answer", "outcome"),
    [
        ("single", SINGLE, "a", "correct"),
        ("single", SINGLE, "b", "incorrect"),
        ("multiple", MULTIPLE, ["c1", "c2", "c3"], "correct"),
        ("multiple", MULTIPLE, ["c2"], "partial"),
        ("multiple", MULTIPLE, ["w2"], "incorrect"),
        ("true_false", TRUE_FALSE, True, "correct"),
        ("true_false", TRUE_FALSE, False, "incorrect"),
        ("numeric", NUMERIC, "137,000", "correct"),
        ("numeric", NUMERIC, "1", "incorrect"),
        ("short", SHORT, "cjng", "correct"),
        ("short", SHORT, "sinaloa", "incorrect"),
        ("ordering", ORDERING, {"a": 1, "b": 2, "c": 3, "d": 4}, "correct"),
        ("ordering", ORDERING, {"a": 2, "b": 1, "c": 3, "d": 4}, "partial"),
        ("ordering", ORDERING, {"a": 4, "b": 3, "c": 2, "d": 1}, "incorrect"),
        ("matching", MATCHING, {"a": "a", "b": "b", "c": "c"}, "correct"),
        ("matching", MATCHING, {"a": "a"}, "partial"),
        ("matching", MATCHING, {"a": "x1"}, "incorrect"),
    ],
)
def test_outcome_labels(kind: str, data: dict[str, Any], answer: Any, outcome: str) -> None:
    assert grade(kind, data, answer).outcome == outcome


@pytest.mark.parametrize(("kind", "data"), GOOD_SPECS)
@pytest.mark.parametrize(
    "answer",
    [None, "", 0, -1, 2.5, float("nan"), [], {}, [None], {"a": {"b": []}}, object()],
)
def test_none_and_junk_answers_grade_as_incorrect_without_raising(
    kind: str, data: dict[str, Any], answer: Any
) -> None:
    result = grade(kind, data, answer, max_points=D(2))
    assert (result.points, result.max_points, result.outcome) == (D("0.00"), D("2.00"), "incorrect")


def test_parts_for_all_or_nothing_kinds_have_one_answer_part() -> None:
    cases: list[tuple[str, dict[str, Any], Any]] = [
        ("true_false", TRUE_FALSE, True),
        ("numeric", NUMERIC, "137000"),
        ("short", SHORT, "CJNG"),
    ]
    for kind, data, answer in cases:
        assert grade(kind, data, answer).parts == {"answer": True}
        assert grade(kind, data, None).parts == {"answer": False}


def test_grading_does_not_change_the_question_data_or_the_answer() -> None:
    data, answer = copy.deepcopy(MULTIPLE), ["c1", "w1"]
    grade("multiple", data, answer)
    assert (data, answer) == (MULTIPLE, ["c1", "w1"])


def test_grading_malformed_question_data_raises_spec_error() -> None:
    with pytest.raises(SpecError):
        grade("single", {"choices": []}, "a")
    with pytest.raises(SpecError, match="Unknown question type"):
        grade("essay", {}, "text")


# validate_spec: accepting good data


@pytest.mark.parametrize(("kind", "data"), GOOD_SPECS)
def test_it_accepts_well_formed_question_data(kind: str, data: dict[str, Any]) -> None:
    validate_spec(kind, data)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("single", {"choices": SINGLE["choices"][:2]}),  # feedback on choices is optional
        ("true_false", {"answer": False}),  # feedback is optional
        ("numeric", {"answer": 137000}),  # tolerance defaults to 0
        ("numeric", {"answer": 1.5, "tolerance": 0.25, "unit": "percent"}),
        ("numeric", {"answer": D("2.5")}),
        ("numeric", {"min": -5, "max": -5}),
        ("short", {"accepted": ["The"]}),  # a lone "the" is the answer, not an article
        ("ordering", {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}),
        ("matching", {"pairs": MATCHING["pairs"]}),  # distractors are optional
        ("matching", {"pairs": MATCHING["pairs"], "distractors": []}),
        ("multiple", {"choices": tuple(MULTIPLE["choices"])}),
    ],
)
def test_it_accepts_optional_keys_left_out_and_edge_values(kind: str, data: dict[str, Any]) -> None:
    validate_spec(kind, data)


def test_spec_errors_are_value_errors() -> None:
    assert issubclass(SpecError, ValueError)
    assert KINDS == ("single", "multiple", "true_false", "numeric", "short", "ordering", "matching")


# validate_spec: refusing malformed data, with a message that names the problem


def _choices(*specs: tuple[Any, Any, Any]) -> dict[str, Any]:
    return {"choices": [{"id": i, "text": t, "correct": c} for i, t, c in specs]}


CHOICE_A = ("a", "Sinaloa", True)
CHOICE_B = ("b", "Gulf", False)
PAIR_A = {"id": "a", "left": "Sinaloa Cartel", "right": "Culiacán"}
PAIR_B = {"id": "b", "left": "Gulf Cartel", "right": "Matamoros"}
ITEM_A = {"id": "a", "text": "First"}
ITEM_B = {"id": "b", "text": "Second"}


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("essay", {}, r"^Unknown question type 'essay'; expected one of single, multiple, "),
        ("single", [], r"^The question data must be an object with named fields, not a list\.$"),
        ("single", None, r"must be an object with named fields, not null"),
        # choices
        ("single", {}, r"^The question data is missing 'choices'\.$"),
        ("single", {"choices": "a, b"}, r"^The question data: 'choices' must be a list, not "),
        ("single", _choices(CHOICE_A), r"^A single-answer question needs at least 2 choices; "),
        ("multiple", {"choices": []}, r"^A multiple-response question needs at least 2 choices"),
        ("single", {"choices": ["a", "b"]}, r"^Choice 1 must be an object with named fields"),
        (
            "single",
            {"choices": [{"text": "A", "correct": True}, {"id": "b", "text": "B", "correct": 0}]},
            r"^Choice 1 is missing 'id'\.$",
        ),
        ("single", _choices(("", "A", True), CHOICE_B), r"^Choice 1: 'id' must be a non-empty"),
        ("single", _choices(("  ", "A", True), CHOICE_B), r"^Choice 1: 'id' must be a non-empty"),
        ("single", _choices((1, "A", True), CHOICE_B), r"'id' must be a non-empty string, not a"),
        (
            "single",
            _choices(CHOICE_A, ("a", "Gulf", False)),
            r"^Choice 2 has the id 'a', already used by choice 1; ids must be unique\.$",
        ),
        ("single", _choices(("a", "", True), CHOICE_B), r"^Choice 1: 'text' must be a non-empty"),
        ("single", _choices(("a", None, True), CHOICE_B), r"'text' must be a non-empty string"),
        (
            "single",
            _choices(CHOICE_A, ("b", " sinaloa ", False)),
            r"^Choice 2's text is the same as choice 1's text \(' sinaloa '\); students could not",
        ),
        (
            "single",
            _choices(("a", "Sinaloa", "yes"), CHOICE_B),
            r"^Choice 1: 'correct' must be true or false, not the string 'yes'\.$",
        ),
        ("single", _choices(("a", "S", 1), CHOICE_B), r"'correct' must be true or false"),
        (
            "single",
            _choices(("a", "A", False), ("b", "B", False)),
            r"^A single-answer question needs exactly one correct choice; this one has 0\.$",
        ),
        (
            "single",
            _choices(("a", "A", True), ("b", "B", True), ("c", "C", False)),
            r"exactly one correct choice; this one has 2\.$",
        ),
        (
            "multiple",
            _choices(("a", "A", False), ("b", "B", False)),
            r"^A multiple-response question needs at least one correct choice\.$",
        ),
        (
            "multiple",
            _choices(("a", "A", True), ("b", "B", True)),
            r"^A multiple-response question needs at least one incorrect choice; otherwise",
        ),
        (
            "single",
            {"choices": _choices(CHOICE_A, CHOICE_B)["choices"], "unit": "km"},
            r"^The question data has an unknown key 'unit'; the keys allowed are 'choices'\.$",
        ),
        (
            "single",
            {"choices": [{**_choices(CHOICE_A)["choices"][0], "explain": "x"}, {}]},
            r"^Choice 1 has an unknown key 'explain'; the keys allowed are 'id', 'text', "
            r"'correct', 'feedback'\.$",
        ),
        (
            "single",
            {"choices": [{"id": "a", "text": "A", "correct": True, "feedback": 3}, {}]},
            r"^Choice 1: 'feedback' must be a string, not a number\.$",
        ),
        # true_false
        ("true_false", {}, r"^The question data is missing 'answer'\.$"),
        ("true_false", {"answer": "true"}, r"^'answer' must be true or false, not the string"),
        ("true_false", {"answer": 1}, r"^'answer' must be true or false, not a number\.$"),
        ("true_false", {"answer": True, "feedback_true": ["x"]}, r"'feedback_true' must be a str"),
        ("true_false", {"answer": True, "feedback": "x"}, r"unknown key 'feedback'"),
        # numeric
        (
            "numeric",
            {},
            r"^A numeric question needs either 'answer' \(with an optional 'tolerance'\) or both "
            r"'min' and 'max'\.$",
        ),
        ("numeric", {"unit": "km"}, r"needs either 'answer'"),
        ("numeric", {"tolerance": 3}, r"needs either 'answer'"),
        (
            "numeric",
            {"answer": 5, "min": 1, "max": 9},
            r"either 'answer'.* or 'min' and 'max', not both",
        ),
        (
            "numeric",
            {"min": 1},
            r"^A numeric question with a range needs both 'min' and 'max'; 'max' is missing",
        ),
        ("numeric", {"max": 1}, r"'min' is missing\.$"),
        ("numeric", {"min": 5, "max": 3}, r"^'min' \(5\) is greater than 'max' \(3\)\.$"),
        (
            "numeric",
            {"answer": 5, "tolerance": -1},
            r"^'tolerance' cannot be negative \(it is -1\)\.$",
        ),
        ("numeric", {"min": 1, "max": 2, "tolerance": 1}, r"^'tolerance' goes with 'answer'"),
        (
            "numeric",
            {"answer": "137,000"},
            r"^'answer' must be a number written without quotes, not '137,000'\.$",
        ),
        ("numeric", {"answer": True}, r"^'answer' must be a number, not true/false\.$"),
        ("numeric", {"answer": None}, r"^'answer' must be a number, not null\.$"),
        ("numeric", {"answer": float("nan")}, r"^'answer' must be a finite number"),
        ("numeric", {"min": float("-inf"), "max": 3}, r"^'min' must be a finite number"),
        ("numeric", {"answer": D("Infinity")}, r"^'answer' must be a finite number"),
        ("numeric", {"answer": 5, "unit": 3}, r"^The question data: 'unit' must be a string"),
        ("numeric", {"answer": 5, "precision": 2}, r"unknown key 'precision'"),
        # short
        ("short", {}, r"^The question data is missing 'accepted'\.$"),
        ("short", {"accepted": "CJNG"}, r"'accepted' must be a list, not the string 'CJNG'\.$"),
        (
            "short",
            {"accepted": []},
            r"^A short-answer question needs at least one accepted answer\.$",
        ),
        (
            "short",
            {"accepted": ["CJNG", 7]},
            r"^Accepted answer 2 must be a string, not a number\.$",
        ),
        (
            "short",
            {"accepted": ["CJNG", ""]},
            r"^Accepted answer 2 \(''\) is empty once case, accents and punctuation are ignored",
        ),
        ("short", {"accepted": ["...", "CJNG"]}, r"^Accepted answer 1 \('\.\.\.'\) is empty"),
        ("short", {"accepted": [" - "]}, r"is empty once"),
        # ordering
        (
            "ordering",
            {"items": [ITEM_A]},
            r"^An ordering question needs at least 2 items; this one has 1\.$",
        ),
        (
            "ordering",
            {"items": [ITEM_A, {**ITEM_B, "id": "a"}]},
            r"^Item 2 has the id 'a', already used by item 1",
        ),
        (
            "ordering",
            {"items": [ITEM_A, {**ITEM_B, "id": "b<c"}]},
            r"^Item 2: the id 'b<c' cannot contain '<'\.$",
        ),
        ("ordering", {"items": [ITEM_A, {"id": "b"}]}, r"^Item 2 is missing 'text'\.$"),
        (
            "ordering",
            {"items": [ITEM_A, {**ITEM_B, "text": "FIRST"}]},
            r"^Item 2's text is the same as item 1's text",
        ),
        (
            "ordering",
            {"items": [ITEM_A, {**ITEM_B, "year": 1989}]},
            r"^Item 2 has an unknown key 'year'",
        ),
        (
            "ordering",
            {"items": {"a": "First", "b": "Second"}},
            r"'items' must be a list, not an object",
        ),
        # matching
        (
            "matching",
            {"pairs": [PAIR_A]},
            r"^A matching question needs at least 2 pairs; this one has 1\.$",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, {**PAIR_B, "id": "a"}]},
            r"^Pair 2 has the id 'a', already used by pair 1",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "distractors": [{"id": "b", "text": "Mérida"}]},
            r"^Distractor 1 has the id 'b', already used by pair 2; ids must be unique\.$",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "distractors": [{"id": "x", "text": "culiacán"}]},
            r"^Distractor 1's text is the same as pair 1's right \('culiacán'\); students could",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, {**PAIR_B, "right": "Culiacán"}]},
            r"^Pair 2's right is the same as pair 1's right",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, {**PAIR_B, "left": "Sinaloa cartel"}]},
            r"^Pair 2's left is the same as pair 1's left",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, {"id": "b", "left": "Gulf"}]},
            r"^Pair 2 is missing 'right'\.$",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, {**PAIR_B, "left": 3}]},
            r"^Pair 2: 'left' must be a non-empty string",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "distractors": "Mérida"},
            r"'distractors' must be a list",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "distractors": [{"id": "x"}]},
            r"^Distractor 1 is missing 'text'\.$",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "distractors": ["Mérida"]},
            r"^Distractor 1 must be an object",
        ),
        (
            "matching",
            {"pairs": [PAIR_A, PAIR_B], "choices": []},
            r"unknown key 'choices'; the keys allowed are 'pairs', 'distractors'",
        ),
    ],
)
def test_it_refuses_malformed_question_data_naming_the_problem(
    kind: str, data: Any, message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        validate_spec(kind, data)


def test_data_changed_in_place_is_graded_by_what_it_says_now() -> None:
    """Specs already read are reused (quizzes.specs.load_spec): by the data's content, so a
    teacher's edit to the same dict, or a new dict with the same content, is never graded by
    an old reading."""
    data = copy.deepcopy(SINGLE)
    assert grade("single", data, "a").outcome == "correct"
    data["choices"][0]["correct"], data["choices"][1]["correct"] = False, True
    assert grade("single", data, "a").outcome == "incorrect"
    assert grade("single", data, "b").outcome == "correct"
    assert grade("single", copy.deepcopy(SINGLE), "a").outcome == "correct"
    data["choices"][1]["id"] = 7  # now malformed: refused every time, never served from before
    for _ in range(2):
        with pytest.raises(SpecError):
            grade("single", data, "a")
