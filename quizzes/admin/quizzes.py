"""Quizzes in the admin: their questions in order, their settings, and their export."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courseware.roles import CourseScoped, ScopedInline
from quizzes.admin.exports import download_questions
from quizzes.exchange.export import quiz_questions
from quizzes.models import Quiz, QuizPool, QuizQuestion
from quizzes.pools import attempts_without_repeats
from quizzes.selectors import fixed_slots, pool_questions


class QuizQuestionInline(ScopedInline[QuizQuestion, Quiz], admin.TabularInline[QuizQuestion, Quiz]):
    model = QuizQuestion
    fields = ["position", "question", "points"]
    autocomplete_fields = ["question"]
    extra = 0
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuizQuestion]:
        # The questions a pool drew belong to the pool, not to the quiz's fixed list.
        return super().get_queryset(request).filter(pool__isnull=True)


def pool_matches(pool: QuizPool) -> tuple[int, str]:
    """How many questions the pool may draw (those matching its filters, less the quiz's
    fixed ones), and a sentence saying so, with a warning when fewer than it draws."""
    fixed = fixed_slots(pool.quiz).values("question_id")
    total = pool_questions(pool).exclude(pk__in=fixed).count()
    if total < pool.count:
        return total, ngettext(
            "Only %(total)s question matches, fewer than the %(count)s each attempt draws: "
            "attempts get %(total)s.",
            "Only %(total)s questions match, fewer than the %(count)s each attempt draws: "
            "attempts get %(total)s.",
            total,
        ) % {"total": total, "count": pool.count}
    runs = attempts_without_repeats(total, pool.count)
    return total, ngettext(
        "%(total)s questions match; each attempt draws %(count)s (%(runs)s attempt without a "
        "repeat).",
        "%(total)s questions match; each attempt draws %(count)s (%(runs)s attempts without "
        "a repeat).",
        runs,
    ) % {"total": total, "count": pool.count, "runs": runs}


class QuizPoolInline(ScopedInline[QuizPool, Quiz], admin.TabularInline[QuizPool, Quiz]):
    model = QuizPool
    fields = [
        "position",
        "count",
        "points",
        "objective",
        "tag",
        "difficulty",
        "source",
        "kind",
        "matching",
    ]
    readonly_fields = ["matching"]
    extra = 0
    ordering = ["position"]
    verbose_name = gettext_lazy("question pool")
    verbose_name_plural = gettext_lazy(
        "Question pools: each attempt draws questions at random from the published questions "
        "matching every filter set, at the pool's position"
    )

    @admin.display(description=gettext_lazy("Questions that match"))
    def matching(self, pool: QuizPool) -> SafeString | str:
        if pool.pk is None:
            return _("Save to see how many questions match.")
        total, sentence = pool_matches(pool)
        if total < pool.count:
            return format_html('<strong class="errornote">{}</strong>', sentence)
        return sentence


@admin.register(Quiz)
class QuizAdmin(CourseScoped[Quiz]):
    actions = ["export_moodle", "export_gift", "export_qti", "export_cc"]

    def _export(self, request: HttpRequest, queryset: QuerySet[Quiz], fmt: str) -> Any:
        quizzes = list(queryset.select_related("course", "reading")[:2])
        if len(quizzes) != 1:
            self.message_user(request, _("Choose one quiz to export at a time."), "error")
            return None
        quiz = quizzes[0]
        questions = quiz_questions(quiz)  # its pools' questions too
        return download_questions(self, request, questions, fmt, course=quiz.course, quiz=quiz)

    @admin.action(
        description=gettext_lazy("Export the quiz's questions as Moodle XML"), permissions=["view"]
    )
    def export_moodle(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> Any:
        return self._export(request, queryset, "moodle")

    @admin.action(
        description=gettext_lazy("Export the quiz's questions as GIFT"), permissions=["view"]
    )
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
    inlines = [QuizQuestionInline, QuizPoolInline]

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is QuizPool:
            for pool in form.instance.pools.all():
                total, sentence = pool_matches(pool)
                if total < pool.count:
                    message = _("Pool at position %(position)s: %(sentence)s") % {
                        "position": pool.position,
                        "sentence": sentence,
                    }
                    self.message_user(request, message, "warning")

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
            gettext_lazy("When and how often"),
            {"fields": ["opens_at", "closes_at", "attempts_allowed", "time_limit_minutes"]},
        ),
        (
            gettext_lazy("Grading and layout"),
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
            gettext_lazy("What students see, and when"),
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
