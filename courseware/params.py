"""Request parameters, read strictly in one place.

`str.isdigit()` takes "²" and other scripts' digits that `int()` then refuses, and `int()` takes
"+1", "1_0", spaces and 5,000-digit strings; a NUL byte reaches PostgreSQL as an error. Every
integer a view reads from a request goes through `int_param`, and no query string with a NUL
reaches a view (`refuses_nul`, applied to every request by config.middleware).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase
from django.utils.translation import gettext as _

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


# A path on this site (with a query and a fragment if any), not "//host" or "/\\host", which
# browsers read as another site; printable ASCII only (a link's own escaping keeps it so).
_LOCAL_PATH = re.compile(r"/(?![/\\])[!#-~]{0,499}")


def local_path(value: object) -> str:
    """`value` if it is a path on this site (to link back to), else ""."""
    if isinstance(value, str) and _LOCAL_PATH.fullmatch(value) and "\\" not in value:
        return value
    return ""


def has_nul(query_string: str) -> bool:
    """Whether a raw query string carries a NUL byte, encoded or not (no field needs one)."""
    return "\x00" in query_string or "%00" in query_string


class RefuseNulQueryMiddleware:
    """A 400 for any query string with a NUL byte, before a view, a filter or the admin's own
    searches hand it to the database (PostgreSQL refuses NUL in text with an error). Form
    bodies are left to the forms and services, which drop or refuse NUL with a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if has_nul(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                _(
                    "This address contains a character that is not allowed (NUL). "
                    "Remove it and try again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
