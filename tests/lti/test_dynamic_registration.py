"""LTI Dynamic Registration 1.0 against a fake platform: a real HTTP server the test starts
(threaded, 127.0.0.1, a free port) serving the platform's OpenID configuration and its
registration endpoint."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from lti import dynamic_registration
from lti.models import Deployment, Platform
from lti.registration import SCOPES
from tests.factories import UserFactory

TOOL = "https://purl.imsglobal.org/spec/lti-tool-configuration"
TOKEN = "reg-token-123"


class FakePlatform:
    """What the platform serves; tests change `configuration`, `answer` and `fail`."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.configuration: dict[str, Any] = {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/auth",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "registration_endpoint": f"{self.base}/register",
            "scopes_supported": ["openid", *SCOPES[1:]],  # no line item management
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "moodle",
                "version": "4.5",
            },
        }
        self.answer: dict[str, Any] = {
            "client_id": "dyn-client-7",
            TOOL: {"deployment_id": "dep-42"},
        }
        self.fail = ""  # "config-junk", "register-400", "register-junk", "slow"
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def configuration_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration?registration=1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        lms = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any) -> None:
                raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:
                lms.requests.append(("GET", self.path, dict(self.headers.items()), None))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._send(401, {"error": "registration token required"})
                elif lms.fail == "config-junk":
                    self._send(200, "<html>")
                else:
                    self._send(200, lms.configuration)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                lms.requests.append(("POST", self.path, dict(self.headers.items()), body))
                if urlsplit(self.path).path != "/register":
                    self._send(404, {"error": "no such endpoint"})
                elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._send(401, {"error": "registration token required"})
                elif lms.fail == "register-400":
                    self._send(400, "redirect_uris must use https")
                elif lms.fail == "register-junk":
                    self._send(200, "oops")
                elif lms.fail == "slow":
                    time.sleep(1.5)
                    self._send(200, lms.answer)
                else:
                    self._send(200, lms.answer)

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def lms():
    platform = FakePlatform()
    yield platform
    platform.close()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def start_url(lms, token=TOKEN) -> str:
    query = {"openid_configuration": lms.configuration_url, "registration_token": token}
    return reverse("lti_dynamic_registration") + "?" + urlencode(query)


def text(response) -> str:
    return html.unescape(response.content.decode())


def register(client, lms, token=TOKEN):
    return client.post(
        reverse("lti_dynamic_registration"),
        {"openid_configuration": lms.configuration_url, "registration_token": token},
    )


def test_someone_not_signed_in_signs_in_first_and_comes_back(client, lms):
    response = client.get(start_url(lms))
    assert response.status_code == 302
    login, query = response["Location"].split("?", 1)
    assert login == reverse("login")
    assert parse_qs(query)["next"] == [start_url(lms)]
    assert lms.requests == []


