from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lti import deep_linking, linking
from lti.keys import key_set
from lti.launch import DEEP_LINKING, Launch, LaunchError, login_redirect, validated_launch
from lti.models import Platform
from lti.services import sign_in_launch
from lti.tickets import issue_ticket, redeem_ticket


def _refused(request: HttpRequest, error: LaunchError) -> HttpResponse:
    """The refusal is shown where the launch landed, the LMS's iframe: any registered platform
    may frame it (which one sent the launch may be what failed)."""
    response = render(request, "lti/launch_error.html", {"error": error}, status=error.status)
    origins = sorted({origin for p in Platform.objects.all() for origin in p.frame_origins})
    if origins:
        response._csp_replace = {"frame-ancestors": origins}  # type: ignore[attr-defined]
        response.xframe_options_exempt = True
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys: the current signing key and the previous one."""
    response = JsonResponse(key_set())
    response["Cache-Control"] = "public, max-age=300"
    return response


# The platform posts these from its own origin: no CSRF token; the state and nonce stand in.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    try:
        return login_redirect(request)
    except LaunchError as error:
        return _refused(request, error)


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        checked = validated_launch(request)
    except LaunchError as error:
        return _refused(request, error)
    if not checked.cookies_returned:
        return _new_window(request, checked)
    return complete_launch(request, checked, framed=True)


def _new_window(request: HttpRequest, checked: Launch) -> HttpResponse:
    """The browser dropped Fuente's cookie in the LMS's frame: one button continues this
    launch in a new window, where Fuente is first-party (lti/tickets.py)."""
    ticket = issue_ticket(request=request, launch=checked)
    response = render(
        request,
        "lti/new_window.html",
        {"continue_url": reverse("lti_continue", args=[ticket])},
    )
    response._csp_replace = {"frame-ancestors": checked.platform.frame_origins}  # type: ignore[attr-defined]
    response.xframe_options_exempt = True
    return _unshared(response)


@require_GET
def continue_launch(request: HttpRequest, ticket: str) -> HttpResponse:
    """The new window of the "Open Fuente in a new window" step: the ticket works once, for
    two minutes, in the browser that received it."""
    checked = redeem_ticket(request=request, ticket=ticket)
    if checked is None:
        response = _refused(
            request,
            LaunchError(
                _("This link to continue the launch was already used or has expired."),
                _("Go back to the LMS and open Fuente's link again."),
            ),
        )
    else:
        response = complete_launch(request, checked, framed=False)
    return _unshared(response)


def _unshared(response: HttpResponse) -> HttpResponse:
    """A page that holds a one-time ticket or was reached by one: never cached, and its
    address never sent on as a referrer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def complete_launch(request: HttpRequest, checked: Launch, *, framed: bool) -> HttpResponse:
    """Sign the launch's person in and send them on: inside the LMS's frame (`framed`), or in
    the new window a dropped cookie sent them to (whose pages then refuse frames)."""
    try:
        if checked.message_type == DEEP_LINKING:
            deep_linking.check_request(checked)  # teachers only
        if linking.needs_course_link(checked):
            return linking.begin(request, checked, framed=framed)
        user, landing = sign_in_launch(launch=checked)
    except LaunchError as error:
        return _refused(request, error)
    linking.sign_in_from_launch(request, user, checked, framed=framed)
    if checked.message_type == DEEP_LINKING:
        landing = deep_linking.begin(request, checked)  # the picker
    return HttpResponseRedirect(landing)
