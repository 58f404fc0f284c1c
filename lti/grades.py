"""Assignment and Grade Services: the grade Fuente owes the LMS, and sending it.

`record_grades` runs after a grade change commits (quizzes.grade_events tells it): for every
resource link with a line item that opens the quiz, and every student of the change known to
that link's platform, it stores the gradebook's grade in the link's GradeSend row (a new
version) and enqueues `lti.tasks.send_grade`. The task (`send_grade`) reads the row when it
runs, posts the row's current values to the line item's scores endpoint, and marks the row
sent only if no newer grade arrived meanwhile. Failures keep the LMS's own message and are
retried with exponential backoff; see docs/lti.md.

HTTP goes through `requests` here rather than pylti1p3's ServiceConnector: that one has no
timeouts, keeps its token only for one object's life, and hides the LMS's message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.models import Enrollment
from lti.calls import CACHE, ERROR_CHARS, SCORE_SCOPE, TIMEOUT, SendError, lms_said, with_token
from lti.models import GradeSend, Platform, PlatformUser, ResourceLink
from quizzes.gradebook import grade_detail
from quizzes.models import Quiz
from quizzes.selectors import terms_of

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MAX_TRIES = 8  # automatic tries of one grade; then it waits for "Send again"
BACKOFF_CAP = timedelta(minutes=60)
# One send per row at a time, so an older send can never reach the LMS after a newer one.
LEASE_SECONDS = 4 * TIMEOUT
BUSY_DELAY = timedelta(seconds=LEASE_SECONDS)
# The LMS answered "never like this": trying again sends the same request to the same answer.
FINAL_STATUSES = {400, 403, 404, 405, 409, 410, 413, 415, 422}

COMPLETED, SUBMITTED, IN_PROGRESS = "Completed", "Submitted", "InProgress"
INITIALIZED = "Initialized"
FULLY_GRADED, PENDING = "FullyGraded", "Pending"


@dataclass(frozen=True)
class Score:
    given: Decimal | None
    maximum: Decimal
    activity: str
    grading: str


def score_of(quiz: Quiz, student: User, now: datetime) -> Score:
    """The student's grade on the quiz as the gradebook shows it (quizzes.gradebook.grade_detail,
    the source of the page and every export), with the AGS progress values: InProgress while an
    attempt is open; Completed with an override in force or no attempt left (or the quiz
    closed for them); Submitted while they may try again; FullyGraded once there is a grade."""
    detail = grade_detail(quiz, student)
    submitted = [a for a in detail.attempts if not a.is_open]
    if any(a.is_open for a in detail.attempts):
        activity = IN_PROGRESS
    elif detail.override is not None:
        activity = COMPLETED
    elif submitted:
        terms = terms_of(quiz, student)
        done = terms.attempts_left(len(detail.attempts)) == 0 or terms.is_closed_at(now)
        activity = COMPLETED if done else SUBMITTED
    else:
        activity = INITIALIZED
    grade = detail.grade
    return Score(
        given=grade,
        maximum=detail.possible,
        activity=activity,
        grading=FULLY_GRADED if grade is not None else PENDING,
    )


def record_grades(quiz_id: int, student_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Store each student's current grade on the quiz in the GradeSend row of every resource
    link with a line item that opens the quiz (students the link's platform knows only), as a
    new pending version, and enqueue its send once this commits. Returns (row id, version)
    of each row queued. Called after a grade change commits (quizzes.grade_events), by "Send
    again", and by tests."""
    links = list(
        ResourceLink.objects.filter(quiz_id=quiz_id)
        .exclude(lineitem_url="")
        .select_related("quiz", "course_link")
        .order_by("pk")
    )
    if not links:
        return []
    quiz = links[0].quiz
    assert quiz is not None
    students = {
        user.pk: user
        for user in User.objects.filter(
            pk__in=set(student_ids),
            enrollments__course_id=quiz.course_id,
            enrollments__role=Enrollment.Role.STUDENT,
        )
    }
    known = set(
        PlatformUser.objects.filter(
            user_id__in=students, platform_id__in={link.course_link.platform_id for link in links}
        ).values_list("platform_id", "user_id")
    )
    queued: list[tuple[int, int]] = []
    with transaction.atomic():
        for student_id in sorted(students):  # one lock order everywhere: no deadlocks
            targets = [
                link for link in links if (link.course_link.platform_id, student_id) in known
            ]
            if not targets:
                continue
            # Lock the rows before reading the grade: of two changes recorded at once, the
            # one that locks second reads (and stores, as the newer version) the later grade.
            rows = {
                row.resource_link_id: row
                for row in GradeSend.objects.select_for_update()
                .filter(student_id=student_id, resource_link__in=targets)
                .order_by("resource_link_id")
            }
            now = timezone.now()
            score = score_of(quiz, students[student_id], now)
            for link in targets:
                queued.append(_store(rows.get(link.pk), link, student_id, score, now))
        transaction.on_commit(lambda: _enqueue(queued))
    return queued


