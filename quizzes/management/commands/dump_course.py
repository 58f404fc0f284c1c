from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.models import Course
from quizzes.dump import dump_pack


class Command(BaseCommand):
    help = (
        "Write a course's content as it is in the database (including edits made in the admin) "
        "as a course pack: sources, readings, notes, prompts, timeline, questions, quizzes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", default="", help="Course slug (default: the only course).")
        parser.add_argument(
            "--output", type=Path, required=True, help="Folder to write the pack into."
        )

    def handle(self, *args: Any, course: str, output: Path, **options: Any) -> None:
        courses = Course.objects.filter(slug=course) if course else Course.objects.all()
        if courses.count() != 1:
            slugs = ", ".join(Course.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Name the course to dump with --course (courses: {slugs}).")
        if output.exists() and any(output.iterdir()):
            raise CommandError(
                f"{output} is not empty; give a new folder so nothing is overwritten."
            )
        written = dump_pack(course=courses.get(), output=output)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {output}."))
