"""Questions written and changed by teachers: versions, status, copies."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from quizzes.models import Question, QuestionCitation, QuestionVersion


@transaction.atomic
def save_question_version(
    question: Question,
    *,
    stem: str,
    data: dict[str, Any],
    explanation: str,
    citations: list[dict[str, Any]],
) -> QuestionVersion:
    """Store what a question asks. Unchanged content changes nothing; a version nobody has
    answered is edited in place; a version with responses is kept as it is (its responses stay
    graded against it) and a new version is made."""
    version = question.current_version()
    if version is not None:
        same = (
            version.stem == stem
            and version.data == json.loads(json.dumps(data))
            and version.explanation == explanation
            and [(c.source_id, c.exact, c.start, c.end) for c in version.citations.all()]
            == [(c["source"].pk, c["exact"], c["start"], c["end"]) for c in citations]
        )
        if same:
            return version
        if version.responses.exists():
            version = None
    if version is None:
        number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = QuestionVersion.objects.create(
            question=question, number=number, stem=stem, data=data, explanation=explanation
        )
    else:
        version.stem, version.data, version.explanation = stem, data, explanation
        version.save(update_fields=["stem", "data", "explanation"])
        version.citations.all().delete()
    QuestionCitation.objects.bulk_create(
        QuestionCitation(version=version, position=i, **fields)
        for i, fields in enumerate(citations)
    )
    return version


def set_question_status(question: Question, status: str) -> None:
    """Change a question's status; publishing needs at least one citation that anchors and
    at least one objective (its answers count toward the objectives' mastery)."""
    if status == Question.Status.PUBLISHED:
        _require_citations(question)
        if not question.objectives.exists():
            raise ValidationError(
                gettext(
                    "%(key)s cannot be published: choose at least one objective, so it counts "
                    "toward mastery."
                )
                % {"key": question.key}
            )
    question.status = status
    question.save(update_fields=["status", "updated_at"])


def _require_citations(question: Question) -> None:
    version = question.current_version()
    citations = list(version.citations.select_related("source")) if version else []
    if not citations:
        raise ValidationError(
            gettext("%(key)s cannot be published: it has no citation.") % {"key": question.key}
        )
    for citation in citations:
        citation.full_clean()


def _mark_reviewed(question: Question, by: User, now: datetime) -> None:
    if question.origin == Question.Origin.GENERATED and question.reviewed_at is None:
        question.reviewed_by, question.reviewed_at = by, now


@transaction.atomic
def author_question(
    *,
    question: Question,
    stem: str,
    data: dict[str, Any],
    explanation: str,
    citations: list[dict[str, Any]],
    by: User,
) -> QuestionVersion:
    """Save a question written or edited in the admin (its own fields already set on it) and
    what it asks. A new question is the teacher's; publishing a generated draft after editing
    it counts as accepting it. Publishing needs a citation that anchors (ValidationError)."""
    now = timezone.now()
    if question.pk is None:
        question.origin, question.created_by = Question.Origin.TEACHER, by
    if question.status == Question.Status.PUBLISHED:
        _mark_reviewed(question, by, now)
    question.save()
    version = save_question_version(
        question, stem=stem, data=data, explanation=explanation, citations=citations
    )
    if question.status == Question.Status.PUBLISHED:
        # Its objectives are the form's to check: the admin saves them after this.
        _require_citations(question)
    return version


def set_questions_status(*, questions: list[Question], status: str, by: User) -> list[str]:
    """Move questions to a status (the admin's bulk actions). Returns the problems, one per
    question that could not move (e.g. publishing one without a citation); the others move."""
    if status == Question.Status.REJECTED:
        raise ValidationError(
            gettext("Reject a generated draft from the review queue, with a reason.")
        )
    problems = []
    now = timezone.now()
    for question in questions:
        try:
            with transaction.atomic():
                set_question_status(question, status)
                if status == Question.Status.PUBLISHED and question.reviewed_at is None:
                    _mark_reviewed(question, by, now)
                    question.save(update_fields=["reviewed_by", "reviewed_at"])
        except ValidationError as error:
            problems.append(" ".join(error.messages))
    return problems


@transaction.atomic
def duplicate_question(*, question: Question, by: User) -> Question:
    """A draft copy of a question (what it asks, its citations, objectives and tags) that the
    teacher can change freely: the original and its students' answers are untouched."""
    base = f"{question.key[:100]}-copy"
    key, number = base, 1
    while Question.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    copy = Question.objects.create(
        key=key,
        kind=question.kind,
        status=Question.Status.DRAFT,
        origin=Question.Origin.TEACHER,
        difficulty=question.difficulty,
        tags=list(question.tags),
        created_by=by,
    )
    copy.objectives.set(question.objectives.all())
    version = question.current_version()
    if version is not None:
        save_question_version(
            copy,
            stem=version.stem,
            data=version.data,
            explanation=version.explanation,
            citations=[c.anchor_fields() for c in version.citations.select_related("source")],
        )
    return copy
