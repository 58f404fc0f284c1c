"""Helpers for the operations tests: they run the app as deployed, in subprocesses (settings
read from the environment, app servers, workers), against services on this machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# A Redis database of the tests' own, apart from one a developer may use (0 or 1).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
# Variables these tests set themselves: whatever the shell running pytest has is dropped.
OWN = (
    "DEBUG",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "REDIS_URL",
    "TASKS_BACKEND",
    "DATABASE_POOL",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_MAX_SIZE",
    "DATABASE_POOL_TIMEOUT",
    "DATABASE_PREPARED_STATEMENTS",
    "DJANGO_SETTINGS_MODULE",
)


def base_env(**changes: str) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, the test suite's key, plain
    HTTP; plus `changes`."""
    env = {name: value for name, value in os.environ.items() if name not in OWN}
    env.update(
        DEBUG="false",
        SECRET_KEY="tests-only-key-not-a-secret-0123456789abcdefghijklmnop",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(changes)
    return env


def run(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 1):
            return True
    except OSError:
        return False


def postgres_server_url() -> str:
    """The PostgreSQL server the suite runs on (DATABASE_URL), else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


@pytest.fixture
def redis_url() -> str:
    if not reachable(TEST_REDIS_URL):
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


@pytest.fixture
def postgres_url() -> str:
    url = postgres_server_url()
    if not reachable(url):
        pytest.skip(f"PostgreSQL is not reachable at {urlsplit(url).netloc}")
    return url
