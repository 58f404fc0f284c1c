"""Pages of a launched session live in the LMS's iframe: they may be framed by the launching
platform's origins (every other page keeps refusing frames), and over HTTPS their session and
CSRF cookies are sent cross-site (SameSite=None; Secure; Partitioned). A session is launched
when `lti.views.launch` stored the platform's origins in it."""

from __future__ import annotations

from collections.abc import Callable, Container
from http.cookies import Morsel
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase

FRAME_ORIGINS = "lti_frame_origins"
LIBRARY_COOKIES = "lti1p3-"  # the LTI library's login cookies (state, session id)
_NATIVE_PARTITIONED = "partitioned" in Morsel._reserved  # type: ignore[attr-defined]  # 3.14+


class _PartitionedMorsel(Morsel[str]):
    """A cookie with CHIPS' Partitioned attribute, which Python before 3.14 cannot write:
    the browser keeps it for Fuente-inside-this-LMS only, so it survives third-party cookie
    blocking that still allows partitioned cookies (Chrome)."""

    def OutputString(self, attrs: Container[str] | None = None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


def cross_site(morsel: Morsel[str]) -> Morsel[str]:
    """The cookie, sent inside a cross-site frame: SameSite=None; Secure; Partitioned."""
    morsel["samesite"] = "None"
    morsel["secure"] = True
    if _NATIVE_PARTITIONED:
        morsel["partitioned"] = True
        return morsel
    if isinstance(morsel, _PartitionedMorsel):
        return morsel
    partitioned = _PartitionedMorsel()
    partitioned.set(morsel.key, morsel.value, morsel.coded_value)
    partitioned.update(dict(morsel))
    return partitioned


def _secure_context(request: HttpRequest) -> bool:
    """Browsers keep Secure cookies over HTTPS, and over plain HTTP from localhost only."""
    if request.is_secure():
        return True
    try:
        host = urlsplit("//" + request.get_host()).hostname or ""
    except (DisallowedHost, ValueError):
        return False
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def _origins(request: HttpRequest) -> list[str]:
    session = getattr(request, "session", None)
    if session is None or request.path_info.startswith("/admin/"):
        return []
    origins = session.get(FRAME_ORIGINS, [])
    return [str(origin) for origin in origins] if isinstance(origins, list) else []


class LaunchedFramingMiddleware:
    """Below CSPMiddleware in MIDDLEWARE, so the override is read when the header is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        origins = _origins(request)
        if origins:
            response._csp_replace = {"frame-ancestors": origins}  # type: ignore[attr-defined]
            response.xframe_options_exempt = True  # type: ignore[attr-defined]
        return response


class LaunchedCookiesMiddleware:
    """Above SessionMiddleware in MIDDLEWARE, so it sees the cookies the session and CSRF
    middleware set. Browsers drop SameSite=None without Secure, so only over HTTPS (and on
    localhost, which browsers treat as secure)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        names = [name for name in response.cookies if name.startswith(LIBRARY_COOKIES)]
        if _origins(request):
            names += [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
        names = [name for name in names if name in response.cookies]
        if names and _secure_context(request):
            for name in names:
                response.cookies[name] = cross_site(response.cookies[name])
        return response
