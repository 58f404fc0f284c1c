"""A teacher's pages: the gradebook and its exports, Canvas ids and fill-in, one student's grade
and overrides, an attempt as its student saw it, regrades, and item analysis."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course, Enrollment
from courseware.selectors import taught_course_for
from courseware.translated import translated
from quizzes import selectors
from quizzes.analysis import FIRST_ATTEMPTS, WHICH_ATTEMPTS, analysis_of
from quizzes.display import question_view
from quizzes.gradebook import (
    FORMATS,
    MAX_CANVAS_FILE,
    UnknownColumn,
    canvas_notes,
    course_book,
    export_grades,
    fill_canvas_export,
    grade_detail,
    page_rows,
    set_canvas_assignment_id,
    split_key,
)
from quizzes.lms.model import Column
from quizzes.models import Attempt, Quiz, Regrade
from quizzes.numbers import format_number, number_convention, parse_number
from quizzes.review import visibility
from quizzes.services import apply_regrade, override_grade, plan_regrade


@require_GET
@login_required
def gradebook(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """Students × quizzes and discussions: grades, attempts, overrides, totals; filter by name,
    sort by total or by a column."""
    return _gradebook_page(request, taught_course_for(request.user, course_slug))


@require_GET
@login_required
def gradebook_export(request: AuthenticatedHttpRequest, course_slug: str, fmt: str) -> HttpResponse:
    course = taught_course_for(request.user, course_slug)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    content_type, extension = FORMATS[fmt]
    buffer: Any = io.BytesIO() if extension == "zip" else io.StringIO(newline="")
    export_grades(course=course, fmt=fmt, out=buffer)
    data = buffer.getvalue()
    response = HttpResponse(
        data if isinstance(data, bytes) else data.encode("utf-8"), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{course.slug}-grades-{fmt}.{extension}"'
    )
    return response


@require_GET
@login_required
def item_analysis(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """A quiz's item analysis (Moodle's statistics), rolled up by cited passage and objective."""
    course = taught_course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    which = request.GET.get("attempts", FIRST_ATTEMPTS)
    if which not in WHICH_ATTEMPTS:
        return HttpResponse(
            _("Unknown choice of attempts %(which)s: use first, last or all.")
            % {"which": repr(which[:40])},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return render(
        request,
        "quizzes/item_analysis.html",
        {
            "course": course,
            "quiz": quiz,
            "analysis": analysis_of(quiz, which=which),
            "which_attempts": WHICH_ATTEMPTS,
        },
    )


def _page_columns(course: Course, columns: Sequence[Column]) -> list[tuple[Column, str, str, str]]:
    """Each column with its kind, slug and heading on the page: a discussion's in the reader's
    language, with the prompt's own title in it when the pack gives one. The exports keep the
    column's title, which names the LMS's column."""
    prompts = {p.slug: p for p in course.prompts.all()}
    page = []
    for column in columns:
        kind, slug = split_key(column.key)
        heading = column.title
        if kind == "prompt" and slug in prompts:
            heading = _("Discussion: %(title)s") % {"title": translated(prompts[slug], "title")}
        page.append((column, kind, slug, heading))
    return page


def _gradebook_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    *,
    canvas_error: str = "",
    canvas_id_error: tuple[str, str] = ("", ""),
    status: int = 200,
) -> HttpResponse:
    query = request.GET.get("q", "").strip().lower()[:100]
    sort = request.GET.get("sort", "name")[:200]
    book = course_book(course)
    return render(
        request,
        "quizzes/gradebook.html",
        {
            "course": course,
            "columns": _page_columns(course, book.columns),
            "rows": page_rows(book, query=query, sort=sort),
            "query": query,
            "sort": sort,
            "formats": FORMATS,
            "canvas_error": canvas_error,
            "canvas_notes": canvas_notes(book.columns).lines,
            "canvas_id_error": canvas_id_error,
            "accommodations": selectors.accommodations_of(course),
            "accommodated": selectors.accommodated_students(course),
        },
        status=status,
    )


def _course_student(course: Course, user_id: int) -> Any:
    """A student of the course; 404 for anyone else (another course's students included)."""
    return get_object_or_404(
        get_user_model(),
        pk=user_id,
        enrollments__course=course,
        enrollments__role=Enrollment.Role.STUDENT,
    )


def _points(raw: str) -> Decimal:
    """Points typed by a teacher, read the way their language writes numbers ("8,5" in
    Spanish); ValidationError when they do not read as a number."""
    convention = number_convention(get_language())
    example = {"whole": 8, "half": format_number(Decimal("8.5"), convention)}
    if not raw.strip():
        raise ValidationError(
            {"points": [_("Give the points, e.g. %(whole)s or %(half)s.") % example]}
        )
    number = parse_number(raw.strip(), convention)
    if number is None:
        raise ValidationError(
            {
                "points": [
                    _("“%(typed)s” is not a number: give the points, e.g. %(whole)s or %(half)s.")
                    % {"typed": raw.strip()[:20], **example}
                ]
            }
        )
    return number


@require_http_methods(["GET", "POST"])
@login_required
def gradebook_grade(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str, user_id: int
) -> HttpResponse:
    """One student's grade on one quiz: attempts, kept grade, the override form and history."""
    course = taught_course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    student = _course_student(course, user_id)
    action = request.POST.get("action", "override")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        remove = action == "remove"
        try:
            override_grade(
                quiz=quiz,
                student=student,
                points=None if remove else _points(request.POST.get("points", "")[:50]),
                reason=request.POST.get("reason", "")[:5000],
                by=request.user,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            name = student.get_full_name() or student.get_username()
            messages.success(
                request,
                _("Override removed: %(name)s's attempts count again.") % {"name": name}
                if remove
                else _("%(name)s's grade is overridden.") % {"name": name},
            )
            return redirect("gradebook_grade", course.slug, quiz.slug, student.pk)
    return render(
        request,
        "quizzes/gradebook_grade.html",
        {
            "course": course,
            "quiz": quiz,
            "student": student,
            "detail": grade_detail(quiz, student),
            "action": action,
            "errors": errors,
            "points": request.POST.get("points", "")[:50],
            "reason": request.POST.get("reason", "")[:5000],
        },
        status=400 if errors else 200,
    )


SEEN = {
    "correctness": gettext_lazy("whether each answer is right"),
    "points": gettext_lazy("points"),
    "feedback": gettext_lazy("feedback"),
    "answer": gettext_lazy("the right answers"),
    "citations": gettext_lazy("the cited passages"),
}


def _showing_everything(quiz: Quiz) -> Quiz:
    """An unsaved copy of the quiz whose review policy shows everything: the teacher sees each
    answer with points, feedback, key and citations, and, since the copy keeps the quiz's
    shuffling and the attempt's seeds, in the order and wording the student was shown."""
    full = copy.copy(quiz)
    for aspect in SEEN:
        setattr(full, f"review_{aspect}", Quiz.Review.IMMEDIATELY)
    return full


@require_GET
@login_required
def gradebook_attempt(
    request: AuthenticatedHttpRequest, course_slug: str, attempt_id: int
) -> HttpResponse:
    """Any attempt at one of the course's quizzes, as its student saw it, for the teacher."""
    course = taught_course_for(request.user, course_slug)
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__course", "quiz__reading", "student"),
        pk=attempt_id,
        quiz__course=course,
    )
    quiz = attempt.quiz
    responses = selectors.responses_of(attempt, with_citations=True)
    prefetch_related_objects(
        responses,
        Prefetch(
            "regrades",
            queryset=Regrade.objects.select_related("created_by", "from_version", "to_version"),
        ),
    )
    full = _showing_everything(quiz)
    student_sees = visibility(
        quiz.review_policy, checked=False, submitted=True, closed=quiz.is_closed_at(timezone.now())
    )
    return render(
        request,
        "quizzes/gradebook_attempt.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": course,
            "student": attempt.student,
            "views": [
                question_view(r, full, submitted=not attempt.is_open, closed=True)
                for r in responses
            ],
            "points_visible": True,
            "student_sees": [label for a, label in SEEN.items() if getattr(student_sees, a)],
            "has_grade_page": quiz.is_published and quiz.practice_for_id is None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def gradebook_regrade(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """The quiz's responses graded against an older version of a fixed question: a preview of
    what regrading them would change, the form that does it, and past regrades."""
    course = taught_course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    error = ""
    if request.method == "POST":
        try:
            done = apply_regrade(
                quiz=quiz, reason=request.POST.get("reason", "")[:5000], by=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            regraded = len(done.regradable)
            text = ngettext(
                "Regraded %(count)s response: %(changed)s changed score.",
                "Regraded %(count)s responses: %(changed)s changed score.",
                regraded,
            ) % {"count": regraded, "changed": len(done.changed)}
            if done.unfit:
                text += " " + ngettext(
                    "%(count)s could not be regraded (answer no longer fits).",
                    "%(count)s could not be regraded (answer no longer fits).",
                    len(done.unfit),
                ) % {"count": len(done.unfit)}
            messages.success(request, text)
            return redirect("gradebook_regrade", course.slug, quiz.slug)
    return render(
        request,
        "quizzes/gradebook_regrade.html",
        {
            "course": course,
            "quiz": quiz,
            "preview": plan_regrade(quiz=quiz),
            "past": Regrade.objects.filter(response__attempt__quiz=quiz)
            .select_related(
                "response__attempt__student", "from_version__question", "to_version", "created_by"
            )
            .order_by("-created_at", "-id")[:200],
            "error": error,
            "reason": request.POST.get("reason", "")[:5000],
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
def gradebook_canvas_id(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """Set one gradebook column's Canvas assignment id (a quiz's or a discussion prompt's)."""
    course = taught_course_for(request.user, course_slug)
    key = request.POST.get("column", "")[:200]
    try:
        set_canvas_assignment_id(
            course=course, key=key, value=request.POST.get("canvas_assignment_id", "")[:100]
        )
    except UnknownColumn as error:
        return _gradebook_page(request, course, canvas_id_error=("", str(error)), status=400)
    except ValueError as error:
        return _gradebook_page(request, course, canvas_id_error=(key, str(error)), status=400)
    messages.success(request, _("Canvas assignment id saved."))
    return redirect(reverse("gradebook", args=[course.slug]) + "#canvas-ids")


@require_POST
@login_required
def gradebook_canvas_fill(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """The gradebook CSV the teacher exported from Canvas, back with Fuente's scores in it."""
    course = taught_course_for(request.user, course_slug)
    upload = request.FILES.get("canvas_file")
    if upload is None:
        return _gradebook_page(
            request,
            course,
            canvas_error=_("Choose the CSV file you exported from Canvas's gradebook."),
            status=400,
        )
    try:
        filled = fill_canvas_export(course, upload.read(MAX_CANVAS_FILE + 1))
    except ValueError as error:
        return _gradebook_page(request, course, canvas_error=str(error), status=400)
    messages.success(
        request, _("Canvas gradebook filled in. %(summary)s") % {"summary": filled.summary}
    )
    response = HttpResponse(filled.data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-canvas-filled.csv"'
    return response
