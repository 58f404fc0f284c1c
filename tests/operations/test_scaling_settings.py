"""REDIS_URL, TASKS_BACKEND, DATABASE_POOL and DATABASE_PREPARED_STATEMENTS as config/settings.py reads them (docs/operations.md,
"When one machine is not enough"): parsed from the environment here, and in a fresh process where
Django must build the caches, the task backend or a pooled connection."""

from __future__ import annotations

import json
import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.operations.conftest import OWN, ROOT, base_env, run, with_database

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django_tasks import task_backends
print(json.dumps({
    "caches": {alias: type(caches[alias]).__name__ for alias in ("default", "lti")},
    "session_engine": settings.SESSION_ENGINE,
    "tasks": type(task_backends["default"]).__name__,
    "rq_queues": getattr(settings, "RQ_QUEUES", None),
    "apps": [a for a in settings.INSTALLED_APPS if "rq" in a],
}))
"""


def probe(**env: str) -> dict:
    """What Django builds from these settings in a fresh process."""
    done = run(["-c", PROBE], base_env(**env))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def settings_with(monkeypatch, **env: str) -> dict:
    """config/settings.py executed with this environment, as a namespace of its own."""
    for name in OWN:
        monkeypatch.delenv(name, raising=False)
    for name, value in base_env(**env).items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_without_redis_one_machine_needs_nothing_else(monkeypatch):
    found = settings_with(monkeypatch, DATABASE_URL="sqlite:///unused.sqlite3")
    assert found["CACHES"]["default"]["BACKEND"].endswith(".LocMemCache")
    assert found["CACHES"]["lti"]["BACKEND"].endswith(".DatabaseCache")
    assert "SESSION_ENGINE" not in found  # Django's default: sessions in the database
    assert found["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in found["INSTALLED_APPS"] and "RQ_QUEUES" not in found
    database = found["DATABASES"]["default"]
    assert "pool" not in database["OPTIONS"] and database["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_redis_url_shares_the_cache_and_sessions_and_keeps_tasks_in_the_database():
    found = probe(REDIS_URL="redis://127.0.0.1:6379/9")
    assert found["caches"] == {"default": "RedisCache", "lti": "RedisCache"}
    assert found["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert found["tasks"] == "DatabaseBackend"
    assert found["apps"] == [] and found["rq_queues"] is None


def test_tasks_backend_redis_selects_rq_on_the_same_redis():
    found = probe(REDIS_URL="redis://127.0.0.1:6379/9", TASKS_BACKEND="redis")
    assert found["tasks"] == "RQBackend"
    assert found["apps"] == ["django_rq", "django_tasks_rq"]
    assert found["rq_queues"] == {
        "default": {"URL": "redis://127.0.0.1:6379/9", "DEFAULT_TIMEOUT": 300}
    }


def test_the_rq_backend_passes_djangos_checks():
    # RQBackend's own check: django_rq installed, every queue in RQ_QUEUES, rq >= 2.5.
    env = base_env(REDIS_URL="redis://127.0.0.1:6379/9", TASKS_BACKEND="redis")
    done = run(["manage.py", "check"], env)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


PG = "postgres://postgres@127.0.0.1:5432/fuente"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASKS_BACKEND": "redis"}, "TASKS_BACKEND=redis needs REDIS_URL"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be database or redis, not 'celery'"),
        ({"DATABASE_POOL": "true"}, "DATABASE_POOL=true needs PostgreSQL"),
        ({"DATABASE_POOL": "maybe"}, "DATABASE_POOL must be true or false, not 'maybe'"),
        (
            {"DATABASE_PREPARED_STATEMENTS": "yes please", "DATABASE_URL": PG},
            "DATABASE_PREPARED_STATEMENTS must be true or false, not 'yes please'",
        ),
        (
            {"DATABASE_POOL": "true", "CONN_MAX_AGE": "60", "DATABASE_URL": PG},
            "DATABASE_POOL=true replaces CONN_MAX_AGE: set CONN_MAX_AGE=0",
        ),
    ],
)
def test_a_setting_that_cannot_work_is_refused_at_start_with_what_to_do(monkeypatch, env, message):
    env.setdefault("DATABASE_URL", "sqlite:///unused.sqlite3")
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_with(monkeypatch, **env)
    assert message in str(refused.value)


def test_database_pool_sizes_come_from_the_environment(monkeypatch):
    found = settings_with(
        monkeypatch,
        DATABASE_URL=PG,
        DATABASE_POOL="true",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="6",
    )["DATABASES"]["default"]
    assert found["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 10.0}
    assert found["CONN_MAX_AGE"] == 0
    off = settings_with(monkeypatch, DATABASE_URL=PG, CONN_MAX_AGE="60")["DATABASES"]["default"]
    assert "pool" not in off.get("OPTIONS", {}) and off["CONN_MAX_AGE"] == 60


def test_pgbouncer_transaction_mode_can_turn_server_side_cursors_off(monkeypatch):
    found = settings_with(monkeypatch, DATABASE_DISABLE_SERVER_SIDE_CURSORS="true")
    assert found["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True


POOLED = """
import json, django
django.setup()
from django.db import connection
pids = []
for _ in range(5):  # five "requests": each ends by closing its connection, as Django does
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    connection.close()
pool = connection.pool
print(json.dumps({"pids": pids, "pool": pool.get_stats() if pool else None}))
"""


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "unpooled"])
def test_a_pooled_connection_is_reused_on_the_local_postgresql(postgres_url, pooled):
    env = base_env(
        DATABASE_URL=with_database(postgres_url, "postgres"),
        DATABASE_POOL="true" if pooled else "false",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="2",
    )
    done = run(["-c", POOLED], env)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if pooled:
        # Closed after each "request", yet at most the pool's two server processes answered.
        assert len(set(found["pids"])) <= 2
        assert (found["pool"]["pool_min"], found["pool"]["pool_max"]) == (1, 2)
    else:
        # Without the pool (and CONN_MAX_AGE=0) every request opens a connection of its own.
        assert len(set(found["pids"])) == 5
        assert found["pool"] is None


def test_postgresql_prepares_statements_unless_told_not_to(monkeypatch):
    found = settings_with(monkeypatch, DATABASE_URL=PG)["DATABASES"]["default"]
    assert found["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    off = settings_with(monkeypatch, DATABASE_URL=PG, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off["DATABASES"]["default"].get("OPTIONS", {})
    sqlite = settings_with(monkeypatch, DATABASE_URL="sqlite:///unused.sqlite3")
    assert "server_side_binding" not in sqlite["DATABASES"]["default"]["OPTIONS"]


PREPARED = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    for _ in range(6):  # the same query, as six requests on one connection would send it
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = %s", ["auth_user"])
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    print(json.dumps([row[0] for row in cursor.fetchall()]))
"""


@pytest.mark.parametrize("prepared", ["true", "false"])
def test_a_repeated_query_is_planned_once_on_the_local_postgresql(postgres_url, prepared):
    env = base_env(
        DATABASE_URL=with_database(postgres_url, "postgres"), DATABASE_PREPARED_STATEMENTS=prepared
    )
    done = run(["-c", PREPARED], env)
    assert done.returncode == 0, done.stderr
    statements = json.loads(done.stdout.strip().splitlines()[-1])
    assert len([s for s in statements if "FROM pg_class" in s]) == (prepared == "true")
