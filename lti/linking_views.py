"""The page where a teacher links an LMS course to one of their Fuente courses (lti/linking.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from courseware.models import Course
from lti import linking
from lti.views import complete_launch


class LinkCourseForm(forms.Form):
    course: forms.ModelChoiceField[Course] = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        label=gettext_lazy("Fuente course"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the courses you teach.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = linking.taught_courses(user)


@login_required
@require_http_methods(["GET", "POST"])
def link_course(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    pending = linking.pending_launch(request)
    if pending is None:
        return render(
            request,
            "lti/link_course.html",
            {
                "missing": _(
                    "No LMS launch is waiting for a course link. Open Fuente's link in the "
                    "LMS again."
                )
            },
            status=404,
        )
    launch, framed = pending
    form = LinkCourseForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        linking.link_course(launch=launch, course=form.cleaned_data["course"], user=user)
        linking.forget_pending(request)
        return complete_launch(request, launch, framed=framed)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "launch": launch}
    return render(request, "lti/link_course.html", context, status=status)
