from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from courseware.ingest import count_words, flesch_kincaid_grade, reading_minutes

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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


class Post(models.Model):
    """A student's response to a prompt (or a reply to one), with its evidence."""

    prompt = models.ForeignKey(
        Prompt,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("discussion prompt"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="posts", verbose_name=_("course")
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
