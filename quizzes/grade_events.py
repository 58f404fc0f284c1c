"""One domain event, "these students' grades on this quiz changed", told to whoever listens
once the change is committed.

Services call `grades_changed` where a grade changes (an attempt submitted or auto-submitted,
an override, a regrade). Apps above quizzes in the dependency chain (lti: grade passback)
subscribe with `on_grades_changed` in their AppConfig.ready, so quizzes never imports them.
Listeners run after the transaction commits (nothing is told of a rolled-back change) and
must be quick: they record work and enqueue it, never call another server."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

Listener = Callable[[int, list[int]], None]  # (quiz id, student ids)

_listeners: list[Listener] = []


def on_grades_changed(listener: Listener) -> None:
    """Subscribe `listener`; subscribing the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def grades_changed(*, quiz_id: int, student_ids: Iterable[int]) -> None:
    """Tell the listeners, after the current transaction commits, that the grades of
    `student_ids` on the quiz changed (at once when no transaction is open)."""
    ids = sorted(set(student_ids))
    if not ids or not _listeners:
        return

    def tell_grade_listeners() -> None:
        for listener in list(_listeners):
            listener(quiz_id, ids)

    # robust: a failing listener is logged, and the change (already committed) stands.
    transaction.on_commit(tell_grade_listeners, robust=True)
