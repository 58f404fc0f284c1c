"""A student's quizzes: list and detail, starting, answering (save and check), summary,
submitting, the result and reporting a problem with a question."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from courseware.http import AuthenticatedHttpRequest
from courseware.language import set_language
from courseware.params import int_param
from courseware.selectors import course_for, passages_holding
from quizzes import selectors
from quizzes.accommodations import is_deadline_extended
from quizzes.display import (
    QuestionView,
    left_out,
    missed_citations,
    question_list,
    question_view,
    read_again,
)
from quizzes.grading import AnswerError
from quizzes.models import Attempt, Quiz, Response
from quizzes.services import (
    TIME_IS_UP,
    AttemptClosed,
    PageAnswer,
    QuizUnavailable,
    StaleAnswer,
    check_response,
    is_past_deadline,
    record_answer,
    record_answers,
    report_problem,
    start_attempt,
    submit_attempt,
    submit_if_overdue,
    submit_own_attempt,
)
from quizzes.services.attempts import STALE

MAX_FORM_FIELDS = 60
MAX_BODY = 20_000


@require_GET
@login_required
def quiz_list(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    course = course_for(request.user, course_slug)
    attempts = selectors.attempts_by_quiz(course, request.user)
    quizzes = list(selectors.quizzes_of(course))
    terms = selectors.terms_by_quiz(course, request.user, quizzes)
    standings = [
        selectors.quiz_standing(q, attempts.get(q.pk, []), terms=terms[q.pk]) for q in quizzes
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
    terms = selectors.terms_of(quiz, request.user)
    standing = selectors.quiz_standing(quiz, attempts, terms=terms)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "course": course,
            "quiz": quiz,
            "standing": standing,
            "points_visible": quiz.are_points_visible,
            "question_count": selectors.question_count(quiz),
            "terms": terms,
            "is_open": quiz.is_published and terms.is_open_at(timezone.now()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def attempt_start(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """GET asks first (a timed quiz's clock starts at once); POST starts the attempt, or
    resumes the open one. Both work without JavaScript."""
    course = course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    if request.method == "GET":
        return _start_confirmation(request, quiz)
    try:
        attempt = start_attempt(quiz=quiz, student=request.user)
    except QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect(attempt)


def _start_confirmation(request: AuthenticatedHttpRequest, quiz: Quiz) -> HttpResponse:
    current = quiz.attempts.filter(student=request.user, state=Attempt.State.IN_PROGRESS).first()
    if current is not None:
        return redirect(current)  # its clock is already running: nothing to confirm
    terms = selectors.terms_of(quiz, request.user)
    ends_at = terms.deadline(timezone.now())
    return render(
        request,
        "quizzes/attempt_start.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "minutes": terms.time_limit_minutes,
            "is_extended": terms.is_time_extended,
            "ends_at": ends_at,
            "closes_first": ends_at is not None and ends_at == terms.closes_at,
        },
    )


def _timer(attempt: Attempt) -> dict[str, object] | None:
    """What the timer shows: the deadline, and the minutes left as the server counts them
    (the page without JavaScript shows these; the script counts down from the deadline)."""
    if attempt.deadline_at is None:
        return None
    now = timezone.now()
    seconds = (attempt.deadline_at - now).total_seconds()
    return {
        "ends_at": attempt.deadline_at,
        "now": now,
        "minutes_left": max(0, math.ceil(seconds / 60)),
        "is_up": seconds <= 0,
        "is_timed": bool(attempt.quiz.time_limit_minutes),
        # An accommodation's time, shown as the student's own ("60 minutes, extended").
        "is_extended": is_deadline_extended(
            selectors.quiz_plan(attempt.quiz), attempt.started_at, attempt.deadline_at
        ),
        "minutes": round((attempt.deadline_at - attempt.started_at).total_seconds() / 60),
    }


def _drafts_key(attempt: Attempt) -> str:
    """Names the browser's copy of this attempt's unsent answers: opaque, and new for every
    attempt (ids are reused when a database is rebuilt; the start time is not)."""
    value = f"{attempt.pk}:{attempt.started_at.isoformat()}"
    return salted_hmac("fuente.attempt-drafts", value).hexdigest()[:20]


def _attempt_page(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    *,
    errors: dict[int, str] | None = None,
    drafts: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The attempt's questions, in one form; `errors` are refused saves by position (shown at
    the question, or at the top when the attempt has no such question)."""
    quiz = attempt.quiz
    if quiz.has_immediate_review:  # a checked question shows its citations
        responses = selectors.responses_of(attempt, with_citations=True)
    else:  # each version's stem and data as this process keeps them (no query once read)
        responses = selectors.with_versions(list(attempt.responses.order_by("position")))
    page = None
    on_page = responses
    if quiz.layout == Quiz.Layout.ONE_PER_PAGE and responses:
        asked = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
        page = int_param(asked, default=1, low=1, high=len(responses))
        on_page = [responses[page - 1]]
    # Only the questions shown are built (the list of questions needs only the responses).
    shown = [
        question_view(
            r, quiz, submitted=False, closed=False, draft_text=(drafts or {}).get(r.position)
        )
        for r in on_page
    ]
    return render(
        request,
        "quizzes/attempt_detail.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "responses": responses,
            "nav": question_list(responses, page=page),
            "shown": shown,
            "page": page,
            "errors": errors or {},
            "stray_errors": [m for p, m in (errors or {}).items() if not 0 <= p < len(responses)],
            "timer": _timer(attempt),
            "drafts_key": _drafts_key(attempt),
            # The header's language switcher and "Log out" are buttons of the page's form
            # here, so they save the answers first too (base.html).
            "header_form": "attempt-form",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def attempt_detail(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """GET: the attempt page. POST: the page is one form, and each of its buttons (Save, a
    page, Finish, Check this answer, a report) saves every answer on the page first, then
    does what it says — so nothing typed is lost with JavaScript off."""
    attempt = selectors.attempt_for(request.user, attempt_id)
    if request.method == "POST":
        return _post_page(request, attempt)
    attempt = submit_if_overdue(attempt)
    if not attempt.is_open:
        return redirect("attempt_result", attempt.pk)
    return _attempt_page(request, attempt)


# The fields of one question in the attempt page: q<position>-<the question's own field name>.
_PAGE_FIELD = re.compile(r"q([0-9]{1,4})-(.+)", re.ASCII | re.DOTALL)


def _page_answers(post: QueryDict) -> tuple[dict[int, PageAnswer], dict[int, str]]:
    """The answers a posted page carries, by position, and those refused as too large. Only
    questions whose sequence field came too are saved (a checked question has none)."""
    grouped: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for key, values in post.lists():
        match = _PAGE_FIELD.fullmatch(key)
        if match:
            grouped[int(match[1])][match[2]] = values
    answers: dict[int, PageAnswer] = {}
    refused: dict[int, str] = {}
    for position, form in grouped.items():
        if "seq" not in form:
            continue
        size = sum(len(value) for values in form.values() for value in values)
        if len(form) > MAX_FORM_FIELDS or size > MAX_BODY:
            refused[position] = gettext("That answer is too large to save.")
            continue
        answers[position] = PageAnswer(
            form=form,
            sequence=int_param(form["seq"][-1], default=-1, low=-1, high=10**9),
            is_flagged=form.get("flag", [""])[-1] == "on",
        )
    return answers, refused


def _post_page(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    """Save the page's answers, then do what the pressed button says (its `action`: save[:n],
    page:n, finish, check:n, report:n, language or logout from the header, or submit when
    the script's timer ran out)."""
    verb, _, number = request.POST.get("action", "").partition(":")
    target = int_param(number, default=-1, low=-1, high=10_000)
    answers, refused = _page_answers(request.POST)
    try:
        refused |= record_answers(student=request.user, attempt_id=attempt.pk, answers=answers)
    except Attempt.DoesNotExist as exc:
        raise Http404("No such attempt.") from exc
    except AttemptClosed as exc:
        messages.error(request, str(exc))
        return redirect("attempt_result", attempt.pk)
    if is_past_deadline(attempt):  # saves on their way count; nothing else does
        submit_attempt(attempt=attempt, auto=True)
        messages.error(request, str(TIME_IS_UP))
        return redirect("attempt_result", attempt.pk)
    if refused:
        drafts = {p: request.POST.get(f"q{p}-answer", "")[:2000] for p in refused}
        status = 409 if set(refused.values()) == {str(STALE)} else 400
        return _attempt_page(request, attempt, errors=refused, drafts=drafts, status=status)
    if verb == "language":  # the header's switcher: back to this page in that language
        return set_language(request)
    if verb == "logout":
        auth.logout(request)
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if verb == "page":
        url = reverse("attempt_detail", args=[attempt.pk])
        return redirect(f"{url}?page={max(target, 1)}")
    if verb == "finish":
        return redirect("attempt_summary", attempt.pk)
    if verb == "submit":
        submit_attempt(attempt=attempt)
        return redirect("attempt_result", attempt.pk)
    if verb == "check":
        _check(request, attempt, target)
    elif verb == "report":
        _report(request, attempt, target, request.POST.get(f"report-{target}", ""))
    else:
        messages.success(request, gettext("Saved your answers."))
    return _back_to_question(request, attempt, target)


def _check(request: AuthenticatedHttpRequest, attempt: Attempt, position: int) -> None:
    try:
        check_response(attempt=attempt, position=position)
    except Response.DoesNotExist:
        messages.error(request, _no_such_question(position))
    except AttemptClosed as exc:
        messages.error(request, str(exc))


def _report(request: AuthenticatedHttpRequest, attempt: Attempt, position: int, text: str) -> None:
    response = (
        attempt.responses.select_related("version__question").filter(position=position).first()
    )
    if response is None:
        messages.error(request, _no_such_question(position))
        return
    try:
        report_problem(response=response, student=request.user, text=text[:5000])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Thank you: your teacher will see your report on this question.")
        )


def _no_such_question(position: int) -> str:
    return gettext("This attempt has no question %(n)s.") % {"n": position + 1}


def _back_to_question(
    request: AuthenticatedHttpRequest, attempt: Attempt, position: int
) -> HttpResponse:
    """After a plain form post: back to the question, on its page when one is shown per page."""
    page = int_param(request.POST.get("page"), default=0, low=0, high=10_000)
    url = reverse("attempt_detail", args=[attempt.pk]) + (f"?page={page}" if page else "")
    return redirect(f"{url}#q{position + 1}" if position >= 0 else url)


def _save_one(
    request: AuthenticatedHttpRequest, attempt_id: int, position: int
) -> tuple[Response | None, str, int]:
    """Save one question's answer from the request: (the response, or an error and status).
    Fields may carry the page's q<position>- prefix, or not."""
    form = {key.removeprefix(f"q{position}-"): values for key, values in request.POST.lists()}
    length = int_param(request.META.get("CONTENT_LENGTH"), default=0, low=0, high=10**9)
    if len(form) > MAX_FORM_FIELDS or length > MAX_BODY:
        selectors.attempt_for(request.user, attempt_id)  # another student's attempt stays a 404
        return None, gettext("That answer is too large to save."), 400
    try:
        # Ownership is checked inside: the response is fetched through its attempt's student.
        response = record_answer(
            student=request.user,
            attempt_id=attempt_id,
            position=position,
            form=form,
            sequence=int_param(form.get("seq", [""])[-1], default=-1, low=-1, high=10**9),
            is_flagged=form.get("flag", [""])[-1] == "on",
        )
    except Attempt.DoesNotExist as exc:
        raise Http404("No such attempt.") from exc
    except Response.DoesNotExist:
        return None, _no_such_question(position), 400
    except AnswerError as exc:
        return None, str(exc), 400
    except StaleAnswer as exc:
        if exc.is_replay:  # sent again after its reply was lost: it is saved already
            return exc.response, "", 200
        return None, str(exc), 409
    except AttemptClosed as exc:
        return None, str(exc), 409
    return response, "", 200


def _page_of(response: Response) -> int | None:
    """The page a question is on: its number on a one-per-page quiz, else None."""
    one_per_page = response.attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE
    return response.position + 1 if one_per_page else None


@require_POST
@login_required
@vary_on_headers("HX-Request")
def attempt_save(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """The autosave of one question (the script posts it, as htmx would, and swaps in the
    fragment), or a plain form post of its fields."""
    response, error, status = _save_one(request, attempt_id, position)
    if request.htmx:
        if response is None:
            attempt = selectors.attempt_for(request.user, attempt_id)
            if not attempt.is_open:  # the page goes to the result, which says why
                messages.error(request, error)
            context = {"position": position, "error": error, "closed": not attempt.is_open}
            return render(
                request, "quizzes/attempt_detail.html#save-status", context, status=status
            )
        return render(
            request,
            "quizzes/attempt_detail.html#saved",
            {
                "response": response,
                # On a one-per-page quiz the saved question is the page shown: its page button.
                "nav": question_list([response], page=_page_of(response), oob=True),
                "position": position,
            },
        )
    attempt = selectors.attempt_for(request.user, attempt_id)
    if response is None:
        if not attempt.is_open:
            messages.error(request, error)
            return redirect("attempt_result", attempt.pk)
        typed = request.POST.get("answer", request.POST.get(f"q{position}-answer", ""))
        drafts = {position: typed[:2000]}
        return _attempt_page(
            request, attempt, errors={position: error}, drafts=drafts, status=status
        )
    messages.success(request, gettext("Saved your answer to question %(n)s.") % {"n": position + 1})
    return _back_to_question(request, attempt, position)


@require_POST
@login_required
def attempt_check(
    request: AuthenticatedHttpRequest, attempt_id: int, position: int
) -> HttpResponse:
    """Check one question (immediate feedback). Past the deadline the attempt is submitted
    instead of the answer graded."""
    attempt = selectors.attempt_for(request.user, attempt_id)
    try:
        check_response(attempt=attempt, position=position)
    except Response.DoesNotExist:
        return HttpResponse(_no_such_question(position), status=400)
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
    rows = [(r, left_out(r)) for r in responses]
    return render(
        request,
        "quizzes/attempt_summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "rows": rows,
            "unanswered": sum(1 for r in responses if not r.is_answered),
            "partly": sum(1 for _r, left in rows if left),
            "timer": _timer(attempt),
            "drafts_key": _drafts_key(attempt),
        },
    )


@require_POST
@login_required
def attempt_submit(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """Submit. At any time after the deadline only the answers saved in time count (later
    saves were refused), and the attempt is marked as submitted when the time ran out."""
    try:
        attempt = submit_own_attempt(student=request.user, attempt_id=attempt_id)
    except Attempt.DoesNotExist as exc:
        raise Http404("No such attempt.") from exc
    if attempt.is_auto_submitted:
        messages.error(request, str(TIME_IS_UP))
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
    missed = missed_citations(views)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "views": views,
            "points_visible": quiz.are_points_visible,
            "read_again": read_again(
                missed, passages_holding((c.source_id, c.start) for _, c in missed)
            ),
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
        return HttpResponse(_no_such_question(position), status=400)
    try:
        report_problem(
            response=response, student=request.user, text=request.POST.get("text", "")[:5000]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Thank you: your teacher will see your report on this question.")
        )
    target = "attempt_detail" if attempt.is_open else "attempt_result"
    return redirect(reverse(target, args=[attempt.pk]) + f"#q{position + 1}")
