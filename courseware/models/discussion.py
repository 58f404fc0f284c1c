"""Discussion: prompts, their cited perspectives, and students' posts with their evidence."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseware.models.readings import Objective
from courseware.models.sources import Quote


class Prompt(models.Model):
    """A discussion prompt: a question, its context, and perspectives backed by citations."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    context = models.TextField(_("context"), blank=True)
    guiding_questions = models.JSONField(_("guiding questions"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="prompts", verbose_name=_("objectives")
    )
    is_hidden_until_posted = models.BooleanField(
        _("responses hidden until one posts"),
        default=True,
        help_text=_("Students see others' responses only once they have posted their own."),
    )
    points = models.DecimalField(
        _("points possible"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Most a teacher can give a response."),
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("discussion prompt")
        verbose_name_plural = _("discussion prompts")

    def __str__(self) -> str:
        return self.title


class Perspective(models.Model):
    prompt = models.ForeignKey(
        Prompt,
        on_delete=models.CASCADE,
        related_name="perspectives",
        verbose_name=_("discussion prompt"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("label"), max_length=200)
    summary = models.TextField(_("summary"))
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["prompt_id", "position"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")

    def __str__(self) -> str:
        return self.label


class PerspectiveCitation(Quote):
    perspective = models.ForeignKey(
        Perspective,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("perspective"),
    )

    class Meta(Quote.Meta):
        ordering = ["perspective_id", "position"]
        verbose_name = _("citation of a perspective")
        verbose_name_plural = _("citations of perspectives")


class Post(models.Model):
    """A student's response to a prompt (or a reply to one), with its evidence."""

    prompt = models.ForeignKey(
        Prompt,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("discussion prompt"),
    )
    course = models.ForeignKey(
        "courseware.Course",
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("course"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("author"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    body = models.TextField(
        _("text"), help_text=_("Markdown subset: paragraphs, emphasis, lists, links.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_featured = models.BooleanField(_("featured"), default=False)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="post_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.prompt}"


class PostEvidence(Quote):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("post")
    )

    class Meta(Quote.Meta):
        ordering = ["post_id", "position"]
        verbose_name = _("evidence of a post")
        verbose_name_plural = _("evidence of posts")
