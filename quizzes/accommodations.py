"""A student's own terms for one quiz: the quiz's, changed by the accommodations that apply to
them (pure; no database).

Several accommodations may apply to one student and quiz (a group's, their own, one for the
whole course and one for this quiz). The rules:

- **Time**: each row gives a limit of `ceil(limit × time_multiplier) + extra_minutes` (rounded
  up to a whole minute); the longest wins. An untimed quiz stays untimed.
- **Attempts**: the quiz's limit plus the largest `extra_attempts`. Unlimited stays unlimited.
- **Dates** replace the quiz's own ("opens for these students at this time instead", as a
  make-up exam needs): a row for this quiz wins over a course-wide row, and among rows of the
  same kind the most generous date wins (the earliest opening, the latest closing). Opening
  and closing are decided separately.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class QuizPlan:
    """A quiz's own terms."""

    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_minutes: int | None = None  # None or 0: untimed
    attempts_allowed: int = 0  # 0: unlimited


@dataclass(frozen=True)
class Grant:
    """One accommodation row, as it applies to one quiz."""

    is_for_this_quiz: bool  # False: a course-wide row
    extra_minutes: int = 0
    time_multiplier: Decimal = Decimal(1)
    extra_attempts: int = 0
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    def time_limit(self, minutes: int) -> int:
        return math.ceil(minutes * self.time_multiplier) + self.extra_minutes


@dataclass(frozen=True)
class Terms:
    """What one student gets on one quiz, and how it differs from the quiz's own terms."""

    plan: QuizPlan
    opens_at: datetime | None
    closes_at: datetime | None
    time_limit_minutes: int | None
    attempts_allowed: int  # 0: unlimited

    @property
    def is_time_extended(self) -> bool:
        return (self.time_limit_minutes or 0) > (self.plan.time_limit_minutes or 0)

    @property
    def extra_attempts(self) -> int:
        if not self.plan.attempts_allowed:
            return 0
        return self.attempts_allowed - self.plan.attempts_allowed

    @property
    def is_opening_moved(self) -> bool:
        return self.opens_at != self.plan.opens_at

    @property
    def is_closing_moved(self) -> bool:
        return self.closes_at != self.plan.closes_at

    @property
    def is_accommodated(self) -> bool:
        """Whether anything differs from the quiz's own terms."""
        return (
            self.is_time_extended
            or self.extra_attempts > 0
            or self.is_opening_moved
            or self.is_closing_moved
        )

    def has_opened_at(self, when: datetime) -> bool:
        return self.opens_at is None or when >= self.opens_at

    def is_closed_at(self, when: datetime) -> bool:
        return self.closes_at is not None and when >= self.closes_at

    def is_open_at(self, when: datetime) -> bool:
        return self.has_opened_at(when) and not self.is_closed_at(when)

    def attempts_left(self, used: int) -> int | None:
        """None: unlimited."""
        return max(self.attempts_allowed - used, 0) if self.attempts_allowed else None

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started at `started_at` ends: its time limit or the closing,
        whichever comes first (None: neither)."""
        ends = []
        if self.time_limit_minutes:
            ends.append(started_at + timedelta(minutes=self.time_limit_minutes))
        if self.closes_at is not None:
            ends.append(self.closes_at)
        return min(ends) if ends else None


def _pick(
    own: datetime | None, grants: list[Grant], field: str, *, latest: bool
) -> datetime | None:
    """A date: the quiz rows' most generous, else the course-wide rows', else the quiz's own."""
    for for_this_quiz in (True, False):
        dates: list[datetime] = [
            getattr(g, field)
            for g in grants
            if g.is_for_this_quiz == for_this_quiz and getattr(g, field) is not None
        ]
        if dates:
            return max(dates) if latest else min(dates)
    return own


def terms_for(plan: QuizPlan, grants: Iterable[Grant]) -> Terms:
    """The student's terms on a quiz with these own terms, given the rows that apply."""
    grants = list(grants)
    limit = plan.time_limit_minutes or None
    if limit:
        limit = max([limit, *(g.time_limit(limit) for g in grants)])
    attempts = plan.attempts_allowed
    if attempts:
        attempts += max([0, *(g.extra_attempts for g in grants)])
    return Terms(
        plan=plan,
        opens_at=_pick(plan.opens_at, grants, "opens_at", latest=False),
        closes_at=_pick(plan.closes_at, grants, "closes_at", latest=True),
        time_limit_minutes=limit,
        attempts_allowed=attempts,
    )


def moved_deadline(
    *, old: datetime | None, new: datetime | None, now: datetime, notice: timedelta
) -> datetime | None:
    """An open attempt's deadline after its terms changed. A longer one applies at once; a
    shorter one (an accommodation removed or reduced) never ends the attempt sooner than
    `notice` from now, nor later than the deadline it had."""
    if new is None or (old is not None and new >= old):
        return new
    floor = now + notice if old is None else min(old, now + notice)
    return max(new, floor)


def is_deadline_extended(
    plan: QuizPlan, started_at: datetime, deadline_at: datetime | None
) -> bool:
    """Whether an attempt ends later than the quiz's own terms would end it (an accommodation
    gave it more time or a later closing): read from the attempt alone, no query."""
    own = terms_for(plan, []).deadline(started_at)
    return deadline_at is not None and own is not None and deadline_at > own
