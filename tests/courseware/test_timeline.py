from __future__ import annotations

from dataclasses import dataclass

from courseware.timeline import group_by_period, in_period


@dataclass
class Period:
    title: str
    until: str


@dataclass
class Event:
    slug: str
    sort: str


def test_a_date_is_in_a_period_up_to_and_including_its_last_year():
    assert in_period("2005", "2005")
    assert in_period("2005-12-31", "2005")
    assert not in_period("2006-01", "2005")
    assert in_period("2018-11", "2018-11")
    assert in_period("2030", "")


def test_events_are_grouped_in_order_and_none_is_dropped():
    periods = [Period("Before", "2005"), Period("War", "2018"), Period("Now", "2024")]
    events = [
        Event("e", "2026-02-22"),
        Event("a", "1980"),
        Event("c", "2010"),
        Event("b", "1989"),
        Event("d", "2019-03"),
    ]
    groups = group_by_period(periods, events)
    assert [(p.title if p else None, [e.slug for e in items]) for p, items in groups] == [
        ("Before", ["a", "b"]),
        ("War", ["c"]),
        ("Now", ["d"]),
        (None, ["e"]),
    ]


def test_empty_periods_are_left_out():
    groups = group_by_period([Period("Before", "2005"), Period("Later", "")], [Event("x", "2020")])
    assert [p.title for p, _ in groups] == ["Later"]
