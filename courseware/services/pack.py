"""Building the course pack into the database, and adding one source through the same pipeline."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from courseware.ingest import CleanRules, Document, SourceFileError, decode, ingest
from courseware.models import (
    Course,
    EventCitation,
    NoteCitation,
    Objective,
    Passage,
    Perspective,
    PerspectiveCitation,
    Prompt,
    Quote,
    Reading,
    ReadingNote,
    ReadingPassage,
    Source,
    TimelineEvent,
    TimelinePeriod,
    published_validator,
)
from courseware.pack import (
    PROMPTS_FILE,
    READINGS_FILE,
    SOURCES_FILE,
    TIMELINE_FILE,
    CitationSpec,
    NoteSpec,
    Pack,
    PackError,
    load_pack,
    part_blocks,
)
from courseware.services.citations import anchor_citations
from courseware.services.reading import measure_readings


@dataclass(frozen=True)
class BuildSummary:
    sources: int
    passages: int
    removed_lines: int
    objectives: int
    readings: int
    course: str

    def __str__(self) -> str:
        return (
            f"{self.sources} sources, {self.passages} passages, {self.removed_lines} removed "
            f"lines, {self.objectives} objectives, {self.readings} readings in course "
            f"{self.course!r}."
        )


def source_text(data: bytes) -> str:
    """The text of a source's bytes, however it comes in (pack, command, admin, re-import).

    Raises SourceFileError for more than settings.SOURCE_MAX_BYTES, or for bytes that are not
    plain UTF-8 text (courseware.ingest.decode says why).
    """
    limit = settings.SOURCE_MAX_BYTES
    if len(data) > limit:
        raise SourceFileError(
            _(
                "The text is %(size)s, more than the %(limit)s a source may have. Split it "
                "into several sources, or ask an administrator to raise SOURCE_MAX_BYTES."
            )
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    return decode(data)


def _write_source(
    source: Source, *, raw: bytes, document: Document, rules_data: dict[str, Any]
) -> Source:
    """Store a source's text and passages, changing only the rows that differ."""
    source.raw_sha256 = hashlib.sha256(raw).hexdigest()
    source.raw_text = raw.decode("utf-8-sig")
    source.clean_rules = rules_data
    source.text = document.text
    source.removed_lines = [
        {"line_no": r.line_no, "text": r.text, "reason": r.reason} for r in document.removed
    ]
    source.full_clean()
    source.save()

    existing = {p.position: p for p in source.passages.all()}
    changed, created = [], []
    for position, block in enumerate(document.blocks):
        values = {
            "kind": block.kind,
            "section": block.section[:300],
            "text": block.text,
            "start": block.start,
            "end": block.end,
        }
        passage = existing.pop(position, None)
        if passage is None:
            created.append(Passage(source=source, position=position, **values))
        elif any(getattr(passage, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(passage, key, value)
            changed.append(passage)
    Passage.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    Passage.objects.bulk_update(changed, ["kind", "section", "text", "start", "end"])
    Passage.objects.bulk_create(created)
    return source


def _write_citations(
    model: type[Quote],
    owner: dict[str, Any],
    specs: tuple[CitationSpec, ...],
    sources: dict[str, Source],
    file: str,
    where: str,
) -> None:
    """Anchor each citation of a pack item and store it; a quote that does not anchor stops the
    build with the file, the item and the nearest text."""
    for number, fields in enumerate(anchor_citations(specs, sources, file, where)):
        model._default_manager.create(position=number, **owner, **fields)


def _write_notes(reading: Reading, notes: tuple[NoteSpec, ...], sources: dict[str, Source]) -> None:
    reading.notes.all().delete()
    for position, spec in enumerate(notes):
        note = ReadingNote.objects.create(
            reading=reading,
            position=position,
            title=spec.title,
            text=spec.text,
            translations=spec.translations,
        )
        where = f"reading {reading.slug!r}, note {position + 1}"
        _write_citations(
            NoteCitation, {"note": note}, spec.citations, sources, READINGS_FILE, where
        )


def _write_prompts(
    pack: Pack, sources: dict[str, Source], objectives: dict[str, Objective]
) -> list[Prompt]:
    prompts = []
    for position, spec in enumerate(pack.prompts):
        prompt, _ = Prompt.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "question": spec.question,
                "context": spec.context,
                "guiding_questions": list(spec.guiding_questions),
                "position": position,
                "translations": spec.translations,
            },
        )
        prompt.objectives.set([objectives[code] for code in spec.objectives])
        prompt.perspectives.all().delete()
        for number, view in enumerate(spec.perspectives):
            perspective = Perspective.objects.create(
                prompt=prompt,
                position=number,
                label=view.label,
                summary=view.summary,
                translations=view.translations,
            )
            where = f"prompt {spec.slug!r}, perspective {number + 1}"
            _write_citations(
                PerspectiveCitation,
                {"perspective": perspective},
                view.citations,
                sources,
                PROMPTS_FILE,
                where,
            )
        prompts.append(prompt)
    return prompts


