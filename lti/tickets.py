"""The "Open Fuente in a new window" step. When a browser drops Fuente's cookies inside the
LMS's frame (Safari; Chrome when third-party cookies are blocked), the launch is still checked
completely (its state and nonce against what the login stored server-side), but nobody can be
signed in inside the frame. Instead the frame shows one button that opens
/lti/continue/<ticket>/ in a new, first-party window, which signs the person in there.

A ticket is a URL that signs someone in, so it is made hard to misuse:
- 256 random bits, stored in the shared `lti` cache under its SHA-256 only (a copy of the
  cache holds nothing that opens a session);
- single use (deleted by the first request that presents it, even a refused one) and alive
  for two minutes;
- bound to the browser that received it: the same User-Agent and the same client address;
- accepted only from a click in Fuente's own page (`Sec-Fetch-Site: same-origin`, which
  browsers set and pages cannot), so a ticket pasted into an address bar or a link in a
  message does not open a session; browsers too old to send the header are let through on
  the other checks.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest

from lti.launch import CACHE, Launch, browser_fingerprint

TICKET_TTL = 120
_PREFIX = "lti-ticket-"


def _key(ticket: str) -> str:
    return _PREFIX + hashlib.sha256(ticket.encode()).hexdigest()


def issue_ticket(*, request: HttpRequest, launch: Launch) -> str:
    """A one-time ticket that continues this checked launch in a new window of this browser."""
    ticket = secrets.token_urlsafe(32)
    held = {"launch": launch, "browser": browser_fingerprint(request)}
    caches[CACHE].set(_key(ticket), held, TICKET_TTL)
    return ticket


def redeem_ticket(*, request: HttpRequest, ticket: str) -> Launch | None:
    """The launch the ticket continues, once; None when it is unknown, used, expired, or
    presented by another browser or from outside Fuente's own page."""
    if not 20 <= len(ticket) <= 100:
        return None
    store = caches[CACHE]
    key = _key(ticket)
    held: Any = store.get(key)
    # delete() says whether this request removed it: of two racing requests, one wins.
    if not isinstance(held, dict) or not store.delete(key):
        return None
    if request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") != "same-origin":
        return None
    if held.get("browser") != browser_fingerprint(request):
        return None
    launch = held.get("launch")
    return launch if isinstance(launch, Launch) else None
