"""IMS LTI Dynamic Registration 1.0: the LMS administrator pastes Fuente's registration URL
in the LMS (Canvas, Moodle 4.5); the LMS opens it with `openid_configuration` and
`registration_token`; a Fuente superuser confirms; Fuente reads the platform's OpenID
configuration, sends its tool registration to the platform's registration endpoint, and
records the Platform (and its Deployment) from the answer. The last page tells the LMS to
close its dialog (the `org.imsglobal.lti.close` message, from a static script: strict CSP)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lti.calls import TIMEOUT, lms_said
from lti.models import Deployment, Platform
from lti.registration import SCOPES, TITLE, ToolUrls

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CLAIMS = ["iss", "sub", "name", "given_name", "family_name"]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class RegistrationError(Exception):
    """Registering failed: what failed, in words for the LMS administrator."""


@dataclass(frozen=True)
class Registered:
    platform: Platform
    deployment: Deployment | None
    created: bool


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_url(value: Any, limit: int = 500) -> bool:
    """An absolute https URL (http only on this machine, for local LMSs), short enough to
    store."""
    if not isinstance(value, str) or len(value) > limit or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    if not parts.netloc or parts.scheme not in ("https", "http"):
        return False
    return parts.scheme == "https" or parts.hostname in LOCAL_HOSTS


def _call(method: str, url: str, token: str, **kwargs: Any) -> Any:
    """One call to the LMS, its JSON answer; RegistrationError with the LMS's words."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.request(
            method, url, headers=headers, timeout=TIMEOUT, allow_redirects=False, **kwargs
        )
    except requests.Timeout as error:
        raise RegistrationError(
            _("The LMS did not answer in time at %(url)s.") % {"url": url}
        ) from error
    except requests.RequestException as error:
        raise RegistrationError(
            _("Fuente could not reach the LMS at %(url)s.") % {"url": url}
        ) from error
    if not 200 <= response.status_code < 300:
        raise RegistrationError(
            _("The LMS refused at %(url)s (%(said)s).") % {"url": url, "said": lms_said(response)}
        )
    try:
        return response.json()
    except ValueError as error:
        raise RegistrationError(
            _("The LMS's answer at %(url)s is not JSON (%(said)s).")
            % {"url": url, "said": lms_said(response)}
        ) from error


def platform_configuration(url: str, token: str) -> dict[str, Any]:
    """The platform's OpenID configuration, checked: its issuer has the URL's origin (LTI DR
    1.0, 3.5.1), and it names the endpoints Fuente needs."""
    body = _call("GET", url, token)
    if not isinstance(body, dict):
        raise RegistrationError(_("The LMS's OpenID configuration is not a JSON object."))
    issuer = body.get("issuer")
    if not isinstance(issuer, str) or not _is_url(issuer) or origin(issuer) != origin(url):
        raise RegistrationError(
            _(
                "The LMS's OpenID configuration names the issuer %(issuer)s, which is not at "
                "the configuration's own address %(origin)s: Fuente does not register with it."
            )
            % {"issuer": str(issuer)[:200], "origin": origin(url)}
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not _is_url(body.get(name)):
            raise RegistrationError(
                _("The LMS's OpenID configuration has no usable %(name)s.") % {"name": name}
            )
    return body


def tool_registration(urls: ToolUrls, configuration: dict[str, Any]) -> dict[str, Any]:
    """What Fuente asks the platform to register: its URLs, keys, scopes (those the platform
    offers, when it says) and the messages it takes."""
    offered = configuration.get("scopes_supported")
    scopes = [s for s in SCOPES if not isinstance(offered, list) or s in offered]
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": sorted({urls.launch, urls.deep_linking}),
        "client_name": TITLE,
        "jwks_uri": urls.key_set,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(urls.launch).netloc,
            "description": _("Source-cited readings, quizzes and discussion."),
            "target_link_uri": urls.launch,
            "claims": CLAIMS,
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": urls.deep_linking,
                    "label": TITLE,
                },
            ],
        },
    }


