"""The teacher's page of grades sent to the LMS for one quiz (lti/grades.py), with "Send again"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from courseware.http import AuthenticatedHttpRequest
from courseware.params import id_param
from courseware.selectors import taught_course_for
from lti.grades import send_again, sends_of
from quizzes.selectors import quiz_for


@require_http_methods(["GET", "POST"])
@login_required
def grade_sends(
    request: AuthenticatedHttpRequest, course_slug: str, quiz_slug: str
) -> HttpResponse:
    """Per LMS link of the quiz and per student: the grade sent (or waiting), when, its status
    and the LMS's message; POST sends one student's grade again (`student`) or everyone's
    (`all`). Only the course's teachers (404 for anyone else)."""
    course = taught_course_for(request.user, course_slug)
    quiz = quiz_for(course, quiz_slug)
    links = sends_of(quiz)
    if request.method == "POST":
        if "all" in request.POST:
            queued = send_again(quiz=quiz)
        else:
            student_id = id_param(request.POST.get("student"))
            if student_id is None:
                return HttpResponseBadRequest(
                    _("Choose a student whose grade to send again."),
                    content_type="text/plain; charset=utf-8",
                )
            if not any(row.student.pk == student_id for sends in links for row in sends.rows):
                raise Http404(_("No such student on this quiz's LMS links."))
            queued = send_again(quiz=quiz, student_ids=[student_id])
        messages.success(
            request,
            ngettext(
                "%(count)s grade queued to be sent to the LMS.",
                "%(count)s grades queued to be sent to the LMS.",
                queued,
            )
            % {"count": queued},
        )
        return HttpResponseRedirect(reverse("lti_grade_sends", args=[course.slug, quiz.slug]))
    return render(request, "lti/grade_sends.html", {"course": course, "quiz": quiz, "links": links})
