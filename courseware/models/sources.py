"""Sources as received and cleaned, their passages, and Quote: the abstract citation that
every kind of citation (of a note, perspective, event, post or question) subclasses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courseware.ingest import count_words

published_validator = RegexValidator(
    r"^\d{4}(-\d{2}(-\d{2})?)?$",
    _("Use YYYY, YYYY-MM or YYYY-MM-DD, as precise as the text allows."),
)


class Source(models.Model):
    """A document as received, its cleaned text, and what cleaning removed."""

    class Kind(models.TextChoices):
        ANALYSIS = "analysis", _("Expert analysis")
        COMMENTARY = "commentary", _("Policy commentary")
        NEWS = "news", _("News")
        BLOG = "blog", _("Blog post")
        AI_SUMMARY = "ai-summary", _("AI-generated summary")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    is_title_editorial = models.BooleanField(
        _("title written by the course"),
        default=False,
        help_text=_("The title was written by the course, not taken from the text."),
    )
    author = models.CharField(_("author"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.CharField(
        _("publication date"), max_length=10, blank=True, validators=[published_validator]
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    copied_from_url = models.URLField(_("copied from URL"), max_length=500, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("For teachers: what kind of source, how far to trust it."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    raw_sha256 = models.CharField(_("SHA-256 of the text as received"), max_length=64)
    raw_text = models.TextField(
        _("text as received"), help_text=_("The document as received, decoded.")
    )
    clean_rules = models.JSONField(_("cleaning rules"), default=dict, blank=True)
    text = models.TextField(_("text"), help_text=_("The cleaned text that citations anchor in."))
    removed_lines = models.JSONField(_("removed lines"), default=list, blank=True)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def year(self) -> str:
        return self.published[:4]


class Passage(models.Model):
    """One block of a source's cleaned text (heading, paragraph or list item) with its offsets."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Heading")
        PARAGRAPH = "paragraph", _("Paragraph")
        LIST_ITEM = "list_item", _("List item")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="passages", verbose_name=_("source")
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    section = models.CharField(_("section"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))

    class Meta:
        ordering = ["source_id", "position"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="passage_unique_position"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="passage_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} ¶{self.position}: {self.text[:60]}"

    @property
    def html_id(self) -> str:
        return f"{self.source.slug}-{self.position}"


ANCHOR_FIELDS = ("source", "exact", "prefix", "suffix", "start", "end")


class Quote(models.Model):
    """A citation: a W3C TextQuoteSelector (exact, prefix, suffix) on a source's cleaned text,
    with its resolved position. Invariant: source.text[start:end] == exact."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    exact = models.TextField(_("quote"))
    prefix = models.CharField(_("prefix"), max_length=32, blank=True)
    suffix = models.CharField(_("suffix"), max_length=32, blank=True)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    position = models.PositiveIntegerField(
        _("position"),
        default=0,
        help_text=_("Order among its owner's citations."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug}: “{self.exact[:60]}”"

    def anchor_fields(self) -> dict[str, Any]:
        """The citation without its owner, as courseware.services.quote_fields gives it: what
        a copy of it for another owner needs."""
        return {f: getattr(self, f) for f in ANCHOR_FIELDS}

    def clean(self) -> None:
        if self.source.text[self.start : self.end] != self.exact:
            raise ValidationError(
                _(
                    "The quote no longer matches %(source)s at %(start)d–%(end)d; check it "
                    "again against the source."
                )
                % {"source": self.source.slug, "start": self.start, "end": self.end}
            )

    # Hooks for re-importing a source (courseware.services.reimport_source), which finds every
    # concrete subclass and cannot know what owns its rows.

    @classmethod
    def protected_when_broken(cls, quotes: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Of these citations, which would no longer anchor in their source's new text, the
        ones that must not be deleted; a re-import that would break any of them is refused.
        By default all: a citation is someone's work."""
        return quotes

    @classmethod
    def on_source_changed(cls, quotes: models.QuerySet[Any]) -> list[models.Model]:
        """Called in the re-import's transaction with the citations that broke (they are
        deleted next) or now sit in an edited passage: send what rests on them back for review
        and return it. By default nothing is sent back; the re-import lists them anyway."""
        return []
