from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.scores import AVERAGE, FIRST, HIGHEST, LAST, kept_score


@pytest.mark.parametrize(
    ("method", "expected"),
    [(HIGHEST, D("9")), (LAST, D("4.5")), (FIRST, D("6")), (AVERAGE, D("6.50"))],
)
def test_each_grading_method_keeps_the_right_attempt(method, expected):
    assert kept_score([D("6"), D("9"), D("4.5")], method) == expected


def test_average_rounds_half_up_to_cents():
    # (1 + 0 + 0) / 3 = 0.333… -> 0.33 ; (1 + 1 + 0) / 3 = 0.666… -> 0.67 ; 0.125 -> 0.13
    assert kept_score([D(1), D(0), D(0)], AVERAGE) == D("0.33")
    assert kept_score([D(1), D(1), D(0)], AVERAGE) == D("0.67")
    assert kept_score([D("0.25"), D(0)], AVERAGE) == D("0.13")


def test_no_attempts_keep_no_score():
    for method in (HIGHEST, LAST, FIRST, AVERAGE):
        assert kept_score([], method) is None


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="Unknown grading method"):
        kept_score([D(1)], "best-of-three")


@given(
    st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1),
    st.sampled_from([HIGHEST, LAST, FIRST, AVERAGE]),
)
def test_the_kept_score_lies_between_the_lowest_and_highest_attempt(points, method):
    kept = kept_score(points, method)
    assert min(points) <= kept <= max(points)
