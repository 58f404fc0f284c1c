"""Who may do what. Teachers are staff users in the "Teachers" group, which holds exactly the
admin permissions below; what they see is then cut down to the courses they teach.

Course rows (the course, its enrolments, quizzes, attempts, posts, progress) are visible only
to the course's teachers. The library a pack is built from (sources, passages, objectives,
the timeline) is shared by every teacher. Readings, prompts and questions belong to the courses
that use them: a teacher sees those used by a course they teach, those no course uses yet, and
(questions) those they wrote."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from courseware.models import Course, Enrollment

TEACHERS = "Teachers"

# app label → model → actions. No deletes of teaching material (retire a question, unpublish
# a quiz): students' answers refer to it. Inline rows (choices of a reading, citations) may be
# deleted; no users or groups: students come in through enrolment.
TEACHER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "courseware": {
        "source": ("view", "add", "change"),
        "passage": ("view",),
        "objective": ("view", "add", "change"),
        "reading": ("view", "add", "change"),
        "readingpassage": ("view", "add", "change", "delete"),
        "readingnote": ("view", "add", "change", "delete"),
        "notecitation": ("view", "add", "change", "delete"),
        "prompt": ("view", "add", "change"),
        "perspective": ("view", "add", "change", "delete"),
        "perspectivecitation": ("view", "add", "change", "delete"),
        "timelineperiod": ("view", "add", "change"),
        "timelineevent": ("view", "add", "change"),
        "eventcitation": ("view", "add", "change", "delete"),
        "course": ("view", "change"),
        "enrollment": ("view", "add", "change", "delete"),
        "post": ("view", "change"),
        "readingprogress": ("view",),
    },
    "quizzes": {
        "question": ("view", "add", "change"),
        "questionversion": ("view",),
        "questioncitation": ("view", "add", "change", "delete"),
        "quiz": ("view", "add", "change"),
        "quizquestion": ("view", "add", "change", "delete"),
        "attempt": ("view",),
        "questionreport": ("view", "change"),
        "gradeoverride": ("view",),
        "regrade": ("view",),
    },
}


def teacher_permissions() -> QuerySet[Permission]:
    codenames = Q()
    for app_label, models in TEACHER_PERMISSIONS.items():
        for model, actions in models.items():
            codenames |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    return Permission.objects.filter(codenames)


@transaction.atomic
def make_teacher(user: Any) -> None:
    """Make the user staff in the Teachers group, whose permissions are (re)set to exactly
    TEACHER_PERMISSIONS. Called wherever someone becomes a course's teacher."""
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    group.permissions.set(teacher_permissions())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)


def courses_taught(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Course]:
    if getattr(user, "is_superuser", False):
        return Course.objects.all()
    return Course.objects.filter(
        enrollments__user_id=user.pk, enrollments__role=Enrollment.Role.TEACHER
    )


class CourseScoped(admin.ModelAdmin):
    """An admin whose rows a teacher sees only for the courses they teach (superusers see
    all). `course_field` is the lookup from the row to its course(s); with `shared_if_unused`
    a row no course uses yet (a reading, a prompt) is visible to every teacher."""

    course_field = "course"
    shared_if_unused = False

    def scope(self, request: HttpRequest) -> Q:
        taught = Q(**{f"{self.course_field}__in": courses_taught(request.user)})
        if self.shared_if_unused:
            taught |= Q(**{f"{self.course_field}__isnull": True})
        return taught

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # The lookup may cross a many-to-many relation: a row in two taught courses is one row.
        ids = queryset.model._default_manager.filter(self.scope(request)).values("pk")
        return queryset.filter(pk__in=ids)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Course and not request.user.is_superuser:
            kwargs["queryset"] = courses_taught(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