def _store(
    row: GradeSend | None, link: ResourceLink, student_id: int, score: Score, now: datetime
) -> tuple[int, int]:
    values = {
        "score_given": score.given,
        "score_maximum": score.maximum,
        "activity_progress": score.activity,
        "grading_progress": score.grading,
        "changed_at": now,
        "status": GradeSend.Status.PENDING,
        "tries": 0,
    }
    if row is None:
        row, created = GradeSend.objects.select_for_update().get_or_create(
            resource_link=link, student_id=student_id, defaults=values
        )
        if created:
            return row.pk, row.version
    for name, value in values.items():
        setattr(row, name, value)
    # The score's timestamp must grow with every version (an LMS drops an older one).
    row.changed_at = max(now, row.changed_at + timedelta(microseconds=1))
    row.version += 1
    row.save(update_fields=[*values, "version"])
    return row.pk, row.version


def _enqueue(queued: list[tuple[int, int]]) -> None:
    from lti.tasks import send_grade  # the task module imports this one

    for row_id, version in queued:
        send_grade.enqueue(row_id, version)


def on_grades_changed(quiz_id: int, student_ids: list[int]) -> None:
    """quizzes.grade_events listener: never the LMS itself. One student's change (a submit, an
    override) is recorded at once, a row and a queued send; a change to many (a regrade of a
    class: a locked row, a score and a write per student, about 2,400 queries for 300) is
    recorded by the task worker, so that the teacher who asked for it does not wait."""
    if len(student_ids) == 1:
        record_grades(quiz_id, student_ids)
    elif ResourceLink.objects.filter(quiz_id=quiz_id).exclude(lineitem_url="").exists():
        from lti.tasks import record_grades_of  # the task module imports this one

        record_grades_of.enqueue(quiz_id, list(student_ids))


def send_again(*, quiz: Quiz, student_ids: Iterable[int] | None = None) -> int:
    """The teacher's "Send again" (one student, or all with None): the gradebook's grade now,
    as a new version, queued. Returns how many rows were queued."""
    if student_ids is None:
        student_ids = GradeSend.objects.filter(resource_link__quiz=quiz).values_list(
            "student_id", flat=True
        )
        student_ids = set(student_ids) | set(
            PlatformUser.objects.filter(
                platform__course_links__resource_links__quiz=quiz,
                user__enrollments__course_id=quiz.course_id,
                user__enrollments__role=Enrollment.Role.STUDENT,
            ).values_list("user_id", flat=True)
        )
    return len(record_grades(quiz.pk, list(student_ids)))


# --- sending ---------------------------------------------------------------------------------


def scores_url(lineitem_url: str) -> str:
    """The line item's scores endpoint: its path with /scores appended, query kept."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_payload(row: GradeSend, sub: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "userId": sub,
        "scoreMaximum": float(row.score_maximum),
        "activityProgress": row.activity_progress,
        "gradingProgress": row.grading_progress,
        "timestamp": row.changed_at.isoformat(timespec="microseconds"),
    }
    if row.score_given is not None:
        payload["scoreGiven"] = float(row.score_given)
    return payload


def post_score(platform: Platform, lineitem_url: str, payload: dict[str, Any]) -> None:
    """POST one score (a revoked token is renewed once: `with_token`). Raises SendError."""
    url = scores_url(lineitem_url)

    def send(token: str) -> requests.Response:
        try:
            return requests.post(
                url,
                json=payload,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise SendError(
                _("The LMS did not answer at %(url)s: %(why)s") % {"url": url, "why": error}
            ) from error

    response = with_token(platform, SCORE_SCOPE, send)
    if not 200 <= response.status_code < 300:
        raise SendError(
            lms_said(response, ERROR_CHARS), is_final=response.status_code in FINAL_STATUSES
        )


def backoff(tries: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failure, at most BACKOFF_CAP."""
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), BACKOFF_CAP)


