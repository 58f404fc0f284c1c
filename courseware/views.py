from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from courseware import selectors
from courseware.highlight import layout, parse_span
from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course, Enrollment, Prompt
from courseware.params import int_param, local_path
from courseware.services import (
    MAX_EVIDENCE,
    MAX_POST_LENGTH,
    Evidence,
    edit_post,
    post_response,
    record_reading,
    reset_student_password,
    review_post,
)
from courseware.timeline import group_by_period


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    courses = selectors.courses_for(request.user)
    return render(request, "courseware/home.html", {"courses": courses})


@require_GET
@login_required
def reading_detail(
    request: AuthenticatedHttpRequest, course_slug: str, reading_slug: str
) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    reading = selectors.reading_for(course, reading_slug)
    passages = reading.ordered_passages()
    # ?hl=<source slug>:<start>-<end>, as made by the cite view.
    source_slug, _, raw_span = request.GET.get("hl", "").rpartition(":")
    span = parse_span(raw_span)
    sources = {p.source.slug: p.source_id for p in passages}
    bad_link = "hl" in request.GET and (span is None or source_slug not in sources)
    parts = layout(passages, span, sources.get(source_slug))
    progress = selectors.reading_progress_of(course, request.user).get(reading.pk)
    return render(
        request,
        "courseware/reading_detail.html",
        {
            "course": course,
            "reading": reading,
            "parts": parts,
            "bad_link": bad_link,
            "progress": progress,
            "back": local_path(request.GET.get("from")),
        },
    )


@require_GET
@login_required
def source_detail(
    request: AuthenticatedHttpRequest, course_slug: str, source_slug: str
) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    source = selectors.source_for(course, source_slug)
    span = parse_span(request.GET.get("hl", ""))
    bad_link = "hl" in request.GET and span is None
    parts = layout(selectors.source_passages(source), span, source.pk)
    return render(
        request,
        "courseware/source_detail.html",
        {
            "course": course,
            "source": source,
            "parts": parts,
            "bad_link": bad_link,
            "back": local_path(request.GET.get("from")),
        },
    )


@require_GET
@login_required
def cite(
    request: AuthenticatedHttpRequest, course_slug: str, source_slug: str, start: int, end: int
) -> HttpResponse:
    """A citation's permanent link: open the course reading that shows the quote (or the whole
    source when no reading does) with the quoted words highlighted."""
    course = selectors.course_for(request.user, course_slug)
    source = selectors.source_for(course, source_slug)
    reading = selectors.reading_citing(course, source, start, prefer=request.GET.get("reading", ""))
    # ?from=<a local path>: the page the citation was opened from, offered as the way back.
    back = local_path(request.GET.get("from"))
    back_query = f"&from={quote(back, safe='')}" if back else ""
    if reading is None:
        url = reverse("source_detail", args=[course.slug, source.slug])
        return redirect(f"{url}?hl={start}-{end}{back_query}#hl")
    url = reverse("reading_detail", args=[course.slug, reading.slug])
    return redirect(f"{url}?hl={source.slug}:{start}-{end}{back_query}#hl")


EVIDENCE_ROWS = 2


def _evidence_rows(request: AuthenticatedHttpRequest) -> list[Evidence]:
    """The evidence rows as posted (kept as typed, so a refused post loses nothing)."""
    sources = request.POST.getlist("evidence_source")[:MAX_EVIDENCE]
    quotes = request.POST.getlist("evidence_quote")[:MAX_EVIDENCE]
    rows = [Evidence(source=s, quote=q[:2000]) for s, q in zip(sources, quotes, strict=False)]
    return rows + [Evidence("", "")] * max(0, EVIDENCE_ROWS - len(rows))


