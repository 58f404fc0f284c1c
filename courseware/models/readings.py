"""Objectives, readings (ordered passages on one theme), and the notes inside a reading."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from courseware.ingest import count_words, flesch_kincaid_grade, reading_minutes
from courseware.models.sources import Passage, Quote


class Objective(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)
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
        ordering = ["position", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title


class Reading(models.Model):
    """An ordered selection of passages, from one or more sources, on one theme."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="readings", verbose_name=_("objectives")
    )
    passages: models.ManyToManyField[Passage, ReadingPassage] = models.ManyToManyField(
        Passage, through="ReadingPassage", related_name="readings", verbose_name=_("passages")
    )
    # Measured from the passages whenever they change (courseware.services.measure_readings:
    # the pack build, a source's re-import, the reading's admin page), not on every page view.
    word_count = models.PositiveIntegerField(_("words"), default=0, editable=False)
    minutes = models.PositiveIntegerField(_("minutes"), default=0, editable=False)
    grade_level = models.FloatField(
        _("grade level"),
        default=0.0,
        editable=False,
        help_text=_("Flesch–Kincaid grade level of the body text."),
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return self.title

    def ordered_passages(self) -> list[Passage]:
        """The passages in reading order; uses a prefetch of `reading_passages__passage`."""
        return [rp.passage for rp in self.reading_passages.all()]

    @cached_property
    def body_text(self) -> str:
        return "\n\n".join(
            p.text for p in self.ordered_passages() if p.kind != Passage.Kind.HEADING
        )

    def measure(self) -> None:
        """Set word count, minutes and grade level from the passages (not saved): uses a
        prefetch of `reading_passages__passage`, like `ordered_passages`."""
        self.word_count = count_words(self.body_text)
        self.minutes = reading_minutes(self.word_count)
        self.grade_level = flesch_kincaid_grade(self.body_text)


class ReadingPassage(models.Model):
    reading = models.ForeignKey(
        Reading,
        on_delete=models.CASCADE,
        related_name="reading_passages",
        verbose_name=_("reading"),
    )
    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, related_name="+", verbose_name=_("passage")
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["reading_id", "position"]
        verbose_name = _("reading passage")
        verbose_name_plural = _("reading passages")
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "position"], name="reading_passage_position"
            ),
            models.UniqueConstraint(fields=["reading", "passage"], name="reading_passage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reading.slug} #{self.position}"


class ReadingNote(models.Model):
    """A callout in a reading, e.g. where two sources disagree, backed by citations."""

    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="notes", verbose_name=_("reading")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["reading_id", "position"]
        verbose_name = _("reading note")
        verbose_name_plural = _("reading notes")
        constraints = [
            models.UniqueConstraint(fields=["reading", "position"], name="reading_note_position"),
        ]

    def __str__(self) -> str:
        return self.title


class NoteCitation(Quote):
    note = models.ForeignKey(
        ReadingNote, on_delete=models.CASCADE, related_name="citations", verbose_name=_("note")
    )

    class Meta(Quote.Meta):
        ordering = ["note_id", "position"]
        verbose_name = _("citation of a note")
        verbose_name_plural = _("citations of notes")
