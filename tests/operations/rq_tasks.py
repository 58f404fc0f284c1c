"""A task for tests/operations/test_task_backends.py: RQ's worker imports it by its path."""

from __future__ import annotations

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def fail(message: str) -> None:
    raise ValueError(message)
