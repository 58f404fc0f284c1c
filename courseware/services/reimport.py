"""Re-importing a source: plan where every passage, reading and citation goes, then apply it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courseware.ingest import CleanRules, Document, SourceFileError, ingest
from courseware.models import Passage, Quote, Reading, ReadingPassage, Source
from courseware.reimport import (
    BROKEN,
    EDITED,
    Relocation,
    Span,
    match_passages,
    relocate,
    remap_reading,
)
from courseware.services.pack import source_text
from courseware.services.reading import measure_readings


def quote_models() -> list[type[Quote]]:
    """Every concrete citation model of every app (courseware cannot import the others)."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Quote)), key=lambda m: m._meta.label
    )


def _owner_lookups(model: type[Quote]) -> list[str]:
    """select_related paths to a citation's owner and the owner's own required parents, so
    listing citations by owner costs no query per row."""
    lookups = []
    for field in model._meta.fields:
        if field.many_to_one and field.name != "source":
            lookups.append(field.name)
            lookups.extend(
                f"{field.name}__{parent.name}"
                for parent in field.related_model._meta.fields  # type: ignore[union-attr]
                if parent.many_to_one and not parent.null
            )
    return lookups


@dataclass(frozen=True)
class CitationChange:
    quote: Quote
    relocation: Relocation
    is_protected: bool = False  # broken, and its owner says it must not be deleted

    @property
    def status(self) -> str:
        return self.relocation.status

    @property
    def is_blocking(self) -> bool:
        return self.status == BROKEN and self.is_protected


@dataclass(frozen=True)
class ReadingChange:
    """A reading that reads the source, and what the re-import does to its passages."""

    reading: Reading
    rows: list[ReadingPassage]
    passages: list[tuple[str, int]]  # courseware.reimport.remap_reading's answer
    removed: int
    added: int
    edited: int

    def __str__(self) -> str:
        parts = [
            ngettext("%(n)d passage removed", "%(n)d passages removed", self.removed),
            ngettext("%(n)d passage added", "%(n)d passages added", self.added),
            ngettext("%(n)d passage edited", "%(n)d passages edited", self.edited),
        ]
        counts = (self.removed, self.added, self.edited)
        return ", ".join(part % {"n": n} for part, n in zip(parts, counts, strict=True) if n)


@dataclass(frozen=True)
class ReimportPlan:
    """What re-importing a source's text would change; `reimport_source` applies it."""

    source: Source
    raw: bytes
    document: Document
    old_passages: list[Passage]
    mapping: dict[int, int]  # index among the old passages → index among the new ones
    citations: list[CitationChange]
    readings: list[ReadingChange]

    @property
    def is_same_file(self) -> bool:
        return hashlib.sha256(self.raw).hexdigest() == self.source.raw_sha256

    def with_status(self, status: str) -> list[CitationChange]:
        return [c for c in self.citations if c.status == status]

    @property
    def blocking(self) -> list[CitationChange]:
        return [c for c in self.citations if c.is_blocking]

    @property
    def passages_removed(self) -> list[Passage]:
        return [p for i, p in enumerate(self.old_passages) if i not in self.mapping]

    @property
    def passages_added(self) -> int:
        return len(self.document.blocks) - len(self.mapping)

    @property
    def passages_edited(self) -> int:
        blocks = self.document.blocks
        return sum(
            1 for i, j in self.mapping.items() if self.old_passages[i].text != blocks[j].text
        )


def plan_source_reimport(*, source: Source, data: bytes) -> ReimportPlan:
    """Clean the new text with the source's rules and work out, without writing anything,
    where every passage, reading and citation of the source would go.

    Raises ValidationError for a file that is not plain UTF-8 text.
    """
    try:
        document = ingest(source_text(data), CleanRules.from_mapping(source.clean_rules or {}))
    except SourceFileError as error:
        raise ValidationError(str(error)) from error
    except ValueError as error:  # the stored cleaning rules no longer parse
        raise ValidationError(
            _("The source’s cleaning rules are invalid: %(error)s") % {"error": error}
        ) from error
    old = list(source.passages.order_by("position"))
    mapping = match_passages([p.text for p in old], [b.text for b in document.blocks])
    citations = _plan_citations(source, old, document, mapping)
    readings = _plan_readings(source, old, document, mapping)
    return ReimportPlan(source, data, document, old, mapping, citations, readings)


def _plan_citations(
    source: Source, old: list[Passage], document: Document, mapping: dict[int, int]
) -> list[CitationChange]:
    """Where every citation of the source, of every citation model, would go."""
    old_spans = [Span(p.start, p.end, p.text) for p in old]
    new_spans = [Span(b.start, b.end, b.text) for b in document.blocks]
    citations: list[CitationChange] = []
    for model in quote_models():
        rows = list(
            model._default_manager.filter(source=source)
            .select_related(*_owner_lookups(model))
            .order_by("pk")
        )
        placed = [
            (
                row,
                relocate(
                    exact=row.exact,
                    prefix=row.prefix,
                    suffix=row.suffix,
                    start=row.start,
                    end=row.end,
                    old_passages=old_spans,
                    new_text=document.text,
                    new_passages=new_spans,
                    mapping=mapping,
                ),
            )
            for row in rows
        ]
        broken = [row.pk for row, where in placed if where.status == BROKEN]
        protected = (
            set(
                model.protected_when_broken(
                    model._default_manager.filter(pk__in=broken)
                ).values_list("pk", flat=True)
            )
            if broken
            else set()
        )
        citations.extend(CitationChange(row, where, row.pk in protected) for row, where in placed)
    return citations


