"""An LMS's grade service over real HTTP, for the grade passback tests: a threaded WSGI server
on 127.0.0.1 (a free port) with lti1p3platform's token endpoint (client credentials with a
JWT client assertion, verified against Fuente's own key set) and its Assignment and Grade
Services score endpoint (bearer token checked by the library). Tests make it fail or hang."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from lti1p3platform.exceptions import LtiException
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService

from tests.lti.platform import CLIENT_ID, TestPlatform, _Config

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HttpRequest(Request):
    def build_metadata(self, request: Any) -> Any:
        return request


@dataclass
class Failure:
    status: int = 500
    body: str = ""
    delay: float = 0.0  # seconds to wait before answering (longer than the tool's timeout: hangs)


class _Scores(AssignmentsGradesService):
    """The line items' score service; the other AGS calls are not used by Fuente."""

    def __init__(self, lms: LmsServer, request: Request) -> None:
        super().__init__(request, lms.config(), f"{lms.url}/lineitems")
        self._lms = lms

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        self._lms.scores.append((line_item_id, score))
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def find_lineitem(self, line_item_id: str) -> Any:
        raise NotImplementedError

    def create_lineitem(self, creation_data: Any) -> Any:
        raise NotImplementedError

    def update_lineitem(self, update_data: Any) -> Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def get_results(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


@dataclass
class LmsServer:
    platform: TestPlatform
    tool_key_set: dict[str, Any]
    url: str = ""
    scores: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    score_requests: list[dict[str, Any]] = field(default_factory=list)  # every POST, refused too
    fail_scores: list[Failure] = field(default_factory=list)  # answered in turn, then success
    fail_tokens: list[Failure] = field(default_factory=list)

    def config(self) -> _Config:
        registration = self.platform.registration().set_tool_key_set(self.tool_key_set)
        return _Config(registration=registration)

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def lineitem_url(self, number: int) -> str:
        return f"{self.url}/lineitems/{number}/lineitem?type_id=quiz"

    def received(self) -> list[dict[str, Any]]:
        return [score for _, score in self.scores]

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        if environ["REQUEST_METHOD"] == "POST" and path == "/token":
            status, payload = self._token(body)
        elif environ["REQUEST_METHOD"] == "POST" and path.endswith("/lineitem/scores"):
            status, payload = self._score(environ, path, body)
        else:
            status, payload = 404, "no such endpoint"
        text = payload if isinstance(payload, str) else json.dumps(payload)
        kind = "text/plain" if isinstance(payload, str) else "application/json"
        start_response(f"{status} X", [("Content-Type", kind)])
        return [text.encode()]

    def _failure(self, queue: list[Failure]) -> Failure | None:
        if not queue:
            return None
        failure = queue.pop(0)
        time.sleep(failure.delay)
        return failure if failure.status else None

    def _token(self, body: str) -> tuple[int, Any]:
        form = dict(parse_qsl(body))
        self.token_requests.append(form)
        failure = self._failure(self.fail_tokens)
        if failure is not None:
            return failure.status, failure.body
        try:
            answer = self.config().get_access_token(form)
        except (LtiException, jwt.InvalidTokenError, KeyError) as error:
            return 401, {"error": "invalid_client", "error_description": str(error)}
        # The library leaves aud and the client's identity unchecked; a platform checks them.
        claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
        if claims.get("aud") != self.token_url or claims.get("iss") != CLIENT_ID:
            return 401, {"error": "invalid_client", "error_description": "wrong aud or iss"}
        if claims.get("sub") != CLIENT_ID or not claims.get("jti"):
            return 401, {"error": "invalid_client", "error_description": "wrong sub or no jti"}
        return 200, dict(answer)

    def _score(self, environ: dict[str, Any], path: str, body: str) -> tuple[int, Any]:
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        self.score_requests.append(
            {"path": path, "query": environ.get("QUERY_STRING", ""), "body": body}
        )
        if environ.get("CONTENT_TYPE") != SCORE_TYPE:
            return 415, f"Content-Type must be {SCORE_TYPE}"
        failure = self._failure(self.fail_scores)
        if failure is not None:
            return failure.status, failure.body
        request = _HttpRequest(
            {"method": "POST", "headers": headers, "json": json.loads(body), "get_data": {}}
        )
        line_item = path.split("/")[2]
        try:
            response = _Scores(self, request).handle_update_score(line_item)
        except LtiException as error:
            return 401, str(error)
        return response.code, response.message

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1", 0, self, server_class=_Threading, handler_class=_Quiet
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
