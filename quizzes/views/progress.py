"""A student's course: its front page, progress (mastery, what to review next) and practice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from courseware import selectors as cw_selectors
from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course, Objective, Post
from courseware.selectors import course_for
from courseware.translated import translated
from quizzes import selectors
from quizzes.display import plain_number, plural_count
from quizzes.models import Attempt
from quizzes.progress import (
    Bar,
    Mastery,
    bar_chart_svg,
    mastery,
    practice_questions,
    review_next,
    whole_percent,
)
from quizzes.services import QuizUnavailable, start_practice


@require_GET
@login_required
def course_home(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """The course's front page: readings, quizzes, discussion, sources, and the student's
    progress through each."""
    course = course_for(request.user, course_slug)
    readings = list(cw_selectors.readings_of(course))
    prompts = list(cw_selectors.prompts_of(course))
    quizzes = list(selectors.quizzes_of(course))
    read = sum(p.is_read for p in cw_selectors.reading_progress_of(course, request.user).values())
    attempted = {
        a.quiz_id
        for a in Attempt.objects.filter(
            quiz__in=quizzes, student=request.user, state=Attempt.State.SUBMITTED
        )
    }
    posted = set(
        Post.objects.filter(course=course, author=request.user, parent__isnull=True).values_list(
            "prompt_id", flat=True
        )
    )
    return render(
        request,
        "quizzes/course_home.html",
        {
            "course": course,
            "readings": readings,
            "prompts": prompts,
            # Not their texts: a list of titles needs none of a source's megabytes.
            "sources": cw_selectors.sources_of(course).only(
                "slug", "title", "kind", "publisher", "published"
            ),
            "is_teacher": cw_selectors.is_teacher(request.user, course),
            "bars": [
                (gettext("Readings read"), read, len(readings)),
                (gettext("Quizzes submitted"), len(attempted), len(quizzes)),
                (
                    gettext("Discussions joined"),
                    len(posted & {p.pk for p in prompts}),
                    len(prompts),
                ),
            ],
        },
    )


# The chart's own width, labels above the bars: drawn at about this size, its 13-unit text
# stays at 12 px or more from a 320 px phone up (fuente.css caps how far it grows).
CHART_WIDTH = 320


def _mastery_text(row: Mastery) -> str:
    if row.share is None:
        return gettext("no answers yet")
    points = ngettext(
        "%(share)s%% of %(points)s point",
        "%(share)s%% of %(points)s points",
        plural_count(row.possible),
    ) % {"share": whole_percent(row.share), "points": plain_number(row.possible)}
    questions = ngettext("on %(count)d question", "on %(count)d questions", row.questions)
    return f"{points} {questions % {'count': row.questions}}"


def _standings(course: Course, student: User, *, sees_all: bool) -> list[dict[str, Any]]:
    """The student's standing in each of the course's quizzes, under their own terms; with
    every kept score shown when a teacher is looking (`sees_all`)."""
    attempts = selectors.attempts_by_quiz(course, student)
    quizzes = list(selectors.quizzes_of(course))
    terms = selectors.terms_by_quiz(course, student, quizzes)
    return [
        selectors.quiz_standing(q, attempts.get(q.pk, []), terms=terms[q.pk], sees_all=sees_all)
        for q in quizzes
    ]


@require_GET
@login_required
def progress(
    request: AuthenticatedHttpRequest, course_slug: str, user_id: int | None = None
) -> HttpResponse:
    """A student's progress: readings, quizzes, posts, mastery by objective, and what to review
    next. Students see their own; a course's teachers may open any of its students'."""
    course = course_for(request.user, course_slug)
    if user_id is None or user_id == request.user.pk:
        student = request.user
    elif cw_selectors.is_teacher(request.user, course):
        student = get_object_or_404(course.members, pk=user_id)
    else:
        raise Http404("No such student.")
    answers = selectors.answers_of(course, student)
    # A teacher sees everything; a student only what each quiz's review policy shows now.
    is_self = student.pk == request.user.pk
    graded = answers.seeing("points") if is_self else answers.all
    missed = answers.seeing("correctness") if is_self else answers.all
    cited = answers.seeing("correctness", "citations") if is_self else answers.all
    objectives = list(
        Objective.objects.filter(
            Q(readings__courses=course) | Q(questions__quizzes__course=course)
        ).distinct()
    )
    mastery_rows = mastery(graded, [o.code for o in objectives])
    titles = {o.code: translated(o, "title") for o in objectives}
    bars = [
        Bar(label=titles[m.objective], value=m.share, detail=_mastery_text(m)) for m in mastery_rows
    ]
    reading_progress = cw_selectors.reading_progress_of(course, student)
    return render(
        request,
        "quizzes/progress.html",
        {
            "course": course,
            "student": student,
            "is_self": is_self,
            "readings": [
                (r, reading_progress.get(r.pk)) for r in course.readings.order_by("position")
            ],
            "standings": _standings(course, student, sees_all=not is_self),
            "posts": Post.objects.filter(course=course, author=student)
            .select_related("prompt")
            .order_by("-created_at"),
            "mastery": list(zip(mastery_rows, bars, strict=True)),
            "chart": mark_safe(
                bar_chart_svg(
                    bars, title=gettext("Mastery by objective"), width=CHART_WIDTH, stacked=True
                )
            ),
            "review": review_next(cited),
            "practice": practice_questions(missed),
        },
    )


@require_POST
@login_required
def practice_start(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    course = course_for(request.user, course_slug)
    answers = selectors.answers_of(course, request.user)
    keys = practice_questions(answers.seeing("correctness"))
    try:
        attempt = start_practice(
            course=course, student=request.user, keys=keys, policy=answers.practice_policy(keys)
        )
    except QuizUnavailable as error:
        messages.info(request, str(error))
        return redirect("progress", course.slug)
    return redirect(attempt)
