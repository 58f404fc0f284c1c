"""Reads shared by views: every student-facing object is fetched through an access check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from courseware.models import (
    Course,
    Enrollment,
    EventCitation,
    NoteCitation,
    Passage,
    Perspective,
    PerspectiveCitation,
    Post,
    PostEvidence,
    Prompt,
    Reading,
    ReadingNote,
    ReadingPassage,
    ReadingProgress,
    Source,
    TimelineEvent,
    TimelinePeriod,
)
from courseware.roles import courses_using


def courses_for(user: User) -> QuerySet[Course]:
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user)


def course_for(user: User, slug: str) -> Course:
    """The course, if the user is a member (or a superuser); 404 otherwise."""
    return get_object_or_404(courses_for(user), slug=slug)


def readings_of(course: Course) -> QuerySet[Reading]:
    """The course's readings with their objectives (their measures are stored on them: the
    list needs no passage)."""
    return course.readings.prefetch_related("objectives")


def reading_for(course: Course, slug: str) -> Reading:
    notes = ReadingNote.objects.prefetch_related(
        Prefetch("citations", queryset=NoteCitation.objects.select_related("source"))
    )
    passages = ReadingPassage.objects.select_related("passage__source").order_by("position")
    return get_object_or_404(
        readings_of(course).prefetch_related(
            Prefetch("reading_passages", queryset=passages), Prefetch("notes", queryset=notes)
        ),
        slug=slug,
    )


def sources_of(course: Course) -> QuerySet[Source]:
    """The sources the course reads from: through a subquery, not a DISTINCT, which would
    compare every source's whole text."""
    read = Passage.objects.filter(readings__courses=course).values("source_id")
    return Source.objects.filter(pk__in=read)


def source_for(course: Course, slug: str) -> Source:
    """A source the course reads from, or that its material cites (a question of its quizzes,
    a prompt's perspective: a cited passage opens whether or not a reading shows it); 404 for
    any other."""
    source = Source.objects.filter(slug=slug).first()
    if source is None or not (
        sources_of(course).filter(pk=source.pk).exists()
        or courses_using(admin.site, source).filter(pk=course.pk).exists()
    ):
        raise Http404("No such source in this course.")
    return source


def sources_unread(course: Course, sources: Iterable[Source]) -> list[Source]:
    """Those of `sources` that no reading of the course uses (a citation of one opens the
    whole source, not a reading)."""
    read = set(sources_of(course).values_list("pk", flat=True))
    return [source for source in dict.fromkeys(sources) if source.pk not in read]


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


def passages_holding(spans: Iterable[tuple[int, int]]) -> list[Passage]:
    """The passages in which each (source id, offset) falls, with their sources: one query."""
    condition = Q()
    for source_id, offset in set(spans):
        condition |= Q(source_id=source_id, start__lte=offset, end__gt=offset)
    if not condition:
        return []
    return list(Passage.objects.filter(condition).select_related("source"))


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


def taught_course_for(user: User, slug: str) -> Course:
    """The course, if the user teaches it; 404 for anyone else (students included)."""
    course = course_for(user, slug)
    if not is_teacher(user, course):
        raise Http404("No such page.")
    return course


def is_teacher(user: User, course: Course) -> bool:
    if user.is_superuser:
        return True
    return Enrollment.objects.filter(
        course=course, user=user, role=Enrollment.Role.TEACHER
    ).exists()


@dataclass
class Thread:
    """The posts a viewer may see on a prompt, top-level first (featured on top), with replies."""

    items: list[tuple[Post, list[Post]]]
    has_posted: bool
    waiting: int  # others' responses kept back until the viewer posts


def thread_for(course: Course, prompt: Prompt, viewer: User, *, teacher: bool) -> Thread:
    posts = list(
        Post.objects.filter(course=course, prompt=prompt)
        .select_related("author")
        .prefetch_related(
            Prefetch("evidence", queryset=PostEvidence.objects.select_related("source"))
        )
    )
    has_posted = any(p.author_id == viewer.pk and p.parent_id is None for p in posts)
    locked = prompt.is_hidden_until_posted and not has_posted and not teacher
    visible, waiting = [], 0
    for post in posts:
        own = post.author_id == viewer.pk
        if teacher or own:
            visible.append(post)
        elif post.is_hidden:
            continue
        elif locked:
            waiting += post.parent_id is None
        else:
            visible.append(post)
    ids = {p.pk for p in visible}
    replies: dict[int, list[Post]] = {}
    for post in visible:
        if post.parent_id is not None and post.parent_id in ids:
            replies.setdefault(post.parent_id, []).append(post)
    top = sorted(
        (p for p in visible if p.parent_id is None), key=lambda p: (not p.is_featured, p.created_at)
    )
    items = [(p, replies.get(p.pk, [])) for p in top]
    return Thread(items=items, has_posted=has_posted, waiting=waiting)


def post_for(
    course: Course,
    prompt: Prompt,
    viewer: User,
    post_id: int,
    *,
    teacher: bool,
) -> Post:
    """A post the viewer can see on this prompt; 404 for any other."""
    thread = thread_for(course, prompt, viewer, teacher=teacher)
    visible = {p.pk: p for p, _ in thread.items} | {r.pk: r for _, rs in thread.items for r in rs}
    if post_id not in visible:
        raise Http404("No such post.")
    return visible[post_id]


def passages_matching(sources: QuerySet[Source], query: str, limit: int = 8) -> list[Passage]:
    """Passages of the sources containing every word of the query (case-insensitive)."""
    words = query.replace("\x00", "").split()[:8]
    if not words or len(query) > 200:
        return []
    passages = Passage.objects.filter(source__in=sources).exclude(kind=Passage.Kind.HEADING)
    for word in words:
        passages = passages.filter(text__icontains=word)
    return list(passages.select_related("source").order_by("source__position", "position")[:limit])


def reading_progress_of(course: Course, student: User) -> dict[int, ReadingProgress]:
    return {p.reading_id: p for p in ReadingProgress.objects.filter(course=course, student=student)}
