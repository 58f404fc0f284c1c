from __future__ import annotations

import copy
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from courseware import selectors as cw_selectors
from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course, Enrollment, Objective, Post
from courseware.params import int_param
from courseware.selectors import course_for
from quizzes import selectors
from quizzes.analysis import FIRST_ATTEMPTS, WHICH_ATTEMPTS, analysis_of
from quizzes.display import QuestionView, question_view
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
from quizzes.grading import AnswerError
from quizzes.models import Attempt, Quiz, Regrade, Response
from quizzes.progress import Bar, Mastery, bar_chart_svg, mastery, practice_questions, review_next
from quizzes.review import visibility
from quizzes.services import (
    AttemptClosed,
    QuizUnavailable,
    StaleAnswer,
    apply_regrade,
    check_response,
    override_grade,
    plan_regrade,
    record_answer,
    report_problem,
    start_attempt,
    start_practice,
    submit_attempt,
    submit_if_overdue,
)

# One question's form is a few fields and well under a kilobyte; far more is not an answer.
MAX_FORM_FIELDS = 60
MAX_BODY = 20_000


@require_GET
@login_required
def quiz_list(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    course = course_for(request.user, course_slug)
    attempts = selectors.attempts_by_quiz(course, request.user)
    standings = [
        selectors.quiz_standing(q, attempts.get(q.pk, [])) for q in selectors.quizzes_of(course)
    ]
    return render(request, "quizzes/quiz_list.html", {"course": course, "standings": standings})


@require_GET
@login_required
def quiz_detail(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    course = course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    attempts = list(quiz.attempts.filter(student=request.user).order_by("number"))
    standing = selectors.quiz_standing(quiz, attempts)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "course": course,
            "quiz": quiz,
            "standing": standing,
            "points_visible": quiz.are_points_visible,
            "question_count": quiz.slots.filter(question__status="published").count(),
            "is_open": quiz.is_published and quiz.is_open_at(timezone.now()),
        },
    )