@transaction.atomic
def _record(configuration: dict[str, Any], answer: dict[str, Any]) -> Registered:
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 200:
        raise RegistrationError(_("The LMS's registration answer holds no client_id."))
    tool = answer.get(TOOL_CONFIGURATION)
    deployment_id = tool.get("deployment_id") if isinstance(tool, dict) else None
    if deployment_id is not None and (
        not isinstance(deployment_id, str | int) or not str(deployment_id).strip()
    ):
        deployment_id = None
    about = configuration.get(PLATFORM_CONFIGURATION)
    family = about.get("product_family_code") if isinstance(about, dict) else None
    issuer = configuration["issuer"]
    host = urlsplit(issuer).netloc
    name = f"{family} ({host})" if isinstance(family, str) and family else host
    platform, created = Platform.objects.update_or_create(
        issuer=issuer,
        client_id=client_id,
        defaults={
            "auth_login_url": configuration["authorization_endpoint"],
            "token_url": configuration["token_endpoint"],
            "key_set_url": configuration["jwks_uri"],
        },
        create_defaults={
            "name": name[:200],
            "auth_login_url": configuration["authorization_endpoint"],
            "token_url": configuration["token_endpoint"],
            "key_set_url": configuration["jwks_uri"],
        },
    )
    deployment = None
    if deployment_id is not None:
        deployment, _made = Deployment.objects.get_or_create(
            platform=platform, deployment_id=str(deployment_id)[:200]
        )
    return Registered(platform=platform, deployment=deployment, created=created)


def register(*, urls: ToolUrls, openid_configuration: str, registration_token: str) -> Registered:
    """Read the platform's configuration, register Fuente there, record the platform."""
    configuration = platform_configuration(openid_configuration, registration_token)
    answer = _call(
        "POST",
        configuration["registration_endpoint"],
        registration_token,
        json=tool_registration(urls, configuration),
    )
    if not isinstance(answer, dict):
        raise RegistrationError(_("The LMS's registration answer is not a JSON object."))
    return _record(configuration, answer)


# --- the page ----------------------------------------------------------------------------


def _framed_by(response: HttpResponse, url: str) -> HttpResponse:
    """The LMS shows this page in its dialog: let the configuration's origin frame it."""
    if _is_url(url, 1000):
        response._csp_replace = {"frame-ancestors": [origin(url)]}  # type: ignore[attr-defined]
        response.xframe_options_exempt = True
    return response


@require_http_methods(["GET", "POST"])
def dynamic_registration(request: HttpRequest) -> HttpResponse:
    """GET: what is about to happen, with a button (a superuser only; anyone not signed in
    signs in first and comes back). POST: register, then the page that closes the LMS's
    dialog."""
    if not request.user.is_authenticated:
        login = redirect_to_login(request.get_full_path())
        if request.headers.get("Sec-Fetch-Dest") != "iframe":
            return login
        # In the LMS's frame the sign-in page would be refused (it may not be framed), and a
        # cross-site frame gets no Lax session cookie: sign in and register in a new tab.
        response = render(
            request, "lti/dynamic_registration.html", {"sign_in_url": login["Location"]}
        )
        return _framed_by(response, request.GET.get("openid_configuration", ""))
    if not request.user.is_superuser:
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    url = params.get("openid_configuration", "")
    token = params.get("registration_token", "")
    context: dict[str, Any] = {"openid_configuration": url, "registration_token": token}
    if not _is_url(url, 1000) or "\x00" in token or len(token) > 4000:
        context["error"] = _(
            "This address must be opened by the LMS, with its openid_configuration (an https "
            "address) and registration_token. Paste it in the LMS's dynamic registration form."
        )
        return render(request, "lti/dynamic_registration.html", context, status=400)
    context["lms"] = origin(url)
    if request.method == "GET":
        return _framed_by(render(request, "lti/dynamic_registration.html", context), url)
    try:
        done = register(
            urls=ToolUrls.for_request(request), openid_configuration=url, registration_token=token
        )
    except RegistrationError as error:
        context["error"] = str(error)
        response = render(request, "lti/dynamic_registration.html", context, status=502)
        return _framed_by(response, url)
    context["done"] = done
    return _framed_by(render(request, "lti/dynamic_registration_done.html", context), url)
