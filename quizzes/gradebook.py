"""The course gradebook, and the grade exports built from it (one source for both, so the
numbers in an export are the numbers on the gradebook page)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any, BinaryIO, TextIO, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courseware.models import Course, Enrollment, Post
from quizzes.lms import canvas, moodle, oneroster, plain
from quizzes.lms.model import NO_GRADE, Column, Grade, Gradebook, Roster, Student
from quizzes.models import Attempt, GradeOverride, Quiz
from quizzes.scores import kept_score
from quizzes.selectors import possible_points, possible_points_of_quizzes

# Rows fetched per database round trip while streaming: Django's default (2,000) holds two
# batches of enrolments with their users at once, so memory grew with the class up to
# ~4,000 students; 100 keeps it flat (docs/performance.md).
EXPORT_CHUNK = 100
FORMATS = {
    # A zip of Canvas import files, each holding only cells Fuente has a score for (canvas.parts).
    "canvas": ("application/zip", "zip"),
    "moodle": ("text/csv", "csv"),
    "csv": ("text/csv", "csv"),
    "oneroster": ("application/zip", "zip"),  # delta: line items and results
    "oneroster-bulk": ("application/zip", "zip"),  # the complete package
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
    is_active: bool = True  # False: left the course (their grades stay in the book)

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
        .annotate(possible=possible_points_of_quizzes())
        .order_by("position", "slug")
    )
    prompts = list(course.prompts.order_by("position", "slug"))
    prompt_ids = course.canvas_prompt_assignment_ids or {}
    columns = tuple(
        [
            Column(
                key=f"quiz:{q.slug}",
                title=q.title,
                points_possible=q.possible or Decimal(0),
                canvas_assignment_id=q.canvas_assignment_id,
                due=q.closes_at.date() if q.closes_at else None,
                opens=q.opens_at.date() if q.opens_at else None,
            )
            for q in quizzes
        ]
        + [
            Column(
                key=f"prompt:{p.slug}",
                title=f"Discussion: {p.title}",
                points_possible=p.points,
                canvas_assignment_id=str(prompt_ids.get(p.slug, "")),
            )
            for p in prompts
        ]
    )
    methods = {q.pk: (f"quiz:{q.slug}", q.grading_method) for q in quizzes}
    prompt_keys = {p.pk: f"prompt:{p.slug}" for p in prompts}
    return CourseBook(course=course, columns=columns, rows=_rows(course, methods, prompt_keys))


def _rows(
    course: Course, methods: dict[int, tuple[str, str]], prompt_keys: dict[int, str]
) -> Iterator[Row]:
    """The book's rows, student by student; its four queries run when the first row is asked
    for. `methods` maps a quiz's id to its column key and grading method; `prompt_keys` a
    prompt's id to its column key."""
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
        cells = _quiz_cells(attempts.take(user.pk), overrides.take(user.pk), methods)
        for _author, prompt_id, score, comment, post_id in posts.take(user.pk):
            key = prompt_keys[prompt_id]
            if key not in cells:
                grade = Grade(score=score, feedback=comment) if score is not None else NO_GRADE
                cells[key] = Cell(grade=grade, post_id=post_id)
        yield Row(
            user_id=user.pk,
            student=_student(enrollment),
            cells=cells,
            is_active=enrollment.is_active,
        )


def _quiz_cells(
    attempts: list[tuple[Any, ...]],
    overrides: list[tuple[Any, ...]],
    methods: dict[int, tuple[str, str]],
) -> dict[str, Cell]:
    """One student's quiz cells, from their submitted attempts' points (in attempt order) and
    their overrides (newest first), by column key; a quiz with neither has no cell."""
    points: dict[int, list[Decimal]] = {}
    for _student, quiz_id, value in attempts:
        points.setdefault(quiz_id, []).append(value)
    in_force: dict[int, Decimal | None] = {}
    for _student, quiz_id, value in overrides:
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
    return cells


def _student(enrollment: Enrollment) -> Student:
    """The student of an enrolment as the LMS writers take them."""
    user = enrollment.user
    name = f"{user.last_name}, {user.first_name}" if user.last_name else user.get_username()
    return Student(
        name=name,
        username=user.get_username(),
        email=user.email,
        sis_user_id=enrollment.sis_user_id,
        sis_login_id=enrollment.sis_login_id,
        canvas_user_id=enrollment.canvas_user_id,
        section=enrollment.section,
        sourced_id=enrollment.oneroster_sourced_id,
        given_name=user.first_name,
        family_name=user.last_name,
    )