def _plan_readings(
    source: Source, old: list[Passage], document: Document, mapping: dict[int, int]
) -> list[ReadingChange]:
    """The readings of the source whose passages the re-import would change, and how."""
    index = {p.pk: i for i, p in enumerate(old)}
    added = set(range(len(document.blocks))) - set(mapping.values())
    readings = []
    for reading in (
        Reading.objects.filter(reading_passages__passage__source=source)
        .distinct()
        .prefetch_related("reading_passages__passage")
    ):
        rows = list(reading.reading_passages.all())
        items = [index.get(row.passage_id) for row in rows]
        passages = remap_reading(items, mapping, added)
        mine = [i for i in items if i is not None]
        change = ReadingChange(
            reading=reading,
            rows=rows,
            passages=passages,
            removed=sum(1 for i in mine if i not in mapping),
            added=sum(1 for kind, _ in passages if kind == "add"),
            edited=sum(
                1 for i in mine if i in mapping and old[i].text != document.blocks[mapping[i]].text
            ),
        )
        if change.removed or change.added or change.edited:
            readings.append(change)
    return readings


@dataclass(frozen=True)
class ReimportResult:
    plan: ReimportPlan
    sent_back: list[Any]  # what the citations' owners sent back for review (questions…)


@transaction.atomic
def reimport_source(*, source: Source, data: bytes) -> ReimportResult:
    """Replace a source's text with a new version of it, keeping every citation valid.

    Passages are matched by text, so readings keep their passages (added ones that fall inside
    a stretch a reading reads whole join it). Citations that moved get their new offsets;
    citations that broke, or whose passage was edited, are handed to their model's
    `on_source_changed` (questions go back to draft), and the broken ones are deleted. If a
    citation that must not be deleted (`protected_when_broken`: a discussion post's evidence, a
    prompt's perspective, an answered question…) would break, nothing changes: ValidationError.
    """
    source = Source.objects.select_for_update().get(pk=source.pk)
    plan = plan_source_reimport(source=source, data=data)
    if plan.blocking:
        raise ValidationError(
            ngettext(
                "%(n)d citation would no longer anchor in the new text and cannot be deleted; "
                "fix it first, or keep the words it quotes.",
                "%(n)d citations would no longer anchor in the new text and cannot be deleted; "
                "fix them first, or keep the words they quote.",
                len(plan.blocking),
            )
            % {"n": len(plan.blocking)}
        )
    if plan.is_same_file:
        return ReimportResult(plan, [])
    document = plan.document
    source.raw_sha256 = hashlib.sha256(data).hexdigest()
    source.raw_text = data.decode("utf-8-sig")
    source.text = document.text
    source.removed_lines = [
        {"line_no": r.line_no, "text": r.text, "reason": r.reason} for r in document.removed
    ]
    source.save(update_fields=["raw_sha256", "raw_text", "text", "removed_lines", "updated_at"])
    _write_reimported_passages(plan)
    measure_readings(readings=Reading.objects.filter(reading_passages__passage__source=source))

    sent_back: list[Any] = []
    for model in quote_models():
        changes = [c for c in plan.citations if type(c.quote) is model]
        span_fields = ["start", "end", "exact", "prefix", "suffix"]
        moved = []
        for change in changes:
            where, quote = change.relocation, change.quote
            new = {key: getattr(where, key) for key in span_fields}
            if where.status != BROKEN and any(getattr(quote, k) != v for k, v in new.items()):
                # A fresh row object: the plan's keeps the old place for the report.
                fresh = model(**new)
                fresh.pk = quote.pk
                moved.append(fresh)
        model._default_manager.bulk_update(moved, span_fields)
        review = [c.quote.pk for c in changes if c.status in (BROKEN, EDITED)]
        if review:
            sent_back.extend(model.on_source_changed(model._default_manager.filter(pk__in=review)))
        model._default_manager.filter(
            pk__in=[c.quote.pk for c in changes if c.status == BROKEN]
        ).delete()
    return ReimportResult(plan, sent_back)


def _write_reimported_passages(plan: ReimportPlan) -> None:
    old, blocks, mapping = plan.old_passages, plan.document.blocks, plan.mapping
    fields = ["position", "kind", "section", "text", "start", "end"]

    def values(j: int) -> dict[str, Any]:
        block = blocks[j]
        return {
            "position": j,
            "kind": block.kind,
            "section": block.section[:300],
            "text": block.text,
            "start": block.start,
            "end": block.end,
        }

    if len(old) == len(blocks) == len(mapping) and all(
        all(getattr(old[i], k) == v for k, v in values(j).items()) for i, j in mapping.items()
    ):
        return
    # Out of the way first, so that no two rows ever share a position (a unique constraint).
    plan.source.passages.update(position=F("position") + len(old) + len(blocks))
    Passage.objects.filter(pk__in=[p.pk for p in plan.passages_removed]).delete()
    # Fresh row objects: the plan's keep the old text for the report.
    kept = [Passage(pk=old[i].pk, source=plan.source, **values(j)) for i, j in mapping.items()]
    Passage.objects.bulk_update(kept, fields)
    created = {
        j: Passage(source=plan.source, **values(j))
        for j in range(len(blocks))
        if j not in set(mapping.values())
    }
    Passage.objects.bulk_create(created.values())
    for change in plan.readings:
        ids = [
            change.rows[value].passage_id if kind == "keep" else created[value].pk
            for kind, value in change.passages
        ]
        ReadingPassage.objects.filter(reading=change.reading).delete()
        ReadingPassage.objects.bulk_create(
            ReadingPassage(reading=change.reading, passage_id=pk, position=i)
            for i, pk in enumerate(ids)
        )
