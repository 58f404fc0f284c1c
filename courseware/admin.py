from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from courseware.ingest import SourceFileError, decode
from courseware.models import (
    Course,
    Enrollment,
    Objective,
    Passage,
    Perspective,
    Post,
    Prompt,
    Reading,
    ReadingPassage,
    ReadingProgress,
    Source,
)
from courseware.services import import_source

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
METADATA_FIELDS = [
    *("slug", "title", "is_title_editorial", "author", "publisher", "published", "kind", "note"),
]


class SourceImportForm(forms.ModelForm):
    """Adding a source: its metadata plus the text, uploaded or pasted."""

    upload = forms.FileField(required=False, help_text="A plain-text (.txt) file in UTF-8.")
    paste = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="…or paste the text here.",
    )

    class Meta:
        model = Source
        fields = METADATA_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload, paste = data.get("upload"), (data.get("paste") or "")
        if upload and paste.strip():
            raise forms.ValidationError("Upload a file or paste the text, not both.")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    {"upload": "The file is larger than 2 MB; is it really plain text?"}
                )
            raw = upload.read()
        elif paste.strip():
            raw = paste.encode("utf-8")
        else:
            raise forms.ValidationError("Upload a file or paste the text of the source.")
        try:
            decode(raw)
        except SourceFileError as error:
            raise forms.ValidationError({"upload" if upload else "paste": str(error)}) from error
        data["raw"] = raw
        return data


class PassageInline(admin.TabularInline):
    model = Passage
    fields = ["position", "kind", "section", "text", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "kind", "publisher", "published", "passage_count"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "author", "publisher"]
    readonly_fields = ["raw_sha256", "removed_lines_report", "text"]
    inlines = [PassageInline]
    # Django 6's default for a scheme-less address, adopted now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_passages=Count("passages"))

    @admin.display(description="Passages", ordering="n_passages")
    def passage_count(self, obj: Source) -> int:
        return obj.n_passages  # type: ignore[attr-defined, no-any-return]

    @admin.display(description="Removed lines")
    def removed_lines_report(self, obj: Source) -> str:
        if not obj.removed_lines:
            return "None"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>line {}: <q>{}</q> — {}</li>",
                ((r["line_no"], r["text"], r["reason"]) for r in obj.removed_lines),
            ),
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = SourceImportForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": METADATA_FIELDS}), ("Text", {"fields": ["upload", "paste"]})]
        return [
            (None, {"fields": [*METADATA_FIELDS, "url", "copied_from_url"]}),
            (
                "Cleaned text",
                {"fields": ["raw_sha256", "removed_lines_report", "text"], "classes": ["collapse"]},
            ),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        source = import_source(
            slug=data["slug"],
            title=data["title"],
            data=data["raw"],
            author=data["author"],
            publisher=data["publisher"],
            published=data["published"],
            kind=data["kind"],
            note=data["note"],
        )
        if data["is_title_editorial"]:
            source.is_title_editorial = True
            source.save(update_fields=["is_title_editorial"])
        obj.pk = source.pk


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "position", "kind", "section"]
    list_filter = ["source", "kind"]
    list_select_related = ["source"]
    search_fields = ["text", "section", "source__slug"]
    readonly_fields = ["source", "position", "kind", "section", "text", "start", "end"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "position"]
    search_fields = ["code", "title"]


class ReadingPassageInline(admin.TabularInline):
    model = ReadingPassage
    fields = ["position", "passage"]
    autocomplete_fields = ["passage"]
    extra = 0
    ordering = ["position"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["objectives"]
    inlines = [ReadingPassageInline]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["readings"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "role", "created_at"]
    list_filter = ["course", "role"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "course"]


class PerspectiveInline(admin.StackedInline):
    model = Perspective
    fields = ["position", "label", "summary"]
    extra = 0


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_hidden_until_posted", "points", "position"]
    search_fields = ["title", "slug", "question"]
    filter_horizontal = ["objectives"]
    inlines = [PerspectiveInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["prompt", "author", "course", "created_at", "is_featured", "is_hidden", "score"]
    list_filter = ["course", "prompt", "is_featured", "is_hidden"]
    list_select_related = ["prompt", "author", "course"]
    search_fields = ["body", "author__username", "author__last_name"]
    readonly_fields = ["prompt", "course", "author", "parent", "body", "created_at", "edited_at"]


@admin.register(ReadingProgress)
class ReadingProgressAdmin(admin.ModelAdmin):
    list_display = ["student", "reading", "course", "is_read", "seconds_spent", "updated_at"]
    list_filter = ["course", "is_read", "reading"]
    list_select_related = ["student", "reading", "course"]
    search_fields = ["student__username", "student__last_name"]
