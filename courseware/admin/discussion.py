"""Discussion in the admin: prompts and their perspectives, students' posts (featured, hidden
and scored by the teacher) and reading progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courseware.admin.citations import CitationCount, PerspectiveCitationInline, quotes_html
from courseware.http import staff_user
from courseware.models import Perspective, Post, PostEvidence, Prompt, ReadingProgress
from courseware.roles import CourseScoped, ScopedInline
from courseware.services import review_post


class PerspectiveInline(
    ScopedInline[Perspective, Prompt], admin.StackedInline[Perspective, Prompt]
):
    model = Perspective
    fields = ["position", "label", "summary", "quotes"]
    readonly_fields = ["quotes"]
    extra = 0
    show_change_link = True
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Perspective]:
        return super().get_queryset(request).prefetch_related("citations__source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added on its own page, where its citations (at least one) go

    @admin.display(description=gettext_lazy("Citations (edit them on the perspective’s own page)"))
    def quotes(self, obj: Perspective) -> str:
        return quotes_html(obj.citations.all()) if obj.pk else "—"


@admin.register(Prompt)
class PromptAdmin(CourseScoped[Prompt]):
    course_field = "courses"
    shared_if_unused = True

    list_display = ["title", "slug", "is_hidden_until_posted", "points", "position"]
    search_fields = ["title", "slug", "question"]
    filter_horizontal = ["objectives"]
    inlines = [PerspectiveInline]


@admin.register(Perspective)
class PerspectiveAdmin(CitationCount[Perspective], CourseScoped[Perspective]):
    course_field = "prompt__courses"
    shared_if_unused = True

    list_display = ["label", "prompt", "position", "citation_count"]
    list_filter = ["prompt"]
    list_select_related = ["prompt"]
    search_fields = ["label", "summary", "prompt__title"]
    autocomplete_fields = ["prompt"]
    inlines = [PerspectiveCitationInline]


class PostEvidenceInline(ScopedInline[PostEvidence, Post], admin.TabularInline[PostEvidence, Post]):
    model = PostEvidence
    fields = readonly_fields = ("position", "source", "exact", "start", "end")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostReviewForm(forms.ModelForm[Post]):
    class Meta:
        model = Post
        fields = ["is_featured", "is_hidden", "score", "teacher_comment"]

    def clean_score(self) -> Any:
        score = self.cleaned_data.get("score")
        if score is None or self.instance.prompt_id is None:
            return score
        points = self.instance.prompt.points
        if not 0 <= score <= points:
            raise forms.ValidationError(
                _("Give a score from 0 to %(points)s.")
                % {"points": number_format(points.normalize())}
            )
        return score


@admin.register(Post)
class PostAdmin(CourseScoped[Post]):
    list_display = ["prompt", "author", "course", "created_at", "is_featured", "is_hidden", "score"]
    list_filter = [
        ("course", admin.RelatedOnlyFieldListFilter),
        "prompt",
        "is_featured",
        "is_hidden",
    ]
    list_select_related = ["prompt", "author", "course"]
    search_fields = ["body", "author__username", "author__last_name"]
    readonly_fields = [
        *("prompt", "course", "author", "parent", "body", "created_at", "edited_at"),
        *("scored_by", "scored_at"),
    ]
    inlines = [PostEvidenceInline]
    form = PostReviewForm

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        # Who scored it and when are the service's to set, never a choice among accounts.
        # The form has already set the new values on obj: the service compares with the row.
        data = form.cleaned_data
        review_post(
            post=Post.objects.get(pk=obj.pk),
            teacher=staff_user(request),
            is_featured=data["is_featured"],
            is_hidden=data["is_hidden"],
            score=data["score"],
            comment=data["teacher_comment"],
        )


@admin.register(ReadingProgress)
class ReadingProgressAdmin(CourseScoped[ReadingProgress]):
    list_display = ["student", "reading", "course", "is_read", "seconds_spent", "updated_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "is_read", "reading"]
    list_select_related = ["student", "reading", "course"]
    search_fields = ["student__username", "student__last_name"]
