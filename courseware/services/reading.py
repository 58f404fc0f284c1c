"""Readings: their measures (words, minutes, level), and each student's progress through them:
time spent on a reading, and when it was read."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from courseware.models import Course, Reading, ReadingPassage, ReadingProgress

# A reading page reports time every 30 s while open; more than this per report is not reading.
MAX_SECONDS_PER_PING = 60


@transaction.atomic
def record_reading(
    *, course: Course, reading: Reading, student: User, seconds: int = 0, finished: bool = False
) -> ReadingProgress:
    """Add time spent on a reading, and mark it read when the student says so or reaches its
    end. The time a page claims is capped by one ping's worth and, after the first, by the
    time that has really passed since the last one: pings sent in a burst add nothing."""
    now = timezone.now()
    progress, created = ReadingProgress.objects.select_for_update().get_or_create(
        course=course, reading=reading, student=student
    )
    elapsed = MAX_SECONDS_PER_PING if created else (now - progress.updated_at).total_seconds()
    progress.seconds_spent += max(0, min(seconds, MAX_SECONDS_PER_PING, int(elapsed)))
    if finished and not progress.is_read:
        progress.is_read, progress.read_at = True, now
    progress.save(update_fields=["seconds_spent", "is_read", "read_at", "updated_at"])
    return progress


@transaction.atomic
def measure_readings(*, readings: Iterable[Reading]) -> None:
    """Store each reading's word count, minutes and grade level, measured from its passages as
    they are now. Called wherever a reading's text can change (the pack build, a source's
    re-import, the reading's admin page), so no page computes them per request."""
    rows = list(
        Reading.objects.filter(pk__in=[r.pk for r in readings]).prefetch_related(
            Prefetch(
                "reading_passages",
                queryset=ReadingPassage.objects.select_related("passage").order_by("position"),
            )
        )
    )
    for reading in rows:
        reading.measure()
    Reading.objects.bulk_update(rows, ["word_count", "minutes", "grade_level"])