def gradebook_of(course: Course) -> Gradebook:
    """The course's gradebook as the LMS writers take it: the page's grades, row by row."""
    book = course_book(course)
    return Gradebook(
        course_title=course.title,
        course_id=course.slug,
        columns=book.columns,
        rows=((row.student, row.grades) for row in book.rows),
        roster=Roster(
            class_id=course.oneroster_class_id,
            school_id=course.oneroster_school_id,
            category_id=course.oneroster_category_id,
            grading_period_id=course.oneroster_grading_period_id,
            period_starts=course.grading_period_starts_on,
            period_ends=course.grading_period_ends_on,
        ),
    )


@transaction.atomic
def freeze_sourced_ids(*, course: Course) -> int:
    """Give each student enrolment without one its OneRoster user sourcedId, once: the SIS user
    id it has now, else the one the student already has in another course, else
    "fuente-user-<user id>". Never changed afterwards (an SIS id added later is not taken up),
    so a later package updates the student's results instead of adding new ones. Returns how
    many were set."""
    blank = list(
        Enrollment.objects.select_for_update()
        .filter(course=course, role=Enrollment.Role.STUDENT, oneroster_sourced_id="")
        .order_by("pk")
    )
    if not blank:
        return 0
    known = dict(
        Enrollment.objects.filter(user_id__in=[e.user_id for e in blank])
        .exclude(oneroster_sourced_id="")
        .order_by("pk")
        .values_list("user_id", "oneroster_sourced_id")
    )
    for enrollment in blank:
        enrollment.oneroster_sourced_id = (
            enrollment.sis_user_id
            or known.get(enrollment.user_id)
            or f"fuente-user-{enrollment.user_id}"
        )
    Enrollment.objects.bulk_update(blank, ["oneroster_sourced_id"], batch_size=500)
    return len(blank)


@dataclass(frozen=True)
class CanvasNotes:
    """What a teacher should know before importing a fresh Canvas export."""

    warnings: list[str]  # titles Canvas would misread
    new_columns: list[Column]  # columns Canvas would match by title or create as new

    @property
    def lines(self) -> list[str]:
        lines = list(self.warnings)
        for column in self.new_columns:
            lines.append(
                _(
                    "“%(title)s” has no Canvas assignment id: Canvas will match an assignment "
                    "with exactly this title, or create a new one."
                )
                % {"title": column.title}
            )
        return lines


def canvas_notes(columns: tuple[Column, ...]) -> CanvasNotes:
    warnings = []
    for column, kind in canvas.title_warnings(columns):
        if kind == canvas.COMPUTED_TITLE:
            message = _("“%(title)s”: Canvas drops columns named like its computed totals.")
        else:
            message = _(
                "“%(title)s”: Canvas reads the number in parentheses at the end as an "
                "assignment id."
            )
        warnings.append(message % {"title": canvas.column_header(column)})
    return CanvasNotes(warnings=warnings, new_columns=canvas.new_assignment_columns(columns))


class UnknownColumn(ValueError):
    pass


CANVAS_ID = re.compile(r"[0-9]{1,20}")


@transaction.atomic
def set_canvas_assignment_id(*, course: Course, key: str, value: str) -> None:
    """Set (or, with "", clear) the Canvas assignment id of one gradebook column: a quiz's on the
    quiz, a discussion prompt's on the course (prompts are shared by courses). Raises
    ValueError with a message a teacher can act on."""
    value = value.strip()
    if value and not CANVAS_ID.fullmatch(value):
        raise ValueError(
            _(
                "A Canvas assignment id is the number in the assignment's address "
                "(…/assignments/12345) or in “Title (12345)” in a Canvas export: digits only, "
                "not %(value)s."
            )
            % {"value": repr(value[:40])}
        )
    kind, slug = split_key(key)
    if kind == "quiz":
        quiz = Quiz.objects.filter(
            course=course, slug=slug, is_published=True, practice_for__isnull=True
        ).first()
        if quiz is not None:
            quiz.canvas_assignment_id = value
            quiz.save(update_fields=["canvas_assignment_id"])
            return
    elif kind == "prompt" and course.prompts.filter(slug=slug).exists():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        ids = dict(locked.canvas_prompt_assignment_ids or {})
        if value:
            ids[slug] = value
        else:
            ids.pop(slug, None)
        locked.canvas_prompt_assignment_ids = ids
        locked.save(update_fields=["canvas_prompt_assignment_ids"])
        return
    raise UnknownColumn(
        _("This course's gradebook has no column %(key)s.") % {"key": repr(key[:100])}
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


def grade_detail(quiz: Quiz, student: User) -> GradeDetail:
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
        possible=possible_points(quiz),
        override=in_force,
        history=history[::-1],
    )


