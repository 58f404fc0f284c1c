from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from courseware.models import Course
from quizzes.gradebook import FORMATS, canvas_notes, course_book, export_grades


class Command(BaseCommand):
    help = "Write a course's grades in a format an LMS imports (the same numbers as the gradebook)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", required=True, help="Course slug.")
        parser.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt")
        parser.add_argument(
            "--output", default="-", help="File to write, or - for standard output."
        )

    def handle(self, *args: Any, course: str, fmt: str, output: str, **options: Any) -> None:
        found = Course.objects.filter(slug=course).first()
        if found is None:
            slugs = ", ".join(Course.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No course {course!r}; courses: {slugs}.")
        binary = FORMATS[fmt][1] == "zip"
        if output == "-":
            if binary:
                raise CommandError(
                    _("The %(format)s export is a zip file: give --output PATH.") % {"format": fmt}
                )
            # self.stdout is Django's OutputWrapper: a text stream, though not typing's TextIO.
            export_grades(course=found, fmt=fmt, out=cast(TextIO, self.stdout))
            return
        path = Path(output)
        with path.open("wb") if binary else path.open("w", newline="", encoding="utf-8") as out:
            export_grades(course=found, fmt=fmt, out=out)
        self.stderr.write(f"Wrote {fmt} grades for {found.title} to {path}.")
        if fmt == "canvas":
            # Before the teacher imports: titles Canvas misreads, columns it would create.
            for line in canvas_notes(course_book(found).columns).lines:
                self.stderr.write(f"Canvas: {line}")
