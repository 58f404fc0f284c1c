"""Writes that touch several rows, one module per domain (see docs/architecture.md).

The names callers use are re-exported here; helpers shared between modules are imported from
their own module.
"""

from __future__ import annotations

from courseware.services.accounts import reset_student_password, temporary_password
from courseware.services.citations import quote_fields, quote_problem, typed_text
from courseware.services.discussion import (
    EDIT_WINDOW,
    MAX_EVIDENCE,
    MAX_POST_LENGTH,
    REPOST_WINDOW,
    Evidence,
    edit_post,
    post_response,
    review_post,
)
from courseware.services.pack import (
    BuildSummary,
    build_course,
    import_source,
    plan_source_import,
    source_text,
)
from courseware.services.reading import MAX_SECONDS_PER_PING, measure_readings, record_reading
from courseware.services.reimport import (
    CitationChange,
    ReadingChange,
    ReimportPlan,
    ReimportResult,
    plan_source_reimport,
    quote_models,
    reimport_source,
)
from courseware.services.roster import (
    DEMO_PASSWORD,
    DEMO_USERS,
    RosterSummary,
    enrol_roster,
    plan_course_roster,
    setup_demo,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "EDIT_WINDOW",
    "MAX_EVIDENCE",
    "MAX_POST_LENGTH",
    "MAX_SECONDS_PER_PING",
    "REPOST_WINDOW",
    "BuildSummary",
    "CitationChange",
    "Evidence",
    "ReadingChange",
    "ReimportPlan",
    "ReimportResult",
    "RosterSummary",
    "build_course",
    "edit_post",
    "enrol_roster",
    "import_source",
    "measure_readings",
    "plan_course_roster",
    "plan_source_import",
    "plan_source_reimport",
    "post_response",
    "quote_fields",
    "quote_models",
    "quote_problem",
    "record_reading",
    "reimport_source",
    "reset_student_password",
    "review_post",
    "setup_demo",
    "source_text",
    "temporary_password",
    "typed_text",
]