def test_in_the_lms_frame_sign_in_opens_in_a_new_tab(client, lms):
    response = client.get(start_url(lms), headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200
    page = response.content.decode()
    link = re.search(r'<a href="([^"]+)" target="_blank"', page)
    assert link is not None
    login, query = html.unescape(link.group(1)).split("?", 1)
    assert login == reverse("login") and parse_qs(query)["next"] == [start_url(lms)]
    assert f"frame-ancestors {lms.base}" in response["Content-Security-Policy"]
    assert lms.requests == []


def test_only_a_superuser_may_register(client, lms, teacher):
    client.force_login(teacher)  # staff, not superuser
    assert client.get(start_url(lms)).status_code == 403
    assert register(client, lms).status_code == 403
    assert lms.requests == [] and not Platform.objects.exists()


def test_the_confirmation_page_names_the_lms_and_may_be_framed_by_it(client, lms, admin_user):
    client.force_login(admin_user)
    response = client.get(start_url(lms))
    assert response.status_code == 200
    page = response.content.decode()
    assert lms.base in page and "Register Fuente" in page
    assert f"frame-ancestors {lms.base}" in response["Content-Security-Policy"]
    assert lms.requests == []  # nothing happens on a GET


def test_registering_sends_the_tool_configuration_and_records_the_platform(client, lms, admin_user):
    client.force_login(admin_user)
    response = register(client, lms)
    assert response.status_code == 200, response.content.decode()

    (get, post) = lms.requests
    assert get[0] == "GET" and get[2]["Authorization"] == f"Bearer {TOKEN}"
    assert post[0] == "POST" and post[2]["Authorization"] == f"Bearer {TOKEN}"
    sent = post[3]
    assert sent["client_name"] == "Fuente"
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert sent["scope"].split() == list(SCOPES[1:])  # only what the platform offers
    tool = sent[TOOL]
    assert tool["domain"] == "testserver"
    assert tool["target_link_uri"] == "http://testserver/lti/launch/"
    assert {"sub", "given_name", "family_name"} <= set(tool["claims"])
    assert [m["type"] for m in tool["messages"]] == [
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    ]

    platform = Platform.objects.get()
    assert (platform.issuer, platform.client_id) == (lms.base, "dyn-client-7")
    assert platform.auth_login_url == f"{lms.base}/auth"
    assert platform.token_url == f"{lms.base}/token"
    assert platform.key_set_url == f"{lms.base}/jwks"
    assert platform.name == f"moodle (127.0.0.1:{lms.server.server_port})"
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["dep-42"]

    page = response.content.decode()
    assert "dyn-client-7" in page and "dep-42" in page
    assert 'id="close-registration"' in page
    assert "lti/close_registration.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert f"frame-ancestors {lms.base}" in response["Content-Security-Policy"]


def test_the_close_script_posts_the_close_message(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("lti/close_registration.js"), encoding="utf-8") as file:
        script = file.read()
    assert 'subject: "org.imsglobal.lti.close"' in script
    assert "window.opener || window.parent" in script


def test_registering_again_updates_the_platform_without_a_duplicate(client, lms, admin_user):
    client.force_login(admin_user)
    register(client, lms)
    lms.configuration["token_endpoint"] = f"{lms.base}/token2"
    assert register(client, lms).status_code == 200
    platform = Platform.objects.get()
    assert platform.token_url == f"{lms.base}/token2"
    assert Deployment.objects.count() == 1


def test_a_registration_without_a_deployment_id_says_to_add_one(client, lms, admin_user):
    lms.answer = {"client_id": "dyn-client-8"}
    client.force_login(admin_user)
    response = register(client, lms)
    assert response.status_code == 200
    assert "gave no deployment id" in response.content.decode()
    assert Platform.objects.get().client_id == "dyn-client-8"
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"issuer": "https://evil.example"}, "is not at the configuration's own address"),
        ({"issuer": None}, "is not at the configuration's own address"),
        ({"registration_endpoint": "ftp://x"}, "no usable registration_endpoint"),
        ({"jwks_uri": None}, "no usable jwks_uri"),
    ],
)
def test_a_bad_configuration_is_refused(client, lms, admin_user, change, said):
    lms.configuration.update(change)
    client.force_login(admin_user)
    response = register(client, lms)
    assert response.status_code == 502
    assert said in text(response)
    assert not Platform.objects.exists()
    assert [method for method, *_rest in lms.requests] == ["GET"]


@pytest.mark.parametrize(
    ("fail", "said"),
    [
        ("config-junk", "is not JSON"),
        ("register-400", "HTTP 400: redirect_uris must use https"),
        ("register-junk", "is not JSON"),
        ("slow", "did not answer in time"),
    ],
)
def test_an_lms_failure_shows_what_the_lms_said(client, lms, admin_user, monkeypatch, fail, said):
    monkeypatch.setattr(dynamic_registration, "TIMEOUT", 0.5)
    lms.fail = fail
    client.force_login(admin_user)
    response = register(client, lms)
    assert response.status_code == 502
    assert said in text(response)
    assert "Try again" in response.content.decode()
    assert not Platform.objects.exists()


def test_a_wrong_registration_token_shows_the_lms_refusal(client, lms, admin_user):
    client.force_login(admin_user)
    response = register(client, lms, token="stolen")
    assert response.status_code == 502
    assert "HTTP 401" in response.content.decode()
    assert not Platform.objects.exists()


def test_a_registration_answer_without_client_id_is_refused(client, lms, admin_user):
    lms.answer = {TOOL: {"deployment_id": "d"}}
    client.force_login(admin_user)
    response = register(client, lms)
    assert response.status_code == 502
    assert "holds no client_id" in response.content.decode()
    assert not Platform.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"openid_configuration": "not a url"},
        {"openid_configuration": "ftp://lms.example/x"},
        {"openid_configuration": "http://lms.example/x"},  # https only, but on this machine
        {"openid_configuration": "https://lms.example/x", "registration_token": "a" * 4001},
    ],
)
def test_bad_parameters_get_a_400_with_what_to_do(client, admin_user, query):
    client.force_login(admin_user)
    url = reverse("lti_dynamic_registration") + "?" + urlencode(query)
    response = client.get(url)
    assert response.status_code == 400
    assert "must be opened by the LMS" in response.content.decode()


def test_a_registration_post_needs_the_csrf_token(lms, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert register(client, lms).status_code == 403
    assert lms.requests == []


def test_the_admin_registration_page_shows_the_dynamic_registration_url(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:lti_registration")).content.decode()
    assert "http://testserver/lti/register/" in page
