"""Questions: a question's identity, its versions, and the citations each version rests on."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseware.models import Objective, Quote


class Question(models.Model):
    """A question's identity; what it asks lives in its versions."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple response")
        TRUE_FALSE = "true_false", _("True or false")
        NUMERIC = "numeric", _("Numeric")
        SHORT = "short", _("Short answer")
        ORDERING = "ordering", _("Ordering")
        MATCHING = "matching", _("Matching")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")
        REJECTED = "rejected", _("Rejected")

    class Origin(models.TextChoices):
        PACK = "pack", _("Course pack")
        TEACHER = "teacher", _("Teacher")
        GENERATED = "generated", _("Generated")

    key = models.SlugField(
        _("key"), max_length=120, unique=True, help_text=_("Stable id from the course pack.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.TEACHER
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="questions", verbose_name=_("objectives")
    )
    generator_rule = models.CharField(
        _("generator rule"),
        max_length=60,
        blank=True,
        help_text=_("For generated drafts: the rule that proposed it."),
    )
    tags = models.JSONField(
        _("tags"),
        default=list,
        blank=True,
        help_text=_('Labels for finding questions, e.g. "disagreement", "as-of-date", "timeline".'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("The teacher who wrote it (none for pack and generated questions)."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("For generated drafts: the teacher who accepted or rejected it."),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        help_text=_("Why a generated draft was rejected, to improve its rule."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def current_version(self) -> QuestionVersion | None:
        return self.versions.order_by("-number").first()


class QuestionVersion(models.Model):
    """What a question asks, frozen once answered: edits after that make a new version."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions", verbose_name=_("question")
    )
    number = models.PositiveIntegerField(_("number"), default=1)
    stem = models.TextField(_("stem"))
    data = models.JSONField(
        _("answer data"), help_text=_("Type-specific answer data; see quizzes/grading.py.")
    )
    explanation = models.TextField(_("explanation"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["question_id", "number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} v{self.number}"


class QuestionCitation(Quote):
    version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("question version"),
    )

    class Meta(Quote.Meta):
        ordering = ["version_id", "position"]
        verbose_name = _("citation of a question")
        verbose_name_plural = _("citations of questions")

    @classmethod
    def protected_when_broken(
        cls, quotes: models.QuerySet[QuestionCitation]
    ) -> models.QuerySet[QuestionCitation]:
        """A citation of a version students have answered is part of what they were shown."""
        return quotes.filter(version__responses__isnull=False).distinct()

    @classmethod
    def on_source_changed(cls, quotes: models.QuerySet[QuestionCitation]) -> list[models.Model]:
        """Published questions resting on text that changed go back to draft for review."""
        questions: list[models.Model] = list(
            Question.objects.filter(
                versions__citations__in=quotes, status=Question.Status.PUBLISHED
            ).distinct()
        )
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(
            status=Question.Status.DRAFT, updated_at=timezone.now()
        )
        return questions
