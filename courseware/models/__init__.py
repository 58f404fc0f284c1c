"""Courseware's models, one module per area; import them from here (`courseware.models`).

- sources: Source, Passage, Quote (the abstract citation), published_validator
- readings: Objective, Reading, ReadingPassage, ReadingNote, NoteCitation
- discussion: Prompt, Perspective, PerspectiveCitation, Post, PostEvidence
- timeline: TimelinePeriod, TimelineEvent, EventCitation
- courses: Course, Enrollment, ReadingProgress, Profile
"""

from courseware.models.courses import Course, Enrollment, Profile, ReadingProgress
from courseware.models.discussion import (
    Perspective,
    PerspectiveCitation,
    Post,
    PostEvidence,
    Prompt,
)
from courseware.models.readings import (
    NoteCitation,
    Objective,
    Reading,
    ReadingNote,
    ReadingPassage,
)
from courseware.models.sources import ANCHOR_FIELDS, Passage, Quote, Source, published_validator
from courseware.models.timeline import EventCitation, TimelineEvent, TimelinePeriod

__all__ = [
    "ANCHOR_FIELDS",
    "Course",
    "Enrollment",
    "EventCitation",
    "NoteCitation",
    "Objective",
    "Passage",
    "Perspective",
    "PerspectiveCitation",
    "Post",
    "PostEvidence",
    "Profile",
    "Prompt",
    "Quote",
    "Reading",
    "ReadingNote",
    "ReadingPassage",
    "ReadingProgress",
    "Source",
    "TimelineEvent",
    "TimelinePeriod",
    "published_validator",
]
