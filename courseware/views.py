from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from courseware import selectors
from courseware.highlight import layout, parse_span
from courseware.timeline import group_by_period


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_for(request.user)
    return render(request, "courseware/home.html", {"courses": courses})


@require_GET
@login_required
def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    return render(
        request,
        "courseware/course_detail.html",
        {
            "course": course,
            "readings": selectors.readings_of(course),
            "sources": selectors.sources_of(course),
            "prompts": selectors.prompts_of(course),
        },
    )


@require_GET
@login_required
def reading_detail(request: HttpRequest, course_slug: str, reading_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    reading = selectors.reading_for(course, reading_slug)
    passages = reading.ordered_passages()
    # ?hl=<source slug>:<start>-<end>, as made by the cite view.
    source_slug, _, raw_span = request.GET.get("hl", "").rpartition(":")
    span = parse_span(raw_span)
    sources = {p.source.slug: p.source_id for p in passages}
    bad_link = "hl" in request.GET and (span is None or source_slug not in sources)
    parts = layout(passages, span, sources.get(source_slug))
    return render(
        request,
        "courseware/reading_detail.html",
        {"course": course, "reading": reading, "parts": parts, "bad_link": bad_link},
    )


@require_GET
@login_required
def source_detail(request: HttpRequest, course_slug: str, source_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    source = selectors.source_for(course, source_slug)
    span = parse_span(request.GET.get("hl", ""))
    bad_link = "hl" in request.GET and span is None
    parts = layout(selectors.source_passages(source), span, source.pk)
    return render(
        request,
        "courseware/source_detail.html",
        {"course": course, "source": source, "parts": parts, "bad_link": bad_link},
    )


@require_GET
@login_required
def cite(
    request: HttpRequest, course_slug: str, source_slug: str, start: int, end: int
) -> HttpResponse:
    """A citation's permanent link: open the course reading that shows the quote (or the whole
    source when no reading does) with the quoted words highlighted."""
    course = selectors.course_for(request.user, course_slug)
    source = selectors.source_for(course, source_slug)
    reading = selectors.reading_citing(course, source, start, prefer=request.GET.get("reading", ""))
    if reading is None:
        url = reverse("source_detail", args=[course.slug, source.slug])
        return redirect(f"{url}?hl={start}-{end}#hl")
    url = reverse("reading_detail", args=[course.slug, reading.slug])
    return redirect(f"{url}?hl={source.slug}:{start}-{end}#hl")


@require_GET
@login_required
def prompt_detail(request: HttpRequest, course_slug: str, prompt_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    return render(request, "courseware/prompt_detail.html", {"course": course, "prompt": prompt})


@require_GET
@login_required
def timeline(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    periods, events = selectors.timeline_of(course)
    return render(
        request,
        "courseware/timeline.html",
        {"course": course, "groups": group_by_period(periods, events)},
    )