def send_grade(grade_send_id: int, version: int) -> str:
    """Send the row's current grade, if `version` is still the row's newest (else a newer
    task is queued and this one does nothing). Returns what happened, for the task's result."""
    if not GradeSend.objects.filter(pk=grade_send_id, version=version).exists():
        return "stale"  # or gone; checked again under lock, but a stale send takes no lease
    lease = f"lti-grade-send-lease-{grade_send_id}"
    if not caches[CACHE].add(lease, True, LEASE_SECONDS):
        _requeue(grade_send_id, version, BUSY_DELAY)
        return "busy"
    try:
        return _send(grade_send_id, version)
    finally:
        caches[CACHE].delete(lease)


def _send(grade_send_id: int, version: int) -> str:
    with transaction.atomic():
        row = (
            GradeSend.objects.select_for_update(of=("self",))
            .select_related("resource_link__course_link__platform")
            .filter(pk=grade_send_id)
            .first()
        )
        if row is None:
            return "gone"
        if row.version != version:
            return "stale"
        if row.sent_version >= row.version:
            return "already sent"
        platform = row.resource_link.course_link.platform
        lineitem_url = row.resource_link.lineitem_url
        identity = PlatformUser.objects.filter(platform=platform, user_id=row.student_id).first()
        payload = score_payload(row, identity.sub) if identity is not None else None
    # The row is not locked while the LMS is called: a new grade may be recorded meanwhile.
    error: SendError | None = None
    if payload is None:
        error = SendError(_("The student has no account on this LMS."), is_final=True)
    elif not lineitem_url:
        error = SendError(_("The link has no LMS grade column any more."), is_final=True)
    else:
        try:
            post_score(platform, lineitem_url, payload)
        except SendError as failed:
            error = failed
    return _finish(grade_send_id, version, error)


def _finish(grade_send_id: int, version: int, error: SendError | None) -> str:
    now = timezone.now()
    with transaction.atomic():
        row = GradeSend.objects.select_for_update().filter(pk=grade_send_id).first()
        if row is None:
            return "gone"
        current = row.version == version
        row.last_tried_at = now
        fields = ["last_tried_at"]
        if error is None:
            row.sent_version = max(row.sent_version, version)
            fields.append("sent_version")
            if current:
                row.status, row.sent_at, row.last_error = GradeSend.Status.SENT, now, ""
                fields += ["status", "sent_at", "last_error"]
        elif current:
            row.status, row.last_error = GradeSend.Status.FAILED, error.message
            row.tries += 1
            fields += ["status", "last_error", "tries"]
        row.save(update_fields=fields)
        if error is None:
            return "sent" if current else "sent, newer grade queued"
        if not current:
            return "failed, newer grade queued"
        if not error.is_final and row.tries < MAX_TRIES:
            delay = backoff(row.tries)
            # Queued in the same transaction as the failure it follows (the database backend):
            # both are kept, or neither.
            _requeue(grade_send_id, version, delay)
            return f"failed, retry in {delay}"
        return "failed"


def _requeue(grade_send_id: int, version: int, delay: timedelta) -> None:
    from lti.tasks import send_grade as send_task

    send_task.using(run_after=timezone.now() + delay).enqueue(grade_send_id, version)


# --- the teacher's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class SendRow:
    student: User
    send: GradeSend | None  # None: nothing recorded for this student yet


@dataclass(frozen=True)
class LinkSends:
    link: ResourceLink
    rows: list[SendRow]


def sends_of(quiz: Quiz) -> list[LinkSends]:
    """Per resource link with a line item opening the quiz: each student of the course known to
    the link's platform, with what Fuente sent or owes the LMS (a fixed number of queries)."""
    links = list(
        ResourceLink.objects.filter(quiz=quiz)
        .exclude(lineitem_url="")
        .select_related("course_link__platform")
        .order_by("course_link__context_title", "resource_link_id")
    )
    students = {
        user.pk: user
        for user in User.objects.filter(
            enrollments__course_id=quiz.course_id, enrollments__role=Enrollment.Role.STUDENT
        ).order_by("last_name", "first_name", "username")
    }
    known: dict[int, set[int]] = {}
    for platform_id, user_id in PlatformUser.objects.filter(
        user_id__in=students, platform_id__in={link.course_link.platform_id for link in links}
    ).values_list("platform_id", "user_id"):
        known.setdefault(platform_id, set()).add(user_id)
    sends = {
        (send.resource_link_id, send.student_id): send
        for send in GradeSend.objects.filter(resource_link__in=links)
    }
    return [
        LinkSends(
            link=link,
            rows=[
                SendRow(student=user, send=sends.get((link.pk, user.pk)))
                for user in students.values()
                if user.pk in known.get(link.course_link.platform_id, set())
                or (link.pk, user.pk) in sends
            ],
        )
        for link in links
    ]
