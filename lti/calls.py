"""Calling an LMS's services: the OAuth2 access token Fuente gets with its signed client
assertion (cached until shortly before it expires, renewed once when the LMS revokes it), and
what an LMS said when it refused, in words a person can act on. Grade sends (lti.grades),
roster reads (lti.roster) and dynamic registration (lti.dynamic_registration) call the LMS
through these."""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import requests
from django.core.cache import caches
from django.utils.translation import gettext as _

from lti.keys import current_key
from lti.models import Platform

CACHE = "lti"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TIMEOUT = 10  # seconds, every HTTP call to the LMS
TOKEN_MARGIN = 60  # a cached access token is dropped this many seconds before it expires
ERROR_CHARS = 2000


class SendError(Exception):
    """Sending failed: `message` is the LMS's own words (or what went wrong on the way);
    `is_final` when trying again cannot help."""

    def __init__(self, message: str, *, is_final: bool = False) -> None:
        super().__init__(message)
        self.message = message[:ERROR_CHARS]
        self.is_final = is_final


def lms_said(response: requests.Response, limit: int = 300) -> str:
    """What an LMS said in an answer, for a person: its HTTP status, then a JSON error's words
    (error, error_description, message, reason) or else the start of its text."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    said = ""
    if isinstance(body, dict):
        parts = [body.get(k) for k in ("error", "error_description", "message", "reason")]
        said = " — ".join(str(p) for p in parts if isinstance(p, str) and p)
    said = (said or " ".join(response.text.split()))[:limit]
    return f"HTTP {response.status_code}: {said}" if said else f"HTTP {response.status_code}"


def with_token(
    platform: Platform, scope: str, send: Callable[[str], requests.Response]
) -> requests.Response:
    """`send(token)` with the platform's access token for `scope`; when the LMS answers 401
    (it revoked the token), the cached token is dropped and `send` runs once more with a
    fresh one. Raises SendError when no token can be had."""
    response = send(access_token(platform, scope))
    if response.status_code == 401:
        caches[CACHE].delete(_token_key(platform, scope))
        response = send(access_token(platform, scope))
    return response


def _token_key(platform: Platform, scope: str = SCORE_SCOPE) -> str:
    raw = f"{platform.token_url} {platform.client_id} {scope}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"lti-ags-token-{platform.pk}-{digest[:16]}"


def client_assertion(platform: Platform) -> str:
    """The JWT Fuente proves itself with at the platform's token URL, signed by the tool key."""
    key = current_key()
    now = int(time.time())
    claims = {
        "iss": platform.client_id,
        "sub": platform.client_id,
        "aud": platform.token_url,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid})


def access_token(platform: Platform, scope: str = SCORE_SCOPE) -> str:
    """An OAuth2 access token for the scope (the score scope unless told; lti.roster asks for
    NRPS's) by client credentials with a JWT client assertion, cached in the `lti` cache until
    shortly before it expires."""
    cache_key = _token_key(platform, scope)
    cached = caches[CACHE].get(cache_key)
    if isinstance(cached, str):
        return cached
    try:
        response = requests.post(
            platform.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(platform),
                "scope": scope,
            },
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise SendError(
            _("The LMS's token URL %(url)s did not answer: %(why)s")
            % {"url": platform.token_url, "why": error}
        ) from error
    if response.status_code != 200:
        raise SendError(
            _("The LMS refused an access token: %(message)s")
            % {"message": lms_said(response, ERROR_CHARS)}
        )
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise SendError(
            _("The LMS's token answer holds no access token: %(message)s")
            % {"message": lms_said(response, ERROR_CHARS)}
        )
    expires_in = body.get("expires_in", 3600)
    # Python's JSON reader takes NaN and Infinity: a lifetime that is not a finite number is
    # not kept (the token is used once).
    finite = isinstance(expires_in, int | float) and math.isfinite(expires_in)
    ttl = int(expires_in) - TOKEN_MARGIN if finite else 0
    if ttl > 0:
        caches[CACHE].set(cache_key, token, ttl)
    return token
