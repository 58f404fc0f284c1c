"""Discussion: students' posts with quoted evidence, their edits, and teachers' reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courseware.ingest import QuoteError
from courseware.models import Course, Post, PostEvidence, Prompt, Source
from courseware.services.citations import quote_fields, quote_problem, typed_text

EDIT_WINDOW = timedelta(minutes=30)
MAX_POST_LENGTH = 5000
MAX_EVIDENCE = 5


REPOST_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Evidence:
    """A quote a student attaches to a post: which source, and the words."""

    source: str
    quote: str


def _evidence_fields(
    course: Course, evidence: list[Evidence]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Anchor each quote in a source the course reads; errors name the quote and nearest text."""
    sources = {
        s.slug: s for s in Source.objects.filter(passages__readings__courses=course).distinct()
    }
    fields, errors = [], []
    for number, item in enumerate(evidence, start=1):
        if not item.quote.strip():
            continue
        source = sources.get(item.source)
        if source is None:
            errors.append(
                _("Evidence %(number)d: choose one of the course’s sources for the quote.")
                % {"number": number}
            )
            continue
        try:
            fields.append(quote_fields(source, item.quote))
        except QuoteError as error:
            errors.append(
                _("Evidence %(number)d: %(problem)s")
                % {"number": number, "problem": quote_problem(error)}
            )
    if len(fields) > MAX_EVIDENCE:
        errors.append(
            ngettext(
                "Attach at most %(max)d quote.", "Attach at most %(max)d quotes.", MAX_EVIDENCE
            )
            % {"max": MAX_EVIDENCE}
        )
    return fields, errors


def _check_post(
    body: str, evidence: list[Evidence], course: Course, *, needs_evidence: bool
) -> tuple[str, list[dict[str, Any]]]:
    errors: dict[str, list[str]] = {}
    body = typed_text(body).strip()
    if not body:
        errors["body"] = [_("Write your response before posting.")]
    elif len(body) > MAX_POST_LENGTH:
        errors["body"] = [
            _("Keep it under %(max)s characters (yours has %(length)s).")
            % {
                "max": number_format(MAX_POST_LENGTH, force_grouping=True),
                "length": number_format(len(body), force_grouping=True),
            }
        ]
    fields, evidence_errors = _evidence_fields(course, evidence)
    if evidence_errors:
        errors["evidence"] = evidence_errors
    elif needs_evidence and not fields:
        errors["evidence"] = [_("Attach at least one quote from the course’s sources as evidence.")]
    if errors:
        raise ValidationError(errors)
    return body, fields


@transaction.atomic
def post_response(
    *,
    prompt: Prompt,
    course: Course,
    author: User,
    body: str,
    evidence: list[Evidence],
    parent: Post | None = None,
) -> Post:
    """Post a response to a prompt (evidence required) or a reply to a post (evidence optional).

    Posting is idempotent: the same post sent again within REPOST_WINDOW (a double click, a
    resent form, a retry after a timeout) returns the first one instead of a copy.

    Raises ValidationError keyed by "body" and "evidence", with messages a student can act on.
    """
    body, fields = _check_post(body, evidence, course, needs_evidence=parent is None)
    # One author's posts are written one at a time, so that copies sent at once see each other.
    User.objects.select_for_update().filter(pk=author.pk).exists()
    recent = Post.objects.filter(
        prompt=prompt,
        course=course,
        author=author,
        parent=parent,
        body=body,
        created_at__gte=timezone.now() - REPOST_WINDOW,
    ).prefetch_related("evidence")
    quoted = [(f["source"].pk, f["start"], f["end"]) for f in fields]
    for earlier in recent:
        if [(e.source_id, e.start, e.end) for e in earlier.evidence.all()] == quoted:
            return earlier
    post = Post.objects.create(
        prompt=prompt, course=course, author=author, parent=parent, body=body
    )
    PostEvidence.objects.bulk_create(
        PostEvidence(post=post, position=i, **f) for i, f in enumerate(fields)
    )
    return post


@transaction.atomic
def edit_post(
    *, post: Post, author: User, body: str, evidence: list[Evidence], now: datetime | None = None
) -> Post:
    """Let the author change a post within EDIT_WINDOW of posting it."""
    now = now or timezone.now()
    if post.author_id != author.pk:
        raise PermissionDenied(_("Only the author can edit a post."))
    if now - post.created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise ValidationError(
            {
                "body": [
                    ngettext(
                        "Posts can be edited for %(minutes)d minute after posting.",
                        "Posts can be edited for %(minutes)d minutes after posting.",
                        minutes,
                    )
                    % {"minutes": minutes}
                ]
            }
        )
    body, fields = _check_post(body, evidence, post.course, needs_evidence=post.parent_id is None)
    post.body, post.edited_at = body, now
    post.save(update_fields=["body", "edited_at"])
    post.evidence.all().delete()
    PostEvidence.objects.bulk_create(
        PostEvidence(post=post, position=i, **f) for i, f in enumerate(fields)
    )
    return post


@transaction.atomic
def review_post(
    *,
    post: Post,
    teacher: User,
    is_featured: bool,
    is_hidden: bool,
    score: Decimal | None,
    comment: str,
    now: datetime | None = None,
) -> Post:
    """A teacher features or hides a post and gives it a score (0 to the prompt's points) and a
    comment; the score enters the gradebook. A bad score changes nothing (ValidationError)."""
    if score is not None and not (0 <= score <= post.prompt.points):
        raise ValidationError(
            {
                "score": [
                    _("Give a score from 0 to %(points)s.")
                    % {"points": number_format(post.prompt.points.normalize())}
                ]
            }
        )
    post.is_featured, post.is_hidden = is_featured, is_hidden
    comment = typed_text(comment).strip()
    if (score, comment) != (post.score, post.teacher_comment):
        post.score, post.teacher_comment = score, comment
        post.scored_by, post.scored_at = teacher, now or timezone.now()
    post.save(
        update_fields=[
            "is_featured",
            "is_hidden",
            "score",
            "teacher_comment",
            "scored_by",
            "scored_at",
        ]
    )
    return post
