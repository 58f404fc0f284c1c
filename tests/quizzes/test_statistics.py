"""Item analysis (Moodle's quiz statistics) on small data sets worked out by hand."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.statistics import (
    NEGATIVE_DISCRIMINATION,
    TOO_EASY,
    TOO_HARD,
    WEAK_DISCRIMINATION,
    ChoiceStats,
    ItemResponse,
    ItemStats,
    Rollup,
    TestStats,
    analyse,
)

# Five attempts at three items; q1 and q2 are worth 1 point, q3 is worth 2.
#
#        q1  q2  q3   total   total %
#   A     1   1   2     4      100
#   B     1   1   1     3       75
#   C     1   0   1     2       50
#   D     0   1   0     1       25
#   E     0   0   0     0        0
SCORES = {
    "A": (1, 1, 2),
    "B": (1, 1, 1),
    "C": (1, 0, 1),
    "D": (0, 1, 0),
    "E": (0, 0, 0),
}
MAX = {"q1": 1, "q2": 1, "q3": 2}
TAGS = {
    "q1": ("passage:delta:120-180", "objective:river-flow"),
    "q2": ("passage:delta:120-180",),
    "q3": ("passage:delta:300-360", "objective:river-flow"),
}


def five_by_three() -> list[ItemResponse]:
    return [
        ItemResponse(attempt, item, score, MAX[item], tags=TAGS[item])
        for attempt, row in SCORES.items()
        for item, score in zip(("q1", "q2", "q3"), row, strict=True)
    ]


def by_id(items: list[ItemStats]) -> dict[str, ItemStats]:
    return {stats.item: stats for stats in items}


def test_test_level_mean_median_sd_and_alpha_match_hand_arithmetic() -> None:
    test, _, _ = analyse(five_by_three())
    # Totals as percent: 100, 75, 50, 25, 0 → mean 50, median 50.
    # Sample SD: squares of deviations 2500 + 625 + 0 + 625 + 2500 = 6250; 6250 / 4 = 1562.5;
    # √1562.5 = 39.528…
    # Alpha, population variances (points): q1 and q2 have mean 0.6 and Σ(x − 0.6)² =
    # 3 × 0.16 + 2 × 0.36 = 1.2, so variance 1.2 / 5 = 0.24 each; q3 is 2, 1, 1, 0, 0 with mean
    # 0.8 and Σ(x − 0.8)² = 1.44 + 0.04 + 0.04 + 0.64 + 0.64 = 2.8, variance 0.56.
    # Totals 4, 3, 2, 1, 0: mean 2, Σ(t − 2)² = 10, variance 2.
    # α = 3/2 × (1 − (0.24 + 0.24 + 0.56) / 2) = 1.5 × 0.48 = 0.72.
    assert test == TestStats(attempts=5, mean=50.0, median=50.0, sd=39.53, alpha=72.0)


def test_facility_and_sd_are_percent_of_the_item_max() -> None:
    _, items, _ = analyse(five_by_three())
    stats = by_id(items)
    # q1: 1, 1, 1, 0, 0 → facility 3/5 = 60 %; sample SD: Σ(x − 0.6)² = 1.2, 1.2 / 4 = 0.3,
    # √0.3 = 0.5477 → 54.77 %.
    assert (stats["q1"].n, stats["q1"].facility, stats["q1"].sd) == (5, 60.0, 54.77)
    # q3 as a fraction of its 2 points: 1, 0.5, 0.5, 0, 0 → facility 2/5 = 40 %;
    # Σ(f − 0.4)² = 0.36 + 0.01 + 0.01 + 0.16 + 0.16 = 0.7, 0.7 / 4 = 0.175, √0.175 = 0.41833.
    assert (stats["q3"].facility, stats["q3"].sd) == (40.0, 41.83)


def test_discrimination_correlates_the_item_with_the_rest_of_the_test() -> None:
    _, items, _ = analyse(five_by_three())
    stats = by_id(items)
    # q1: x = 1, 1, 1, 0, 0 (mean 0.6); rest y = total − x = 3, 2, 1, 1, 0 (mean 1.4).
    # dx = .4, .4, .4, −.6, −.6; dy = 1.6, .6, −.4, −.4, −1.4.
    # Σdx·dy = .64 + .24 − .16 + .24 + .84 = 1.8; Σdx² = 1.2; Σdy² = 2.56 + .36 + .16 + .16 + 1.96
    # = 5.2. r = 1.8 / √(1.2 × 5.2) = 1.8 / 2.49800 = 0.72058.
    # Sorted, x = 0, 0, 1, 1, 1 and y = 0, 1, 1, 2, 3 pair up exactly as before (Σ = 1.8), so
    # the index is already the best these scores allow: efficiency 100 %.
    assert (stats["q1"].discrimination, stats["q1"].efficiency) == (72.06, 100.0)
    # q2: x = 1, 1, 0, 1, 0 (mean 0.6); rest y = 3, 2, 2, 0, 0 (mean 1.4).
    # dx = .4, .4, −.6, .4, −.6; dy = 1.6, .6, .6, −1.4, −1.4.
    # Σdx·dy = .64 + .24 − .36 − .56 + .84 = 0.8; Σdx² = 1.2; Σdy² = 2.56 + .36 + .36 + 1.96 +
    # 1.96 = 7.2. r = 0.8 / √8.64 = 0.8 / 2.93939 = 0.27217.
    # Sorted: x = 0, 0, 1, 1, 1; y = 0, 0, 2, 2, 3; dy = −1.4, −1.4, .6, .6, 1.6;
    # Σdx·dy = .84 + .84 + .24 + .24 + .64 = 2.8. Efficiency = 0.8 / 2.8 = 0.285714.
    assert (stats["q2"].discrimination, stats["q2"].efficiency) == (27.22, 28.57)
    # q3 (points): x = 2, 1, 1, 0, 0 (mean 0.8); rest y = 2, 2, 1, 1, 0 (mean 1.2).
    # dx = 1.2, .2, .2, −.8, −.8; dy = .8, .8, −.2, −.2, −1.2.
    # Σdx·dy = .96 + .16 − .04 + .16 + .96 = 2.2; Σdx² = 2.8; Σdy² = 2.8. r = 2.2 / 2.8.
    assert (stats["q3"].discrimination, stats["q3"].efficiency) == (78.57, 100.0)
    assert all(s.flags == () and s.choices == {} for s in items)


def test_items_are_sorted_by_id_whatever_the_input_order() -> None:
    _, items, _ = analyse(reversed(five_by_three()))
    assert [s.item for s in items] == ["q1", "q2", "q3"]


def test_an_item_everyone_gets_right_is_too_easy_and_does_not_discriminate() -> None:
    responses = [*five_by_three(), *(ItemResponse(a, "q4", 1, 1) for a in SCORES)]
    _, items, _ = analyse(responses)
    q4 = by_id(items)["q4"]
    # Every score is 1: facility 100 %, SD 0, and a constant item has no correlation.
    assert q4 == ItemStats(
        item="q4",
        n=5,
        facility=100.0,
        sd=0.0,
        discrimination=None,
        efficiency=None,
        flags=(TOO_EASY,),
        choices={},
    )


def test_an_item_only_the_weakest_get_right_discriminates_negatively() -> None:
    weakest = {"D", "E"}
    responses = [
        *five_by_three(),
        *(ItemResponse(a, "q4", int(a in weakest), 1) for a in SCORES),
    ]
    _, items, _ = analyse(responses)
    q4 = by_id(items)["q4"]
    # x = 0, 0, 0, 1, 1 (mean 0.4); the rest of the test is the old total 4, 3, 2, 1, 0 (mean 2).
    # dx = −.4, −.4, −.4, .6, .6; dy = 2, 1, 0, −1, −2.
    # Σdx·dy = −.8 − .4 + 0 − .6 − 1.2 = −3; Σdx² = 1.2; Σdy² = 10. r = −3 / √12 = −0.866025.
    # Sorted, the ones meet the two best rests: Σdx·dy = .8 + .4 + 0 + .6 + 1.2 = 3, so the
    # efficiency is −3 / 3 = −100 %.
    assert (q4.facility, q4.discrimination, q4.efficiency) == (40.0, -86.6, -100.0)
    assert q4.flags == (NEGATIVE_DISCRIMINATION,)


def test_an_item_hardly_anyone_gets_right_is_too_hard() -> None:
    responses = [
        *five_by_three(),
        *(ItemResponse(a, "q4", 0.5 if a == "A" else 0, 5) for a in SCORES),
    ]
    _, items, _ = analyse(responses)
    # Facility: (0.5 / 5) / 5 attempts = 0.02 → 2 %.
    q4 = by_id(items)["q4"]
    assert q4.facility == 2.0
    assert TOO_HARD in q4.flags


def _ten_attempts_weakly_discriminating() -> list[ItemResponse]:
    # "core" is worth 9 points and attempt aN scores N on it; "w" is right for N in {0, 3, 5, 7, 8}.
    ones = {0, 3, 5, 7, 8}
    return [
        *(ItemResponse(f"a{n}", "core", n, 9) for n in range(10)),
        *(ItemResponse(f"a{n}", "w", int(n in ones), 1) for n in range(10)),
    ]


def test_weak_discrimination_is_flagged_from_ten_attempts() -> None:
    _, items, _ = analyse(_ten_attempts_weakly_discriminating())
    w = by_id(items)["w"]
    # Rest of test = core = 0..9 (mean 4.5, Σdy² = 82.5); x has five ones (mean 0.5, Σdx² = 2.5).
    # Σdx·dy = Σ(core where x = 1) − 5 × 4.5 = 23 − 22.5 = 0.5. r = 0.5 / √(2.5 × 82.5)
    # = 0.5 / 14.3614 = 0.034816. Sorted, the ones take cores 5..9: 35 − 22.5 = 12.5, so the
    # efficiency is 0.5 / 12.5 = 4 %.
    assert (w.discrimination, w.efficiency) == (3.48, 4.0)
    assert w.flags == (WEAK_DISCRIMINATION,)


def test_weak_discrimination_needs_ten_complete_attempts_behind_the_index() -> None:
    # a4 skips "core": its "w" response still counts for n and facility, but not for the index.
    responses = [
        r for r in _ten_attempts_weakly_discriminating() if (r.attempt, r.item) != ("a4", "core")
    ]
    _, items, _ = analyse(responses)
    w = by_id(items)["w"]
    # Nine attempts: cores 0..9 without 4 (Σ = 41, mean 41/9); the five ones still sum to 23.
    # Σdx·dy = 23 − 5 × 41/9 = 2/9; Σdx² = 5 × 4 / 9 = 20/9; Σdy² = (285 − 16) − 41²/9 = 740/9.
    # r = (2/9) / √(20/9 × 740/9) = 2 / √14800 = 0.016440.
    assert (w.n, w.discrimination) == (10, 1.64)
    assert w.flags == ()


def test_facility_uses_every_response_but_the_indices_only_complete_attempts() -> None:
    # F answers q1 alone (right): it counts for q1's facility, nowhere else.
    test, items, _ = analyse([*five_by_three(), ItemResponse("F", "q1", 1, 1)])
    q1 = by_id(items)["q1"]
    # q1 facility: 4 right of 6 = 66.67 %; the index is still q1's 72.06 over A–E.
    assert (q1.n, q1.facility, q1.discrimination) == (6, 66.67, 72.06)
    assert test == TestStats(attempts=5, mean=50.0, median=50.0, sd=39.53, alpha=72.0)


def _choice_data() -> list[ItemResponse]:
    # q1 is a choice question keyed "b" (1 point); q2 is worth 3 points and is the rest of the
    # test for q1. E left q1 blank; F chose "d" but never answered q2 (incomplete).
    #
    #        q1 choice  q1  q2
    #   A        b       1   3
    #   B        b       1   2
    #   C        a       0   1
    #   D        c       0   0
    #   E        –       0   0
    #   F        d       0   –
    rows = {"A": ("b", 3), "B": ("b", 2), "C": ("a", 1), "D": ("c", 0), "E": (None, 0)}
    responses = [
        ItemResponse(a, "q1", int(choice == "b"), 1, choice=choice)
        for a, (choice, _) in rows.items()
    ]
    responses += [ItemResponse(a, "q2", q2, 3) for a, (_, q2) in rows.items()]
    responses.append(ItemResponse("F", "q1", 0, 1, choice="d"))
    return responses


def test_choice_counts_shares_and_point_biserials() -> None:
    _, items, _ = analyse(_choice_data())
    q1 = by_id(items)["q1"]
    # Shares are of q1's 6 responses (E's blank included): 2/6 = 33.33 %, 1/6 = 16.67 %.
    # Point-biserials over A–E against the rest y = 3, 2, 1, 0, 0 (mean 1.2):
    # dy = 1.8, .8, −.2, −1.2, −1.2; Σdy² = 3.24 + .64 + .04 + 1.44 + 1.44 = 6.8.
    # "b" = 1, 1, 0, 0, 0: dx = .6, .6, −.4, −.4, −.4; Σdx² = 1.2;
    #   Σdx·dy = 1.08 + .48 + .08 + .48 + .48 = 2.6; r = 2.6 / √8.16 = 0.910182.
    # "a" = 0, 0, 1, 0, 0: dx = −.2, −.2, .8, −.2, −.2; Σdx² = .8;
    #   Σdx·dy = −.36 − .16 − .16 + .24 + .24 = −.2; r = −.2 / √5.44 = −0.085749.
    # "c" = 0, 0, 0, 1, 0: Σdx·dy = −.36 − .16 + .04 − .96 + .24 = −1.2; r = −1.2 / √5.44
    #   = −0.514496.
    # "d" was chosen only by F, which is not a complete attempt: nobody there chose it → None.
    assert q1.choices == {
        "a": ChoiceStats(choice="a", count=1, share=16.67, point_biserial=-8.57),
        "b": ChoiceStats(choice="b", count=2, share=33.33, point_biserial=91.02),
        "c": ChoiceStats(choice="c", count=1, share=16.67, point_biserial=-51.45),
        "d": ChoiceStats(choice="d", count=1, share=16.67, point_biserial=None),
    }
    # Scoring 1 exactly for "b" makes the item's index the key's point-biserial.
    assert (q1.n, q1.facility, q1.discrimination) == (6, 33.33, 91.02)
    assert by_id(items)["q2"].choices == {}


def test_multiple_response_choices_are_counted_as_one_option_each() -> None:
    responses = [
        ItemResponse("A", "mr", 1, 1, choice="a,c"),
        ItemResponse("B", "mr", 0, 1, choice="a"),
        ItemResponse("C", "mr", 1, 1, choice="a,c"),
    ]
    _, items, _ = analyse(responses)
    assert {c: (s.count, s.share) for c, s in items[0].choices.items()} == {
        "a": (1, 33.33),
        "a,c": (2, 66.67),
    }


def test_rollups_by_passage_and_by_objective() -> None:
    _, _, rollups = analyse(five_by_three())
    # passage 120-180 = q1 + q2: earned 3 + 3 of 5 + 5 = 60 %; discrimination
    #   (72.058 + 27.217) / 2 = 49.637.
    # objective river-flow = q1 + q3: earned 3 + 4 of 5 + 10 = 46.67 %; discrimination
    #   (72.058 + 78.571) / 2 = 75.315 (0.7205767… and 0.7857142… average to 0.7531455).
    # passage 300-360 = q3 alone.
    assert rollups == [
        Rollup("objective:river-flow", ("q1", "q3"), n=10, facility=46.67, discrimination=75.31),
        Rollup("passage:delta:120-180", ("q1", "q2"), n=10, facility=60.0, discrimination=49.64),
        Rollup("passage:delta:300-360", ("q3",), n=5, facility=40.0, discrimination=78.57),
    ]


def test_rollup_discrimination_ignores_items_without_an_index() -> None:
    responses = [
        *five_by_three(),
        *(ItemResponse(a, "q4", 1, 1, tags=("objective:river-flow",)) for a in SCORES),
    ]
    _, _, rollups = analyse(responses)
    objective = next(r for r in rollups if r.tag == "objective:river-flow")
    # q4 (always right) has no index; facility: 3 + 4 + 5 of 5 + 10 + 5 = 12 / 20 = 60 %.
    assert objective == Rollup(
        "objective:river-flow", ("q1", "q3", "q4"), n=15, facility=60.0, discrimination=75.31
    )


def test_rollup_of_items_none_of_which_discriminates_has_no_index() -> None:
    responses = [ItemResponse(a, "q", 1, 1, tags=("objective:x",)) for a in "ABC"]
    _, _, rollups = analyse(responses)
    assert rollups == [Rollup("objective:x", ("q",), n=3, facility=100.0, discrimination=None)]


def test_empty_input_gives_empty_statistics() -> None:
    assert analyse([]) == (
        TestStats(attempts=0, mean=None, median=None, sd=None, alpha=None),
        [],
        [],
    )


def test_a_single_attempt_has_no_spread_and_no_correlations() -> None:
    responses = [ItemResponse("A", "q1", 1, 1), ItemResponse("A", "q2", 1, 2)]
    test, items, _ = analyse(responses)
    # Total 2 of 3 = 66.67 %.
    assert test == TestStats(attempts=1, mean=66.67, median=66.67, sd=None, alpha=None)
    assert [(s.facility, s.sd, s.discrimination, s.efficiency) for s in items] == [
        (100.0, None, None, None),
        (50.0, None, None, None),
    ]
    assert items[0].flags == (TOO_EASY,)


def test_a_single_item_test_has_no_alpha_and_no_rest_to_correlate_with() -> None:
    test, items, _ = analyse(
        [ItemResponse(a, "q1", s, 1) for a, s in zip("ABC", (1, 0, 1), strict=True)]
    )
    # Totals 100, 0, 100: mean 66.67, median 100, SD √((1111.1 + 4444.4 + 1111.1) / 2) = 57.74.
    assert test == TestStats(attempts=3, mean=66.67, median=100.0, sd=57.74, alpha=None)
    assert items[0].discrimination is None


def test_median_of_an_even_number_of_attempts_is_the_middle_pair_average() -> None:
    test, _, _ = analyse(
        ItemResponse(a, "q", s, 4) for a, s in zip("ABCD", (0, 1, 3, 4), strict=True)
    )
    # 0, 25, 75, 100 % → median (25 + 75) / 2 = 50; mean 50.
    assert (test.mean, test.median) == (50.0, 50.0)


def test_alpha_is_none_when_every_total_is_the_same() -> None:
    # Each attempt scores 1 of 2, on a different item: totals never vary.
    responses = [
        ItemResponse("A", "q1", 1, 1),
        ItemResponse("A", "q2", 0, 1),
        ItemResponse("B", "q1", 0, 1),
        ItemResponse("B", "q2", 1, 1),
    ]
    test, items, _ = analyse(responses)
    assert (test.sd, test.alpha) == (0.0, None)
    # The rest of the test is the other item, so here the indices are defined: −100 %.
    assert [s.discrimination for s in items] == [-100.0, -100.0]


def test_scores_that_are_equal_but_inexact_floats_have_zero_variance() -> None:
    # 0.1 is not exact in binary; the arithmetic must still see three equal scores.
    responses = [ItemResponse(a, "q", 0.1, 0.3) for a in "ABC"]
    responses += [ItemResponse(a, "r", s, 1) for a, s in zip("ABC", (0, 1, 1), strict=True)]
    _, items, _ = analyse(responses)
    assert (items[0].sd, items[0].discrimination) == (0.0, None)


def test_rounding_takes_halves_away_from_zero() -> None:
    # Exact halves: 1 of 800 = 0.125 % rounds up to 0.13; 0.0625 % is below the half: 0.06.
    responses = [ItemResponse("A", "q", 1, 800), ItemResponse("B", "q", 0, 800)]
    _, items, _ = analyse(responses)
    # Facility (0.125 % + 0 %) / 2 = 0.0625 % → 0.06.
    assert items[0].facility == 0.06
    _, items, _ = analyse([ItemResponse("A", "q", 1, 800)])
    assert items[0].facility == 0.13


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (ItemResponse("A", "q", 1, 0), "max score must be positive"),
        (ItemResponse("A", "q", 0, -1), "max score must be positive"),
        (ItemResponse("A", "q", 2, 1), "within 0..1"),
        (ItemResponse("A", "q", -0.5, 1), "within 0..1"),
        (ItemResponse("A", "q", math.nan, 1), "finite"),
        (ItemResponse("A", "q", 1, math.inf), "finite"),
    ],
)
def test_invalid_scores_are_refused(response: ItemResponse, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyse([response])


def test_a_second_response_to_the_same_item_in_one_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="more than once"):
        analyse([ItemResponse("A", "q", 1, 1), ItemResponse("A", "q", 0, 1)])


# Properties over random response sets: a few attempts at a few items, most answered.
@st.composite
def response_sets(draw: st.DrawFn) -> list[ItemResponse]:
    attempts = draw(st.lists(st.sampled_from("ABCDEFGHIJKL"), unique=True, max_size=12))
    items = draw(st.lists(st.sampled_from(["q1", "q2", "q3", "q4"]), unique=True, max_size=4))
    tags = st.lists(st.sampled_from(["passage:p1", "passage:p2", "objective:o1"]), max_size=2)
    maxima = {item: draw(st.sampled_from([0.5, 1, 2, 3.25])) for item in items}
    fractions = st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(
        min_value=0, max_value=1, allow_subnormal=False
    )
    responses = []
    for attempt in attempts:
        for item in items:
            if draw(st.integers(0, 9)) == 0:  # about one in ten left unanswered
                continue
            responses.append(
                ItemResponse(
                    attempt,
                    item,
                    maxima[item] * draw(fractions),
                    maxima[item],
                    choice=draw(st.sampled_from([None, "a", "b", "c", "a,c"])),
                    tags=tuple(draw(tags)),
                )
            )
    return responses


def _floats_in(result: object) -> list[float]:
    """Every float anywhere in the result (dataclasses, lists, tuples, dicts)."""
    if isinstance(result, float):
        return [result]
    if isinstance(result, list | tuple):
        return [f for part in result for f in _floats_in(part)]
    if isinstance(result, dict):
        return [f for part in result.values() for f in _floats_in(part)]
    if hasattr(result, "__dataclass_fields__"):
        return [f for field in fields(result) for f in _floats_in(getattr(result, field.name))]  # type: ignore[arg-type]
    return []


def _within(value: float | None, low: float, high: float) -> bool:
    return value is None or low <= value <= high


@settings(max_examples=150, deadline=None)
@given(response_sets())
def test_every_percentage_stays_in_its_range_and_nothing_is_nan(
    responses: list[ItemResponse],
) -> None:
    result = analyse(responses)
    test, items, rollups = result
    assert not any(math.isnan(f) or math.isinf(f) for f in _floats_in(result))
    assert _within(test.mean, 0, 100) and _within(test.median, 0, 100)
    assert _within(test.sd, 0, 100)
    assert _within(test.alpha, -math.inf, 100)
    for stats in items:
        assert _within(stats.facility, 0, 100)
        assert _within(stats.sd, 0, 100)
        assert _within(stats.discrimination, -100, 100)
        assert _within(stats.efficiency, -math.inf, 100)
        assert (stats.discrimination is None) == (stats.efficiency is None)
        assert sum(c.count for c in stats.choices.values()) <= stats.n
        for choice in stats.choices.values():
            assert _within(choice.share, 0, 100)
            assert _within(choice.point_biserial, -100, 100)
    for rollup in rollups:
        assert _within(rollup.facility, 0, 100)
        assert _within(rollup.discrimination, -100, 100)
    assert [s.item for s in items] == sorted(s.item for s in items)
    assert [r.tag for r in rollups] == sorted(r.tag for r in rollups)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_order_of_the_responses_does_not_matter(data: st.DataObject) -> None:
    responses = data.draw(response_sets())
    shuffled = data.draw(st.permutations(responses))
    assert analyse(shuffled) == analyse(responses)


@settings(max_examples=100, deadline=None)
@given(response_sets())
def test_attempts_counted_are_those_that_answered_every_item(
    responses: list[ItemResponse],
) -> None:
    test, items, _ = analyse(responses)
    answered: dict[str, set[str]] = {}
    for r in responses:
        answered.setdefault(r.attempt, set()).add(r.item)
    every = {r.item for r in responses}
    assert test.attempts == sum(1 for done in answered.values() if done == every)
    assert sum(s.n for s in items) == len(responses)
