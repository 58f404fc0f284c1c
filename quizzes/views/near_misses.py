"""A teacher's near misses of a quiz: short answers marked wrong that come close to an accepted
one, and accepting one of them (a confirmation page first, then a POST that makes a new version
of the question and regrades everyone who gave it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course
from courseware.params import id_param
from courseware.selectors import taught_course_for
from quizzes import selectors
from quizzes.grading import MAX_TEXT
from quizzes.models import Question, Quiz, QuizQuestion
from quizzes.services import RegradeReport, accept_answer, near_misses, plan_accept_answer


@require_GET
@login_required
def near_miss_list(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """The quiz's short answers marked wrong that are near an accepted answer, by question."""
    course = taught_course_for(request.user, course_slug)
    return _list_page(request, course, selectors.quiz_for(course, quiz_slug))


def _list_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    quiz: Quiz,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "quizzes/near_misses.html",
        {"course": course, "quiz": quiz, "questions": near_misses(quiz), "error": error},
        status=status,
    )


def _slot(quiz: Quiz, params: QueryDict) -> QuizQuestion:
    """The quiz's slot the request names; 404 for another quiz's or a malformed id."""
    slot_id = id_param(params.get("slot"))
    slot = (
        QuizQuestion.objects.select_related("question").filter(pk=slot_id, quiz=quiz).first()
        if slot_id
        else None
    )
    if slot is None:
        raise Http404("No such question in this quiz.")
    return slot


@require_http_methods(["GET", "POST"])
@login_required
def near_miss_accept(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """GET: what accepting an answer would change (students, responses, points before and
    after), with the form that does it. POST: accept it and regrade, then back to the list."""
    course = taught_course_for(request.user, course_slug)
    quiz = selectors.quiz_for(course, quiz_slug)
    params = request.POST if request.method == "POST" else request.GET
    slot = _slot(quiz, params)
    answer = params.get("answer", "")[: MAX_TEXT * 2]
    try:
        plan = plan_accept_answer(quiz=quiz, slot=slot, answer=answer)
    except ValidationError as exc:
        return _list_page(request, course, quiz, error=" ".join(exc.messages), status=400)
    error = ""
    reason = params.get("reason", "")[:5000]
    if request.method == "POST":
        try:
            done = accept_answer(
                quiz=quiz, slot=slot, answer=answer, reason=reason, by=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _accepted_message(plan.answer, slot.question, done))
            return redirect("near_misses", course.slug, quiz.slug)
    return render(
        request,
        "quizzes/near_miss_accept.html",
        {
            "course": course,
            "quiz": quiz,
            "plan": plan,
            "error": error,
            "reason": reason or _default_reason(plan.answer, slot),
        },
        status=400 if error else 200,
    )


def _default_reason(answer: str, slot: QuizQuestion) -> str:
    return _("Accepted “%(answer)s” as a right answer to question %(number)s (near miss).") % {
        "answer": answer,
        "number": slot.position + 1,
    }


def _accepted_message(answer: str, question: Question, done: RegradeReport) -> str:
    changed, regraded = len(done.changed), len(done.regradable)
    return ngettext(
        "“%(answer)s” is now accepted for %(key)s. %(regraded)s response regraded: "
        "%(changed)s changed score.",
        "“%(answer)s” is now accepted for %(key)s. %(regraded)s responses regraded: "
        "%(changed)s changed score.",
        regraded,
    ) % {"answer": answer, "key": question.key, "regraded": regraded, "changed": changed}
