"""The one module that talks to the LTI library (pylti1p3): OIDC login initiation and the
launch's id_token check. Everything else in Fuente sees `Launch`, `LaunchError` and
`login_redirect`, so the library could be swapped here alone.

pylti1p3 2.0 leaves gaps that this module closes: it decodes the id_token without a leeway for
clock skew and without checking `aud` (only its first entry) or `azp`; it caches a platform's
key set for two hours and fails on a key id it has not seen (a platform that rotated its key);
and it accepts a nonce again as long as it is stored. Here the signature, `iss`, `aud`,
`exp`/`iat` (with `LEEWAY`) are checked by PyJWT, `azp` when present or when there are
several audiences, the key set is fetched again once when the key id is unknown, and a nonce
is spent on first use."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jwt.algorithms import RSAAlgorithm
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.contrib.django.message_launch import DjangoMessageLaunch
from pylti1p3.contrib.django.oidc_login import DjangoOIDCLogin
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti.keys import current_key
from lti.models import Deployment, Platform

LEEWAY = 60  # seconds of clock skew allowed on exp and iat
KEY_SET_TTL = 3600
NONCE_TTL = 3600
# The login's state, kept server-side as long as pylti1p3's state cookie lives (5 minutes), so
# a launch whose cookie the browser dropped (Safari, blocked third-party cookies) can still be
# checked: the state the platform posts back must be one Fuente issued, with its nonce.
STATE_TTL = 300
STATE_PREFIX = "lti-state-"
STATE_COOKIE_PREFIX = "lti1p3-"  # pylti1p3's cookies: lti1p3-<state>, lti1p3-session-id
CACHE = "lti"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
DL_DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


class LaunchError(Exception):
    """A refused login or launch: what failed, and what to tell the LMS administrator."""

    def __init__(self, what: str, advice: str = "", status: int = 400) -> None:
        super().__init__(what)
        self.what = what
        self.advice = advice or _(
            "Ask the LMS administrator to check Fuente's registration (client id, deployment "
            "id, key set URL) against the platform registered in Fuente."
        )
        self.status = status


@dataclass(frozen=True)
class Launch:
    platform: Platform
    deployment_id: str
    sub: str
    roles: tuple[str, ...]
    context_id: str
    context_title: str
    resource_link_id: str  # "" in a deep-linking request
    given_name: str = ""
    family_name: str = ""
    message_type: str = RESOURCE_LINK
    custom: dict[str, str] = field(default_factory=dict)
    # Service claims: AGS (lineitems, lineitem, scope), NRPS memberships URL, deep linking
    # settings (deep_link_return_url, accept_types, data, ...), the launch's locale.
    ags: dict[str, Any] = field(default_factory=dict)
    memberships_url: str = ""
    deep_linking: dict[str, Any] = field(default_factory=dict)
    locale: str = ""
    # False when the browser did not send back the login's state cookie: it drops Fuente's
    # cookies in the LMS's frame, so the person continues in a new window (lti/tickets.py).
    cookies_returned: bool = True


def fetch_key_set(url: str) -> dict[str, Any]:
    """A platform's public key set, over HTTP (tests replace this with their platform's)."""
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _fetch(url: str, cache_key: str) -> list[dict[str, Any]]:
    try:
        body = fetch_key_set(url)
    except (requests.RequestException, ValueError) as error:
        raise LaunchError(
            _("Fuente could not read the platform's public key set at %(url)s.") % {"url": url},
            _("Check the platform's key set URL in Fuente, and that the LMS is reachable."),
            status=502,
        ) from error
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list):
        raise LaunchError(
            _("The platform's public key set at %(url)s is not a JSON Web Key Set.") % {"url": url},
            _("Check the platform's key set URL in Fuente."),
            status=502,
        )
    found = [key for key in keys if isinstance(key, dict)]
    caches[CACHE].set(cache_key, found, KEY_SET_TTL)
    return found


def _public_key(url: str, kid: str) -> Any:
    """The platform's key `kid`: from the cached key set, else fetched again once (the platform
    rotated its key) — at most once a minute per platform, so forged key ids cannot make
    Fuente hammer the LMS."""
    cache_key = "lti-key-set-" + hashlib.sha256(url.encode()).hexdigest()
    keys: list[dict[str, Any]] | None = caches[CACHE].get(cache_key)
    fetched = keys is None
    if keys is None:
        keys = _fetch(url, cache_key)
    matching = [key for key in keys if key.get("kid") == kid]
    if not matching and not fetched and caches[CACHE].add(cache_key + "-refetch", True, 60):
        matching = [key for key in _fetch(url, cache_key) if key.get("kid") == kid]
    if not matching:
        raise LaunchError(
            _("The launch's signing key (kid %(kid)s) is not in the platform's key set.")
            % {"kid": kid},
            _("Check the platform's key set URL in Fuente: it must be the LMS's own key set."),
        )
    try:
        return RSAAlgorithm.from_jwk(json.dumps(matching[0]))
    except (jwt.InvalidKeyError, ValueError, TypeError, KeyError) as error:
        raise LaunchError(
            _("The platform's key %(kid)s is not an RSA key.") % {"kid": kid}
        ) from error


class _ToolConf(ToolConfAbstract[DjangoRequest]):
    """Registrations from the database; one issuer may hold several client ids (Canvas)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        raise LtiException("Registration not found.")

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = Platform.objects.filter(issuer=iss, client_id=client_id).first()
        if platform is None:
            raise LaunchError(
                _("No platform with issuer %(iss)s and client id %(client)s is registered.")
                % {"iss": iss, "client": client_id},
                _(
                    "Register the platform in Fuente's admin (LTI 1.3 → Platforms) with the "
                    "issuer and client id the LMS shows."
                ),
            )
        return (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.token_url)
            .set_key_set_url(platform.key_set_url)
            .set_tool_private_key(current_key().private_key_pem)
        )

    def find_deployment(self, iss: str, deployment_id: str) -> LibDeployment | None:
        return None

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LibDeployment | None:
        known = Deployment.objects.filter(
            platform__issuer=iss, platform__client_id=client_id, deployment_id=deployment_id
        ).exists()
        return LibDeployment().set_deployment_id(deployment_id) if known else None


