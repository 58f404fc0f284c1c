"""A real HTTP server the roster tests start (threaded, 127.0.0.1, a free port) playing the
LMS's side of Names and Role Provisioning: the OAuth2 token endpoint (lti1p3platform checks
Fuente's client assertion against Fuente's published key set and signs the access token) and
a paged NRPS 2.0 membership container (lti1p3platform's NamesRoleProvisioningService checks
the bearer token and builds the container; the pages are chained with Link rel="next"
headers, as the spec says). Failures to play: `fail` = "500", "timeout", "junk", "loop",
"offsite", on page `fail_page`."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from lti1p3platform.membership import Context
from lti1p3platform.request import Request
from lti1p3platform.service_connector import NamesRoleProvisioningService

from tests.lti.platform import CLIENT_ID, TestPlatform, _Config

NRPS_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


class _HttpRequest(Request):
    def build_metadata(self, request: Any) -> Any:
        return request


class _Roster(NamesRoleProvisioningService):
    def __init__(self, pages: list[list[dict[str, Any]]], *args: Any) -> None:
        super().__init__(*args)
        self.pages = pages

    def get_member_data_page(self, page: Any = 1, **kwargs: Any) -> Any:
        return {"content": [dict(m) for m in self.pages[int(page) - 1]], "has_next": False}

    def get_context_by_id(self) -> Context:
        return Context(id="lms-course-1", label="RIV101", title="Rivers 101")


@dataclass
class NrpsServer:
    """The LMS's token and memberships endpoints; `pages` holds the members, page by page."""

    tool_key_set: dict[str, Any]
    pages: list[list[dict[str, Any]]] = field(default_factory=list)
    fail: str = ""
    fail_page: int = 1
    platform: TestPlatform = field(default_factory=TestPlatform)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    page_requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def memberships_url(self) -> str:
        return f"{self.base}/courses/1/memberships"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        registration = self.platform.registration().set_tool_key_set(self.tool_key_set)
        try:
            answer = _Config(registration=registration).get_access_token(form)
            # lti1p3platform skips `aud`; the Security Framework wants the token URL there.
            claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
        except Exception as error:  # any refusal is the LMS's 401
            return 401, {"error": "invalid_client", "error_description": str(error)}
        if (claims.get("aud"), claims.get("iss"), claims.get("sub")) != (
            self.token_url,
            CLIENT_ID,
            CLIENT_ID,
        ):
            return 401, {"error": "invalid_client", "error_description": "wrong aud/iss/sub"}
        return 200, dict(answer)

    def members(self, query: dict[str, str], headers: dict[str, str]) -> tuple[int, Any, str]:
        """Status, body and Link header of one page."""
        self.page_requests.append((query.get("page", "1"), headers))
        number = int(query.get("page", "1"))
        failing = self.fail and number == self.fail_page
        if failing and self.fail == "500":
            return 500, "The roster database is on fire", ""
        if failing and self.fail == "timeout":
            time.sleep(1.5)
        if failing and self.fail == "junk":
            return 200, "<html>not json</html>", ""
        request = _HttpRequest(
            {"method": "GET", "headers": headers, "get_data": {"page": number}, "path": "/"}
        )
        config = _Config(registration=self.platform.registration())
        service = _Roster(self.pages, request, config, self.memberships_url)
        try:
            response = service.handle_get_members()
        except Exception:  # a token lti1p3platform cannot even decode
            return 401, {"error": "invalid_token"}, ""
        if response.code != 200:
            return response.code, {"error": response.message}, ""
        if failing and self.fail == "offsite":
            return 200, response.result, '<http://elsewhere.test/steal>; rel="next"'
        following = 1 if failing and self.fail == "loop" else number + 1
        link = ""
        if following <= len(self.pages):
            link = f'<{self.memberships_url}?page={following}>; rel="next"'
        return 200, response.result, link


def _handler(lms: NrpsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet tests
            pass

        def _send(self, status: int, body: Any, content_type: str, link: str = "") -> None:
            raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                if link:
                    self.send_header("Link", link)
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):  # Fuente gave up (timeout)
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            if urlsplit(self.path).path != "/token":
                self._send(404, {"error": "not found"}, "application/json")
                return
            status, body = lms.token(form)
            self._send(status, body, "application/json")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != urlsplit(lms.memberships_url).path:
                self._send(404, {"error": "not found"}, "application/json")
                return
            headers = dict(self.headers.items())
            status, body, link = lms.members(dict(parse_qsl(parts.query)), headers)
            self._send(status, body, NRPS_MEDIA_TYPE if status == 200 else "text/plain", link)

    return Handler


class Running:
    """Start the server on a free port; stop it (and its thread) on close()."""

    def __init__(self, lms: NrpsServer) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lms))
        self.server.daemon_threads = True
        lms.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
