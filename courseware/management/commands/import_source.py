from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.ingest import Block, RemovedLine, count_words
from courseware.models import Source
from courseware.services import import_source, plan_source_import


class Command(BaseCommand):
    help = (
        "Add a plain-text (UTF-8) document as a new source: it is cleaned, split into passages "
        "and can then be cited and used in readings. Cleaning is the course pack's: general "
        "rules, plus the source's own rules from --rules (a TOML file with the keys of a "
        "pack's [source.clean] table). --dry-run shows what would be removed and the passages "
        "without saving anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .txt file to import.")
        parser.add_argument("--slug", required=True, help="Short stable id, e.g. ap-guns-2026.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--author", default="")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--published", default="", help="YYYY, YYYY-MM or YYYY-MM-DD.")
        parser.add_argument("--kind", default=Source.Kind.OTHER, choices=Source.Kind.values)
        parser.add_argument(
            "--rules",
            type=Path,
            help="A TOML file of cleaning rules: drop_lines, keep_lines, cut_from, cut_until, "
            "unwrap, headings, not_headings (see docs/course-pack.md).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the cleaning and passages; save nothing."
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file; give the path of a plain-text document.")
        rules = _rules(options["rules"])
        try:
            if options["dry_run"]:
                document = plan_source_import(data=path.read_bytes(), clean_rules=rules)
                self._report(document.text, document.removed, document.blocks)
                self.stdout.write("Dry run: nothing was saved.")
                return
            source = import_source(
                slug=options["slug"],
                title=options["title"],
                data=path.read_bytes(),
                author=options["author"],
                publisher=options["publisher"],
                published=options["published"],
                kind=options["kind"],
                clean_rules=rules,
            )
        except ValidationError as error:
            lines = [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Not imported.\n" + "\n".join(lines)) from error
        removed = [RemovedLine(**line) for line in source.removed_lines]
        blocks = [Block(p.kind, p.text, p.start, p.end, p.section) for p in source.passages.all()]
        self._report(source.text, removed, blocks)
        self.stdout.write(self.style.SUCCESS(f"Imported source {source.slug!r}."))

    def _report(self, text: str, removed: Sequence[RemovedLine], blocks: Sequence[Block]) -> None:
        self.stdout.write(f"Cleaned text: {len(text)} characters, {count_words(text)} words.")
        self.stdout.write(f"Removed lines: {len(removed)}")
        for line in removed:
            self.stdout.write(f"  line {line.line_no}: {line.text!r} ({line.reason})")
        self.stdout.write(f"Passages: {len(blocks)}")
        for position, block in enumerate(blocks):
            self.stdout.write(f"  ¶{position} [{block.kind}] {block.text[:70]}")


def _rules(path: Path | None) -> dict[str, Any]:
    """The cleaning rules in a TOML file: a bare table, or a pack's [source.clean] one."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CommandError(f"--rules {path}: cannot be read as TOML ({error}).") from error
    clean = data.get("clean", data)
    if not isinstance(clean, dict):
        raise CommandError(f"--rules {path}: expected a table of cleaning rules.")
    return clean
