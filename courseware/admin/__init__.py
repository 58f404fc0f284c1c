"""The courseware in the admin, one module per area. Importing them registers their admins
(Django autodiscovers `courseware.admin`); the names other code uses are re-exported here."""

from __future__ import annotations

from courseware.admin import courses, discussion, library, readings, timeline
from courseware.admin.citations import (
    CitationCount,
    CitationForm,
    CitationInline,
    EventCitationInline,
    NoteCitationInline,
    PerspectiveCitationInline,
)
from courseware.admin.site import view_on_site

__all__ = [
    "CitationCount",
    "CitationForm",
    "CitationInline",
    "EventCitationInline",
    "NoteCitationInline",
    "PerspectiveCitationInline",
    "courses",
    "discussion",
    "library",
    "readings",
    "timeline",
    "view_on_site",
]
