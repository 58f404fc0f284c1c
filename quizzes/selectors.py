"""Reads shared by the quiz views; every one checks who is asking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courseware.models import Course, Enrollment
from quizzes.accommodations import Grant, QuizPlan, Terms, terms_for
from quizzes.models import (
    Accommodation,
    Attempt,
    Question,
    QuestionCitation,
    QuestionVersion,
    Quiz,
    QuizPool,
    QuizQuestion,
    Response,
)
from quizzes.progress import Answered, Cited
from quizzes.review import AFTER_SUBMIT, ASPECTS, NEVER, Visibility, can_see, visibility
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


# Question versions that students have answered, by id, in this process. Such a version never
# changes (quizzes.services.authoring edits a version in place only while nobody has answered
# it, and makes a new version otherwise), so a copy read once serves every later attempt page
# and save without a query, and needs no invalidation. It holds what the server needs to show
# and read a question (stem, answer data); nothing from it reaches a page but through
# quizzes.display, as from a version read from the database.
_ANSWERED_VERSIONS: dict[int, QuestionVersion] = {}
_ANSWERED_VERSIONS_MAX = 20_000


def answered_versions(version_ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """The versions (with their questions), by id, of questions students have been given:
    from this process's copy, reading only those not in it yet (one query)."""
    wanted = set(version_ids)
    found = {pk: v for pk in wanted if (v := _ANSWERED_VERSIONS.get(pk)) is not None}
    missing = wanted - found.keys()
    if missing:
        read = QuestionVersion.objects.select_related("question").filter(pk__in=missing)
        if len(_ANSWERED_VERSIONS) > _ANSWERED_VERSIONS_MAX:
            _ANSWERED_VERSIONS.clear()
        for version in read:
            found[version.pk] = _ANSWERED_VERSIONS[version.pk] = version
    return found


def forget_answered_versions() -> None:
    """Drop this process's copies (tests: a rolled-back test's ids are used again)."""
    _ANSWERED_VERSIONS.clear()


def current_version_ids(question_ids: Iterable[int]) -> dict[int, int]:
    """The id of each question's latest version, by question id (one query, ids only: a
    start gives its responses these, and needs nothing else of the versions)."""
    current: dict[int, int] = {}
    for question_id, version_id in (
        QuestionVersion.objects.filter(question_id__in=set(question_ids))
        .order_by("question_id", "-number")
        .values_list("question_id", "pk")
    ):
        current.setdefault(question_id, version_id)
    return current


def with_versions(responses: list[Response]) -> list[Response]:
    """`responses` read without their versions, each given its version (and question) from
    `answered_versions`: the attempt page and the answer save read a response's version's
    stem and data on every request, the same for every student."""
    versions = answered_versions(r.version_id for r in responses)
    for response in responses:
        response.version = versions[response.version_id]
    return responses


def attempts_by_quiz(course: Course, student: User) -> dict[int, list[Attempt]]:
    grouped: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(quiz__course=course, student=student).order_by("number"):
        grouped[attempt.quiz_id].append(attempt)
    return grouped


def quiz_standing(
    quiz: Quiz, attempts: list[Attempt], *, terms: Terms | None = None, sees_all: bool = False
) -> dict[str, Any]:
    """What a student needs to know about one quiz: their terms (`terms_of`; the quiz's own
    when None), attempts used and left, the open attempt, and the kept score. The points are
    visible (`points_visible`) once the quiz's review policy shows them to this student (after
    their own closing date, for "after the quiz closes"), or always to a teacher (`sees_all`)."""
    submitted = [a for a in attempts if not a.is_open]
    terms = terms or terms_for(quiz_plan(quiz), [])
    left = terms.attempts_left(len(attempts))
    closed = terms.is_closed_at(timezone.now())
    return {
        "quiz": quiz,
        "terms": terms,
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if a.is_open), None),
        "used": len(attempts),
        "left": left,
        "kept": kept_score(
            [a.points for a in submitted if a.points is not None], quiz.grading_method
        ),
        "max_points": submitted[-1].max_points if submitted else None,
        "points_visible": sees_all
        or can_see(quiz.review_points, checked=False, submitted=True, closed=closed),
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
    rows = list(responses)
    # Once per quiz: past its own closing, "closed" looks for an accommodation's later one.
    closed = {r.attempt.quiz_id: r.attempt.quiz.is_closed_at(now) for r in rows}
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
                    closed=closed[r.attempt.quiz_id],
                ),
            )
            for r in rows
        ]
    )


