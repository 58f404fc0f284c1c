from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.pack import PackError
from quizzes.services import build_pack


class Command(BaseCommand):
    help = (
        "Load the course pack (sources, passages, objectives, readings, questions, quizzes) from "
        "seeds/ into the database. Idempotent: running it again updates rows in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seeds",
            type=Path,
            default=settings.SEEDS_DIR,
            help="The pack's folder (default: seeds/).",
        )

    def handle(self, *args: Any, seeds: Path, **options: Any) -> None:
        self.stdout.write(f"Building the course from {seeds} …")
        try:
            summary, questions, quizzes = build_pack(seeds_dir=seeds, log=self.stdout.write)
        except PackError as error:
            raise CommandError(
                f"{error}\nNothing was changed; fix the pack and run build_course again."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(f"Built: {summary} {questions} questions, {quizzes} quizzes.")
        )
