"""Courses in the admin: their members, changed inline or enrolled from a roster (a CSV file,
previewed row by row before anything is written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courseware import roster
from courseware.admin.previews import EXPIRED, PREVIEW_MAX_AGE
from courseware.http import staff_user
from courseware.models import Course, Enrollment
from courseware.roles import CourseScoped, ScopedInline, make_teacher
from courseware.services import enrol_roster, plan_course_roster

ROSTER_SALT = "courseware.admin.roster"


class EnrollmentInline(ScopedInline[Enrollment, Course], admin.TabularInline[Enrollment, Course]):
    model = Enrollment
    fields = [
        *("user", "name", "email", "role", "section"),
        *("sis_user_id", "sis_login_id", "canvas_user_id"),
    ]
    readonly_fields = ["name", "email"]
    autocomplete_fields = ["user"]
    extra = 0
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 12})}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user")

    # Teachers see no user accounts (they have no permission on users): they enrol through a
    # roster, and change the enrolments here.
    # Only administrators change who teaches a course (a teacher is staff).
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "user", "role"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, obj)

    @admin.display(description=gettext_lazy("Name"))
    def name(self, obj: Enrollment) -> str:
        return obj.user.get_full_name() if obj.user_id else ""

    @admin.display(description=gettext_lazy("Email"))
    def email(self, obj: Enrollment) -> str:
        return obj.user.email if obj.user_id else ""


class RosterForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster (CSV)"),
        help_text=gettext_lazy(
            "A CSV file in UTF-8, at most 1 MB: a Canvas or Moodle export, or any spreadsheet "
            "saved as CSV with a header row."
        ),
    )

    def clean_file(self) -> roster.Roster:
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; a roster must be at most 1 MB. Split it into several "
                    "files."
                )
                % {"size": number_format(upload.size / 1024 / 1024, 1)}
            )
        try:
            text = roster.decode_roster(upload.read())
            parsed = roster.parse_roster(text)
        except roster.RosterFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.text = text
        return parsed


def _roster_counts(planned: list[roster.PlannedRow]) -> dict[str, int]:
    return {
        action: sum(1 for p in planned if p.action == action) for action in roster.ACTION_LABELS
    }


@admin.register(Course)
class CourseAdmin(CourseScoped[Course]):
    course_field = "pk"

    list_display = ["title", "slug", "n_members"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["readings"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).annotate(n=Count("enrollments"))

    @admin.display(description=gettext_lazy("Members"), ordering="n")
    def n_members(self, obj: Course) -> int:
        return obj.n  # type: ignore[attr-defined, no-any-return]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for enrollment in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            if isinstance(enrollment, Enrollment) and enrollment.role == Enrollment.Role.TEACHER:
                make_teacher(enrollment.user)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.roster_view)
        return [
            path("<path:object_id>/roster/", view, name="courseware_course_roster"),
            *super().get_urls(),
        ]

    def roster_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Enrol from a roster: upload a CSV → preview of every row → confirm. The preview
        travels signed, so confirming needs no second upload; if what the rows would do has
        changed meanwhile, the preview is shown again instead."""
        course = self.get_object(request, unquote(object_id))
        if course is None:
            raise Http404("No such course.")
        if not (
            self.has_change_permission(request, course)
            and request.user.has_perm("courseware.add_enrollment")
        ):
            raise PermissionDenied
        form, step = RosterForm(), _RosterStep()
        if request.method == "POST" and "token" in request.POST:
            confirmed = self._confirm_roster(request, course)
            if isinstance(confirmed, HttpResponse):
                return confirmed
            step = confirmed
        elif request.method == "POST":
            form = RosterForm(request.POST, request.FILES)
            step = _RosterStep(text=form.text) if form.is_valid() else _RosterStep(status=400)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": _("Enrol from a roster: %(course)s") % {"course": course},
            "form": form,
            "error": step.error,
            "note": step.note,
            "max_megabytes": roster.MAX_BYTES // (1024 * 1024),
        }
        if step.text:
            context |= _roster_preview(course, step.text, by=staff_user(request))
        return TemplateResponse(
            request, "admin/courseware/course/roster.html", context, status=step.status
        )

    def _confirm_roster(self, request: HttpRequest, course: Course) -> HttpResponse | _RosterStep:
        """The confirm step: enrol the signed roster and go back to the course, unless the
        token is expired or altered, or what the rows would do is no longer what was shown."""
        try:
            payload = signing.loads(
                request.POST["token"], salt=ROSTER_SALT, max_age=PREVIEW_MAX_AGE
            )
            if payload["course"] != course.pk:
                raise signing.BadSignature
            text = str(payload["text"])
            parsed = roster.parse_roster(text)
        except (signing.BadSignature, KeyError, TypeError, roster.RosterFileError):
            return _RosterStep(error=str(EXPIRED), status=400)
        planned = plan_course_roster(course=course, rows=parsed.rows, by=staff_user(request))
        if request.POST.get("expected") != _roster_key(planned):
            return _RosterStep(
                text=text,
                note=_(
                    "What the roster would do has changed since the preview (someone enrolled or "
                    "added users meanwhile). Check the preview again."
                ),
            )
        try:
            summary = enrol_roster(course=course, rows=parsed.rows, by=staff_user(request))
        except IntegrityError:
            return _RosterStep(
                text=text, note=_("Someone changed these users meanwhile; check the preview again.")
            )
        self.log_change(request, course, f"Enrolled from a roster: {summary}")
        self.message_user(
            request, _("Roster enrolled: %(summary)s") % {"summary": summary}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:courseware_course_change", args=[course.pk]))


@dataclass(frozen=True)
class _RosterStep:
    """Where the roster page stands: the roster text to preview (none before an upload or
    after a refused one), and what to tell the teacher."""

    text: str = ""
    error: str = ""
    note: str = ""
    status: int = 200


def _roster_preview(course: Course, text: str, *, by: User) -> dict[str, Any]:
    """The preview: the columns recognised, what each row would do, and what the confirm step
    checks (the signed roster and the key of what was promised)."""
    parsed = roster.parse_roster(text)
    planned = plan_course_roster(course=course, rows=parsed.rows, by=by)
    counts = _roster_counts(planned)
    return {
        "roster": parsed,
        "planned": planned,
        "counts": [(roster.ACTION_LABELS[a], n) for a, n in counts.items() if n],
        "good": len(planned) - counts[roster.ERROR],
        "bad": counts[roster.ERROR],
        "expected": _roster_key(planned),
        "token": signing.dumps(
            {"course": course.pk, "text": text}, salt=ROSTER_SALT, compress=True
        ),
        "columns": [(roster.LABELS[k], h) for k, h in parsed.columns.items()],
    }


def _roster_key(planned: list[roster.PlannedRow]) -> str:
    """What the preview promised, row by row: confirming checks it still holds."""
    return ",".join(f"{p.row.number}:{p.action}" for p in planned)


@admin.register(Enrollment)
class EnrollmentAdmin(CourseScoped[Enrollment]):
    list_display = [
        *("user", "name", "email", "course", "role", "section"),
        *("sis_user_id", "canvas_user_id", "active", "created_at"),
    ]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "role", "section"]
    list_select_related = ["user", "course"]
    search_fields = [
        *("user__username", "user__first_name", "user__last_name", "user__email"),
        *("sis_user_id", "sis_login_id", "canvas_user_id", "section"),
    ]
    autocomplete_fields = ["user", "course"]
    fields = [
        *("course", "user", "name", "email", "role", "section"),
        *("sis_user_id", "sis_login_id", "canvas_user_id"),
    ]
    readonly_fields = ["name", "email"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "user", "course", "role"]

    @admin.display(description=gettext_lazy("In the course"), boolean=True, ordering="is_active")
    def active(self, obj: Enrollment) -> bool:
        """False once the LMS's roster no longer lists them (lti.roster): their work stays."""
        return obj.is_active

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Teachers see no user accounts: they enrol students from a roster on the course.
        return request.user.is_superuser and super().has_add_permission(request)

    def save_model(self, request: HttpRequest, obj: Enrollment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.role == Enrollment.Role.TEACHER:
            make_teacher(obj.user)

    @admin.display(description=gettext_lazy("Name"), ordering="user__last_name")
    def name(self, obj: Enrollment) -> str:
        return obj.user.get_full_name() if obj.user_id else ""

    @admin.display(description=gettext_lazy("Email"), ordering="user__email")
    def email(self, obj: Enrollment) -> str:
        return obj.user.email if obj.user_id else ""
