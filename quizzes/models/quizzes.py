"""Quizzes: their settings and review policy, their questions and pools, and accommodations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseware.models import Course, Objective, Reading, Source
from quizzes.models.questions import Question
from quizzes.review import can_see


class Quiz(models.Model):
    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        FIRST = "first", _("First attempt")
        AVERAGE = "average", _("Average of attempts")

    class MultipleScoring(models.TextChoices):
        RIGHT_MINUS_WRONG = (
            "right_minus_wrong",
            _("Right share minus wrong share (ticking every box earns 0)"),
        )
        PROPORTIONAL = "proportional", _("Partial credit, minus wrong picks (never below zero)")
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one_per_page", _("One question per page")
        ALL_ON_ONE = "all_on_one", _("All questions on one page")

    class Review(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately after each answer")
        AFTER_SUBMIT = "after_submit", _("After submitting")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("course")
    )
    reading = models.ForeignKey(
        Reading,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("reading"),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    practice_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="practice_quizzes",
        verbose_name=_("practice for"),
        help_text=_("An ungraded practice quiz made for this student from questions they missed."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    canvas_assignment_id = models.CharField(
        _("Canvas assignment id"),
        max_length=40,
        blank=True,
        help_text=_("The Canvas assignment this quiz's grades go to, if known."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit in minutes"), null=True, blank=True
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=20,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    multiple_scoring = models.CharField(
        _("multiple-response scoring"),
        max_length=20,
        choices=MultipleScoring.choices,
        default=MultipleScoring.RIGHT_MINUS_WRONG,
        help_text=_("How a multiple-response question's points are counted."),
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)
    layout = models.CharField(
        _("layout"), max_length=20, choices=Layout.choices, default=Layout.ALL_ON_ONE
    )
    review_correctness = models.CharField(
        _("whether each answer is right"),
        max_length=20,
        choices=Review.choices,
        default=Review.AFTER_SUBMIT,
    )
    review_points = models.CharField(
        _("points"), max_length=20, choices=Review.choices, default=Review.AFTER_SUBMIT
    )
    review_feedback = models.CharField(
        _("feedback"), max_length=20, choices=Review.choices, default=Review.AFTER_SUBMIT
    )
    review_answer = models.CharField(
        _("the right answers"), max_length=20, choices=Review.choices, default=Review.AFTER_SUBMIT
    )
    review_citations = models.CharField(
        _("the cited passages"), max_length=20, choices=Review.choices, default=Review.AFTER_SUBMIT
    )
    questions: models.ManyToManyField[Question, QuizQuestion] = models.ManyToManyField(
        Question, through="QuizQuestion", related_name="quizzes", verbose_name=_("questions")
    )

    class Meta:
        ordering = ["course_id", "position", "slug"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quiz_slug_per_course"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.practice_for_id is not None:  # a practice quiz lives on its student's progress page
            return reverse("progress", args=[self.course.slug])
        return reverse("quiz_detail", args=[self.course.slug, self.slug])

    def is_open_at(self, when: datetime) -> bool:
        return (self.opens_at is None or when >= self.opens_at) and (
            self.closes_at is None or when < self.closes_at
        )

    def is_closed_at(self, when: datetime) -> bool:
        """Whether the quiz has closed for every student: its own closing has passed, and so
        has every closing an accommodation gives (looked up only once its own has passed).
        The review's "after the quiz closes" waits for this, so no key is shown while anyone
        may still answer. Whether one student may still start is their own terms' question
        (`quizzes.selectors.terms_of`)."""
        if self.closes_at is None or when < self.closes_at:
            return False
        later = Accommodation.objects.filter(
            Q(quiz=self) | Q(quiz__isnull=True), course_id=self.course_id, closes_at__gt=when
        )
        return not later.exists()

    @property
    def are_points_visible(self) -> bool:
        """Whether students now see the points of their submitted attempts."""
        return can_see(
            self.review_points,
            checked=False,
            submitted=True,
            closed=self.is_closed_at(timezone.now()),
        )

    @property
    def review_policy(self) -> dict[str, str]:
        """Each aspect of the review (quizzes.review.ASPECTS) and the moment it is shown."""
        return {
            "correctness": self.review_correctness,
            "points": self.review_points,
            "feedback": self.review_feedback,
            "answer": self.review_answer,
            "citations": self.review_citations,
        }

    @property
    def has_immediate_review(self) -> bool:
        return self.Review.IMMEDIATELY in {
            self.review_correctness,
            self.review_points,
            self.review_feedback,
            self.review_answer,
            self.review_citations,
        }


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="slots", verbose_name=_("quiz")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="slots", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(_("position"))
    points = models.DecimalField(
        _("points possible"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    pool = models.ForeignKey(
        "QuizPool",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("question pool"),
        help_text=_("Set when a pool drew this question: its position is the pool's."),
    )

    class Meta:
        ordering = ["quiz_id", "position"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once"),
            models.UniqueConstraint(
                fields=["quiz", "position"],
                condition=Q(pool__isnull=True),
                name="quiz_question_position",
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_question_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug} #{self.position}: {self.question.key}"


class QuizPool(models.Model):
    """A place in a quiz that draws `count` questions at random for each attempt, from the
    published questions matching every filter set (objective, tag, difficulty, source, type).

    A drawn question gets a QuizQuestion of its own (with `pool` set), so scores, item
    analysis, regrades and exports stay per question."""

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="pools", verbose_name=_("quiz")
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Where its questions go among the quiz's questions.")
    )
    count = models.PositiveSmallIntegerField(
        _("count"), default=1, help_text=_("How many questions each attempt draws from the pool.")
    )
    points = models.DecimalField(
        _("points per question"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        help_text=_("Points for each question."),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("objective"),
    )
    tag = models.CharField(_("tag"), max_length=60, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source"),
        help_text=_("Questions citing this source."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Question.Kind.choices, blank=True)

    class Meta:
        ordering = ["quiz_id", "position"]
        verbose_name = _("question pool")
        verbose_name_plural = _("question pools")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="quiz_pool_position"),
            models.CheckConstraint(condition=Q(count__gte=1), name="quiz_pool_count_positive"),
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_pool_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug} #{self.position}: {self.count} from a pool"


class Accommodation(models.Model):
    """Other terms for some students: more time, more attempts, their own dates — on one quiz,
    or (with no quiz) on every quiz of the course. Several rows may apply; the most generous
    value of each term wins, and a quiz's own row wins over the course-wide row for dates."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="accommodations", verbose_name=_("course")
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accommodations",
        verbose_name=_("quiz"),
        help_text=_("Leave empty for every quiz of the course."),
    )
    label = models.CharField(
        _("label"),
        max_length=120,
        blank=True,
        help_text=_('A name for a group, e.g. "Extended time".'),
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="accommodations", verbose_name=_("students")
    )
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra minutes"), default=0, help_text=_("Minutes added to a timed quiz's limit.")
    )
    time_multiplier = models.DecimalField(
        _("time multiplier"),
        max_digits=3,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
        help_text=_("The time limit times this (1.5 = time and a half), before extra minutes."),
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    opens_at = models.DateTimeField(
        _("opens at"),
        null=True,
        blank=True,
        help_text=_("Opens for these students at this time instead."),
    )
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("Closes for these students at this time instead."),
    )
    note = models.TextField(
        _("note"),
        max_length=2000,
        blank=True,
        help_text=_("For teachers only; students never see it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["course_id", "quiz_id", "id"]
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_multiplier__gte=1, time_multiplier__lte=5),
                name="accommodation_multiplier_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="accommodation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(_("Accommodation %(id)s") % {"id": self.pk})
