"""Request parameters, read strictly in one place.

`str.isdigit()` takes "²" and other scripts' digits that `int()` then refuses, and `int()` takes
"+1", "1_0", spaces and 5,000-digit strings; a NUL byte reaches PostgreSQL as an error. Every
integer a view reads from a request goes through `int_param`, and no query string with a NUL
reaches a view (`refuses_nul`, applied to every request by config.middleware).
"""

from __future__ import annotations

import re

# ASCII digits only, with an optional minus, and no more than a bigint holds.
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def int_param(value: object, *, default: int, low: int, high: int) -> int:
    """`value` as an integer clamped to low..high; `default` when it is absent or not plainly an
    integer written in ASCII digits."""
    if not isinstance(value, str) or not _INTEGER.fullmatch(value.strip()):
        return default
    return min(max(int(value.strip()), low), high)


def id_param(value: object) -> int | None:
    """A row id from a request (a positive integer a database column can hold), or None."""
    number = int_param(value, default=0, low=0, high=2**31 - 1)
    return number or None


def has_nul(query_string: str) -> bool:
    """Whether a raw query string carries a NUL byte, encoded or not (no field needs one)."""
    return "\x00" in query_string or "%00" in query_string
