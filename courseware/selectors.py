"""Reads shared by views: every student-facing object is fetched through an access check."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from courseware.models import (
    Course,
    EventCitation,
    NoteCitation,
    Passage,
    Perspective,
    PerspectiveCitation,
    Prompt,
    Reading,
    ReadingNote,
    ReadingPassage,
    Source,
    TimelineEvent,
    TimelinePeriod,
)


def courses_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Course]:
    if getattr(user, "is_superuser", False):
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user)


def course_for(user: AbstractBaseUser | AnonymousUser, slug: str) -> Course:
    """The course, if the user is a member (or a superuser); 404 otherwise."""
    return get_object_or_404(courses_for(user), slug=slug)


def readings_of(course: Course) -> QuerySet[Reading]:
    return course.readings.prefetch_related(
        "objectives",
        Prefetch(
            "reading_passages",
            queryset=ReadingPassage.objects.select_related("passage__source").order_by("position"),
        ),
    )


def reading_for(course: Course, slug: str) -> Reading:
    notes = ReadingNote.objects.prefetch_related(
        Prefetch("citations", queryset=NoteCitation.objects.select_related("source"))
    )
    return get_object_or_404(
        readings_of(course).prefetch_related(Prefetch("notes", queryset=notes)), slug=slug
    )


def sources_of(course: Course) -> QuerySet[Source]:
    return Source.objects.filter(passages__readings__courses=course).distinct()


def source_for(course: Course, slug: str) -> Source:
    """A source the course reads from; 404 for any other."""
    return get_object_or_404(sources_of(course), slug=slug)


def prompts_of(course: Course) -> QuerySet[Prompt]:
    return course.prompts.all()


def prompt_for(course: Course, slug: str) -> Prompt:
    perspectives = Perspective.objects.prefetch_related(
        Prefetch("citations", queryset=PerspectiveCitation.objects.select_related("source"))
    )
    return get_object_or_404(
        course.prompts.prefetch_related(
            "objectives", Prefetch("perspectives", queryset=perspectives)
        ),
        slug=slug,
    )


def timeline_of(course: Course) -> tuple[list[TimelinePeriod], list[TimelineEvent]]:
    """The periods and the events whose citations come from sources the course reads."""
    events = (
        TimelineEvent.objects.filter(citations__source__in=sources_of(course))
        .distinct()
        .prefetch_related(
            Prefetch("citations", queryset=EventCitation.objects.select_related("source"))
        )
    )
    return list(TimelinePeriod.objects.all()), list(events)


def source_passages(source: Source) -> QuerySet[Passage]:
    return source.passages.select_related("source").order_by("position")


def reading_citing(course: Course, source: Source, start: int, prefer: str = "") -> Reading | None:
    """The course reading that shows the passage where a quote starts: `prefer` (a reading slug)
    if it does, else the first in course order."""
    readings = course.readings.filter(
        reading_passages__passage__source=source,
        reading_passages__passage__start__lte=start,
        reading_passages__passage__end__gt=start,
    )
    return readings.filter(slug=prefer).first() or readings.order_by("position").first()
