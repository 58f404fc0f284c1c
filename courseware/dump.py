"""Writing the database's course content back as a course pack (the inverse of build_course).

Each function returns plain data for one TOML file; `quizzes.dump` adds questions and quizzes
and writes the files. Quotes that locate passages are the shortest start of the passage that
is unique in its source, so dump → build → dump gives the same files.
"""

from __future__ import annotations

import hashlib
from typing import Any

from courseware.ingest import QuoteError, anchor
from courseware.models import (
    Course,
    Objective,
    Passage,
    Quote,
    Source,
    TimelineEvent,
    TimelinePeriod,
)


def citation(quote: Quote) -> dict[str, str]:
    """A stored citation as the pack writes it: prefix/suffix only when needed."""
    data = {"source": quote.source.slug, "quote": quote.exact}
    if quote.prefix:
        data["prefix"] = quote.prefix
    if quote.suffix:
        data["suffix"] = quote.suffix
    return data


def locator(passage: Passage) -> str:
    """The shortest run of whole words from the start of a passage that anchors to it alone."""
    words = passage.text.split(" ")
    for count in range(min(6, len(words)), len(words) + 1):
        snippet = " ".join(words[:count])
        try:
            found = anchor(passage.source.text, snippet)
        except QuoteError:
            continue
        if found.start == passage.start:
            return snippet
    return passage.text


def sources_file(sources: list[Source]) -> dict[str, Any]:
    tables = []
    for source in sources:
        table: dict[str, Any] = {
            "slug": source.slug,
            "file": f"sources/{source.slug}.txt",
            "sha256": source.raw_sha256,
            "title": source.title,
            "title_is_editorial": source.is_title_editorial,
            "author": source.author,
            "publisher": source.publisher,
            "published": source.published,
            "kind": source.kind,
            "url": source.url,
            "note": source.note,
        }
        if source.copied_from_url:
            table["copied_from"] = source.copied_from_url
        if source.clean_rules:
            table["clean"] = source.clean_rules
        tables.append(table)
    return {"source": tables}


def source_bytes(source: Source) -> bytes:
    """The document as received: its decoded text, with the byte-order mark it had, if any."""
    data = source.raw_text.encode("utf-8")
    if hashlib.sha256(data).hexdigest() != source.raw_sha256:
        data = b"\xef\xbb\xbf" + data
    return data


def course_file(course: Course) -> dict[str, Any]:
    return {
        "course": {
            "slug": course.slug,
            "title": course.title,
            "description": course.description,
            **course.translations,
        }
    }


def objectives_file() -> dict[str, Any]:
    return {
        "objective": [
            {"code": o.code, "title": o.title, **o.translations} for o in Objective.objects.all()
        ]
    }


def readings_file(course: Course) -> dict[str, Any]:
    readings = []
    for reading in course.readings.prefetch_related(
        "objectives", "notes__citations__source", "reading_passages__passage__source"
    ).order_by("position", "slug"):
        parts = []
        passages = [rp.passage for rp in reading.reading_passages.all()]
        # A part is a run of consecutive passages of one source.
        runs: list[list[Passage]] = []
        for passage in passages:
            last = runs[-1][-1] if runs else None
            if (
                last
                and last.source_id == passage.source_id
                and passage.position == last.position + 1
            ):
                runs[-1].append(passage)
            else:
                runs.append([passage])
        for run in runs:
            part = {"source": run[0].source.slug, "first": locator(run[0])}
            if len(run) > 1:
                part["last"] = locator(run[-1])
            parts.append(part)
        table: dict[str, Any] = {
            "slug": reading.slug,
            "title": reading.title,
            "summary": reading.summary,
            "objectives": [o.code for o in reading.objectives.all()],
            **reading.translations,
        }
        notes = [
            {
                "title": n.title,
                "text": n.text,
                "citations": [citation(c) for c in n.citations.all()],
                **n.translations,
            }
            for n in reading.notes.all()
        ]
        if notes:
            table["note"] = notes
        table["part"] = parts
        readings.append(table)
    return {"reading": readings}


def prompts_file(course: Course) -> dict[str, Any]:
    prompts = []
    for prompt in course.prompts.prefetch_related("objectives", "perspectives__citations__source"):
        prompts.append(
            {
                "id": prompt.slug,
                "title": prompt.title,
                "question": prompt.question,
                "context": prompt.context,
                "objectives": [o.code for o in prompt.objectives.all()],
                "guiding_questions": list(prompt.guiding_questions),
                **prompt.translations,
                "perspective": [
                    {
                        "label": p.label,
                        "summary": p.summary,
                        "citations": [citation(c) for c in p.citations.all()],
                        **p.translations,
                    }
                    for p in prompt.perspectives.all()
                ],
            }
        )
    return {"prompt": prompts}


def timeline_file() -> dict[str, Any]:
    periods = [
        {"title": p.title, **({"until": p.until} if p.until else {}), **p.translations}
        for p in TimelinePeriod.objects.all()
    ]
    events = []
    for event in TimelineEvent.objects.prefetch_related("citations__source"):
        table: dict[str, Any] = {
            "id": event.slug,
            "when": event.when,
            "sort": event.sort,
            "title": event.title,
        }
        if event.note:
            table["note"] = event.note
        table |= event.translations
        table["citations"] = [citation(c) for c in event.citations.all()]
        events.append(table)
    return {"period": periods, "event": events}
