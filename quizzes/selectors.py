"""Reads shared by the quiz views; every one checks who is asking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courseware.models import Course
from quizzes.models import Attempt, Question, QuestionCitation, Quiz, Response
from quizzes.progress import Answered, Cited
from quizzes.review import AFTER_SUBMIT, ASPECTS, NEVER, Visibility, visibility
from quizzes.scores import kept_score


@dataclass
class RuleRecord:
    """How a generator rule's drafts fared with teachers."""

    rule: str
    accepted: int
    rejected: int
    pending: int

    @property
    def acceptance(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def acceptance_by_rule() -> list[RuleRecord]:
    """Per generator rule: drafts accepted (published, whether edited first or not, and
    possibly retired since), rejected and still waiting; lowest acceptance first."""
    generated = Question.objects.filter(origin=Question.Origin.GENERATED)
    rows = (
        generated.values("generator_rule")
        .annotate(
            rejected=Count("pk", filter=Q(status=Question.Status.REJECTED)),
            pending=Count("pk", filter=Q(status=Question.Status.DRAFT)),
            total=Count("pk"),
        )
        .order_by("generator_rule")
    )
    records = [
        RuleRecord(
            rule=row["generator_rule"],
            accepted=row["total"] - row["rejected"] - row["pending"],
            rejected=row["rejected"],
            pending=row["pending"],
        )
        for row in rows
    ]
    return sorted(records, key=lambda r: (r.acceptance is None, r.acceptance or 0, r.rule))


def quizzes_of(course: Course) -> QuerySet[Quiz]:
    """The course's graded quizzes (not students' practice quizzes)."""
    return course.quizzes.filter(is_published=True, practice_for__isnull=True).select_related(
        "reading"
    )


def quiz_for(course: Course, slug: str) -> Quiz:
    return get_object_or_404(quizzes_of(course).select_related("course"), slug=slug)


def attempt_for(user: User, attempt_id: int) -> Attempt:
    """The attempt, if it is the user's own and they are still in its course; 404 otherwise
    (a student removed from a course can no longer open, save, submit or review its work)."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz__course"),
        pk=attempt_id,
        student_id=user.pk,
        quiz__course__enrollments__user_id=user.pk,
    )


def responses_of(attempt: Attempt, *, with_citations: bool = False) -> list[Response]:
    responses = attempt.responses.select_related("version__question").order_by("position")
    if with_citations:
        responses = responses.prefetch_related(
            Prefetch(
                "version__citations", queryset=QuestionCitation.objects.select_related("source")
            )
        )
    return list(responses)


def attempts_by_quiz(course: Course, student: User) -> dict[int, list[Attempt]]:
    grouped: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(quiz__course=course, student=student).order_by("number"):
        grouped[attempt.quiz_id].append(attempt)
    return grouped


def quiz_standing(quiz: Quiz, attempts: list[Attempt]) -> dict[str, Any]:
    """What a student needs to know about one quiz: attempts used and left, the open attempt,
    and the kept score (points are shown only if the quiz's review policy lets them be seen)."""
    submitted = [a for a in attempts if not a.is_open]
    left = None if not quiz.attempts_allowed else max(quiz.attempts_allowed - len(attempts), 0)
    return {
        "quiz": quiz,
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if a.is_open), None),
        "used": len(attempts),
        "left": left,
        "kept": kept_score(
            [a.points for a in submitted if a.points is not None], quiz.grading_method
        ),
        "max_points": submitted[-1].max_points if submitted else None,
    }


@dataclass(frozen=True)
class StudentAnswers:
    """A student's graded answers, each with what its quiz's review policy lets the student see
    now. Whatever is derived from them for the student (mastery, review next, practice) reads
    only the answers whose aspects it shows are visible: a quiz whose answers are never shown
    never shows them through the progress page or a practice quiz either."""

    rows: list[tuple[Answered, Visibility]]

    @property
    def all(self) -> list[Answered]:
        """Every answer, as a teacher sees them."""
        return [answered for answered, _ in self.rows]

    def seeing(self, *aspects: str) -> list[Answered]:
        """The answers whose student may now see every one of `aspects`."""
        return [a for a, seen in self.rows if all(getattr(seen, x) for x in aspects)]

    def practice_policy(self, keys: list[str]) -> dict[str, str]:
        """The review policy of a practice quiz of these questions: each aspect is shown after
        submitting only if every answer to them the student has shows it now, else never."""
        rows = [seen for answered, seen in self.rows if answered.question in keys]
        return {
            aspect: AFTER_SUBMIT if rows and all(getattr(s, aspect) for s in rows) else NEVER
            for aspect in ASPECTS
        }


def answers_of(course: Course, student: User) -> StudentAnswers:
    """Every graded response of the student in the course, as the progress cores take them,
    with what the student may see of each. A fixed number of queries, however many quizzes
    and questions."""
    responses = (
        Response.objects.filter(
            attempt__quiz__course=course, attempt__student=student, points__isnull=False
        )
        .filter(Q(attempt__state=Attempt.State.SUBMITTED) | Q(is_checked=True))
        .select_related("version__question", "attempt__quiz")
        .prefetch_related(
            "version__question__objectives",
            Prefetch(
                "version__citations", queryset=QuestionCitation.objects.select_related("source")
            ),
        )
    )
    now = timezone.now()
    return StudentAnswers(
        [
            (
                Answered(
                    question=r.version.question.key,
                    objectives=tuple(o.code for o in r.version.question.objectives.all()),
                    # Never None here: the query keeps graded responses only.
                    points=cast(Decimal, r.points),
                    max_points=r.max_points,
                    answered_at=r.attempt.submitted_at or r.saved_at or r.attempt.started_at,
                    citations=tuple(
                        Cited(c.source.slug, c.start, c.end, c.exact)
                        for c in r.version.citations.all()
                    ),
                    practice=r.attempt.quiz.practice_for_id is not None,
                ),
                visibility(
                    r.attempt.quiz.review_policy,
                    checked=r.is_checked,
                    submitted=r.attempt.state == Attempt.State.SUBMITTED,
                    closed=r.attempt.quiz.is_closed_at(now),
                ),
            )
            for r in responses
        ]
    )
