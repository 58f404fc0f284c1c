from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite settings",
)


@pytest.fixture
def scratch_db(django_db_blocker):
    """These tests open their own connections to scratch files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def sqlite_connection(path):
    """A connection configured exactly like the app's default database, on a scratch file."""
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    alias = f"scratch-{threading.get_ident()}"
    connections[alias] = DatabaseWrapper(config, alias=alias)
    return connections[alias]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, scratch_db):
    connection = sqlite_connection(tmp_path / "db.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    connection.close()


def test_concurrent_read_then_write_transactions_queue_instead_of_failing(tmp_path, scratch_db):
    """With Django's defaults (deferred transactions, no WAL) this fails: 'database is locked'."""
    path = tmp_path / "db.sqlite3"
    setup = sqlite_connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()

    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def increment() -> None:
        connection = sqlite_connection(path)
        try:
            barrier.wait()
            for _ in range(20):
                # The app's pattern: a transaction that reads, then writes.
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=increment) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = sqlite_connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone()[0] == 160
    check.close()
