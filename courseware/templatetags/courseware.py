from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from courseware.markup import render

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """A post's Markdown subset as HTML, already sanitised by courseware.markup."""
    return mark_safe(render(text))