def pool_questions(pool: QuizPool) -> QuerySet[Question]:
    """The published questions matching every filter the pool sets, in key order: the
    questions it may draw (less those fixed in its quiz). Two queries with a tag (tags are a
    JSON list, and SQLite has no JSON containment), else one when evaluated.

    Only questions the quiz's course may use, as its teachers see the bank (QuestionAdmin):
    those its quizzes use, those no course uses yet, and those one of its teachers wrote. A
    question only another course uses is never drawn, so a pool cannot show a teacher what
    their courses cannot reach."""
    course_id = pool.quiz.course_id
    slots = QuizQuestion.objects.filter(question=OuterRef("pk"))
    teachers = Enrollment.objects.filter(
        course_id=course_id, role=Enrollment.Role.TEACHER, user_id=OuterRef("created_by_id")
    )
    questions = Question.objects.filter(
        Exists(slots.filter(quiz__course_id=course_id)) | ~Exists(slots) | Exists(teachers),
        Exists(QuestionVersion.objects.filter(question=OuterRef("pk"))),
        status=Question.Status.PUBLISHED,
    )
    if pool.objective_id is not None:
        questions = questions.filter(objectives=pool.objective_id)
    if pool.difficulty is not None:
        questions = questions.filter(difficulty=pool.difficulty)
    if pool.kind:
        questions = questions.filter(kind=pool.kind)
    if pool.source_id is not None:
        current = QuestionVersion.objects.filter(question=OuterRef("pk")).order_by("-number")
        questions = questions.alias(current_id=Subquery(current.values("pk")[:1])).filter(
            Exists(
                QuestionCitation.objects.filter(
                    version=OuterRef("current_id"), source_id=pool.source_id
                )
            )
        )
    if pool.tag:
        rows = questions.values_list("pk", "tags")
        tagged = [pk for pk, tags in rows if isinstance(tags, list) and pool.tag in tags]
        questions = questions.filter(pk__in=tagged)
    return questions.order_by("key")


def fixed_slots(quiz: Quiz) -> QuerySet[QuizQuestion]:
    """The quiz's own questions, not those its pools drew."""
    return quiz.slots.filter(pool__isnull=True)


def possible_points_of_quizzes() -> Coalesce:
    """An annotation for a Quiz queryset: the points a full attempt is worth, its fixed
    questions' points plus each pool's `count` times its points (a pool with fewer questions
    than `count` gives attempts fewer points; the admin warns of it)."""
    decimal: DecimalField[Decimal, Decimal] = DecimalField(max_digits=10, decimal_places=2)
    fixed = (
        QuizQuestion.objects.filter(quiz=OuterRef("pk"), pool__isnull=True)
        .order_by()
        .values("quiz")
        .annotate(total=Sum("points"))
        .values("total")
    )
    pooled = (
        QuizPool.objects.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(total=Sum(F("points") * F("count"), output_field=decimal))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=decimal)
    return Coalesce(
        Coalesce(Subquery(fixed, output_field=decimal), zero)
        + Coalesce(Subquery(pooled, output_field=decimal), zero),
        zero,
        output_field=decimal,
    )


def possible_points(quiz: Quiz) -> Decimal:
    """The points a full attempt at the quiz is worth (see possible_points_of_quizzes)."""
    found = Quiz.objects.filter(pk=quiz.pk).annotate(p=possible_points_of_quizzes()).values("p")
    total = found.first()
    return Decimal(total["p"]) if total and total["p"] is not None else Decimal(0)


def question_count(quiz: Quiz) -> int:
    """How many questions an attempt shows: the published fixed ones and each pool's count."""
    fixed = fixed_slots(quiz).filter(question__status=Question.Status.PUBLISHED).count()
    pooled = quiz.pools.aggregate(n=Sum("count"))["n"] or 0
    return fixed + pooled


def quiz_plan(quiz: Quiz) -> QuizPlan:
    """A quiz's own terms, as the accommodation rules take them."""
    return QuizPlan(
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        time_limit_minutes=quiz.time_limit_minutes,
        attempts_allowed=quiz.attempts_allowed,
    )


_GRANT_FIELDS = (
    "quiz_id",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
    "opens_at",
    "closes_at",
)


def _grants(rows: list[dict[str, Any]], quiz: Quiz) -> list[Grant]:
    """The rows that apply to the quiz (its own and the course-wide ones) as Grants. A
    practice quiz is a student's own, ungraded, undated: no accommodation applies to it."""
    if quiz.practice_for_id is not None:
        return []
    return [
        Grant(
            is_for_this_quiz=row["quiz_id"] is not None,
            **{k: v for k, v in row.items() if k != "quiz_id"},
        )
        for row in rows
        if row["quiz_id"] in (None, quiz.pk)
    ]


def terms_by_quiz(course: Course, student: User, quizzes: list[Quiz]) -> dict[int, Terms]:
    """Each quiz's terms for the student (quizzes.accommodations): one query for them all."""
    rows = list(
        Accommodation.objects.filter(course=course, students=student)
        .order_by("pk")
        .values(*_GRANT_FIELDS)
    )
    return {q.pk: terms_for(quiz_plan(q), _grants(rows, q)) for q in quizzes}


def terms_of(quiz: Quiz, student: User) -> Terms:
    """The student's terms on one quiz: its own, changed by the accommodations that apply."""
    return terms_by_quiz(quiz.course, student, [quiz])[quiz.pk]


def accommodations_of(course: Course) -> QuerySet[Accommodation]:
    """The course's accommodations for its teachers: whole-course ones first, then by quiz."""
    return (
        Accommodation.objects.filter(course=course)
        .select_related("quiz", "created_by")
        .prefetch_related(
            Prefetch("students", queryset=User.objects.order_by("last_name", "username"))
        )
        .order_by(F("quiz__position").asc(nulls_first=True), "quiz__slug", "pk")
    )


def accommodation_for(course: Course, pk: int) -> Accommodation:
    """One of the course's accommodations; 404 for another course's."""
    return get_object_or_404(accommodations_of(course), pk=pk)


def accommodated_students(course: Course) -> set[int]:
    """The ids of the course's students who have an accommodation (the gradebook marks them)."""
    return set(
        Accommodation.students.through.objects.filter(accommodation__course=course).values_list(
            "user_id", flat=True
        )
    )
