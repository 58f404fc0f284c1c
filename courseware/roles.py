"""Who may do what. Teachers are staff users in the "Teachers" group, which holds exactly the
admin permissions below; what they reach is then cut down to the courses they teach.

One mechanism, `Scoped`, mixed into every ModelAdmin and inline: a registered admin's
`get_queryset` is the truth of what a user reaches of that model, and every related field of
every form and inline (foreign key, many-to-many, autocomplete, raw id) offers and accepts only
what the related model's own admin gives the same request (`reachable`). Custom views fetch
through the same querysets; Django's autocomplete view already uses the target admin's.

Course rows (the course, its enrolments, quizzes, attempts, posts, progress) are visible only
to the course's teachers (`CourseScoped`). Readings, prompts and questions belong to the courses
that use them: a teacher sees those used by a course they teach, those no course uses yet, and
(questions) those they wrote. The library a pack is built from (sources, objectives, the
timeline) is seen by every teacher and has an owner (`Library`): rows built from the pack
belong to the administrators; a teacher changes a row only when they added it and no course
they do not teach uses it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from courseware.models import Course, Enrollment

TEACHERS = "Teachers"

_ModelT = TypeVar("_ModelT", bound=Model)
_ParentT = TypeVar("_ParentT", bound=Model)

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
        "quizpool": ("view", "add", "change", "delete"),
        "attempt": ("view",),
        "questionreport": ("view", "change"),
        "gradeoverride": ("view",),
        "regrade": ("view",),
        "accommodation": ("view", "add", "change", "delete"),
    },
    # Which LMS courses lead to their courses (a link is made by a launch or a superuser).
    "lti": {"courselink": ("view",), "resourcelink": ("view",)},
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
def make_teacher(user: User) -> None:
    """Make the user staff in the Teachers group, whose permissions are (re)set to exactly
    TEACHER_PERMISSIONS. Called wherever someone becomes a course's teacher."""
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    group.permissions.set(teacher_permissions())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)


def courses_taught(user: User | AnonymousUser) -> QuerySet[Course]:
    """The courses the user teaches (all for a superuser). The admin's request.user may be
    anonymous to the type checker; an anonymous user teaches nothing."""
    if user.is_superuser:
        return Course.objects.all()
    if isinstance(user, AnonymousUser):
        return Course.objects.none()
    return Course.objects.filter(enrollments__user=user, enrollments__role=Enrollment.Role.TEACHER)


def reachable(site: admin.AdminSite, request: HttpRequest, model: type[Model]) -> QuerySet[Any]:
    """The rows of `model` the request's user reaches in the admin: what the model's registered
    admin gives them, in its order; nothing when the model has no admin or the user may not
    view it (teachers and user accounts). Superusers reach every row."""
    manager = model._default_manager
    if request.user.is_superuser:
        return manager.all()
    model_admin = site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return manager.none()
    rows = manager.filter(pk__in=model_admin.get_queryset(request).values("pk"))
    ordering = model_admin.get_ordering(request)
    return rows.order_by(*ordering) if ordering else rows


class Scoped(BaseModelAdmin[_ModelT]):
    """Mixed into every ModelAdmin and inline: each related field (foreign key, many-to-many,
    autocomplete, raw id) offers and accepts only the rows the related model's admin gives this
    request, so a posted id of a row out of reach is a form error ("Select a valid choice").
    `may_change` adds a rule per row on top of the model permissions."""

    def get_field_queryset(self, db: Any, db_field: Any, request: HttpRequest) -> Any:
        if request.user.is_superuser:
            return super().get_field_queryset(db, db_field, request)
        return reachable(self.admin_site, request, db_field.remote_field.model).using(db)

    def may_change(self, request: HttpRequest, obj: Any) -> bool:
        return True

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or request.user.is_superuser or self.may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


