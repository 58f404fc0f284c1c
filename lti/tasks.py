"""Background tasks of the LTI app (django-tasks; the worker is `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from lti import grades


@task()
def send_grade(grade_send_id: int, version: int) -> str:
    """Send one student's grade on one LMS link, unless a newer grade superseded `version`."""
    return grades.send_grade(grade_send_id, version)
