"""Background tasks of the quizzes app (django-tasks; the worker is `manage.py db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from quizzes.models import Attempt


def close_at_deadline(attempt: Attempt, grace: timedelta) -> None:
    """Queue the submission of a timed attempt for when its time and grace are up, so a
    student who walks away is graded (and the LMS gets the grade) without anyone opening a
    page.

    Queued inside the caller's transaction, not after it commits: on the database backend
    the task's row commits with the attempt or not at all, and on SQLite a start then takes
    the write lock once, not twice. On Redis a task of a start that rolled back finds no
    attempt when it runs, and does nothing; one that commits runs after the deadline, long
    after the commit."""
    if attempt.deadline_at is None:
        return
    when = attempt.deadline_at + grace + timedelta(seconds=1)
    close_when_time_is_up.using(run_after=when).enqueue(attempt.pk)


@task()
def close_when_time_is_up(attempt_id: int) -> str:
    """Submit the attempt if it is still open and its time is up; if an accommodation moved
    its deadline later, wait for the new one."""
    from quizzes.services.attempts import GRACE, submit_if_overdue

    attempt = Attempt.objects.filter(pk=attempt_id).first()
    if attempt is None or not attempt.is_open:
        return "already closed"
    if attempt.deadline_at is None:
        return "no time limit any more"
    if timezone.now() > attempt.deadline_at + GRACE:
        submit_if_overdue(attempt)
        return "submitted"
    close_at_deadline(attempt, GRACE)
    return "waiting for the new deadline"