def _write_timeline(pack: Pack, sources: dict[str, Source]) -> None:
    TimelinePeriod.objects.all().delete()
    TimelinePeriod.objects.bulk_create(
        TimelinePeriod(title=p.title, until=p.until, position=i, translations=p.translations)
        for i, p in enumerate(pack.periods)
    )
    for spec in pack.events:
        event, _ = TimelineEvent.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "when": spec.when,
                "sort": spec.sort,
                "title": spec.title,
                "note": spec.note,
                "translations": spec.translations,
            },
        )
        event.citations.all().delete()
        where = f"event {spec.slug!r}"
        _write_citations(
            EventCitation, {"event": event}, spec.citations, sources, TIMELINE_FILE, where
        )


def _write_sources(pack: Pack, log: Callable[[str], None]) -> dict[str, tuple[Source, Document]]:
    """Ingest and store every source of the pack, by slug with its cleaned document."""
    documents: dict[str, tuple[Source, Document]] = {}
    for position, spec in enumerate(pack.sources):
        raw = pack.raw_bytes(spec)
        try:
            document = ingest(source_text(raw), spec.rules)
        except SourceFileError as error:
            raise PackError(SOURCES_FILE, f"source {spec.slug!r}", str(error)) from error
        source, _ = Source.objects.get_or_create(slug=spec.slug, defaults={"title": spec.title})
        for field, value in {
            "title": spec.title,
            "is_title_editorial": spec.title_is_editorial,
            "author": spec.author,
            "publisher": spec.publisher,
            "published": spec.published,
            "kind": spec.kind,
            "url": spec.url,
            "copied_from_url": spec.copied_from,
            "note": spec.note,
            "position": position,
        }.items():
            setattr(source, field, value)
        try:
            _write_source(source, raw=raw, document=document, rules_data=spec.rules_data)
        except ValidationError as error:
            raise PackError(
                SOURCES_FILE, f"source {spec.slug!r}", "; ".join(error.messages)
            ) from error
        documents[spec.slug] = (source, document)
        log(
            f"  source {spec.slug}: {len(document.blocks)} passages, "
            f"{len(document.removed)} lines removed"
        )
    return documents


def _write_readings(
    pack: Pack,
    documents: dict[str, tuple[Source, Document]],
    objectives: dict[str, Objective],
    log: Callable[[str], None],
) -> list[Reading]:
    """Store every reading of the pack: its passages (rewritten only when they change), its
    objectives and its notes."""
    sources = {slug: source for slug, (source, _) in documents.items()}
    readings = []
    for position, spec in enumerate(pack.readings):
        passages: list[Passage] = []
        for number, part in enumerate(spec.parts, start=1):
            source, document = documents[part.source]
            by_position = {p.position: p for p in source.passages.all()}
            blocks = part_blocks(document, part, f"reading {spec.slug!r}, part {number}")
            passages.extend(by_position[i] for i in blocks)
        reading, _ = Reading.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "summary": spec.summary,
                "position": position,
                "translations": spec.translations,
            },
        )
        reading.objectives.set([objectives[code] for code in spec.objectives])
        current = list(reading.reading_passages.values_list("passage_id", flat=True))
        if current != [p.pk for p in passages]:
            reading.reading_passages.all().delete()
            ReadingPassage.objects.bulk_create(
                ReadingPassage(reading=reading, passage=p, position=i)
                for i, p in enumerate(passages)
            )
        _write_notes(reading, spec.notes, sources)
        readings.append(reading)
        log(f"  reading {spec.slug}: {len(passages)} passages, {len(spec.notes)} notes")
    return readings


