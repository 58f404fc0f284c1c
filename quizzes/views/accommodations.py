"""A teacher's accommodations, from the gradebook: add one for some of the course's students
(on one quiz or every quiz), change it, remove it. Plain forms; the rules and the attempts in
progress are the service's (quizzes.services.accommodations)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course
from courseware.params import id_param
from courseware.selectors import taught_course_for
from quizzes import selectors
from quizzes.accommodation_forms import AccommodationForm
from quizzes.models import Accommodation
from quizzes.services import remove_accommodation, save_accommodation


def _back(course: Course) -> HttpResponse:
    return redirect(reverse("gradebook", args=[course.slug]) + "#accommodations")


def _initial(request: AuthenticatedHttpRequest, course: Course) -> dict[str, object]:
    """A new accommodation's form, filled from the gradebook's link (?student=…&quiz=…)."""
    initial: dict[str, object] = {}
    student = id_param(request.GET.get("student"))
    if student is not None:
        initial["students"] = [student]
    slug = request.GET.get("quiz", "")[:80]
    quiz = selectors.quizzes_of(course).filter(slug=slug).first() if slug else None
    if quiz is not None:
        initial["quiz"] = quiz.pk
    return initial


def _form_page(
    request: AuthenticatedHttpRequest, course: Course, row: Accommodation | None
) -> HttpResponse:
    kept = row.quiz_id if row else None
    if request.method == "POST":
        form = AccommodationForm(request.POST, course=course, kept_quiz_id=kept)
        if form.is_valid():
            try:
                saved = save_accommodation(
                    course=course,
                    quiz=form.cleaned_data["quiz"],
                    students=list(form.cleaned_data["students"]),
                    terms=form.terms(),
                    by=request.user,
                    accommodation=row,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                names = ", ".join(
                    s.get_full_name() or s.get_username() for s in form.cleaned_data["students"]
                )
                text = _("Accommodation saved for %(names)s.") % {"names": names}
                messages.success(request, f"{text} {saved.summary}".strip())
                return _back(course)
    elif row is not None:
        form = AccommodationForm(
            initial=AccommodationForm.initial_of(row), course=course, kept_quiz_id=kept
        )
    else:
        form = AccommodationForm(initial=_initial(request, course), course=course)
    return render(
        request,
        "quizzes/accommodation_form.html",
        {"course": course, "form": form, "row": row},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def accommodation_add(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """A new accommodation: more time, more attempts or other dates for some students."""
    return _form_page(request, taught_course_for(request.user, course_slug), None)


@require_http_methods(["GET", "POST"])
@login_required
def accommodation_edit(
    request: AuthenticatedHttpRequest, course_slug: str, accommodation_id: int
) -> HttpResponse:
    """One of the course's accommodations (another course's is a 404)."""
    course = taught_course_for(request.user, course_slug)
    return _form_page(request, course, selectors.accommodation_for(course, accommodation_id))


@require_POST
@login_required
def accommodation_remove(
    request: AuthenticatedHttpRequest, course_slug: str, accommodation_id: int
) -> HttpResponse:
    course = taught_course_for(request.user, course_slug)
    saved = remove_accommodation(
        accommodation=selectors.accommodation_for(course, accommodation_id)
    )
    messages.success(request, f"{_('Accommodation removed.')} {saved.summary}".strip())
    return _back(course)
