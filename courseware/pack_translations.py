"""A course-pack item's versions of its own text in other languages (docs/course-pack.md):
`es.title = "…"` read strictly. Pure: the caller says which languages the site has."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)?$")
Fail = Callable[[str], NoReturn]

# {"es": {"title": "…", "summary": "…"}}: per language, a version of an item's own text fields.
Translations = dict[str, dict[str, Any]]


def read_translations(
    data: dict[str, Any],
    fields: dict[str, int | None],
    *,
    own_language: str,
    languages: Iterable[str],
    fail: Fail,
) -> Translations:
    """The versions an item's table (`data`) gives under language keys (`es`), checked:
    only the site's `languages`, never the pack's own, only the item's `fields`."""
    languages = tuple(languages)
    versions: Translations = {}
    for code in sorted(key for key in data if LANGUAGE_KEY.match(key)):
        if code == own_language:
            fail(
                f"{code!r} is the pack's own language: write that text in the fields "
                f"themselves ({', '.join(fields)})."
            )
        if code not in languages:
            fail(
                f"{code!r} is not one of the site's languages; a version may be given in: "
                f"{', '.join(languages) or 'none'}."
            )
        version = read_version(data[code], code, fields, fail)
        if version:
            versions[code] = version
    return versions


def read_version(
    raw: object, code: str, fields: dict[str, int | None], fail: Fail
) -> dict[str, Any]:
    """One language's version (`raw`, the `code` table) of the fields: a field maps to None
    for text, or to the length of its list. `fail(message)` raises the pack's error."""
    if not isinstance(raw, dict):
        fail(f'{code!r} must be a table, e.g. {code}.title = "…".')
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        fail(
            f"{code}.{unknown[0]} is not a text of this item; {code} may give: {', '.join(fields)}."
        )
    version: dict[str, Any] = {}
    for name, length in fields.items():
        if name not in raw:
            continue
        value, where = raw[name], f"{code}.{name}"
        if length is None:
            if not isinstance(value, str):
                fail(f"{where} must be a string.")
            if not value.strip():
                fail(f"{where} is empty.")
            version[name] = " ".join(value.split())
        elif (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v.strip() for v in value)
            or len(value) != length
        ):
            fail(f"{where} must be a list of {length} non-empty strings, one for each of {name}.")
        else:
            version[name] = [" ".join(v.split()) for v in value]
    return version
