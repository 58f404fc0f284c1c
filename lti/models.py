"""LTI 1.3: the platforms (LMSs) that launch Fuente, the tool's own keys, and how the
platform's people, contexts and links map onto Fuente's users, courses and material."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseware.models import Course, Prompt, Reading
from quizzes.models import Quiz


def validate_origins(value: str) -> None:
    for line in value.split():
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValidationError(
                _("“%(line)s” is not an address like https://school.instructure.com."),
                params={"line": line},
            )


class Platform(models.Model):
    """One tool registration in one LMS: the values its administrator reads off their side."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.URLField(
        _("issuer"),
        max_length=500,
        help_text=_("The platform's `iss`, e.g. https://canvas.instructure.com"),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    auth_login_url = models.URLField(
        _("authentication request URL"),
        max_length=500,
        help_text=_("Where Fuente sends the browser back to (OIDC authorisation endpoint)."),
    )
    token_url = models.URLField(_("access token URL"), max_length=500)
    key_set_url = models.URLField(_("public key set URL"), max_length=500)
    extra_frame_origins = models.TextField(
        _("other LMS addresses"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One per line, e.g. https://school.instructure.com: the addresses people use the "
            "LMS at, when they differ from the issuer's (Canvas). Launched pages may be shown "
            "in frames of these and of the issuer only."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def frame_origins(self) -> list[str]:
        """The origins that may frame pages this platform launched."""
        urls = [self.issuer, self.auth_login_url, *self.extra_frame_origins.split()]
        origins = []
        for url in urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
                origins.append(origin)
        return origins


class Deployment(models.Model):
    """A deployment id the platform may launch with; any other is refused."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="deployments", verbose_name=_("platform")
    )
    deployment_id = models.CharField(_("deployment id"), max_length=200)

    class Meta:
        ordering = ["platform_id", "deployment_id"]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_once"
            ),
        ]

    def __str__(self) -> str:
        return self.deployment_id


class ToolKey(models.Model):
    """An RSA key of the tool. The newest signs; the key set publishes it and the one before,
    so a platform that cached the old set keeps verifying until it fetches again."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_key_pem = models.TextField(_("private key (PEM)"))
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tool key")
        verbose_name_plural = _("tool keys")

    def __str__(self) -> str:
        return self.kid


class PlatformUser(models.Model):
    """A person of a platform (its `sub`) as a Fuente user. Never matched by e-mail."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="users", verbose_name=_("platform")
    )
    sub = models.CharField(_("subject (sub)"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lti_identities",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "sub"]
        verbose_name = _("platform user")
        verbose_name_plural = _("platform users")
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} / {self.sub}"


class CourseLink(models.Model):
    """An LMS context (a course of the LMS) mapped to a Fuente course."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="course_links", verbose_name=_("platform")
    )
    context_id = models.CharField(_("context id"), max_length=255)
    context_title = models.CharField(_("context title"), max_length=255, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lti_links", verbose_name=_("course")
    )
    # Service endpoints the platform announced in its latest launch from this context.
    lineitems_url = models.URLField(_("line items URL"), max_length=500, blank=True)
    ags_scopes = models.JSONField(_("grade service scopes"), default=list, blank=True)
    memberships_url = models.URLField(_("memberships URL"), max_length=500, blank=True)
    roster_synced_at = models.DateTimeField(_("roster synced at"), null=True, blank=True)

    class Meta:
        ordering = ["platform_id", "context_id"]
        verbose_name = _("course link")
        verbose_name_plural = _("course links")
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_once"),
        ]

    def __str__(self) -> str:
        return f"{self.context_title or self.context_id} → {self.course}"


class ResourceLink(models.Model):
    """An LMS link (resource link id) opening one quiz, reading or prompt of the mapped course."""

    course_link = models.ForeignKey(
        CourseLink,
        on_delete=models.CASCADE,
        related_name="resource_links",
        verbose_name=_("course link"),
    )
    resource_link_id = models.CharField(_("resource link id"), max_length=255)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("quiz")
    )
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("reading")
    )
    prompt = models.ForeignKey(
        Prompt,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("discussion prompt"),
    )
    # The LMS's grade column for this link (the AGS claim's `lineitem`), when it has one.
    lineitem_url = models.URLField(_("line item URL"), max_length=500, blank=True)

    class Meta:
        ordering = ["course_link_id", "resource_link_id"]
        verbose_name = _("resource link")
        verbose_name_plural = _("resource links")
        constraints = [
            models.UniqueConstraint(
                fields=["course_link", "resource_link_id"], name="lti_resource_link_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(quiz__isnull=True, reading__isnull=True)
                    | Q(quiz__isnull=True, prompt__isnull=True)
                    | Q(reading__isnull=True, prompt__isnull=True)
                ),
                name="lti_resource_link_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.resource_link_id

    def clean(self) -> None:
        """The linked material must belong to the linked course."""
        if not self.course_link_id:
            return
        course = self.course_link.course
        if (
            (self.quiz is not None and self.quiz.course_id != course.pk)
            or (
                self.reading is not None and not course.readings.filter(pk=self.reading.pk).exists()
            )
            or (self.prompt is not None and not course.prompts.filter(pk=self.prompt.pk).exists())
        ):
            raise ValidationError(
                _("Link only material of the course %(course)s.") % {"course": course}
            )


class GradeSend(models.Model):
    """The grade Fuente owes the LMS for one student on one graded link, and how sending it
    went. `version` grows with every new grade; a send carries the version it read, and an
    older send never overwrites a newer one (docs/lti.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    resource_link = models.ForeignKey(
        ResourceLink,
        on_delete=models.CASCADE,
        related_name="grade_sends",
        verbose_name=_("resource link"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lti_grade_sends",
        verbose_name=_("student"),
    )
    score_given = models.DecimalField(
        _("score given"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    score_maximum = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)
    activity_progress = models.CharField(_("activity progress"), max_length=20)
    grading_progress = models.CharField(_("grading progress"), max_length=20)
    changed_at = models.DateTimeField(
        _("changed at"), help_text=_("When the grade changed: the score's timestamp.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    sent_version = models.PositiveIntegerField(_("version sent"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_tried_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["resource_link_id", "student_id"]
        verbose_name = _("grade sent to the LMS")
        verbose_name_plural = _("grades sent to the LMS")
        constraints = [
            models.UniqueConstraint(
                fields=["resource_link", "student"], name="lti_grade_send_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} on {self.resource_link}: {self.score_given}"
