from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.models import Source
from courseware.services import import_source


class Command(BaseCommand):
    help = (
        "Add a plain-text (UTF-8) document as a new source: it is cleaned, split into passages "
        "and can then be cited and used in readings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .txt file to import.")
        parser.add_argument("--slug", required=True, help="Short stable id, e.g. ap-guns-2026.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--author", default="")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--published", default="", help="YYYY, YYYY-MM or YYYY-MM-DD.")
        parser.add_argument("--kind", default=Source.Kind.OTHER, choices=Source.Kind.values)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file; give the path of a plain-text document.")
        try:
            source = import_source(
                slug=options["slug"],
                title=options["title"],
                data=path.read_bytes(),
                author=options["author"],
                publisher=options["publisher"],
                published=options["published"],
                kind=options["kind"],
            )
        except ValidationError as error:
            lines = [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Not imported.\n" + "\n".join(lines)) from error
        passages = source.passages.all()
        self.stdout.write(
            f"Cleaned text: {len(source.text)} characters, {source.word_count} words."
        )
        self.stdout.write(f"Removed lines: {len(source.removed_lines)}")
        for line in source.removed_lines:
            self.stdout.write(f"  line {line['line_no']}: {line['text']!r} ({line['reason']})")
        self.stdout.write(f"Passages: {len(passages)}")
        for passage in passages:
            self.stdout.write(f"  ¶{passage.position} [{passage.kind}] {passage.text[:70]}")
        self.stdout.write(self.style.SUCCESS(f"Imported source {source.slug!r}."))
