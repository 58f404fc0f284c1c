"""A student's quizzes: list and detail, starting, answering (save and check), summary,
submitting, the result and reporting a problem with a question."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from courseware.http import AuthenticatedHttpRequest
from courseware.params import int_param
from courseware.selectors import course_for
from quizzes import selectors
from quizzes.display import QuestionView, question_view
from quizzes.grading import AnswerError
from quizzes.models import Attempt, Quiz, Response
from quizzes.services import (
    AttemptClosed,
    QuizUnavailable,
    StaleAnswer,
    check_response,
    record_answer,
    report_problem,
    start_attempt,
    submit_attempt,
    submit_if_overdue,
)

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
