"""The quizzes in the admin. Full authoring (forms per type, citation picker, review queue)
comes with the Teachers issue; here teachers can see questions, quizzes, attempts and the
problems students report."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest

from quizzes.models import Attempt, Question, QuestionReport, QuestionVersion, Quiz, QuizQuestion


class QuestionVersionInline(admin.StackedInline):
    model = QuestionVersion
    fields = ["number", "stem", "data", "explanation", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionReportInline(admin.TabularInline):
    model = QuestionReport
    fields = ["created_at", "student", "version", "text", "is_resolved"]
    readonly_fields = ["created_at", "student", "version", "text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "status", "origin", "difficulty", "open_reports"]
    list_filter = ["status", "kind", "origin", "difficulty", "objectives"]
    search_fields = ["key", "versions__stem"]
    filter_horizontal = ["objectives"]
    readonly_fields = ["key", "kind", "origin", "created_at", "updated_at"]
    inlines = [QuestionReportInline, QuestionVersionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .annotate(n_reports=Count("reports", filter=Q(reports__is_resolved=False)))
        )

    @admin.display(description="Open reports", ordering="n_reports")
    def open_reports(self, obj: Question) -> int:
        return obj.n_reports  # type: ignore[attr-defined, no-any-return]


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    fields = ["position", "question", "points"]
    autocomplete_fields = ["question"]
    extra = 0
    ordering = ["position"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "reading",
        "is_published",
        "attempts_allowed",
        "time_limit_minutes",
    ]
    list_filter = ["course", "is_published", "layout", "grading_method"]
    list_select_related = ["course", "reading"]
    search_fields = ["title", "slug"]
    inlines = [QuizQuestionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "course",
                    "reading",
                    "slug",
                    "title",
                    "description",
                    "position",
                    "is_published",
                ]
            },
        ),
        (
            "When and how often",
            {"fields": ["opens_at", "closes_at", "attempts_allowed", "time_limit_minutes"]},
        ),
        (
            "Grading and layout",
            {
                "fields": [
                    "grading_method",
                    "multiple_scoring",
                    "shuffle_questions",
                    "shuffle_choices",
                    "layout",
                ]
            },
        ),
        (
            "What students see, and when",
            {
                "fields": [
                    "review_correctness",
                    "review_points",
                    "review_feedback",
                    "review_answer",
                    "review_citations",
                ]
            },
        ),
    ]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "student", "number", "state", "points", "max_points", "submitted_at"]
    list_filter = ["state", "quiz"]
    list_select_related = ["quiz", "student"]
    search_fields = ["student__username", "student__last_name", "quiz__title"]
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "question", "student", "is_resolved", "text"]
    list_filter = ["is_resolved"]
    list_select_related = ["question", "student"]
    search_fields = ["question__key", "text", "student__username"]
    readonly_fields = ["question", "version", "student", "attempt", "text", "created_at"]
    list_editable = ["is_resolved"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
