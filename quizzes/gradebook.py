"""The course gradebook, and the grade exports built from it (one source for both, so the
numbers in an export are the numbers on the gradebook page)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import Sum
from django.utils import timezone

from courseware.models import Course, Enrollment, Post
from quizzes.lms import canvas, moodle, oneroster, plain
from quizzes.lms.model import Column, Grade, Gradebook, Student
from quizzes.models import Attempt, Quiz
from quizzes.scores import kept_score

FORMATS = {
    "canvas": ("text/csv", "csv"),
    "moodle": ("text/csv", "csv"),
    "csv": ("text/csv", "csv"),
    "oneroster": ("application/zip", "zip"),
}


class _ByUser:
    """Rows ordered by their first field (a user id), handed out one user at a time."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, user_id: int) -> list[tuple[Any, ...]]:
        taken = []
        while self._next is not None and self._next[0] <= user_id:
            if self._next[0] == user_id:
                taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


def gradebook_of(course: Course) -> Gradebook:
    """Students (in user id order) × the course's quizzes (kept score by each quiz's grading
    method) and discussion prompts (the teacher's score of the student's response). Rows are a
    generator over three database cursors merged by user id: memory stays flat and the number
    of queries does not grow with the class."""
    quizzes = list(
        Quiz.objects.filter(course=course, is_published=True, practice_for__isnull=True)
        .annotate(possible=Sum("slots__points"))
        .order_by("position", "slug")
    )
    prompts = list(course.prompts.order_by("position", "slug"))
    columns = tuple(
        [
            Column(
                key=f"quiz:{q.slug}",
                title=q.title,
                points_possible=q.possible or Decimal(0),
                canvas_assignment_id=q.canvas_assignment_id,
                due=q.closes_at.date() if q.closes_at else None,
            )
            for q in quizzes
        ]
        + [
            Column(key=f"prompt:{p.slug}", title=f"Discussion: {p.title}", points_possible=p.points)
            for p in prompts
        ]
    )
    methods = {q.pk: (f"quiz:{q.slug}", q.grading_method) for q in quizzes}
    prompt_keys = {p.pk: f"prompt:{p.slug}" for p in prompts}

    def rows() -> Iterator[tuple[Student, Mapping[str, Grade]]]:
        enrollments = (
            Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
            .select_related("user")
            .order_by("user_id")
            .iterator()
        )
        attempts = _ByUser(
            Attempt.objects.filter(quiz_id__in=methods, state=Attempt.State.SUBMITTED)
            .order_by("student_id", "quiz_id", "number")
            .values_list("student_id", "quiz_id", "points")
            .iterator()
        )
        posts = _ByUser(
            Post.objects.filter(
                course=course, parent__isnull=True, score__isnull=False, prompt_id__in=prompt_keys
            )
            .order_by("author_id", "-score")
            .values_list("author_id", "prompt_id", "score", "teacher_comment")
            .iterator()
        )
        for enrollment in enrollments:
            user = enrollment.user
            points: dict[int, list[Decimal]] = {}
            for _, quiz_id, value in attempts.take(user.pk):
                points.setdefault(quiz_id, []).append(value)
            grades: dict[str, Grade] = {}
            for quiz_id, values in points.items():
                key, method = methods[quiz_id]
                grades[key] = Grade(score=kept_score(values, method))
            for _, prompt_id, score, comment in posts.take(user.pk):
                grades.setdefault(prompt_keys[prompt_id], Grade(score=score, feedback=comment))
            name = f"{user.last_name}, {user.first_name}" if user.last_name else user.get_username()
            student = Student(
                name=name,
                username=user.get_username(),
                email=user.email,
                sis_user_id=enrollment.sis_user_id,
                sis_login_id=enrollment.sis_login_id,
                canvas_user_id=enrollment.canvas_user_id,
                section=enrollment.section,
            )
            yield student, grades

    return Gradebook(course_title=course.title, course_id=course.slug, columns=columns, rows=rows())


def total(gradebook: Gradebook, grades: Mapping[str, Grade]) -> Decimal | None:
    scores = [
        grades[c.key].score
        for c in gradebook.columns
        if c.key in grades and grades[c.key].score is not None
    ]
    return sum(scores, Decimal(0)) if scores else None  # type: ignore[arg-type]


def export_grades(*, course: Course, fmt: str, out: IO[Any], now: datetime | None = None) -> None:
    """Write the course's gradebook in an LMS format to `out` (text for the CSV formats, binary
    for the OneRoster zip). The one path for the gradebook page's downloads and the command."""
    gradebook = gradebook_of(course)
    if fmt == "canvas":
        canvas.write_csv(gradebook, out)
    elif fmt == "moodle":
        moodle.write_csv(gradebook, out)
    elif fmt == "csv":
        plain.write_csv(gradebook, out)
    elif fmt == "oneroster":
        oneroster.write_zip(gradebook, out, now or timezone.now())
    else:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
