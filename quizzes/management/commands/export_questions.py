from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courseware.models import Course, Objective, Source
from quizzes.exchange.export import (
    FORMATS,
    PACKAGES,
    ExportResult,
    bank_questions,
    export_package,
    export_questions,
    quiz_questions,
)
from quizzes.models import Question, Quiz

ANY_STATUS = "any"
LABELS = {
    "moodle": "Moodle XML",
    "gift": "GIFT",
    "qti": "a QTI 2.1 package",
    "cc": "a Common Cartridge",
}


class Command(BaseCommand):
    help = (
        "Write questions as Moodle XML or GIFT for an LMS's question bank: a quiz's questions "
        "(--quiz) or the bank's, filtered. Each citation goes into the general feedback with "
        "an absolute link, so give the site's address with --base-url."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiz", help="Quiz slug: its questions, in the quiz's order.")
        parser.add_argument(
            "--course", help="Course slug (needed when several courses exist or share --quiz)."
        )
        parser.add_argument(
            "--status",
            default=Question.Status.PUBLISHED,
            choices=[*Question.Status.values, ANY_STATUS],
            help="Only questions with this status (default: published, what students see).",
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=Question.Kind.values,
            help="Only this type; repeat for several (e.g. to leave ordering out for a Moodle "
            "older than 4.4).",
        )
        parser.add_argument("--source", help="Only questions citing this source (its slug).")
        parser.add_argument("--objective", help="Only questions for this objective (its code).")
        parser.add_argument("--tag", help="Only questions with this tag.")
        parser.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt")
        parser.add_argument(
            "--output", default="-", help="File to write, or - for standard output."
        )
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's address, e.g. https://fuente.example.edu: citation links start "
            "with it.",
        )

    def handle(self, *args: Any, fmt: str, output: str, base_url: str, **options: Any) -> None:
        quiz = self._quiz(options["quiz"], options["course"]) if options["quiz"] else None
        course = quiz.course if quiz is not None else self._course(options["course"])
        self._check_filters(options)
        questions = bank_questions(
            status=None if options["status"] == ANY_STATUS else options["status"],
            kinds=options["kind"] or (),
            source=options["source"],
            objective=options["objective"],
            tag=options["tag"],
        )
        if quiz is not None:
            questions = questions.filter(pk__in=quiz_questions(quiz).values("pk"))
        if not questions.exists():
            raise CommandError(
                "No questions match: check the filters (the default --status is published; "
                f"use --status {ANY_STATUS} for every status)."
            )
        if fmt in PACKAGES:
            self._package(
                questions, fmt=fmt, output=output, base_url=base_url, course=course, quiz=quiz
            )
            return
        # Written once complete: no half-written file on an error, and Django's stdout
        # wrapper would end every partial write with a newline of its own.
        buffer = io.StringIO()
        try:
            result = export_questions(
                questions=questions,
                fmt=fmt,
                out=buffer,
                base_url=base_url,
                course=course,
                quiz=quiz,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if output == "-":
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            try:
                Path(output).write_text(buffer.getvalue(), encoding="utf-8", newline="\n")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self._report(result, fmt=fmt, output=output)

    def _package(
        self,
        questions: QuerySet[Question],
        *,
        fmt: str,
        output: str,
        base_url: str,
        course: Course,
        quiz: Quiz | None,
    ) -> None:
        if output == "-":
            raise CommandError(_("A zip cannot go to standard output; give --output FILE."))
        buffer = io.BytesIO()
        try:
            result = export_package(
                questions=questions,
                fmt=fmt,
                out=buffer,
                base_url=base_url,
                course=course,
                quiz=quiz,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            Path(output).write_bytes(buffer.getvalue())
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self._report(result, fmt=fmt, output=output)

    def _report(self, result: ExportResult, *, fmt: str, output: str) -> None:
        for skipped in result.skipped:
            self.stderr.write(f"Skipped {skipped.key}: {skipped.reason}")
        for note in result.notes:
            self.stderr.write(f"Note: {note}")
        target = "standard output" if output == "-" else output
        self.stderr.write(
            f"Wrote {result.written} question{'s' if result.written != 1 else ''} as "
            f"{LABELS[fmt]} to {target} ({len(result.skipped)} skipped)."
        )

    def _course(self, slug: str | None) -> Course:
        if slug is not None:
            found = Course.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No course {slug!r}; courses: {_slugs(Course)}.")
            return found
        # Citation links go through a course's pages, so one is needed even for the bank.
        courses = list(Course.objects.all()[:2])
        if len(courses) != 1:
            raise CommandError(
                f"Give --course: citation links open a course's readings (courses: "
                f"{_slugs(Course)})."
            )
        return courses[0]

    def _quiz(self, slug: str, course_slug: str | None) -> Quiz:
        quizzes = Quiz.objects.filter(slug=slug, practice_for__isnull=True).select_related(
            "course", "reading"
        )
        if course_slug is not None:
            quizzes = quizzes.filter(course=self._course(course_slug))
        found = list(quizzes[:2])
        if not found:
            known = Quiz.objects.filter(practice_for__isnull=True)
            if course_slug is not None:
                known = known.filter(course__slug=course_slug)
            slugs = ", ".join(known.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No quiz {slug!r}; quizzes: {slugs}.")
        if len(found) > 1:
            raise CommandError(f"Several courses have a quiz {slug!r}; give --course.")
        return found[0]

    def _check_filters(self, options: dict[str, Any]) -> None:
        if options["source"] and not Source.objects.filter(slug=options["source"]).exists():
            raise CommandError(f"No source {options['source']!r}; sources: {_slugs(Source)}.")
        objective = options["objective"]
        if objective and not Objective.objects.filter(code=objective).exists():
            codes = ", ".join(Objective.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No objective {objective!r}; objectives: {codes}.")


def _slugs(model: type[Course] | type[Source]) -> str:
    return ", ".join(model.objects.order_by("slug").values_list("slug", flat=True)) or "none"
