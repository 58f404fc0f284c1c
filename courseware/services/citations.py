"""Anchoring quotes: the fields of a citation row, and text a person typed made storable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from courseware.ingest import QuoteError, anchor, selector
from courseware.models import Source
from courseware.pack import CitationSpec, PackError


def without_nul(text: str) -> str:
    """PostgreSQL cannot store NUL characters, and no person types one: drop them."""
    return text.replace("\x00", "")


def quote_fields(source: Source, quote: str, prefix: str = "", suffix: str = "") -> dict[str, Any]:
    """Anchor a quote in a source and return the fields of a Quote row (raises QuoteError).

    The stored `exact` is the source's own characters, and prefix/suffix are recomputed as the
    shortest context that keeps the quote unique, so a citation survives being re-typed with
    straight quotes or different spacing.
    """
    found = anchor(source.text, quote, prefix, suffix)
    context_before, context_after = selector(source.text, found.start, found.end)
    return {
        "source": source,
        "exact": found.exact,
        "prefix": context_before,
        "suffix": context_after,
        "start": found.start,
        "end": found.end,
    }


def anchor_citations(
    specs: tuple[CitationSpec, ...], sources: Mapping[str, Source], file: str, where: str
) -> list[dict[str, Any]]:
    """The Quote fields of each citation of a pack item; a quote that does not anchor stops the
    build (PackError) with the file, the item and the nearest text."""
    resolved = []
    for number, spec in enumerate(specs, start=1):
        try:
            resolved.append(
                quote_fields(sources[spec.source], spec.quote, spec.prefix, spec.suffix)
            )
        except QuoteError as error:
            raise PackError(file, f"{where}, citation {number}", str(error)) from error
    return resolved
