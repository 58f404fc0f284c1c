"""Quizzes in the admin: their questions in order, their settings, and their export."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from courseware.roles import CourseScoped, ScopedInline
from quizzes.admin.exports import download_questions
from quizzes.models import Question, Quiz, QuizQuestion


class QuizQuestionInline(ScopedInline[QuizQuestion, Quiz], admin.TabularInline[QuizQuestion, Quiz]):
    model = QuizQuestion
    fields = ["position", "question", "points"]
    autocomplete_fields = ["question"]
    extra = 0
    ordering = ["position"]


@admin.register(Quiz)
class QuizAdmin(CourseScoped[Quiz]):
    actions = ["export_moodle", "export_gift", "export_qti", "export_cc"]

    def _export(self, request: HttpRequest, queryset: QuerySet[Quiz], fmt: str) -> Any:
        quizzes = list(queryset.select_related("course", "reading")[:2])
        if len(quizzes) != 1:
            self.message_user(request, "Choose one quiz to export at a time.", "error")
            return None
        quiz = quizzes[0]
        questions = Question.objects.filter(slots__quiz=quiz)
        return download_questions(self, request, questions, fmt, course=quiz.course, quiz=quiz)

    @admin.action(description="Export the quiz's questions as Moodle XML", permissions=["view"])
    def export_moodle(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> Any:
        return self._export(request, queryset, "moodle")

    @admin.action(description="Export the quiz's questions as GIFT", permissions=["view"])
    def export_gift(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> Any:
        return self._export(request, queryset, "gift")

    @admin.action(
        description=gettext_lazy("Export the quiz as a QTI 2.1 package"), permissions=["view"]
    )
    def export_qti(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> Any:
        return self._export(request, queryset, "qti")

    @admin.action(
        description=gettext_lazy("Export the quiz as a Common Cartridge (IMSCC)"),
        permissions=["view"],
    )
    def export_cc(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> Any:
        return self._export(request, queryset, "cc")

    list_display = [
        "title",
        "course",
        "reading",
        "is_published",
        "attempts_allowed",
        "time_limit_minutes",
    ]
    list_filter = [
        ("course", admin.RelatedOnlyFieldListFilter),
        "is_published",
        "layout",
        "grading_method",
    ]
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
                    "canvas_assignment_id",
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
