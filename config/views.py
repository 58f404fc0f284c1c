"""Views of the site's own plumbing: CSP violation reports, the login lockout page."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

csp_logger = logging.getLogger("fuente.csp")
CSP_REPORT_MAX_BYTES = 16 * 1024


@csrf_exempt  # browsers send reports without our CSRF token
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a browser's Content-Security-Policy violation report (report-uri). Anyone can post
    here, so the body is size-limited, junk gets a 400 and nothing is stored."""
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    try:
        report = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        report = None
    report = report.get("csp-report") if isinstance(report, dict) else None
    if not isinstance(report, dict):
        return HttpResponse("Not a CSP report.", status=400, content_type="text/plain")
    fields = ("document-uri", "violated-directive", "blocked-uri", "source-file", "line-number")
    csp_logger.warning("CSP violation: %s", {key: str(report.get(key, ""))[:300] for key in fields})
    return HttpResponse(status=204)


def if_email_configured(view: Callable[..., Any]) -> Callable[..., Any]:
    """Password reset by e-mail exists only where the school has configured e-mail."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not settings.PASSWORD_RESET_BY_EMAIL:
            raise Http404("Password reset by e-mail is not set up here.")
        return view(request, *args, **kwargs)

    return wrapped


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE), for the site's and the admin's
    login: what happened and what to do, in plain words, with 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 15,
            "password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL,
        },
        status=429,
    )


class LoginForm(AuthenticationForm):
    """Django's login form, its refusals worded for students: Django's own Spanish says
    "usted", and Fuente says "tú" (docs/translation.md)."""

    error_messages = {
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Note that both fields may be "
            "case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


class LoginView(auth_views.LoginView):
    """Django's login, which links to password reset by e-mail where e-mail is configured."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_reset_by_email"] = settings.PASSWORD_RESET_BY_EMAIL
        return context
