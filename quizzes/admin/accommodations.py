"""Accommodations in the admin (teachers mostly use the gradebook's page): the course's rows,
students chosen among the course's students only, saved and removed through the service so an
attempt in progress gets its new time at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from courseware.http import staff_user
from courseware.models import Enrollment
from courseware.roles import CourseScoped, courses_taught
from quizzes.models import Accommodation
from quizzes.services import (
    AccommodationTerms,
    remove_accommodation,
    save_accommodation,
)
from quizzes.services.accommodations import accommodation_errors

TERMS = [
    "label",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
    "opens_at",
    "closes_at",
    "note",
]


def _terms(data: dict[str, Any]) -> AccommodationTerms:
    return AccommodationTerms(**{name: data[name] for name in TERMS if data.get(name) is not None})


class AccommodationForm(forms.ModelForm[Accommodation]):
    class Meta:
        model = Accommodation
        fields = ["course", "quiz", "students", *TERMS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("course") is None:
            return data
        errors = accommodation_errors(
            course=data["course"],
            quiz=data.get("quiz"),
            students=list(data.get("students") or []),
            terms=_terms(data),
        )
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)
        return data


def _students(request: HttpRequest, obj: Accommodation | None) -> QuerySet[User]:
    """Whom the students field offers: the row's course's students, or, on a new row, the
    students of the courses the user teaches (the form then checks they are the chosen
    course's)."""
    students = User.objects.filter(enrollments__role=Enrollment.Role.STUDENT)
    if obj is not None:
        students = students.filter(enrollments__course_id=obj.course_id)
    elif not request.user.is_superuser:
        students = students.filter(enrollments__course__in=courses_taught(request.user))
    return students.distinct().order_by("last_name", "first_name", "username")


@admin.register(Accommodation)
class AccommodationAdmin(CourseScoped[Accommodation]):
    form = AccommodationForm
    list_display = [
        "__str__",
        "course",
        "quiz",
        "extra_minutes",
        "time_multiplier",
        "extra_attempts",
        "opens_at",
        "closes_at",
    ]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course", "quiz"]
    search_fields = ["label", "students__username", "students__last_name", "quiz__title"]
    filter_horizontal = ["students"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "students" in form.base_fields:
            field = form.base_fields["students"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = _students(request, obj)
        return form

    def save_model(self, request: HttpRequest, obj: Accommodation, form: Any, change: bool) -> None:
        saved = save_accommodation(
            course=obj.course,
            quiz=obj.quiz,
            students=list(form.cleaned_data["students"]),
            terms=_terms(form.cleaned_data),
            by=staff_user(request),
            # As stored: the service compares it with the change (students and quiz before).
            accommodation=Accommodation.objects.get(pk=obj.pk) if change else None,
        )
        row = saved.accommodation
        assert row is not None
        obj.pk, obj.created_by, obj.created_at = row.pk, row.created_by, row.created_at
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has set the students already."""

    def delete_model(self, request: HttpRequest, obj: Accommodation) -> None:
        remove_accommodation(accommodation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Accommodation]) -> None:
        for obj in queryset.order_by("pk"):
            remove_accommodation(accommodation=obj)
