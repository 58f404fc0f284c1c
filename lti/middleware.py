"""Pages of a launched session live in the LMS's iframe: they may be framed by the launching
platform's origins (every other page keeps refusing frames), and over HTTPS their session and
CSRF cookies are sent cross-site (SameSite=None; Secure). A session is launched when
`lti.views.launch` stored the platform's origins in it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

FRAME_ORIGINS = "lti_frame_origins"


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
    middleware set. Browsers drop SameSite=None without Secure, so only over HTTPS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.is_secure() and _origins(request):
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
