"""The timeline: periods, and dated events with their citations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.sources import Quote, published_validator


class TimelinePeriod(models.Model):
    title = models.CharField(_("title"), max_length=200)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    until = models.CharField(
        _("until"),
        max_length=10,
        blank=True,
        validators=[published_validator],
        help_text=_("Last year (or date) in it."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("timeline period")
        verbose_name_plural = _("timeline periods")

    def __str__(self) -> str:
        return self.title


class TimelineEvent(models.Model):
    """A dated event from the sources, with the source's own precision ("late 1990s", "June 5")."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    when = models.CharField(
        _("when"),
        max_length=60,
        help_text=_("As precise as the source: 'late 1990s', 'June 5'."),
    )
    sort = models.CharField(
        _("date for ordering"),
        max_length=10,
        validators=[published_validator],
        help_text=_("For ordering only: YYYY[-MM[-DD]]."),
    )
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )

    class Meta:
        ordering = ["sort", "slug"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.when}: {self.title}"


class EventCitation(Quote):
    event = models.ForeignKey(
        TimelineEvent,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("timeline event"),
    )

    class Meta(Quote.Meta):
        ordering = ["event_id", "position"]
        verbose_name = _("citation of an event")
        verbose_name_plural = _("citations of events")
