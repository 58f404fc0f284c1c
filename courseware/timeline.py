"""Grouping dated events into a timeline's periods (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def in_period(sort: str, until: str) -> bool:
    """Whether a YYYY[-MM[-DD]] date falls on or before a period's last year or date."""
    return not until or sort[: len(until)] <= until


def group_by_period(periods: Sequence[Any], events: Sequence[Any]) -> list[tuple[Any, list[Any]]]:
    """[(period, events)] in order; each event (with .sort) goes to the first period (with
    .until, "" for the last) that it does not come after. Events after every period are kept in
    a final group with period None, so none is ever dropped."""
    groups: list[tuple[Any, list[Any]]] = [(period, []) for period in periods]
    leftovers: list[Any] = []
    for event in sorted(events, key=lambda e: (e.sort, e.slug)):
        target = next(
            (items for period, items in groups if in_period(event.sort, period.until)), None
        )
        (target if target is not None else leftovers).append(event)
    if leftovers:
        groups.append((None, leftovers))
    return [(period, items) for period, items in groups if items]
