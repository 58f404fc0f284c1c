"""What a student may see of a question's grading, and when (pure; no database).

A quiz's review policy gives, for each of correctness, points, feedback, the right answer and
the citations, one moment from which the student sees it: immediately after checking the
question, after submitting the attempt, after the quiz closes, or never. Each moment includes
the later ones: what is shown immediately stays shown after submitting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

IMMEDIATELY, AFTER_SUBMIT, AFTER_CLOSE, NEVER = (
    "immediately",
    "after_submit",
    "after_close",
    "never",
)
ASPECTS = ("correctness", "points", "feedback", "answer", "citations")


@dataclass(frozen=True)
class Visibility:
    correctness: bool = False
    points: bool = False
    feedback: bool = False
    answer: bool = False
    citations: bool = False

    @property
    def anything(self) -> bool:
        return any((self.correctness, self.points, self.feedback, self.answer, self.citations))


def can_see(moment: str, *, checked: bool, submitted: bool, closed: bool) -> bool:
    """Whether a policy moment has been reached for one question."""
    if moment == IMMEDIATELY:
        return checked or submitted
    if moment == AFTER_SUBMIT:
        return submitted
    if moment == AFTER_CLOSE:
        return submitted and closed
    return False


def visibility(
    policy: Mapping[str, str], *, checked: bool, submitted: bool, closed: bool
) -> Visibility:
    """`policy` maps each aspect in ASPECTS to its moment (a missing aspect is never shown)."""
    return Visibility(
        **{
            aspect: can_see(
                policy.get(aspect, NEVER), checked=checked, submitted=submitted, closed=closed
            )
            for aspect in ASPECTS
        }
    )