def export_grades(*, course: Course, fmt: str, out: IO[Any], now: datetime | None = None) -> None:
    """Write the course's gradebook in an LMS format to `out` (text for the CSV formats, binary
    for the zips; a OneRoster export first stores each new student's sourcedId,
    `freeze_sourced_ids`). The one path for the gradebook page's downloads and the command."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if fmt.startswith("oneroster"):
        freeze_sourced_ids(course=course)
    gradebook = gradebook_of(course)
    # The caller opened `out` as FORMATS says: text for the CSV formats, binary for the zip.
    text, binary = cast(TextIO, out), cast(BinaryIO, out)
    if fmt == "canvas":
        canvas.write_zip(gradebook, binary)
    elif fmt == "moodle":
        moodle.write_csv(gradebook, text)
    elif fmt == "csv":
        plain.write_csv(gradebook, text)
    else:
        mode: oneroster.Mode = "bulk" if fmt == "oneroster-bulk" else "delta"
        oneroster.write_zip(gradebook, binary, now or timezone.now(), mode=mode)


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
        students = ngettext("%(count)s student", "%(count)s students", r.matched_students) % {
            "count": r.matched_students
        }
        columns = ngettext("%(count)s column", "%(count)s columns", len(self.matched_columns)) % {
            "count": len(self.matched_columns)
        }
        scores = ngettext("%(count)s score filled in", "%(count)s scores filled in", r.filled) % {
            "count": r.filled
        }
        parts = [
            _(
                "Matched %(students)s and %(columns)s (%(titles)s): %(scores)s, "
                "%(unchanged)s already up to date"
            )
            % {
                "students": students,
                "columns": columns,
                "titles": titles,
                "scores": scores,
                "unchanged": r.unchanged,
            }
        ]
        if r.kept:
            parts.append(
                ngettext(
                    "%(count)s excused or not-assigned cell left alone",
                    "%(count)s excused or not-assigned cells left alone",
                    r.kept,
                )
                % {"count": r.kept}
            )
        if r.unmatched_canvas_rows:
            count = len(r.unmatched_canvas_rows)
            parts.append(
                ngettext(
                    "%(count)s Canvas row not in Fuente: %(names)s",
                    "%(count)s Canvas rows not in Fuente: %(names)s",
                    count,
                )
                % {"count": count, "names": _some(list(r.unmatched_canvas_rows))}
            )
        if r.unmatched_students:
            count = len(r.unmatched_students)
            parts.append(
                ngettext(
                    "%(count)s Fuente student not in the file: %(names)s",
                    "%(count)s Fuente students not in the file: %(names)s",
                    count,
                )
                % {"count": count, "names": _some([s.name for s in r.unmatched_students])}
            )
        return "; ".join(parts) + "."


def _some(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return _("%(names)s and %(more)s more") % {
        "names": ", ".join(names[:shown]),
        "more": len(names) - shown,
    }


def fill_canvas_export(course: Course, data: bytes) -> CanvasFill:
    """A gradebook CSV exported from Canvas, back with the course's scores filled in by
    `canvas.fill_export` (every other byte as Canvas wrote it). Raises ValueError with a
    message a teacher can act on: too big, not UTF-8 text, not a Canvas export, or nothing in
    it that matches this course."""
    if len(data) > MAX_CANVAS_FILE:
        raise ValueError(_("This file is larger than 5 MB; a Canvas gradebook export is smaller."))
    export = _("upload the file Canvas gives you under Grades › Export › Export entire gradebook")
    try:
        text = data.decode("utf-8")  # a byte-order mark stays in the text, and goes back out
    except UnicodeDecodeError:
        raise ValueError(
            _(
                "This file is not UTF-8 text, as Canvas's export is: %(export)s, as it is (not "
                "saved again from a spreadsheet)."
            )
            % {"export": export}
        ) from None
    if "\x00" in text:
        raise ValueError(_("This is not a CSV file: %(export)s.") % {"export": export})
    book = gradebook_of(course)
    out = io.StringIO(newline="")
    try:
        report = canvas.fill_export(io.StringIO(text, newline=""), book, out)
    except ValueError as error:
        raise ValueError(
            _("%(error)s Please %(export)s.") % {"error": error, "export": export}
        ) from None
    filled = CanvasFill(data=out.getvalue().encode("utf-8"), report=report, columns=book.columns)
    if not filled.matched_columns:
        raise ValueError(
            _(
                "No assignment column in this file is one of this course's quizzes. In the "
                "admin, give each quiz its Canvas assignment id (the number in “Quiz title "
                "(12345)” in the file's first row), then upload the file again."
            )
        )
    if not report.matched_students:
        raise ValueError(
            _(
                "No student in this file is a student of this course: students are matched by "
                "Canvas ID, SIS user ID or SIS login ID. Check that the file is this course's "
                "export and that the students' ids are set in their enrolments."
            )
        )
    return filled
