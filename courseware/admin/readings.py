"""Readings in the admin: their passages and their notes (each note with its citations)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from courseware.admin.citations import CitationCount, NoteCitationInline, quotes_html
from courseware.models import Reading, ReadingNote, ReadingPassage
from courseware.roles import CourseScoped, ScopedInline
from courseware.services import measure_readings


class ReadingPassageInline(
    ScopedInline[ReadingPassage, Reading], admin.TabularInline[ReadingPassage, Reading]
):
    model = ReadingPassage
    fields = ["position", "passage"]
    autocomplete_fields = ["passage"]
    extra = 0
    ordering = ["position"]


class ReadingNoteInline(
    ScopedInline[ReadingNote, Reading], admin.StackedInline[ReadingNote, Reading]
):
    model = ReadingNote
    fields = ["position", "title", "text", "quotes"]
    readonly_fields = ["quotes"]
    extra = 0
    show_change_link = True
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReadingNote]:
        return super().get_queryset(request).prefetch_related("citations__source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added on its own page, where its citations (at least one) go

    @admin.display(description=gettext_lazy("Citations (edit them on the note’s own page)"))
    def quotes(self, obj: ReadingNote) -> str:
        return quotes_html(obj.citations.all()) if obj.pk else "—"


@admin.register(Reading)
class ReadingAdmin(CourseScoped[Reading]):
    course_field = "courses"
    shared_if_unused = True

    list_display = ["title", "slug", "position", "minutes", "grade_level"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["objectives"]
    readonly_fields = ["word_count", "minutes", "grade_level"]
    inlines = [ReadingPassageInline, ReadingNoteInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The passages are saved by now (an inline): measure the text they make.
        measure_readings(readings=[form.instance])


@admin.register(ReadingNote)
class ReadingNoteAdmin(CitationCount[ReadingNote], CourseScoped[ReadingNote]):
    course_field = "reading__courses"
    shared_if_unused = True

    list_display = ["title", "reading", "position", "citation_count"]
    list_filter = ["reading"]
    list_select_related = ["reading"]
    search_fields = ["title", "text", "reading__title"]
    autocomplete_fields = ["reading"]
    inlines = [NoteCitationInline]
