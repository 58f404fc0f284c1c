"""Courses, their members, each student's reading progress, and a person's own settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseware.models.discussion import Prompt
from courseware.models.readings import Reading

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Course(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    readings = models.ManyToManyField(
        Reading, blank=True, related_name="courses", verbose_name=_("readings")
    )
    prompts = models.ManyToManyField(
        Prompt, blank=True, related_name="courses", verbose_name=_("discussion prompts")
    )
    members: models.ManyToManyField[User, Enrollment] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrollment",
        related_name="courses",
        verbose_name=_("members"),
    )
    # Grade exports (docs/grade-export.md). Canvas: the assignment id of each discussion prompt,
    # by prompt slug (a prompt is shared by courses; a quiz keeps its own id on the quiz).
    canvas_prompt_assignment_ids = models.JSONField(
        _("Canvas assignment ids of the discussion prompts"), default=dict, blank=True
    )
    # OneRoster 1.1 (docs/grade-export.md): blank = Fuente's stable default.
    oneroster_class_id = models.CharField(
        _("OneRoster class sourcedId"),
        max_length=100,
        blank=True,
        help_text=_("The SIS's id for this class; blank: the course slug."),
    )
    oneroster_school_id = models.CharField(
        _("OneRoster school sourcedId"),
        max_length=100,
        blank=True,
        help_text=_("The SIS's id for the school (an org); blank: fuente-school."),
    )
    oneroster_category_id = models.CharField(
        _("OneRoster category sourcedId"),
        max_length=100,
        blank=True,
        help_text=_("The SIS's grade category; blank: fuente-category-<slug>."),
    )
    oneroster_grading_period_id = models.CharField(
        _("OneRoster grading period sourcedId"),
        max_length=100,
        blank=True,
        help_text=_("The SIS's grading period; blank: fuente-period-<slug>."),
    )
    grading_period_starts_on = models.DateField(
        _("grading period starts"),
        null=True,
        blank=True,
        help_text=_("Blank: August 1 of the school year of the export."),
    )
    grading_period_ends_on = models.DateField(
        _("grading period ends"),
        null=True,
        blank=True,
        help_text=_("Blank: July 31 of the school year of the export."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", args=[self.slug])


class Enrollment(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STUDENT)
    section = models.CharField(_("section"), max_length=100, blank=True)
    sis_user_id = models.CharField(_("SIS user ID"), max_length=100, blank=True)
    sis_login_id = models.CharField(_("SIS login ID"), max_length=100, blank=True)
    canvas_user_id = models.CharField(_("Canvas user ID"), max_length=40, blank=True)
    # Frozen at the first OneRoster export (the SIS user id then, else fuente-user-<user id>), so a
    # student's results keep one studentSourcedId for the life of the enrolment.
    oneroster_sourced_id = models.CharField(
        _("OneRoster user sourcedId"), max_length=100, blank=True
    )
    # False when the person left the course (e.g. gone from the LMS's roster): their work stays,
    # and they come back active if they return.
    is_active = models.BooleanField(_("in the course"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["course_id", "role", "user_id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrollment_once_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role})"


class ReadingProgress(models.Model):
    """Whether a student has read a reading, and roughly how long they spent on it."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="reading_progress", verbose_name=_("course")
    )
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="progress", verbose_name=_("reading")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reading_progress",
        verbose_name=_("student"),
    )
    is_read = models.BooleanField(_("read"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("seconds spent"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["course_id", "student_id", "reading_id"]
        verbose_name = _("reading progress")
        verbose_name_plural = _("reading progress")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "reading", "student"], name="reading_progress_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.reading} ({'read' if self.is_read else 'not read'})"


class Profile(models.Model):
    """A person's own settings: for now the interface language they chose."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"
