"""Students' attempts and responses, and what happens to them after: problem reports, grade
overrides and regrades."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models.questions import Question, QuestionVersion
from quizzes.models.quizzes import Quiz, QuizQuestion


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("student"),
    )
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_auto_submitted = models.BooleanField(_("submitted when the time ran out"), default=False)
    points = models.DecimalField(
        _("points scored"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_points = models.DecimalField(
        _("points possible"), max_digits=8, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        ordering = ["quiz_id", "student_id", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=Q(state="in_progress"),
                name="attempt_one_open_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.student} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("attempt_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def percent(self) -> Decimal | None:
        if self.points is None or not self.max_points:
            return None
        return (self.points * 100 / self.max_points).quantize(Decimal("0.1"))


class Response(models.Model):
    """A student's answer to one question of an attempt, graded against the version shown."""

    class Outcome(models.TextChoices):
        CORRECT = "correct", _("Correct")
        PARTIAL = "partial", _("Partly correct")
        INCORRECT = "incorrect", _("Incorrect")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    slot = models.ForeignKey(QuizQuestion, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveIntegerField(help_text=_("Display order within the attempt."))
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    answer = models.JSONField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("Bumped on every save; stale saves are refused.")
    )
    is_flagged = models.BooleanField(default=False)
    is_checked = models.BooleanField(
        default=False, help_text=_("Checked for immediate feedback; locked.")
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    parts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="response_once_per_slot"),
            models.UniqueConstraint(fields=["attempt", "position"], name="response_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · Q{self.position + 1}"

    @property
    def is_answered(self) -> bool:
        return self.answer is not None


class QuestionReport(models.Model):
    """A student's report of a problem with a question; teachers see it on the question."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="reports", verbose_name=_("question")
    )
    version = models.ForeignKey(
        QuestionVersion, on_delete=models.CASCADE, related_name="reports", verbose_name=_("version")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_reports",
        verbose_name=_("student"),
    )
    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("attempt"),
    )
    text = models.TextField(_("text"), max_length=2000)
    is_resolved = models.BooleanField(_("resolved"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")

    def __str__(self) -> str:
        return str(
            _("Report on %(key)s by %(student)s")
            % {"key": self.question.key, "student": self.student}
        )


class GradeOverride(models.Model):
    """A teacher's grade for a student on a quiz, in place of the kept attempt score.

    The newest row for a (quiz, student) is in force; older rows are the history. A row with
    no points removes the override (the attempts count again)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_overrides"
    )
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reason = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["quiz_id", "student_id", "-created_at", "-id"]
        verbose_name = _("grade override")
        verbose_name_plural = _("grade overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="grade_override_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.student}: {self.points}"


class Regrade(models.Model):
    """One response graded again after its question was fixed: what it was, what it became,
    who did it and why. The attempt's total changes with it; nothing else about it does."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="regrades")
    from_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    to_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    old_points = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    new_points = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    old_outcome = models.CharField(max_length=20, blank=True)
    new_outcome = models.CharField(max_length=20, blank=True)
    reason = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["response_id", "created_at", "id"]
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")

    def __str__(self) -> str:
        return f"{self.response}: {self.old_points} → {self.new_points}"
