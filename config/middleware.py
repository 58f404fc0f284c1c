"""Response headers every page gets, set in one place rather than view by view."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseBase


def is_download(response: HttpResponseBase) -> bool:
    """A file the browser saves (grade exports, question exports), whoever asked for it."""
    disposition = response.get("Content-Disposition", "")
    return isinstance(response, FileResponse) or disposition.lower().startswith("attachment")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on everything a
    signed-in person is sent and on every download, so a shared computer's cache or a proxy
    never keeps a student's answers or a class's grades. Static files are served before this
    runs (WhiteNoise), so they stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if is_download(response) or (user is not None and user.is_authenticated):
            # One value, replacing whatever a view set (a max-age, `public`): nothing personal
            # is kept by the browser's cache or by a proxy.
            response["Cache-Control"] = "private, no-store"
        return response
