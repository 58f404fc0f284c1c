from __future__ import annotations

from typing import Any

from django import template
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
