"""The teacher's accommodation form on the gradebook: it reads what was typed, in words a
teacher can act on when it cannot; the rules (students of the course only, a quiz of the
course, terms that change something) are the service's (quizzes.services.accommodations)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseware.models import Course, Enrollment
from quizzes.models import Accommodation, Quiz
from quizzes.selectors import quizzes_of
from quizzes.services.accommodations import (
    MAX_EXTRA_ATTEMPTS,
    MAX_EXTRA_MINUTES,
    MAX_LABEL,
    MAX_NOTE,
    AccommodationTerms,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class StudentChoices(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


def _when(label: StrOrPromise, help_text: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        required=False,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Give a date and time, e.g. 2025-05-20 14:30.")},
    )


class AccommodationForm(forms.Form):
    students = StudentChoices(
        label=_("Students"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one student."),
            "invalid_choice": _("Choose among this course's students (%(value)s is not one)."),
            "invalid_pk_value": _("Choose among this course's students (“%(pk)s” is not one)."),
        },
    )
    quiz = forms.ModelChoiceField(
        label=_("Quiz"),
        queryset=Quiz.objects.none(),
        required=False,
        empty_label=_("Every quiz of the course"),
        error_messages={"invalid_choice": _("Choose one of this course's quizzes.")},
    )
    extra_minutes = forms.IntegerField(
        label=_("Extra minutes"),
        min_value=0,
        max_value=MAX_EXTRA_MINUTES,
        initial=0,
        required=False,
        help_text=_("Added to a timed quiz's limit."),
        error_messages={
            "invalid": _("Give whole minutes, e.g. 20."),
            "min_value": _("Extra minutes cannot be negative."),
            "max_value": _("Give at most %(limit_value)s extra minutes (a week)."),
        },
    )
    # Typed in the teacher's language ("1,5" in Spanish, "1.5" in English): a text box, since
    # a number box follows the browser's own locale, which may drop the comma. No digit
    # count: 1 to 5 says it, and a second message for "15" would repeat the first.
    time_multiplier = forms.DecimalField(
        label=_("Time multiplier"),
        min_value=Decimal(1),
        max_value=Decimal(5),
        decimal_places=2,
        initial=Decimal(1),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        help_text=_("From 1 to 5: 1.5 is time and a half. Applied before the extra minutes."),
        error_messages={
            "invalid": _("Give a number from 1 to 5, e.g. 1.5."),
            "min_value": _("Give a multiplier from 1 to 5 (1 leaves the time as it is)."),
            "max_value": _("Give a multiplier from 1 to 5."),
            "max_decimal_places": _("Give the multiplier with at most two decimals."),
        },
    )
    extra_attempts = forms.IntegerField(
        label=_("Extra attempts"),
        min_value=0,
        max_value=MAX_EXTRA_ATTEMPTS,
        initial=0,
        required=False,
        help_text=_("Added to the quiz's attempts (unlimited stays unlimited)."),
        error_messages={
            "invalid": _("Give a whole number of attempts, e.g. 1."),
            "min_value": _("Extra attempts cannot be negative."),
            "max_value": _("Give at most %(limit_value)s extra attempts."),
        },
    )
    opens_at = _when(
        _("Opens for them at"), _("Instead of the quiz's own opening; empty keeps it.")
    )
    closes_at = _when(
        _("Closes for them at"), _("Instead of the quiz's own closing; empty keeps it.")
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=MAX_LABEL,
        required=False,
        help_text=_("A name for the group, e.g. “Extended time”."),
    )
    note = forms.CharField(
        label=_("Note for teachers"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Students never see it."),
    )

    def __init__(
        self, *args: Any, course: Course, kept_quiz_id: int | None = None, **kwargs: Any
    ) -> None:
        """`kept_quiz_id`: the quiz of the row being changed, offered even if it has been
        unpublished since, so that saving does not silently move the row to every quiz."""
        super().__init__(*args, **kwargs)
        cast(StudentChoices, self.fields["students"]).queryset = User.objects.filter(
            enrollments__course=course, enrollments__role=Enrollment.Role.STUDENT
        ).order_by("last_name", "first_name", "username")
        quizzes = Quiz.objects.filter(
            Q(pk__in=quizzes_of(course).values("pk")) | Q(pk=kept_quiz_id, course=course)
        ).order_by("position", "slug")
        cast(forms.ModelChoiceField[Quiz], self.fields["quiz"]).queryset = quizzes

    @classmethod
    def initial_of(cls, row: Accommodation) -> dict[str, Any]:
        return {
            "students": [s.pk for s in row.students.all()],
            "quiz": row.quiz_id,
            "extra_minutes": row.extra_minutes,
            "time_multiplier": row.time_multiplier,
            "extra_attempts": row.extra_attempts,
            "opens_at": row.opens_at,
            "closes_at": row.closes_at,
            "label": row.label,
            "note": row.note,
        }

    def terms(self) -> AccommodationTerms:
        data = self.cleaned_data
        return AccommodationTerms(
            label=data["label"],
            extra_minutes=data["extra_minutes"] or 0,
            time_multiplier=data["time_multiplier"] or Decimal(1),
            extra_attempts=data["extra_attempts"] or 0,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            note=data["note"],
        )
