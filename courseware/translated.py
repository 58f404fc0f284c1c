"""Course-pack text in the reader's language: an item's version from its `translations`
({"es": {"title": "…"}}, written by the pack build) when the active language has one, else the
item's own text. Only text written for the course is translated; quoted words never are."""

from __future__ import annotations

from typing import Any

from django.utils import translation


def translated(item: object, field: str) -> Any:
    """`item.<field>` in the active language when the item has that version, else as written."""
    original = getattr(item, field, "")
    versions = getattr(item, "translations", None)
    if not isinstance(versions, dict) or not versions:
        return original
    language = (translation.get_language() or "").lower()
    version = versions.get(language) or versions.get(language.split("-")[0])
    if not isinstance(version, dict):
        return original
    value = version.get(field)
    if isinstance(original, list | tuple):
        if isinstance(value, list) and len(value) == len(original):
            return value
        return original
    return value if isinstance(value, str) and value else original
