"""The course gradebook, and the grade exports built from it (one source for both, so the
numbers in an export are the numbers on the gradebook page)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import F, Sum
from django.utils import timezone

from courseware.models import Course, Enrollment, Post
from quizzes.lms import canvas, moodle, oneroster, plain
from quizzes.lms.model import NO_GRADE, Column, Grade, Gradebook, Student
from quizzes.models import Attempt, GradeOverride, Quiz
from quizzes.scores import kept_score

# Rows fetched per database round trip while streaming: Django's default (2,000) holds two
# batches of enrolments with their users at once, so memory grew with the class up to
# ~4,000 students; 100 keeps it flat (docs/performance.md).
EXPORT_CHUNK = 100
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


@dataclass(frozen=True)
class Cell:
    """One cell of the gradebook page: the grade every export carries, and how it came about."""

    grade: Grade = NO_GRADE
    attempts: int = 0  # quizzes: submitted attempts
    kept: Decimal | None = None  # quizzes: the attempts' kept score, override or not
    is_overridden: bool = False
    post_id: int | None = None  # discussions: the response the score is on (or to score)


EMPTY = Cell()


@dataclass(frozen=True)
class Row:
    user_id: int
    student: Student
    cells: Mapping[str, Cell]  # by column key; a key may be missing (nothing to show)

    @property
    def grades(self) -> dict[str, Grade]:
        return {k: c.grade for k, c in self.cells.items() if c.grade.score is not None}


@dataclass(frozen=True)
class CourseBook:
    course: Course
    columns: tuple[Column, ...]
    rows: Iterator[Row]


def split_key(key: str) -> tuple[str, str]:
    """A column key's kind ("quiz" or "prompt") and slug."""
    kind, _, slug = key.partition(":")
    return kind, slug


