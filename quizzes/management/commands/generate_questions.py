from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.models import Source
from quizzes.models import Question
from quizzes.services import generate_drafts


class Command(BaseCommand):
    help = (
        "Propose draft quiz questions (fill in the blank, multiple choice, numeric) from the "
        "sources' cleaned texts, by rules: no network, no model. Each draft cites the sentence "
        "it was made from and stays a draft until a teacher publishes it. The same seed gives "
        "the same drafts; drafts that already exist are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="A source's slug; repeat for several (default: every source).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="At most this many new drafts per source (default: no limit).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Picks distractors and where the right choice goes (default: 1).",
        )

    def handle(
        self, *args: Any, slugs: list[str] | None, limit: int | None, seed: int, **options: Any
    ) -> None:
        # The texts as received are not needed: only the cleaned ones.
        known = {source.slug: source for source in Source.objects.defer("raw_text")}
        if not known:
            raise CommandError(
                "There are no sources in the database. Run `manage.py build_course` first."
            )
        unknown = [slug for slug in slugs or [] if slug not in known]
        if unknown:
            raise CommandError(
                f"Unknown source {', '.join(repr(slug) for slug in unknown)}. Use one of: "
                f"{', '.join(known)} (or leave out --source to use them all)."
            )
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more; leave it out for no limit.")
        chosen = [known[slug] for slug in dict.fromkeys(slugs)] if slugs else list(known.values())
        self.stdout.write(f"Proposing drafts from {len(chosen)} source(s) with seed {seed} …")
        questions = generate_drafts(
            sources=chosen, limit=limit, seed=seed, distractor_pool=list(known.values())
        )
        for source in chosen:
            mine = [
                q for q in questions if q.key.startswith(f"gen-{source.slug}-{q.generator_rule}-")
            ]
            self.stdout.write(f"  {source.slug}: {len(mine)} new drafts")
            for (rule, kind), count in sorted(
                Counter((q.generator_rule, q.kind) for q in mine).items()
            ):
                self.stdout.write(f"    {rule} ({kind}): {count}")
        kinds = Counter(question.kind for question in questions)
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        if not questions:
            self.stdout.write("No new drafts: every draft these sources give already exists.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved {len(questions)} drafts ({by_kind}). They are not published: review "
                f"them in the admin (origin “{Question.Origin.GENERATED.label}”) and publish "
                "the good ones."
            )
        )