@require_POST
@login_required
def attempt_start(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    course = course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    try:
        attempt = start_attempt(quiz=quiz, student=request.user)
    except QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect(attempt)


def _attempt_page(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    *,
    errors: dict[int, str] | None = None,
    drafts: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The attempt's questions; `errors` are refused saves by position (shown at the question,
    or at the top when the attempt has no such question)."""
    quiz = attempt.quiz
    responses = selectors.responses_of(attempt, with_citations=quiz.has_immediate_review)
    views = [
        question_view(
            r, quiz, submitted=False, closed=False, draft_text=(drafts or {}).get(r.position)
        )
        for r in responses
    ]
    page = None
    shown = views
    if quiz.layout == Quiz.Layout.ONE_PER_PAGE and views:
        page = int_param(request.GET.get("page"), default=1, low=1, high=len(views))
        shown = [views[page - 1]]
    return render(
        request,
        "quizzes/attempt_detail.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "views": views,
            "shown": shown,
            "page": page,
            "errors": errors or {},
            "stray_errors": [m for p, m in (errors or {}).items() if not 0 <= p < len(views)],
        },
        status=status,
    )


@require_GET
@login_required
def attempt_detail(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = submit_if_overdue(selectors.attempt_for(request.user, attempt_id))
    if not attempt.is_open:
        return redirect("attempt_result", attempt.pk)
    return _attempt_page(request, attempt)


def _question_number(position: int) -> str:
    return f"question {position + 1}"


def _back_to_question(
    request: AuthenticatedHttpRequest, attempt: Attempt, position: int
) -> HttpResponse:
    """After a plain form post: back to the question, on its page when one is shown per page."""
    page = int_param(request.POST.get("page"), default=0, low=0, high=10_000)
    url = reverse("attempt_detail", args=[attempt.pk]) + (f"?page={page}" if page else "")
    return redirect(f"{url}#q{position + 1}")


@require_POST
@login_required
@vary_on_headers("HX-Request")
def attempt_save(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """Autosave of one question (htmx), or the plain form post of its Save button."""
    form = {key: values for key, values in request.POST.lists()}
    length = int_param(request.META.get("CONTENT_LENGTH"), default=0, low=0, high=10**9)
    error, status = "", 200
    if len(form) > MAX_FORM_FIELDS or length > MAX_BODY:
        selectors.attempt_for(request.user, attempt_id)  # another student's attempt stays a 404
        error, status = "That answer is too large to save.", 400
    else:
        try:
            # Ownership is checked inside: the response is fetched through its attempt's student.
            response = record_answer(
                student=request.user,
                attempt_id=attempt_id,
                position=position,
                form=form,
                sequence=int_param(request.POST.get("seq"), default=-1, low=-1, high=10**9),
                is_flagged=request.POST.get("flag") == "on",
            )
        except Attempt.DoesNotExist as exc:
            raise Http404("No such attempt.") from exc
        except Response.DoesNotExist:
            error, status = f"This attempt has no {_question_number(position)}.", 400
        except AnswerError as exc:
            error, status = str(exc), 400
        except (StaleAnswer, AttemptClosed) as exc:
            error, status = str(exc), 409
    if request.htmx:
        if error:
            return render(
                request,
                "quizzes/attempt_detail.html#save-status",
                {"position": position, "error": error},
                status=status,
            )
        return render(
            request,
            "quizzes/attempt_detail.html#saved",
            {"response": response, "position": position},
        )
    attempt = selectors.attempt_for(request.user, attempt_id)
    if error:
        if not attempt.is_open:
            messages.error(request, error)
            return redirect("attempt_result", attempt.pk)
        drafts = {position: request.POST.get("answer", "")[:2000]}
        return _attempt_page(
            request, attempt, errors={position: error}, drafts=drafts, status=status
        )
    messages.success(request, f"Saved your answer to {_question_number(position)}.")
    return _back_to_question(request, attempt, position)


@require_POST
@login_required
def attempt_check(
    request: AuthenticatedHttpRequest, attempt_id: int, position: int
) -> HttpResponse:
    attempt = selectors.attempt_for(request.user, attempt_id)
    try:
        check_response(attempt=attempt, position=position)
    except Response.DoesNotExist:
        return HttpResponse(f"This attempt has no {_question_number(position)}.", status=400)
    except AttemptClosed as exc:
        messages.error(request, str(exc))
    return _back_to_question(request, attempt, position)


@require_GET
@login_required
def attempt_summary(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = submit_if_overdue(selectors.attempt_for(request.user, attempt_id))
    if not attempt.is_open:
        return redirect("attempt_result", attempt.pk)
    responses = selectors.responses_of(attempt)
    return render(
        request,
        "quizzes/attempt_summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "responses": responses,
            "unanswered": sum(1 for r in responses if not r.is_answered),
        },
    )


@require_POST
@login_required
def attempt_submit(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for(request.user, attempt_id)
    submit_attempt(attempt=attempt)
    return redirect("attempt_result", attempt.pk)


@require_GET
@login_required
def attempt_result(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = submit_if_overdue(selectors.attempt_for(request.user, attempt_id))
    if attempt.is_open:
        return redirect(attempt)
    quiz = attempt.quiz
    closed = quiz.is_closed_at(timezone.now())
    views: list[QuestionView] = [
        question_view(r, quiz, submitted=True, closed=closed)
        for r in selectors.responses_of(attempt, with_citations=True)
    ]
    missed = [
        v
        for v in views
        if v.review and v.review.visible.correctness and v.review.outcome != "correct"
    ]
    review_passages = {
        (c.source_id, c.start): c
        for v in missed
        if v.review and v.review.visible.citations
        for c in v.review.citations
    }
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "views": views,
            "points_visible": quiz.are_points_visible,
            "review_passages": list(review_passages.values()),
        },
    )


@require_POST
@login_required
def question_report(
    request: AuthenticatedHttpRequest, attempt_id: int, position: int
) -> HttpResponse:
    attempt = selectors.attempt_for(request.user, attempt_id)
    response = (
        attempt.responses.select_related("version__question").filter(position=position).first()
    )
    if response is None:
        return HttpResponse(f"This attempt has no {_question_number(position)}.", status=400)
    try:
        report_problem(
            response=response, student=request.user, text=request.POST.get("text", "")[:5000]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: your teacher will see your report on this question.")
    target = "attempt_detail" if attempt.is_open else "attempt_result"
    return redirect(reverse(target, args=[attempt.pk]) + f"#q{position + 1}")


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
            "sources": cw_selectors.sources_of(course),
            "is_teacher": cw_selectors.is_teacher(request.user, course),
            "bars": [
                ("Readings read", read, len(readings)),
                ("Quizzes submitted", len(attempted), len(quizzes)),
                ("Discussions joined", len(posted & {p.pk for p in prompts}), len(prompts)),
            ],
        },
    )


def _mastery_text(row: Mastery) -> str:
    if row.share is None:
        return "no answers yet"
    questions = f"{row.questions} question{'s' if row.questions != 1 else ''}"
    return f"{row.share * 100:.0f}% of {row.possible.normalize():f} points on {questions}"


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
    titles = {o.code: o.title for o in objectives}
    bars = [
        Bar(label=titles[m.objective], value=m.share, detail=_mastery_text(m)) for m in mastery_rows
    ]
    attempts = selectors.attempts_by_quiz(course, student)
    standings = [
        selectors.quiz_standing(q, attempts.get(q.pk, [])) for q in selectors.quizzes_of(course)
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
            "standings": standings,
            "posts": Post.objects.filter(course=course, author=student)
            .select_related("prompt")
            .order_by("-created_at"),
            "mastery": list(zip(mastery_rows, bars, strict=True)),
            "chart": mark_safe(bar_chart_svg(bars, title="Mastery by objective")),
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


def _teacher_course(request: AuthenticatedHttpRequest, course_slug: str) -> Course:
    """The course, if the user teaches it; 404 for anyone else (students included)."""
    course = course_for(request.user, course_slug)
    if not cw_selectors.is_teacher(request.user, course):
        raise Http404("No such page.")
    return course


@require_GET
@login_required
def gradebook(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """Students × quizzes and discussions: grades, attempts, overrides, totals; filter by name,
    sort by total or by a column."""
    return _gradebook_page(request, _teacher_course(request, course_slug))


@require_GET
@login_required
def gradebook_export(request: AuthenticatedHttpRequest, course_slug: str, fmt: str) -> HttpResponse:
    course = _teacher_course(request, course_slug)
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
    course = _teacher_course(request, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    which = request.GET.get("attempts", FIRST_ATTEMPTS)
    if which not in WHICH_ATTEMPTS:
        return HttpResponse(
            f"Unknown choice of attempts {which[:40]!r}: use first, last or all.",
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


# --- Gradebook: grade details, overrides, attempts as students saw them, regrades, Canvas ---


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
            "columns": [(c, *split_key(c.key)) for c in book.columns],
            "rows": page_rows(book, query=query, sort=sort),
            "query": query,
            "sort": sort,
            "formats": FORMATS,
            "canvas_error": canvas_error,
            "canvas_notes": canvas_notes(book.columns).lines,
            "canvas_id_error": canvas_id_error,
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
    """Points typed by a teacher; ValidationError when they do not read as a number."""
    if not raw.strip():
        raise ValidationError({"points": ["Give the points, e.g. 8 or 8.5."]})
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise ValidationError(
            {"points": [f"“{raw.strip()[:20]}” is not a number: give the points, e.g. 8 or 8.5."]}
        ) from None


@require_http_methods(["GET", "POST"])
@login_required
def gradebook_grade(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str, user_id: int
) -> HttpResponse:
    """One student's grade on one quiz: attempts, kept grade, the override form and history."""
    course = _teacher_course(request, course_slug)
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
                f"Override removed: {name}'s attempts count again."
                if remove
                else f"{name}'s grade is overridden.",
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
    "correctness": "whether each answer is right",
    "points": "points",
    "feedback": "feedback",
    "answer": "the right answers",
    "citations": "the cited passages",
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
    course = _teacher_course(request, course_slug)
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
    course = _teacher_course(request, course_slug)
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
            text = (
                f"Regraded {regraded} response{'s' if regraded != 1 else ''}: "
                f"{len(done.changed)} changed score."
            )
            if done.unfit:
                text += f" {len(done.unfit)} could not be regraded (answer no longer fits)."
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
    course = _teacher_course(request, course_slug)
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
    course = _teacher_course(request, course_slug)
    upload = request.FILES.get("canvas_file")
    if upload is None:
        return _gradebook_page(
            request,
            course,
            canvas_error="Choose the CSV file you exported from Canvas's gradebook.",
            status=400,
        )
    try:
        filled = fill_canvas_export(course, upload.read(MAX_CANVAS_FILE + 1))
    except ValueError as error:
        return _gradebook_page(request, course, canvas_error=str(error), status=400)
    messages.success(request, f"Canvas gradebook filled in. {filled.summary}")
    response = HttpResponse(filled.data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-canvas-filled.csv"'
    return response