def _prompt_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    prompt: Prompt,
    *,
    body: str = "",
    evidence: list[Evidence] | None = None,
    errors: dict[str, list[str]] | None = None,
    query: str = "",
    reply: tuple[int, str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`reply`: a refused reply (the post replied to, what was typed, why), shown again in
    that post's reply form."""
    teacher = selectors.is_teacher(request.user, course)
    reply_to, reply_body, reply_errors = reply or (None, "", [])
    return render(
        request,
        "courseware/prompt_detail.html",
        {
            "course": course,
            "prompt": prompt,
            "thread": selectors.thread_for(course, prompt, request.user, teacher=teacher),
            "is_teacher": teacher,
            "sources": selectors.sources_of(course),
            "body": body,
            "evidence": evidence or [Evidence("", "")] * EVIDENCE_ROWS,
            "errors": errors or {},
            "query": query,
            "results": selectors.passages_matching(selectors.sources_of(course), query)
            if query
            else [],
            "max_length": MAX_POST_LENGTH,
            "reply_to": reply_to,
            "reply_body": reply_body,
            "reply_errors": reply_errors,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def prompt_detail(
    request: AuthenticatedHttpRequest, course_slug: str, prompt_slug: str
) -> HttpResponse:
    """The prompt, its thread, and the response form with its evidence picker.

    The picker works with JavaScript off: "Search" and "Use this passage" re-render the page with
    everything typed so far kept; with htmx the search results come as a fragment and a chosen
    passage fills the form in place.
    """
    course = selectors.course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    if request.method == "GET":
        return _prompt_page(request, course, prompt, query=request.GET.get("q", "")[:200])
    body, evidence = request.POST.get("body", ""), _evidence_rows(request)
    query = request.POST.get("q", "")[:200]
    if request.POST.get("use"):
        passage = next(
            (
                p
                for p in selectors.passages_matching(selectors.sources_of(course), query, limit=50)
                if str(p.pk) == request.POST["use"]
            ),
            None,
        )
        empty = next((i for i, row in enumerate(evidence) if not row.quote.strip()), None)
        if passage is not None:
            row = Evidence(passage.source.slug, passage.text)
            evidence = (
                [*evidence, row]
                if empty is None
                else [*evidence[:empty], row, *evidence[empty + 1 :]]
            )
        return _prompt_page(request, course, prompt, body=body, evidence=evidence, query=query)
    if request.POST.get("action") == "search":
        return _prompt_page(request, course, prompt, body=body, evidence=evidence, query=query)
    try:
        post = post_response(
            prompt=prompt, course=course, author=request.user, body=body, evidence=evidence
        )
    except ValidationError as error:
        return _prompt_page(
            request,
            course,
            prompt,
            body=body,
            evidence=evidence,
            errors=error.message_dict,
            query=query,
            status=400,
        )
    messages.success(request, _("Your response is posted."))
    return redirect(reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{post.pk}")


@require_GET
@login_required
@vary_on_headers("HX-Request")
def evidence_search(
    request: AuthenticatedHttpRequest, course_slug: str, prompt_slug: str
) -> HttpResponse:
    """The picker's results, as the fragment htmx swaps in (or as the whole page without it)."""
    course = selectors.course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    query = request.GET.get("q", "")[:200]
    if not request.htmx:
        return _prompt_page(request, course, prompt, query=query)
    results = selectors.passages_matching(selectors.sources_of(course), query)
    return render(
        request, "courseware/prompt_detail.html#results", {"results": results, "query": query}
    )


@require_POST
@login_required
def post_reply(
    request: AuthenticatedHttpRequest, course_slug: str, prompt_slug: str, post_id: int
) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    teacher = selectors.is_teacher(request.user, course)
    parent = selectors.post_for(course, prompt, request.user, post_id, teacher=teacher)
    if parent.parent_id is not None:
        parent = selectors.post_for(course, prompt, request.user, parent.parent_id, teacher=teacher)
    body = request.POST.get("body", "")
    try:
        reply = post_response(
            prompt=prompt, course=course, author=request.user, body=body, evidence=[], parent=parent
        )
    except ValidationError as error:  # shown in the reply form, with what was typed
        return _prompt_page(
            request, course, prompt, reply=(parent.pk, body, error.messages), status=400
        )
    return redirect(reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{reply.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def post_edit(
    request: AuthenticatedHttpRequest, course_slug: str, prompt_slug: str, post_id: int
) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    post = selectors.post_for(course, prompt, request.user, post_id, teacher=False)
    if post.author_id != request.user.pk:
        raise Http404("No such post of yours.")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body, evidence = request.POST.get("body", ""), _evidence_rows(request)
        try:
            edit_post(post=post, author=request.user, body=body, evidence=evidence)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(
                reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{post.pk}"
            )
    else:
        body = post.body
        evidence = [Evidence(e.source.slug, e.exact) for e in post.evidence.all()]
        evidence += [Evidence("", "")] * max(0, EVIDENCE_ROWS - len(evidence))
    return render(
        request,
        "courseware/post_edit.html",
        {
            "course": course,
            "prompt": prompt,
            "post": post,
            "body": body,
            "evidence": evidence,
            "errors": errors,
            "sources": selectors.sources_of(course),
            "max_length": MAX_POST_LENGTH,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def post_moderate(
    request: AuthenticatedHttpRequest, course_slug: str, prompt_slug: str, post_id: int
) -> HttpResponse:
    """A teacher features, hides, scores and comments on a response."""
    course = selectors.taught_course_for(request.user, course_slug)
    prompt = selectors.prompt_for(course, prompt_slug)
    post = selectors.post_for(course, prompt, request.user, post_id, teacher=True)
    raw = request.POST.get("score", "").strip()
    try:
        review_post(
            post=post,
            teacher=request.user,
            is_featured=request.POST.get("is_featured") == "on",
            is_hidden=request.POST.get("is_hidden") == "on",
            score=Decimal(raw) if raw else None,
            comment=request.POST.get("comment", "")[:5000],
        )
    except (InvalidOperation, ValidationError):
        messages.error(
            request,
            _("The score must be a number from 0 to %(points)s; nothing was changed.")
            % {"points": number_format(prompt.points.normalize())},
        )
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{post.pk}")


@require_GET
@login_required
def timeline(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    course = selectors.course_for(request.user, course_slug)
    periods, events = selectors.timeline_of(course)
    return render(
        request,
        "courseware/timeline.html",
        {"course": course, "groups": group_by_period(periods, events)},
    )


@require_POST
@login_required
@vary_on_headers("HX-Request")
def reading_progress(
    request: AuthenticatedHttpRequest, course_slug: str, reading_slug: str
) -> HttpResponse:
    """Mark a reading as read (button, or reaching its end) and/or add time spent on it."""
    course = selectors.course_for(request.user, course_slug)
    reading = selectors.reading_for(course, reading_slug)
    progress = record_reading(
        course=course,
        reading=reading,
        student=request.user,
        seconds=int_param(request.POST.get("seconds"), default=0, low=0, high=3600),
        finished=request.POST.get("finished") == "1",
    )
    if request.htmx:
        return render(
            request,
            "courseware/reading_detail.html#progress",
            {"course": course, "reading": reading, "progress": progress},
        )
    return redirect(reverse("reading_detail", args=[course.slug, reading.slug]) + "#progress")


@require_http_methods(["GET", "POST"])
@login_required
def student_password_reset(
    request: AuthenticatedHttpRequest, course_slug: str, user_id: int
) -> HttpResponse:
    """A teacher sets a new password for a student of their course: a temporary one shown once,
    or one they type. Anyone else, another course's student and staff accounts get 404."""
    course = selectors.taught_course_for(request.user, course_slug)
    student = get_object_or_404(
        get_user_model(),
        pk=user_id,
        is_staff=False,
        is_superuser=False,
        enrollments__course=course,
        enrollments__role=Enrollment.Role.STUDENT,
    )
    new_password, errors = "", []
    if request.method == "POST":
        try:
            new_password = reset_student_password(
                teacher=request.user,
                student=student,
                course=course,
                password=request.POST.get("password", "")[:128],
            )
        except ValidationError as error:
            errors = error.messages
    return render(
        request,
        "courseware/student_password_reset.html",
        {"course": course, "student": student, "new_password": new_password, "errors": errors},
        status=400 if errors else 200,
    )
