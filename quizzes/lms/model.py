"""Plain input data for the grade-export writers (how their cells are written: `cells`).

Nothing here knows about Django: a caller turns its rows into these frozen dataclasses (or a
generator of them) and hands a `Gradebook` to a writer. `Gradebook.rows` may be a one-shot
generator; every writer walks it exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Column:
    """One graded item: a quiz (or a discussion prompt)."""

    key: str  # stable id, e.g. "quiz:weapons-flow" or "prompt:insurgency-frame"
    title: str
    points_possible: Decimal
    canvas_assignment_id: str = ""  # the Canvas assignment id when known, else ""
    due: date | None = None
    opens: date | None = None  # when students could first take it (OneRoster assignDate)


@dataclass(frozen=True)
class Student:
    name: str  # "Last, First" as the LMS shows it, or a display name
    username: str
    email: str
    sis_user_id: str = ""
    sis_login_id: str = ""
    canvas_user_id: str = ""
    section: str = ""
    sourced_id: str = ""  # OneRoster user sourcedId (blank: SIS user id, else username)
    given_name: str = ""
    family_name: str = ""


@dataclass(frozen=True)
class Grade:
    score: Decimal | None  # None = no score: written as a blank cell, never as 0
    feedback: str = ""


NO_GRADE = Grade(score=None)


@dataclass(frozen=True)
class Roster:
    """A course's OneRoster 1.1 ids and grading period, as the course sets them (blank: the
    writer's defaults, derived from `Gradebook.course_id`)."""

    class_id: str = ""
    school_id: str = ""
    category_id: str = ""
    grading_period_id: str = ""
    period_starts: date | None = None
    period_ends: date | None = None


@dataclass(frozen=True)
class Gradebook:
    course_title: str
    course_id: str  # a stable course identifier (slug), used for OneRoster sourcedIds
    columns: tuple[Column, ...]
    # Each student with their grades by column key; a key may be missing (= no grade).
    rows: Iterable[tuple[Student, Mapping[str, Grade]]]
    roster: Roster = Roster()


def grade_for(grades: Mapping[str, Grade], column: Column) -> Grade:
    return grades.get(column.key, NO_GRADE)
