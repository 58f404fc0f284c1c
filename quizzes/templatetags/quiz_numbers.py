"""Template filters for amounts of points."""

from __future__ import annotations

from decimal import Decimal

from django import template

from quizzes.display import plural_count as _plural_count

register = template.Library()


@register.filter
def plural_count(value: Decimal | int | None) -> int:
    """The whole number `{% blocktranslate count %}` chooses the plural by for an amount of
    points (1.5 points is plural); gettext takes only whole numbers."""
    return _plural_count(Decimal(value or 0))
