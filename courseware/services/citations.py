"""Anchoring quotes: the fields of a citation row, and text a person typed made storable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courseware.ingest import QuoteAmbiguous, QuoteError, QuoteNotFound, anchor, selector
from courseware.models import Source
from courseware.pack import CitationSpec, PackError


def typed_text(text: str) -> str:
    """What a person typed, as it is checked and stored: without NUL characters (PostgreSQL
    cannot store one, and no person types one), and with every line break as one "\n" —
    browsers send "\r\n" but count it as one character against a field's `maxlength`, so a
    length limit counts what the person saw."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


SHOWN_QUOTE_CHARS = 120


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_QUOTE_CHARS else flat[: SHOWN_QUOTE_CHARS - 1] + "…"


def quote_problem(error: QuoteError, *, context: str | None = None) -> str:
    """Why a quote a person typed does not anchor and what to do, in their language.

    The ingest core is plain Python and explains itself in English (a build's output, for the
    operator); people see this message instead, made from the error's details. `context` is
    for a form with prefix and suffix boxes: the prefix and suffix typed ("" when none)."""
    quote = _shown(error.quote)
    if not quote:
        return _("The quote is empty: paste the exact words from the source.")
    if isinstance(error, QuoteAmbiguous) and context is not None:
        advice = (
            _("make the prefix or suffix longer to choose one")
            if context
            else _("add a prefix or suffix (the words just before or after) to choose one")
        )
        return _("The quote “%(quote)s” matches %(count)d places; %(advice)s.") % {
            "quote": quote,
            "count": error.matches,
            "advice": advice,
        }
    if isinstance(error, QuoteAmbiguous):
        return ngettext(
            "The quote “%(quote)s” matches %(count)d place; quote more words to choose one.",
            "The quote “%(quote)s” matches %(count)d places; quote more words to choose one.",
            error.matches,
        ) % {"quote": quote, "count": error.matches}
    if isinstance(error, QuoteNotFound) and error.matches:
        return _(
            "The quote “%(quote)s” is in the source, but not with those words just before or "
            "after it: correct the prefix or suffix."
        ) % {"quote": quote}
    if error.nearest:
        return _("Quote not found: “%(quote)s”. Nearest text in the source: “%(nearest)s”.") % {
            "quote": quote,
            "nearest": _shown(error.nearest),
        }
    return _(
        "Quote not found: “%(quote)s”. Nothing in the source resembles it; check that the "
        "quote comes from this source."
    ) % {"quote": quote}


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
