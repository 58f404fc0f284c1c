"""Two app servers (gunicorn, DEBUG off, as deployed) on one database and one shared cache, as
behind a load balancer: a student's session, an attempt and an LTI launch each move between
them. Runs on SQLite (a file both servers open) and on PostgreSQL when the suite does
(DATABASE_URL), first with the database cache, then with Redis (REDIS_URL) when it is there.

The servers' database is made here (migrated, the fixture pack built, a student and an LMS
added: tests/operations/servers.py), not pytest-django's, which other processes cannot see."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from tests.lti import platform as lms_platform
from tests.lti.platform import ISSUER, LEARNER, fresh_sub, query
from tests.operations.conftest import (
    ROOT,
    TEST_REDIS_URL,
    base_env,
    postgres_server_url,
    reachable,
    run,
    with_database,
)
from tests.operations.servers import PASSWORD, STUDENT

SETTINGS = "tests.operations.server_settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def platform() -> Iterator[tuple[lms_platform.TestPlatform, str]]:
    """The LMS, its key set served over HTTP where both servers fetch it."""
    lms = lms_platform.TestPlatform()

    class KeySet(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(lms.key_set(self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeySet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lms, f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory, platform) -> Iterator[str]:
    """A database of this module's own, migrated and seeded; its DATABASE_URL."""
    suite_url = os.environ.get("DATABASE_URL", "")
    name = ""
    if suite_url.startswith(("postgres://", "postgresql://")):
        name = f"fuente_two_servers_{os.getpid()}"
        admin = with_database(postgres_server_url(), "postgres")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
        url = with_database(suite_url, name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('two-servers') / 'shared.sqlite3'}"
    try:
        seeded = run(
            ["-m", "tests.operations.servers", "seed", platform[1]],
            base_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS),
        )
        assert seeded.returncode == 0, seeded.stderr
        yield url
    finally:
        if name:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Servers:
    def __init__(self, database_url: str, redis_url: str, logs: Path) -> None:
        self.env = base_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DJANGO_SETTINGS_MODULE=SETTINGS,
            GUNICORN_WORKERS="1",
            GUNICORN_THREADS="2",
        )
        self.urls: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs = logs

    def start(self) -> None:
        for letter in "AB":
            port = free_port()
            log = (self.logs / f"server-{letter}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "-c",
                        "config/gunicorn.conf.py",
                        "config.wsgi",
                    ],
                    cwd=ROOT,
                    env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: see stop()
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        for url, process in zip(self.urls, self.processes, strict=True):
            while True:
                assert process.poll() is None, self.log()
                try:
                    if requests.get(f"{url}/healthz/", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still loading the app
                    pass
                assert time.monotonic() < deadline, self.log()
                time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                # A worker holding a kept-alive connection can keep the master waiting for
                # its graceful timeout (30 s); killing only the master would leave that worker
                # running, and listening, after the tests. Kill the whole group.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.logs.glob("server-*.log")))


@pytest.fixture(params=["database cache", "redis"])
def servers(request, shared_database, tmp_path) -> Iterator[Servers]:
    redis_url = ""
    if request.param == "redis":
        if not reachable(TEST_REDIS_URL):
            pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
        redis_url = TEST_REDIS_URL
    pair = Servers(shared_database, redis_url, tmp_path)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append({name: value or "" for name, value in attrs})


def first_answer(html: str) -> dict[str, str]:
    """Question 1's fields as the attempt page shows them: its sequence number and its first
    choice (or a number typed in), the way a student's browser would post them."""
    parser = _Inputs()
    parser.feed(html)
    fields = {field.get("name"): field for field in reversed(parser.inputs)}  # the first wins
    seq, answer = fields.get("q0-seq"), fields.get("q0-answer")
    assert seq and answer, html[:2000]
    value = answer.get("value") if answer.get("type") in ("radio", "checkbox") else "1"
    return {"q0-seq": seq["value"], "q0-answer": value or "1"}


def test_a_student_and_a_launch_move_between_two_servers(servers, platform):
    a, b = servers.urls
    browser = requests.Session()  # one browser, one cookie jar; the balancer picks the server

    # Signed in on A, the session cookie works on B.
    login = browser.get(f"{a}/login/")
    signed_in = browser.post(
        f"{a}/login/",
        {"username": STUDENT, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login.text)},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, servers.log()
    session_key = browser.cookies["sessionid"]
    home = browser.get(f"{b}/courses/rivers/", allow_redirects=False)
    assert home.status_code == 200, home.headers.get("Location")

    # The attempt: started on A, an answer saved on B, submitted on A.
    page = browser.get(f"{a}/courses/rivers/quizzes/river-flow/")
    started = browser.post(
        f"{a}/courses/rivers/quizzes/river-flow/start/",
        {"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
    )
    assert started.status_code == 302, servers.log()
    attempt_id = int(re.search(r"/attempts/(\d+)/", started.headers["Location"]).group(1))
    on_b = browser.get(f"{b}/attempts/{attempt_id}/")
    assert on_b.status_code == 200
    answer = first_answer(on_b.text)
    saved = browser.post(
        f"{b}/attempts/{attempt_id}/q/0/save/",
        {**answer, "csrfmiddlewaretoken": csrf_token(on_b.text)},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200, saved.text[:500]
    submitted = browser.post(
        f"{a}/attempts/{attempt_id}/submit/",
        {"csrfmiddlewaretoken": csrf_token(on_b.text)},
        allow_redirects=False,
    )
    assert submitted.status_code == 302
    assert submitted.headers["Location"] == f"/attempts/{attempt_id}/result/"
    assert browser.get(f"{b}/attempts/{attempt_id}/result/").status_code == 200

    # An LTI launch in the LMS's frame: the OIDC login lands on A, the launch on B. Both pass
    # the load balancer, which ends TLS (X-Forwarded-Proto): the launch's cookies are Secure,
    # so they are carried by hand from A's answer to B, as the browser would over HTTPS.
    lms, _key_set_url = platform
    lms.base = a
    sub = fresh_sub()
    https = {"X-Forwarded-Proto": "https"}
    redirect = requests.get(lms.login_url(sub), headers=https, allow_redirects=False)
    assert redirect.status_code == 302, redirect.text[:1000]
    assert redirect.headers["Location"].startswith(f"{ISSUER}/auth?")
    token = lms.id_token(query(redirect.headers["Location"]), sub=sub, roles=[LEARNER])
    assert urlsplit(token["launch_url"]).netloc == urlsplit(a).netloc
    form = {"id_token": token["id_token"], "state": token["state"]}
    launched = requests.post(
        f"{b}/lti/launch/",
        form,
        headers=https,
        cookies=redirect.cookies.get_dict(),
        allow_redirects=False,
    )
    assert launched.status_code == 302, launched.text[:2000]
    assert launched.headers["Location"] == "/courses/rivers/"
    launched_session = launched.cookies.get_dict()
    course_home = requests.get(
        f"{a}/courses/rivers/", headers=https, cookies=launched_session, allow_redirects=False
    )
    assert course_home.status_code == 200
    # The same launch posted again, to A this time, is refused: its nonce was spent on B.
    replayed = requests.post(
        f"{a}/lti/launch/",
        form,
        headers=https,
        cookies=redirect.cookies.get_dict(),
        allow_redirects=False,
    )
    assert replayed.status_code == 400
    assert "nonce" in replayed.text

    # What the servers left in the database.
    state = run(
        ["-m", "tests.operations.servers", "state", str(attempt_id), sub, session_key],
        servers.env,
    )
    assert state.returncode == 0, state.stderr
    found = json.loads(state.stdout.strip().splitlines()[-1])
    assert found["attempt_student"] == STUDENT
    assert found["attempt_state"] == "submitted"
    assert list(found["answers"]) == ["0"]
    assert found["lti_enrolled"] is True
    # Sessions are written to the database with either cache (cached_db with Redis).
    assert found["session_in_database"] is True
    if servers.env["REDIS_URL"]:
        import redis

        shared = redis.Redis.from_url(servers.env["REDIS_URL"])
        cached = f"fuente-default:1:django.contrib.sessions.cached_db{session_key}"
        assert shared.exists(cached)
        assert shared.keys("fuente-lti:1:*")
        # Redis loses the session (a flush, a restart, an eviction): the student stays signed
        # in, read back from the database.
        shared.delete(cached)
        again = browser.get(f"{b}/attempts/{attempt_id}/result/", allow_redirects=False)
        assert again.status_code == 200
        assert shared.exists(cached)
