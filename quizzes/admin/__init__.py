"""The quizzes in the admin: questions written one form per type with their citations checked
as the teacher types, previewed as a student sees them, moved through draft → published →
retired; generated drafts reviewed in a queue; quizzes, attempts and reported problems. Every
list is cut down to the courses the teacher teaches (courseware.roles).

One module per area; importing them registers their admins (Django autodiscovers
`quizzes.admin`)."""

from __future__ import annotations

from quizzes.admin import accommodations, attempts, questions, quizzes
from quizzes.admin.exports import download_questions

__all__ = ["accommodations", "attempts", "download_questions", "questions", "quizzes"]
