from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lti.keys import key_set
from lti.launch import DEEP_LINKING, LaunchError, login_redirect, validated_launch
from lti.middleware import FRAME_ORIGINS
from lti.models import Platform
from lti.services import sign_in_launch


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
        if checked.message_type == DEEP_LINKING:  # the deep-linking picker is still to come
            raise LaunchError(_("Fuente accepts only resource link launches so far."))
        user, landing = sign_in_launch(launch=checked)
    except LaunchError as error:
        return _refused(request, error)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[FRAME_ORIGINS] = checked.platform.frame_origins
    return HttpResponseRedirect(landing)