def course_book(course: Course) -> CourseBook:
    """Students (in user id order) × the course's quizzes (kept score by each quiz's grading
    method, unless a teacher's override is in force) and discussion prompts (the teacher's
    score of the student's response). Rows are a generator over four database cursors merged
    by user id: memory stays flat and the number of queries does not grow with the class."""
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

    def rows() -> Iterator[Row]:
        enrollments = (
            Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
            .select_related("user")
            .order_by("user_id")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        attempts = _ByUser(
            Attempt.objects.filter(quiz_id__in=methods, state=Attempt.State.SUBMITTED)
            .order_by("student_id", "quiz_id", "number")
            .values_list("student_id", "quiz_id", "points")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        # Newest first: the first row of each (student, quiz) is the one in force.
        overrides = _ByUser(
            GradeOverride.objects.filter(quiz_id__in=methods)
            .order_by("student_id", "quiz_id", "-created_at", "-id")
            .values_list("student_id", "quiz_id", "points")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        # Every response, the best-scored first: it is the grade, and the one a cell links to.
        posts = _ByUser(
            Post.objects.filter(course=course, parent__isnull=True, prompt_id__in=prompt_keys)
            .order_by("author_id", "prompt_id", F("score").desc(nulls_last=True), "created_at")
            .values_list("author_id", "prompt_id", "score", "teacher_comment", "id")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        for enrollment in enrollments:
            user = enrollment.user
            points: dict[int, list[Decimal]] = {}
            for _, quiz_id, value in attempts.take(user.pk):
                points.setdefault(quiz_id, []).append(value)
            in_force: dict[int, Decimal | None] = {}
            for _, quiz_id, value in overrides.take(user.pk):
                in_force.setdefault(quiz_id, value)
            cells: dict[str, Cell] = {}
            for quiz_id, (key, method) in methods.items():
                values = points.get(quiz_id, [])
                kept = kept_score(values, method)
                override = in_force.get(quiz_id)
                if values or override is not None:
                    cells[key] = Cell(
                        grade=Grade(score=kept if override is None else override),
                        attempts=len(values),
                        kept=kept,
                        is_overridden=override is not None,
                    )
            for _, prompt_id, score, comment, post_id in posts.take(user.pk):
                key = prompt_keys[prompt_id]
                if key not in cells:
                    grade = Grade(score=score, feedback=comment) if score is not None else NO_GRADE
                    cells[key] = Cell(grade=grade, post_id=post_id)
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
            yield Row(user_id=user.pk, student=student, cells=cells)

    return CourseBook(course=course, columns=columns, rows=rows())


def gradebook_of(course: Course) -> Gradebook:
    """The course's gradebook as the LMS writers take it: the page's grades, row by row."""
    book = course_book(course)
    return Gradebook(
        course_title=course.title,
        course_id=course.slug,
        columns=book.columns,
        rows=((row.student, row.grades) for row in book.rows),
    )


@dataclass(frozen=True)
class PageRow:
    row: Row
    cells: list[tuple[str, str, Cell]]  # per column: its kind, its slug, the student's cell
    total: Decimal | None


def page_rows(book: CourseBook, *, query: str = "", sort: str = "name") -> list[PageRow]:
    """The gradebook page's rows: the students whose name, username or email contains `query`,
    sorted by name, by total or by one column's grade (highest first, no grade last)."""
    keys = [(c.key, *split_key(c.key)) for c in book.columns]
    found = []
    for row in book.rows:
        student = row.student
        if query and query not in f"{student.name} {student.username} {student.email}".lower():
            continue
        scores = [g.score for g in row.grades.values() if g.score is not None]
        found.append(
            PageRow(
                row=row,
                cells=[(kind, slug, row.cells.get(key, EMPTY)) for key, kind, slug in keys],
                total=sum(scores, Decimal(0)) if scores else None,
            )
        )
    found.sort(key=lambda r: r.row.student.name.casefold())
    if sort == "total" or sort in {key for key, _, _ in keys}:

        def score(r: PageRow) -> Decimal | None:
            return r.total if sort == "total" else r.row.cells.get(sort, EMPTY).grade.score

        found.sort(key=lambda r: (score(r) is None, -(score(r) or 0)))  # stable: names stay sorted
    return found


@dataclass(frozen=True)
class OverrideEntry:
    """One change in a grade's history: from the grade in force before to the new one (None:
    the attempts' kept score)."""

    override: GradeOverride
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class GradeDetail:
    attempts: list[Attempt]  # every attempt, open ones included, in order
    kept: Decimal | None  # the submitted attempts' kept score by the quiz's grading method
    possible: Decimal
    override: GradeOverride | None  # in force (points not None), if any
    history: list[OverrideEntry]  # newest first

    @property
    def grade(self) -> Decimal | None:
        """The grade the gradebook and every export carry."""
        return self.override.points if self.override else self.kept


def grade_detail(quiz: Quiz, student: Any) -> GradeDetail:
    """One student's grade on one quiz: their attempts, the kept score, the override in force
    and the overrides' history, with what each one replaced."""
    attempts = list(quiz.attempts.filter(student=student).order_by("number"))
    submitted = [a.points for a in attempts if not a.is_open and a.points is not None]
    rows = list(
        GradeOverride.objects.filter(quiz=quiz, student=student)
        .select_related("created_by")
        .order_by("created_at", "id")
    )
    history, before = [], None
    for row in rows:
        history.append(OverrideEntry(override=row, before=before, after=row.points))
        before = row.points
    in_force = rows[-1] if rows and rows[-1].points is not None else None
    return GradeDetail(
        attempts=attempts,
        kept=kept_score(submitted, quiz.grading_method),
        possible=quiz.slots.aggregate(p=Sum("points"))["p"] or Decimal(0),
        override=in_force,
        history=history[::-1],
    )


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


# A Canvas gradebook export is a few hundred bytes per student: 5 MB is tens of thousands.
MAX_CANVAS_FILE = 5 * 1024 * 1024


@dataclass(frozen=True)
class CanvasFill:
    data: bytes  # the teacher's file, with Fuente's scores filled in
    report: canvas.FillReport
    columns: tuple[Column, ...]  # the gradebook's columns

    @property
    def matched_columns(self) -> list[Column]:
        return [c for c in self.columns if c not in self.report.unmatched_columns]

    @property
    def summary(self) -> str:
        r = self.report
        titles = ", ".join(c.title for c in self.matched_columns)
        parts = [
            f"Matched {_count(r.matched_students, 'student')} and "
            f"{_count(len(self.matched_columns), 'column')} ({titles}): "
            f"{_count(r.filled, 'score')} filled in, {r.unchanged} already up to date"
        ]
        if r.kept:
            parts.append(f"{_count(r.kept, 'excused or not-assigned cell')} left alone")
        if r.unmatched_canvas_rows:
            parts.append(
                f"{_count(len(r.unmatched_canvas_rows), 'Canvas row')} not in Fuente: "
                + _some(list(r.unmatched_canvas_rows))
            )
        if r.unmatched_students:
            parts.append(
                f"{_count(len(r.unmatched_students), 'Fuente student')} not in the file: "
                + _some([s.name for s in r.unmatched_students])
            )
        return "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _some(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def fill_canvas_export(course: Course, data: bytes) -> CanvasFill:
    """A gradebook CSV exported from Canvas, back with the course's scores filled in by
    `canvas.fill_export` (every other byte as Canvas wrote it). Raises ValueError with a
    message a teacher can act on: too big, not UTF-8 text, not a Canvas export, or nothing in
    it that matches this course."""
    if len(data) > MAX_CANVAS_FILE:
        raise ValueError("This file is larger than 5 MB; a Canvas gradebook export is smaller.")
    export = "upload the file Canvas gives you under Grades › Export › Export entire gradebook"
    try:
        text = data.decode("utf-8")  # a byte-order mark stays in the text, and goes back out
    except UnicodeDecodeError:
        raise ValueError(
            f"This file is not UTF-8 text, as Canvas's export is: {export}, as it is (not "
            "saved again from a spreadsheet)."
        ) from None
    if "\x00" in text:
        raise ValueError(f"This is not a CSV file: {export}.")
    book = gradebook_of(course)
    out = io.StringIO(newline="")
    try:
        report = canvas.fill_export(io.StringIO(text, newline=""), book, out)
    except ValueError as error:
        raise ValueError(f"{error} Please {export}.") from None
    filled = CanvasFill(data=out.getvalue().encode("utf-8"), report=report, columns=book.columns)
    if not filled.matched_columns:
        raise ValueError(
            "No assignment column in this file is one of this course's quizzes. In the admin, "
            "give each quiz its Canvas assignment id (the number in “Quiz title (12345)” in the "
            "file's first row), then upload the file again."
        )
    if not report.matched_students:
        raise ValueError(
            "No student in this file is a student of this course: students are matched by "
            "Canvas ID, SIS user ID or SIS login ID. Check that the file is this course's "
            "export and that the students' ids are set in their enrolments."
        )
    return filled
