"""An LTI 1.3 platform inside the test suite, built on lti1p3platform (a real platform
implementation): it starts the OIDC login, answers Fuente's authorisation redirect with an
id_token it signs with its own RSA key, and serves its key set to Fuente's fetch."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

ISSUER = "https://lms.example.test"
CLIENT_ID = "fuente-client-1"
DEPLOYMENT_ID = "deployment-1"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)


def new_rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Request(Request):
    def build_metadata(self, request: Any) -> Any:
        return {"method": "GET", "form_data": {}, "get_data": request, "headers": {}, "path": "/"}


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@dataclass
class TestPlatform:
    """One LMS with Fuente registered as client CLIENT_ID, deployment DEPLOYMENT_ID."""

    base: str = "http://testserver"
    private_pem: str = ""
    public_pem: str = ""
    key_set_fetches: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.private_pem:
            self.private_pem, self.public_pem = new_rsa_pem()

    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(ISSUER)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_launch_url(f"{self.base}/lti/launch/")
            .set_oidc_login_url(f"{self.base}/lti/login/")
            .set_platform_private_key(self.private_pem)
            .set_platform_public_key(self.public_pem)
        )

    def key_set(self, url: str) -> dict[str, Any]:
        self.key_set_fetches.append(url)
        return {"keys": self.registration().get_jwks()}

    def rotate(self) -> None:
        self.private_pem, self.public_pem = new_rsa_pem()

    def login_url(self, sub: str, hint: str = "resource-1") -> str:
        login = _Login(None, _Config(registration=self.registration()))
        login.set_lti_message_hint(hint=hint)
        return str(login.initiate_login(sub))

    def id_token(
        self,
        auth_params: dict[str, str],
        *,
        sub: str,
        roles: list[str],
        context_id: str = "lms-course-1",
        resource_link_id: str = "resource-1",
        claims: dict[str, Any] | None = None,
        expires_in: int = 300,
    ) -> dict[str, str]:
        """The platform's answer to Fuente's authorisation redirect: id_token and state."""
        launch = _Launch(_Request(auth_params), _Config(registration=self.registration()))
        launch.set_user_data(sub, roles, full_name="Ada Lovelace")
        launch.set_resource_link_claim(resource_link_id, title="A quiz")
        launch.set_launch_context_claim(context_id, context_title="Rivers 101")
        launch.set_id_token_expiration(expires_in)
        if claims:
            launch.set_extra_claims(claims)
        data: dict[str, str] = launch.lti_launch()
        return data


def tamper(
    id_token: str,
    *,
    drop: tuple[str, ...] = (),
    key_pem: str | None = None,
    platform: TestPlatform,
    **changes: Any,
) -> str:
    """The same id_token with claims changed or dropped, signed again (by another key: a bad
    signature under the platform's own kid)."""
    header = jwt.get_unverified_header(id_token)
    body = jwt.decode(id_token, options={"verify_signature": False})
    body.update(changes)
    for name in drop:
        body.pop(name, None)
    return jwt.encode(
        body, key_pem or platform.private_pem, algorithm="RS256", headers={"kid": header["kid"]}
    )


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def path_of(url: str) -> str:
    return urlsplit(url).path


def fresh_sub() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"
