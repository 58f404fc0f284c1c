"""LTI in the admin. Registering a platform is for administrators only: its settings let
anyone who holds them vouch for people. The mappings are course rows, scoped as such."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from courseware.roles import CourseScoped, ScopedInline
from lti.models import CourseLink, Deployment, Platform, PlatformUser, ResourceLink
from lti.registration import SCOPES, ToolUrls, canvas_configuration, moodle_form


class SuperuserOnly:
    """Mixed into an admin that only superusers see, whatever permissions a group grants."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class DeploymentInline(SuperuserOnly, admin.TabularInline[Deployment, Platform]):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(SuperuserOnly, admin.ModelAdmin[Platform]):
    list_display = ["name", "issuer", "client_id", "created_at"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]
    change_list_template = "admin/lti/platform/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.registration_view)
        return [path("registration/", view, name="lti_registration"), *super().get_urls()]

    def registration_view(self, request: HttpRequest) -> HttpResponse:
        """What the LMS administrator pastes on their side."""
        if not request.user.is_superuser:
            raise PermissionDenied
        urls = ToolUrls.for_request(request)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Register Fuente in an LMS"),
            "urls": urls,
            "scopes": SCOPES,
            "canvas_json": json.dumps(canvas_configuration(urls), indent=2),
            "moodle_form": moodle_form(urls),
            "dynamic_registration_url": request.build_absolute_uri(
                reverse("lti_dynamic_registration")
            ),
        }
        return TemplateResponse(request, "admin/lti/platform/registration.html", context)


@admin.register(PlatformUser)
class PlatformUserAdmin(SuperuserOnly, admin.ModelAdmin[PlatformUser]):
    list_display = ["sub", "platform", "user", "created_at"]
    list_filter = ["platform"]
    list_select_related = ["platform", "user"]
    search_fields = ["sub", "user__username"]
    raw_id_fields = ["user"]


class ResourceLinkInline(
    ScopedInline[ResourceLink, CourseLink], admin.TabularInline[ResourceLink, CourseLink]
):
    model = ResourceLink
    extra = 0
    autocomplete_fields = ["quiz", "reading", "prompt"]


@admin.register(CourseLink)
class CourseLinkAdmin(CourseScoped[CourseLink]):
    list_display = ["context_title", "context_id", "platform", "course"]
    list_filter = ["platform"]
    list_select_related = ["platform", "course"]
    search_fields = ["context_title", "context_id", "course__title"]
    autocomplete_fields = ["course"]
    inlines = [ResourceLinkInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The platform is chosen here: only administrators see platforms.
        return request.user.is_superuser and super().has_add_permission(request)
