"""Writes that touch several rows, one module per domain (see docs/architecture.md).

The names callers use are re-exported here; helpers shared between modules are imported from
their own module.
"""

from __future__ import annotations

from quizzes.services.accommodations import (
    AccommodationTerms,
    remove_accommodation,
    save_accommodation,
)
from quizzes.services.attempts import (
    GRACE,
    TIME_IS_UP,
    AttemptClosed,
    PageAnswer,
    QuizUnavailable,
    StaleAnswer,
    check_response,
    is_past_deadline,
    record_answer,
    record_answers,
    report_problem,
    start_attempt,
    submit_attempt,
    submit_if_overdue,
    submit_own_attempt,
)
from quizzes.services.authoring import (
    author_question,
    duplicate_question,
    save_question_version,
    set_question_status,
    set_questions_status,
)
from quizzes.services.drafts import accept_draft, generate_drafts, reject_draft
from quizzes.services.grades import override_grade
from quizzes.services.near_misses import (
    AcceptPlan,
    NearMiss,
    QuestionMisses,
    accept_answer,
    near_misses,
    plan_accept_answer,
)
from quizzes.services.pack import build_pack
from quizzes.services.practice import start_practice
from quizzes.services.regrade import (
    RegradeChange,
    RegradeReport,
    answer_fits,
    apply_regrade,
    plan_regrade,
)

__all__ = [
    "GRACE",
    "TIME_IS_UP",
    "AcceptPlan",
    "AccommodationTerms",
    "AttemptClosed",
    "NearMiss",
    "PageAnswer",
    "QuestionMisses",
    "QuizUnavailable",
    "RegradeChange",
    "RegradeReport",
    "StaleAnswer",
    "accept_answer",
    "accept_draft",
    "answer_fits",
    "apply_regrade",
    "author_question",
    "build_pack",
    "check_response",
    "duplicate_question",
    "generate_drafts",
    "is_past_deadline",
    "near_misses",
    "override_grade",
    "plan_accept_answer",
    "plan_regrade",
    "record_answer",
    "record_answers",
    "reject_draft",
    "remove_accommodation",
    "report_problem",
    "save_accommodation",
    "save_question_version",
    "set_question_status",
    "set_questions_status",
    "start_attempt",
    "start_practice",
    "submit_attempt",
    "submit_if_overdue",
    "submit_own_attempt",
]