@transaction.atomic
def build_course(
    *, seeds_dir: Path, log: Callable[[str], None] = lambda line: None
) -> BuildSummary:
    """Load the course pack in `seeds_dir` into the database, idempotently.

    Rows are matched by their stable slugs and codes, so a rebuild updates in place and never
    duplicates. Any error (a changed file, a quote that does not anchor) raises PackError and
    rolls the whole build back.
    """
    pack = load_pack(seeds_dir)
    documents = _write_sources(pack, log)
    for position, objective in enumerate(pack.objectives):
        Objective.objects.update_or_create(
            code=objective.code,
            defaults={
                "title": objective.title,
                "position": position,
                "translations": objective.translations,
            },
        )
    objectives = {o.code: o for o in Objective.objects.all()}
    sources = {slug: source for slug, (source, _) in documents.items()}
    readings = _write_readings(pack, documents, objectives, log)
    measure_readings(readings=readings)  # a source's words may have changed, not only parts

    course, _ = Course.objects.update_or_create(
        slug=pack.course.slug,
        defaults={
            "title": pack.course.title,
            "description": pack.course.description,
            "translations": pack.course.translations,
        },
    )
    course.readings.add(*readings)
    course.prompts.add(*_write_prompts(pack, sources, objectives))
    _write_timeline(pack, sources)
    log(f"  prompts: {len(pack.prompts)}, timeline events: {len(pack.events)}")

    return BuildSummary(
        sources=len(documents),
        passages=sum(len(d.blocks) for _, d in documents.values()),
        removed_lines=sum(len(d.removed) for _, d in documents.values()),
        objectives=len(pack.objectives),
        readings=len(readings),
        course=course.title,
    )


def plan_source_import(*, data: bytes, clean_rules: Mapping[str, Any] | None = None) -> Document:
    """What adding this text as a source would give, written nowhere: the cleaned text, its
    passages and every removed line with its reason (the admin's preview, the command's
    --dry-run). `clean_rules` are the pack's per-source rules (keep_lines, drop_lines,
    cut_from, cut_until, unwrap, headings, not_headings).

    Raises ValidationError ("file" or "clean_rules") with a message a teacher can act on.
    """
    try:
        rules = CleanRules.from_mapping(clean_rules or {})
    except ValueError as error:
        raise ValidationError({"clean_rules": [str(error)]}) from error
    try:
        return ingest(source_text(data), rules)
    except SourceFileError as error:
        raise ValidationError({"file": [str(error)]}) from error


@transaction.atomic
def import_source(
    *,
    slug: str,
    title: str,
    data: bytes,
    author: str = "",
    publisher: str = "",
    published: str = "",
    kind: str = Source.Kind.OTHER,
    note: str = "",
    clean_rules: Mapping[str, Any] | None = None,
) -> Source:
    """Add a new source through the same pipeline as the course pack, with the same kind of
    per-source cleaning rules (kept on the source, so a re-import cleans the same way).

    Raises ValidationError with a message a teacher can act on: an empty, binary, non-UTF-8
    or too large file, invalid cleaning rules, a slug already taken, a date in the wrong form.
    """
    errors: dict[str, list[str]] = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [
            "Use only letters, numbers, hyphens and underscores, e.g. 'ap-guns-2026'."
        ]
    if not errors and Source.objects.filter(slug=slug).exists():
        errors["slug"] = [f"A source with the slug {slug!r} already exists; choose another slug."]
    if not title.strip():
        errors["title"] = ["Give the source a title."]
    if kind not in Source.Kind.values:
        errors["kind"] = [f"Kind must be one of {', '.join(Source.Kind.values)}."]
    if published:
        try:
            published_validator(published)
        except ValidationError as error:
            errors["published"] = list(error.messages)
    try:
        document = plan_source_import(data=data, clean_rules=clean_rules)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)

    source = Source(
        slug=slug,
        title=title.strip(),
        author=author.strip(),
        publisher=publisher.strip(),
        published=published,
        kind=kind,
        note=note.strip(),
        position=Source.objects.count(),
    )
    return _write_source(source, raw=data, document=document, rules_data=dict(clean_rules or {}))
