"""Students' attempts and the problems they reported, read (and resolved) in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from courseware.roles import CourseScoped
from quizzes.models import Attempt, QuestionReport


@admin.register(Attempt)
class AttemptAdmin(CourseScoped[Attempt]):
    course_field = "quiz__course"

    list_display = ["quiz", "student", "number", "state", "points", "max_points", "submitted_at"]
    list_filter = ["state", ("quiz", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["quiz", "student"]
    search_fields = ["student__username", "student__last_name", "quiz__title"]
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(QuestionReport)
class QuestionReportAdmin(CourseScoped[QuestionReport]):
    course_field = "attempt__quiz__course"

    list_display = ["created_at", "question", "student", "is_resolved", "text"]
    list_filter = ["is_resolved"]
    list_select_related = ["question", "student"]
    search_fields = ["question__key", "text", "student__username"]
    readonly_fields = ["question", "version", "student", "attempt", "text", "created_at"]
    list_editable = ["is_resolved"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