class _MessageLaunch(DjangoMessageLaunch):
    def validate_jwt_format(self) -> _MessageLaunch:
        super().validate_jwt_format()
        header, body = self._jwt.get("header"), self._jwt.get("body")
        aud = body.get("aud") if isinstance(body, dict) else None
        if not (
            isinstance(header, dict)
            and isinstance(body, dict)
            and isinstance(body.get("iss"), str)
            and isinstance(body.get("nonce"), str)
            and isinstance(body.get("azp", ""), str)
            and (
                isinstance(aud, str)
                or (isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud))
            )
        ):
            raise LaunchError(
                _("The launch's id_token is malformed: iss, aud and nonce must be strings.")
            )
        if "\\u0000" in json.dumps(body):  # no LMS sends a NUL; PostgreSQL cannot compare one
            raise LaunchError(_("The launch's id_token holds a NUL character."))
        return self

    def get_client_id(self) -> str:
        # With several audiences the library takes the first; the spec names azp for this.
        azp = self._get_jwt_body().get("azp")
        return azp if isinstance(azp, str) and azp else str(super().get_client_id())

    def validate_registration(self) -> _MessageLaunch:
        super().validate_registration()
        body = self._jwt["body"]
        aud, azp = body.get("aud"), body.get("azp")
        client_id = self.get_client_id()
        if (isinstance(aud, list) and len(aud) > 1 and azp is None) or (
            azp is not None and azp != client_id
        ):
            raise LaunchError(_("The launch's authorised party (azp) is not Fuente's client id."))
        return self

    def validate_jwt_signature(self) -> _MessageLaunch:
        header, body = self._jwt["header"], self._jwt["body"]
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise LaunchError(_("The launch is not signed with RS256 and a key id."))
        registration = self._registration
        assert registration is not None  # validate_registration ran first
        key = _public_key(str(registration.get_key_set_url()), header["kid"])
        try:
            jwt.decode(
                self._get_id_token(),
                key,
                algorithms=["RS256"],
                audience=self.get_client_id(),
                issuer=body.get("iss"),
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise LaunchError(
                _("The launch has expired (its id_token's exp is past)."),
                _("Launch again from the LMS. If it keeps happening, the LMS's clock is wrong."),
            ) from error
        except jwt.InvalidAudienceError as error:
            raise LaunchError(_("The launch is addressed to another tool (aud).")) from error
        except jwt.ImmatureSignatureError as error:
            raise LaunchError(
                _("The launch was issued in the future (iat): the LMS's clock is ahead."),
                _("Ask the LMS administrator to check the server's clock."),
            ) from error
        except jwt.InvalidSignatureError as error:
            raise LaunchError(
                _("The launch's signature does not match the platform's key.")
            ) from error
        except jwt.InvalidTokenError as error:
            raise LaunchError(
                _("The launch's id_token is invalid: %(why)s") % {"why": error}
            ) from error
        return self

    def validate_nonce(self) -> _MessageLaunch:
        super().validate_nonce()
        nonce = self._jwt["body"]["nonce"]
        if not caches[CACHE].add("lti-nonce-spent-" + str(nonce), True, NONCE_TTL):
            raise LaunchError(
                _("This launch was already used (its nonce is spent)."),
                _("Launch again from the LMS; a launch form cannot be sent twice."),
            )
        return self


def _storage() -> DjangoCacheDataStorage:
    return DjangoCacheDataStorage(cache_name=CACHE)  # type: ignore[no-untyped-call]


def refuse_nul(request: HttpRequest) -> None:
    """No LMS sends a NUL character, and PostgreSQL cannot compare text holding one."""
    for params in (request.GET, request.POST):
        if any("\x00" in value for values in params.lists() for value in values[1]):
            raise LaunchError(_("The request holds a NUL character, which no LMS sends."))


def login_redirect(request: HttpRequest) -> HttpResponse:
    """OIDC login initiation: answer the platform with a redirect to its authorisation URL."""
    refuse_nul(request)
    target = request.POST.get("target_link_uri") or request.GET.get("target_link_uri")
    if not target:
        raise LaunchError(_("The login request names no target_link_uri."))
    storage = _storage()
    try:
        # pylti1p3's own cookie check (enable_check_cookies) is a page of inline script, which
        # the Content-Security-Policy forbids; a dropped cookie is noticed at the launch instead.
        oidc = DjangoOIDCLogin(request, _ToolConf(), launch_data_storage=storage)  # type: ignore[no-untyped-call]
        response: HttpResponse = oidc.disable_check_cookies().redirect(target)
    except (LtiException, OIDCException) as error:
        raise LaunchError(_("The login request was refused: %(why)s") % {"why": error}) from error
    sent = parse_qs(urlsplit(response["Location"]).query)
    caches[CACHE].set(
        STATE_PREFIX + sent["state"][0],
        {
            "nonce": sent["nonce"][0],
            "session": storage.get_session_id() or "",
            "browser": browser_fingerprint(request),
        },
        STATE_TTL,
    )
    return response


def browser_fingerprint(request: HttpRequest) -> str:
    """The browser a request came from, as far as a server can tell without a cookie: its
    User-Agent and address. It stands in for the state cookie when the browser drops it, so a
    launch another browser posts (someone's own launch, to sign a victim in as them) fails."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{agent}\n{address}".encode()).hexdigest()


class _VouchedCookies(DjangoCookieService):
    """The login's cookies as the server recorded them, for a browser that did not send them
    back: the state names its own cookie, and the pylti1p3 session its nonce is stored under."""

    def __init__(self, request: HttpRequest, state: str, session: str) -> None:
        super().__init__(DjangoRequest(request, post_only=True))  # type: ignore[no-untyped-call]
        self._vouched = {state: state, "session-id": session}

    def get_cookie(self, name: str) -> str | None:
        return self._vouched.get(name) or super().get_cookie(name)  # type: ignore[no-untyped-call]


# pylti1p3's message → what failed, in words for people
_LIBRARY_ERRORS: dict[str, tuple[Promise, Promise]] = {
    "Unable to find deployment": (
        gettext_lazy("The launch's deployment id is not one registered for this platform."),
        gettext_lazy("Add the deployment id the LMS shows to the platform in Fuente's admin."),
    ),
    "Invalid Nonce": (
        gettext_lazy("The launch's nonce is not one Fuente issued, or it has expired."),
        gettext_lazy("Launch again from the LMS, within a few minutes of starting it."),
    ),
    "Missing %s cookie": (  # over HTTPS, pylti1p3's session cookie, for a login not on record
        gettext_lazy("The launch's state does not match the login Fuente started."),
        gettext_lazy("Launch again from the LMS, within a few minutes of starting it."),
    ),
    "Must support resource link placement types": (
        gettext_lazy(
            "This place in the LMS does not take LTI links (its deep-linking request's "
            "accept_types lacks ltiResourceLink), and LTI links are all Fuente adds."
        ),
        gettext_lazy(
            "Add Fuente where the LMS offers external tool links (Canvas: an assignment or "
            "module item; Moodle: an External tool activity)."
        ),
    ),
    "State not found": (
        gettext_lazy("The launch's state does not match the login Fuente started."),
        gettext_lazy(
            "Launch again from the LMS; if your browser blocks cookies in frames, "
            "set the link to open in a new window."
        ),
    ),
}


def validated_launch(request: HttpRequest) -> Launch:
    """The launch posted by the platform, checked completely, or a LaunchError."""
    refuse_nul(request)
    state = request.POST.get("state", "")
    cookies_returned = bool(state) and request.COOKIES.get(STATE_COOKIE_PREFIX + state) == state
    # The state Fuente issued at the login (the platform only echoes it), kept server-side.
    issued = caches[CACHE].get(STATE_PREFIX + state) if 0 < len(state) <= 100 else None
    cookies = None
    if not cookies_returned and not (
        isinstance(issued, dict) and issued.get("browser") == browser_fingerprint(request)
    ):
        issued = None
    if not cookies_returned and isinstance(issued, dict):
        cookies = _VouchedCookies(request, state, str(issued.get("session") or ""))
    try:
        message = _MessageLaunch(
            request, _ToolConf(), cookie_service=cookies, launch_data_storage=_storage()
        )  # type: ignore[no-untyped-call]
        body: dict[str, Any] = dict(message.get_launch_data())
    except LtiException as error:
        text = str(error)
        for prefix, (what, advice) in _LIBRARY_ERRORS.items():
            if text.startswith(prefix):
                raise LaunchError(str(what), str(advice)) from error
        raise LaunchError(_("The launch was refused: %(why)s") % {"why": text}) from error
    except (AttributeError, TypeError, KeyError) as error:  # a claim of the wrong JSON type
        raise LaunchError(
            _("The launch's claims are malformed (a claim of the wrong type).")
        ) from error
    message_type = body.get(CLAIM + "message_type")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchError(
            _("Fuente accepts resource link and deep linking launches, not “%(type)s”.")
            % {"type": message_type}
        )
    context, link = body.get(CLAIM + "context"), body.get(CLAIM + "resource_link")
    roles = body.get(CLAIM + "roles")
    ags, nrps, linking = body.get(AGS_CLAIM), body.get(NRPS_CLAIM), body.get(DL_CLAIM)
    custom, presentation = body.get(CLAIM + "custom"), body.get(CLAIM + "launch_presentation")
    if (
        not isinstance(roles, list)
        or not isinstance(context, dict | None)
        or not (isinstance(link, dict) or message_type == DEEP_LINKING)
        or not (isinstance(linking, dict) or message_type == RESOURCE_LINK)
        or not all(
            isinstance(claim, dict | None) for claim in (ags, nrps, custom, presentation, link)
        )
    ):
        raise LaunchError(_("The launch's claims are malformed (a claim of the wrong type)."))
    context = context or {}
    if not context.get("id"):
        raise LaunchError(_("The launch names no LMS course (its context claim is missing)."))
    if not cookies_returned and (not isinstance(issued, dict) or body["nonce"] != issued["nonce"]):
        raise LaunchError(str(_LIBRARY_ERRORS["State not found"][0]))
    caches[CACHE].delete(STATE_PREFIX + state)  # one launch per login
    launched = Launch(
        platform=Platform.objects.get(issuer=body["iss"], client_id=message.get_client_id()),
        deployment_id=str(body[CLAIM + "deployment_id"]),
        sub=str(body["sub"]),
        roles=tuple(str(role) for role in roles),
        context_id=str(context["id"]),
        context_title=str(context.get("title") or context.get("label") or ""),
        resource_link_id=str((link or {}).get("id") or ""),
        given_name=str(body.get("given_name") or ""),
        family_name=str(body.get("family_name") or ""),
        message_type=str(message_type),
        custom={str(key): str(value) for key, value in (custom or {}).items()},
        ags=dict(ags or {}),
        memberships_url=str((nrps or {}).get("context_memberships_url") or ""),
        deep_linking=dict(linking or {}),
        locale=str((presentation or {}).get("locale") or ""),
    )
    return launched if cookies_returned else replace(launched, cookies_returned=False)


@dataclass(frozen=True)
class ContentItem:
    """One LTI resource link a deep-linking response hands the platform; graded when it has a
    score maximum (the platform then makes a grade column, its line item)."""

    title: str
    url: str
    custom: dict[str, str]
    score_maximum: int | float | None = None
    resource_id: str = ""


def deep_linking_response(
    *, platform: Platform, deployment_id: str, data: Any, items: list[ContentItem]
) -> str:
    """The LtiDeepLinkingResponse JWT for `items` (none: the teacher cancelled), signed with
    the tool's current key. pylti1p3 builds the claims; it is not asked to sign, since it
    derives the key id from the public key and Fuente publishes its own."""
    key = current_key()
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_tool_private_key(key.private_key_pem)
    )
    resources = []
    for item in items:
        resource = (
            DeepLinkResource()
            .set_title(item.title)
            .set_url(item.url)
            .set_custom_params(item.custom)
        )
        if item.score_maximum is not None:
            resource.set_lineitem(
                LineItem()
                .set_label(item.title)
                .set_score_maximum(item.score_maximum)
                .set_resource_id(item.resource_id)
            )
        resources.append(resource)
    message = DeepLink(registration, deployment_id, {"data": data}).get_message_jwt(resources)
    if data is None:  # the claim goes back only when the request held one
        message.pop(DL_DATA_CLAIM, None)
    token: str = jwt.encode(
        message, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid}
    )
    return token
