"""The timeline in the admin: its periods, and its events with their citations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from courseware.admin.citations import CitationCount, EventCitationInline
from courseware.models import Course, TimelineEvent, TimelinePeriod
from courseware.roles import Library


@admin.register(TimelinePeriod)
class TimelinePeriodAdmin(Library[TimelinePeriod]):
    list_display = ["title", "until", "position"]
    list_editable = ["until", "position"]
    search_fields = ["title"]

    def courses_using(self, obj: TimelinePeriod) -> QuerySet[Course]:
        return Course.objects.all()  # every course's timeline shows every period


@admin.register(TimelineEvent)
class TimelineEventAdmin(CitationCount[TimelineEvent], Library[TimelineEvent]):
    list_display = ["when", "title", "sort", "slug", "citation_count"]
    list_filter = ["citations__source"]
    search_fields = ["title", "slug", "when", "note"]
    ordering = ["sort", "slug"]
    inlines = [EventCitationInline]

    def courses_using(self, obj: TimelineEvent) -> QuerySet[Course]:
        # A course's timeline shows the events citing the sources it reads.
        return Course.objects.filter(
            readings__passages__source__in=obj.citations.values("source")
        ).distinct()
