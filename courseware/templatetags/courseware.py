from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from courseware.markup import render
from courseware.removal_reasons import removal_reason as _removal_reason
from courseware.translated import translated

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """A post's Markdown subset as HTML, already sanitised by courseware.markup."""
    return mark_safe(render(text))


@register.filter
def removal_reason(reason: str) -> str:
    """Why cleaning removed a line, in the reader's language (courseware.removal_reasons)."""
    return _removal_reason(reason)


@register.filter
def tr(item: object, field: str) -> Any:
    """Course-pack text (`{{ reading|tr:"title" }}`) in the active language when the pack gives
    that version, else as written (courseware.translated). Never for quoted words."""
    return translated(item, field)


@register.filter
def publication_date(published: str) -> str:
    """A source's publication date as recorded ("2026", "2026-03" or "2026-03-03") written in
    the reader's language: "2026", "March 2026" / "marzo de 2026", "March 3, 2026" / "3 de
    marzo de 2026". Anything else is shown as it is."""
    parts = published.split("-")
    if len(parts) not in (2, 3):
        return published
    try:
        day = date(*(int(part) for part in parts), *([1] if len(parts) == 2 else []))
    except ValueError:
        return published
    return date_format(day, "YEAR_MONTH_FORMAT" if len(parts) == 2 else "DATE_FORMAT")
