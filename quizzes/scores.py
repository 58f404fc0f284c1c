"""A quiz's kept score from a student's attempts, by the quiz's grading method (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

HIGHEST, LAST, FIRST, AVERAGE = "highest", "last", "first", "average"


def kept_score(points: Sequence[Decimal], method: str) -> Decimal | None:
    """`points` are the submitted attempts' points in attempt order; None when there are none."""
    if not points:
        return None
    if method == HIGHEST:
        return max(points)
    if method == LAST:
        return points[-1]
    if method == FIRST:
        return points[0]
    if method == AVERAGE:
        return (sum(points, Decimal(0)) / len(points)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    raise ValueError(f"Unknown grading method {method!r}.")
