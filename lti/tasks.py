"""Background tasks of the LTI app (django-tasks; the worker is `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from lti import grades


@task()
def send_grade(grade_send_id: int, version: int) -> str:
    """Send one student's grade on one LMS link, unless a newer grade superseded `version`."""
    return grades.send_grade(grade_send_id, version)


@task()
def record_grades_of(quiz_id: int, student_ids: list[int]) -> str:
    """Record many students' changed grades on a quiz (a regrade) and queue their sends."""
    return f"{len(grades.record_grades(quiz_id, student_ids))} sends queued"
