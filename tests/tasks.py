"""Running queued background tasks in a test, with the real worker."""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def run_worker() -> None:
    """The real worker, as production runs it, until the queue has nothing ready. Only its
    recycling of database connections is off: the test's transaction is the database here,
    and closing the connection would end it (PostgreSQL)."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command(
            "db_worker",
            batch=True,
            interval=0,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=io.StringIO(),
        )
