"""The pure rules of accommodations (quizzes.accommodations): how several rows combine with a
quiz's own terms, and how an open attempt's deadline moves. No database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.accommodations import Grant, QuizPlan, moved_deadline, terms_for

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def grant(*, quiz: bool = True, **values) -> Grant:
    return Grant(is_for_this_quiz=quiz, **values)


# -- time


def test_with_no_row_the_quizs_own_terms_apply():
    plan = QuizPlan(opens_at=at(0), closes_at=at(5), time_limit_minutes=40, attempts_allowed=2)
    terms = terms_for(plan, [])
    assert (terms.opens_at, terms.closes_at, terms.time_limit_minutes, terms.attempts_allowed) == (
        at(0),
        at(5),
        40,
        2,
    )
    assert not terms.is_accommodated


@pytest.mark.parametrize(
    "multiplier, extra, expected",
    [
        ("1", 0, 40),
        ("1", 20, 60),
        ("1.5", 0, 60),
        ("1.5", 10, 70),  # the multiplier first, then the minutes
        ("2", 0, 80),
        ("5", 0, 200),
        ("1.33", 0, 54),  # 53.2 rounds up: never less than the multiplier gives
        ("1.01", 0, 41),
    ],
)
def test_one_row_multiplies_the_limit_then_adds_minutes(multiplier, extra, expected):
    terms = terms_for(
        QuizPlan(time_limit_minutes=40),
        [grant(time_multiplier=Decimal(multiplier), extra_minutes=extra)],
    )
    assert terms.time_limit_minutes == expected
    assert terms.is_time_extended == (expected > 40)


def test_of_several_rows_the_longest_time_wins_not_their_sum():
    rows = [
        grant(extra_minutes=15),
        grant(quiz=False, time_multiplier=Decimal("1.5")),
        grant(extra_minutes=5, time_multiplier=Decimal("1.25")),
    ]
    # 55, 60 and 55 minutes: the course-wide time and a half wins.
    assert terms_for(QuizPlan(time_limit_minutes=40), rows).time_limit_minutes == 60


def test_an_untimed_quiz_stays_untimed():
    for limit in (None, 0):
        terms = terms_for(
            QuizPlan(time_limit_minutes=limit),
            [grant(extra_minutes=30, time_multiplier=Decimal(2))],
        )
        assert terms.time_limit_minutes is None
        assert not terms.is_time_extended
        assert not terms.is_accommodated


# -- attempts


def test_extra_attempts_add_to_the_limit_and_the_largest_wins():
    rows = [grant(extra_attempts=1), grant(quiz=False, extra_attempts=3), grant(extra_attempts=2)]
    terms = terms_for(QuizPlan(attempts_allowed=2), rows)
    assert terms.attempts_allowed == 5
    assert terms.extra_attempts == 3
    assert terms.attempts_left(4) == 1
    assert terms.attempts_left(9) == 0


def test_unlimited_attempts_stay_unlimited():
    terms = terms_for(QuizPlan(attempts_allowed=0), [grant(extra_attempts=2)])
    assert terms.attempts_allowed == 0
    assert terms.extra_attempts == 0
    assert terms.attempts_left(50) is None


# -- dates


def test_a_rows_dates_replace_the_quizs_even_when_later():
    # A make-up exam: it opens and closes later for these students.
    plan = QuizPlan(opens_at=at(0), closes_at=at(2))
    terms = terms_for(plan, [grant(opens_at=at(48), closes_at=at(50))])
    assert (terms.opens_at, terms.closes_at) == (at(48), at(50))
    assert terms.is_opening_moved and terms.is_closing_moved
    assert not terms.is_open_at(at(1))
    assert terms.is_open_at(at(49))
    assert terms.is_closed_at(at(50))


def test_a_quizs_own_row_wins_over_the_course_wide_row_for_dates():
    plan = QuizPlan(closes_at=at(10))
    rows = [grant(quiz=False, closes_at=at(100)), grant(closes_at=at(20))]
    assert terms_for(plan, rows).closes_at == at(20)


def test_among_rows_of_one_kind_the_earliest_opening_and_the_latest_closing_win():
    plan = QuizPlan(opens_at=at(5), closes_at=at(10))
    rows = [
        grant(opens_at=at(3), closes_at=at(12)),
        grant(opens_at=at(1), closes_at=at(11)),
        grant(quiz=False, opens_at=at(0), closes_at=at(99)),
    ]
    terms = terms_for(plan, rows)
    assert (terms.opens_at, terms.closes_at) == (at(1), at(12))


def test_opening_and_closing_are_decided_separately():
    plan = QuizPlan(opens_at=at(5), closes_at=at(10))
    rows = [grant(closes_at=at(30)), grant(quiz=False, opens_at=at(2))]
    terms = terms_for(plan, rows)
    assert (terms.opens_at, terms.closes_at) == (at(2), at(30))


def test_a_row_without_dates_keeps_the_quizs_dates():
    plan = QuizPlan(opens_at=at(5), closes_at=at(10), time_limit_minutes=30)
    terms = terms_for(plan, [grant(extra_minutes=10)])
    assert (terms.opens_at, terms.closes_at) == (at(5), at(10))
    assert not terms.is_opening_moved and not terms.is_closing_moved


def test_a_closing_on_an_undated_quiz_closes_it_for_those_students():
    terms = terms_for(QuizPlan(), [grant(quiz=False, closes_at=at(3))])
    assert terms.closes_at == at(3)
    assert terms.is_open_at(at(2)) and terms.is_closed_at(at(3))


def test_open_and_closed_at_the_boundaries():
    terms = terms_for(QuizPlan(opens_at=at(1), closes_at=at(2)), [])
    assert not terms.has_opened_at(at(0.99))
    assert terms.has_opened_at(at(1)) and terms.is_open_at(at(1))
    assert not terms.is_closed_at(at(1.99))
    assert terms.is_closed_at(at(2)) and not terms.is_open_at(at(2))
    assert terms_for(QuizPlan(), []).is_open_at(at(-1000))


# -- the deadline of an attempt


@pytest.mark.parametrize(
    "limit, closes, started, expected",
    [
        (None, None, 0, None),
        (60, None, 0, 1),
        (None, 5, 0, 5),
        (60, 5, 0, 1),  # the limit comes first
        (60, 5, 4.5, 5),  # the closing comes first
    ],
)
def test_an_attempt_ends_at_its_time_limit_or_the_closing_whichever_is_first(
    limit, closes, started, expected
):
    plan = QuizPlan(time_limit_minutes=limit, closes_at=at(closes) if closes else None)
    deadline = terms_for(plan, []).deadline(at(started))
    assert deadline == (at(expected) if expected is not None else None)


def test_extra_time_is_still_cut_by_the_students_closing():
    plan = QuizPlan(time_limit_minutes=40, closes_at=at(1))
    extended = terms_for(plan, [grant(extra_minutes=40)])
    assert extended.deadline(at(0.5)) == at(1)
    later = terms_for(plan, [grant(extra_minutes=40, closes_at=at(3))])
    assert later.deadline(at(0.5)) == at(0.5) + timedelta(minutes=80)


# -- moving an open attempt's deadline

NOTICE = timedelta(minutes=5)
NOW = at(0)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (at(1), at(2), at(2)),  # longer: at once
        (at(1), at(1), at(1)),
        (at(1), None, None),  # no limit any more
        (None, at(2), at(2)),  # a closing where there was none, far enough away
        (at(1), at(0.5), at(0.5)),  # shorter, still well ahead
        (at(1), NOW - timedelta(minutes=10), NOW + NOTICE),  # shorter and already past
        (at(1), NOW + timedelta(minutes=2), NOW + NOTICE),
        (NOW + timedelta(minutes=3), NOW, NOW + timedelta(minutes=3)),  # never later than it was
        (None, NOW - timedelta(hours=1), NOW + NOTICE),
    ],
)
def test_a_moved_deadline_extends_at_once_and_shortens_with_notice(old, new, expected):
    assert moved_deadline(old=old, new=new, now=NOW, notice=NOTICE) == expected


moments = st.one_of(st.none(), st.integers(-120, 120).map(lambda m: NOW + timedelta(minutes=m)))


@given(old=moments, new=moments)
def test_a_moved_deadline_is_the_new_one_or_lies_between_it_and_the_old_one(old, new):
    moved = moved_deadline(old=old, new=new, now=NOW, notice=NOTICE)
    if new is None:
        assert moved is None
    elif old is not None and new >= old:
        assert moved == new
    else:  # shorter (no deadline counts as the longest)
        assert moved >= new
        assert old is None or moved <= old
        assert moved >= (NOW + NOTICE if old is None else min(old, NOW + NOTICE))


# -- every combination of one quiz row and one course-wide row


def _value(name, kind):
    return {
        "extra_minutes": (0, 10),
        "time_multiplier": (Decimal(1), Decimal(2)),
        "extra_attempts": (0, 1),
        "opens_at": (None, at(kind)),
        "closes_at": (None, at(10 + kind)),
    }[name]


NAMES = ["extra_minutes", "time_multiplier", "extra_attempts", "opens_at", "closes_at"]


@pytest.mark.parametrize("quiz_row", list(itertools.product((0, 1), repeat=5)))
def test_every_combination_of_a_quiz_row_and_a_course_row_follows_the_rules(quiz_row):
    plan = QuizPlan(opens_at=at(5), closes_at=at(20), time_limit_minutes=30, attempts_allowed=1)
    own = grant(**{n: _value(n, 1)[i] for n, i in zip(NAMES, quiz_row, strict=True)})
    wide = grant(quiz=False, **{n: _value(n, 2)[1] for n in NAMES})
    terms = terms_for(plan, [own, wide])
    assert terms.time_limit_minutes == max(30, own.time_limit(30), wide.time_limit(30))
    assert terms.attempts_allowed == 1 + max(own.extra_attempts, wide.extra_attempts)
    assert terms.opens_at == (own.opens_at or wide.opens_at)
    assert terms.closes_at == (own.closes_at or wide.closes_at)
    assert terms.is_accommodated