class ScopedAdmin(Scoped[_ModelT], admin.ModelAdmin[_ModelT]):
    def _get_list_editable_queryset(self, request: HttpRequest, prefix: str) -> QuerySet[_ModelT]:
        # A list with editable columns saves rows without asking has_change_permission(obj):
        # rows the user may not change drop out, and their posted values are a form error.
        rows = super()._get_list_editable_queryset(request, prefix)
        if request.user.is_superuser:
            return rows
        return rows.filter(pk__in=[row.pk for row in rows if self.may_change(request, row)])


class ScopedInline(Scoped[_ModelT], InlineModelAdmin[_ModelT, _ParentT]):
    """An inline's rows change with their parent: not at all when the user may not change the
    parent (shared library material they do not own)."""

    def may_change(self, request: HttpRequest, obj: Any) -> bool:
        parent = self.admin_site._registry.get(self.parent_model)
        return parent is None or parent.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._may_change(request, obj)


def course_lookup(site: admin.AdminSite, model: type[Model], depth: int = 3) -> str | None:
    """The lookup from a row of `model` to the course(s) it belongs to: the `course_field` of
    its CourseScoped admin or, for a model without one (a citation, a quiz slot, a question
    version), through its required parents'."""
    model_admin = site._registry.get(model)
    if isinstance(model_admin, CourseScoped):
        return model_admin.course_field
    if depth == 0:
        return None
    for field in model._meta.fields:
        # related_model is only a string ("self") before the app registry is ready.
        related = field.related_model
        if (
            field.many_to_one
            and not field.null
            and related is not None
            and not isinstance(related, str)
            and related is not model
        ):
            path = course_lookup(site, related, depth - 1)
            if path is not None:
                return f"{field.name}__{path}"
    return None


def _lookups_to(model: type[Model], target: type[Model]) -> list[str]:
    """Lookups from `model` to rows of `target`, directly or through one required parent of
    what it points at (a reading's passages → their source)."""
    lookups = []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and (field.many_to_one or field.many_to_many)):
            continue
        related = field.related_model
        if related is target:
            lookups.append(field.name)
        elif related is not None and not isinstance(related, str) and related is not model:
            lookups.extend(
                f"{field.name}__{parent.name}"
                for parent in related._meta.fields
                if parent.many_to_one and not parent.null and parent.related_model is target
            )
    return lookups


def courses_using(site: admin.AdminSite, obj: Model) -> QuerySet[Course]:
    """The courses whose material rests on a library row: every model that reaches a course
    (course_lookup) and points at the row, or at its parts, counts. Found, not listed, so a
    later kind of material or citation is counted without a change here."""
    uses = Q(pk__in=[])
    for model in apps.get_models():
        path = course_lookup(site, model)
        if path is None:
            continue
        for lookup in _lookups_to(model, type(obj)):
            uses |= Q(pk__in=model._default_manager.filter(**{lookup: obj}).values(path))
    return Course.objects.filter(uses)


class Library(ScopedAdmin[_ModelT]):
    """Shared library material: every teacher sees it and may cite it; a teacher changes a row
    only when they added it (`created_by`) and no course they do not teach uses it. Rows built
    from the pack have no owner: only administrators change them."""

    def courses_using(self, obj: Any) -> QuerySet[Course]:
        return courses_using(self.admin_site, obj)

    def may_change(self, request: HttpRequest, obj: Any) -> bool:
        if obj.created_by_id is None or obj.created_by_id != request.user.pk:
            return False
        taught = courses_taught(request.user)
        return not self.courses_using(obj).exclude(pk__in=taught.values("pk")).exists()

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        if not request.user.is_superuser:
            # A teacher owns a few rows at most: they change them one at a time, on their page.
            changelist.list_editable = ()
        return changelist

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CourseScoped(ScopedAdmin[_ModelT]):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # The lookup may cross a many-to-many relation: a row in two taught courses is one row.
        ids = queryset.model._default_manager.filter(self.scope(request)).values("pk")
        return queryset.filter(pk__in=ids)
