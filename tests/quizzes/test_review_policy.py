from __future__ import annotations

import itertools

import pytest

from quizzes.review import (
    AFTER_CLOSE,
    AFTER_SUBMIT,
    ASPECTS,
    IMMEDIATELY,
    NEVER,
    can_see,
    visibility,
)

MOMENTS = (IMMEDIATELY, AFTER_SUBMIT, AFTER_CLOSE, NEVER)


@pytest.mark.parametrize(
    ("moment", "checked", "submitted", "closed", "expected"),
    [
        (IMMEDIATELY, False, False, False, False),
        (IMMEDIATELY, True, False, False, True),
        (IMMEDIATELY, False, True, False, True),
        (AFTER_SUBMIT, True, False, False, False),
        (AFTER_SUBMIT, False, True, False, True),
        (AFTER_CLOSE, False, True, False, False),
        (AFTER_CLOSE, True, False, True, False),
        (AFTER_CLOSE, False, True, True, True),
        (NEVER, True, True, True, False),
    ],
)
def test_each_moment_opens_at_the_right_time(moment, checked, submitted, closed, expected):
    assert can_see(moment, checked=checked, submitted=submitted, closed=closed) is expected


def test_nothing_is_visible_during_an_unchecked_open_attempt_whatever_the_policy():
    for moments in itertools.product(MOMENTS, repeat=len(ASPECTS)):
        policy = dict(zip(ASPECTS, moments, strict=True))
        assert not visibility(policy, checked=False, submitted=False, closed=False).anything
        assert not visibility(policy, checked=False, submitted=False, closed=True).anything


def test_what_is_shown_earlier_stays_shown_later():
    order = [
        {"checked": True, "submitted": False, "closed": False},
        {"checked": True, "submitted": True, "closed": False},
        {"checked": True, "submitted": True, "closed": True},
    ]
    for moment in MOMENTS:
        seen = [can_see(moment, **state) for state in order]
        assert seen == sorted(seen), moment  # once True, never False again


def test_visibility_reads_each_aspect_from_the_policy():
    policy = {
        "correctness": IMMEDIATELY,
        "points": AFTER_SUBMIT,
        "feedback": AFTER_CLOSE,
        "answer": NEVER,
    }
    seen = visibility(policy, checked=False, submitted=True, closed=False)
    assert (seen.correctness, seen.points, seen.feedback, seen.answer, seen.citations) == (
        True,
        True,
        False,
        False,
        False,  # missing from the policy: never
    )
