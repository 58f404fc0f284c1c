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

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    is_title_editorial = models.BooleanField(
        default=False, help_text=_("The title was written by the course, not taken from the text.")
    )
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.CharField(max_length=10, blank=True, validators=[published_validator])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(max_length=500, blank=True)
    copied_from_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(
        blank=True, help_text=_("For teachers: what kind of source, how far to trust it.")
    )
    position = models.PositiveIntegerField(default=0)
    raw_sha256 = models.CharField(max_length=64)
    raw_text = models.TextField(help_text=_("The document as received, decoded."))
    clean_rules = models.JSONField(default=dict, blank=True)
    text = models.TextField(help_text=_("The cleaned text that citations anchor in."))
    removed_lines = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "slug"]

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

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    section = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["source_id", "position"]
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

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    position = models.PositiveIntegerField(
        default=0, help_text=_("Order among its owner's citations.")
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
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.title


class Reading(models.Model):
    """An ordered selection of passages, from one or more sources, on one theme."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="readings")
    passages: models.ManyToManyField[Passage, ReadingPassage] = models.ManyToManyField(
        Passage, through="ReadingPassage", related_name="readings"
    )
    # Measured from the passages whenever they change (courseware.services.measure_readings:
    # the pack build, a source's re-import, the reading's admin page), not on every page view.
    word_count = models.PositiveIntegerField(default=0, editable=False)
    minutes = models.PositiveIntegerField(default=0, editable=False)
    grade_level = models.FloatField(
        default=0.0, editable=False, help_text=_("Flesch–Kincaid grade level of the body text.")
    )

    class Meta:
        ordering = ["position", "slug"]

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
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="reading_passages")
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["reading_id", "position"]
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

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="notes")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    text = models.TextField()
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["reading_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "position"], name="reading_note_position"),
        ]

    def __str__(self) -> str:
        return self.title


class NoteCitation(Quote):
    note = models.ForeignKey(ReadingNote, on_delete=models.CASCADE, related_name="citations")

    class Meta(Quote.Meta):
        ordering = ["note_id", "position"]


class Prompt(models.Model):
    """A discussion prompt: a question, its context, and perspectives backed by citations."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    question = models.TextField()
    context = models.TextField(blank=True)
    guiding_questions = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="prompts")
    is_hidden_until_posted = models.BooleanField(
        default=True,
        help_text=_("Students see others' responses only once they have posted their own."),
    )
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Most a teacher can give a response."),
    )

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title


class Perspective(models.Model):
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="perspectives")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200)
    summary = models.TextField()
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["prompt_id", "position"]

    def __str__(self) -> str:
        return self.label


class PerspectiveCitation(Quote):
    perspective = models.ForeignKey(Perspective, on_delete=models.CASCADE, related_name="citations")

    class Meta(Quote.Meta):
        ordering = ["perspective_id", "position"]


class TimelinePeriod(models.Model):
    title = models.CharField(max_length=200)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    until = models.CharField(
        max_length=10,
        blank=True,
        validators=[published_validator],
        help_text=_("Last year (or date) in it."),
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class TimelineEvent(models.Model):
    """A dated event from the sources, with the source's own precision ("late 1990s", "June 5")."""

    slug = models.SlugField(max_length=80, unique=True)
    when = models.CharField(
        max_length=60, help_text=_("As precise as the source: 'late 1990s', 'June 5'.")
    )
    sort = models.CharField(
        max_length=10,
        validators=[published_validator],
        help_text=_("For ordering only: YYYY[-MM[-DD]]."),
    )
    title = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The teacher who added it (and may change it); blank for the pack's."),
    )

    class Meta:
        ordering = ["sort", "slug"]

    def __str__(self) -> str:
        return f"{self.when}: {self.title}"


class EventCitation(Quote):
    event = models.ForeignKey(TimelineEvent, on_delete=models.CASCADE, related_name="citations")

    class Meta(Quote.Meta):
        ordering = ["event_id", "position"]


class Course(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Text written for the course in other languages, shown when the interface is in that
    # language: {"es": {"title": "…", …}} (docs/course-pack.md). Quoted words never are.
    translations = models.JSONField(default=dict, blank=True)
    readings = models.ManyToManyField(Reading, blank=True, related_name="courses")
    prompts = models.ManyToManyField(Prompt, blank=True, related_name="courses")
    members: models.ManyToManyField[User, Enrollment] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="courses"
    )
    # Grade exports (docs/grade-export.md). Canvas: the assignment id of each discussion prompt,
    # by prompt slug (a prompt is shared by courses; a quiz keeps its own id on the quiz).
    canvas_prompt_assignment_ids = models.JSONField(default=dict, blank=True)
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

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", args=[self.slug])


class Enrollment(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT)
    section = models.CharField(max_length=100, blank=True)
    sis_user_id = models.CharField("SIS user ID", max_length=100, blank=True)
    sis_login_id = models.CharField("SIS login ID", max_length=100, blank=True)
    canvas_user_id = models.CharField("Canvas user ID", max_length=40, blank=True)
    # Frozen at the first OneRoster export (the SIS user id then, else fuente-user-<user id>), so a
    # student's results keep one studentSourcedId for the life of the enrolment.
    oneroster_sourced_id = models.CharField("OneRoster user sourcedId", max_length=100, blank=True)
    # False when the person left the course (e.g. gone from the LMS's roster): their work stays,
    # and they come back active if they return.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course_id", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrollment_once_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role})"


class Post(models.Model):
    """A student's response to a prompt (or a reply to one), with its evidence."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="posts")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(help_text=_("Markdown subset: paragraphs, emphasis, lists, links."))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    is_featured = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    teacher_comment = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="post_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.prompt}"


class PostEvidence(Quote):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="evidence")

    class Meta(Quote.Meta):
        ordering = ["post_id", "position"]


class ReadingProgress(models.Model):
    """Whether a student has read a reading, and roughly how long they spent on it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reading_progress")
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="progress")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_id", "student_id", "reading_id"]
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"
