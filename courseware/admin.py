from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from courseware import roster
from courseware.http import staff_user
from courseware.ingest import QuoteError, SourceFileError, decode
from courseware.models import (
    Course,
    Enrollment,
    EventCitation,
    NoteCitation,
    Objective,
    Passage,
    Perspective,
    PerspectiveCitation,
    Post,
    PostEvidence,
    Prompt,
    Quote,
    Reading,
    ReadingNote,
    ReadingPassage,
    ReadingProgress,
    Source,
    TimelineEvent,
    TimelinePeriod,
)
from courseware.reimport import BROKEN, EDITED, MOVED, STATUS_LABELS
from courseware.roles import CourseScoped, Library, Scoped, ScopedInline, make_teacher, reachable
from courseware.services import (
    CitationChange,
    ReimportPlan,
    enrol_roster,
    import_source,
    plan_course_roster,
    plan_source_reimport,
    quote_fields,
    reimport_source,
    review_post,
)

_ModelT = TypeVar("_ModelT", bound=models.Model)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
METADATA_FIELDS = [
    *("slug", "title", "is_title_editorial", "author", "publisher", "published", "kind", "note"),
]


def _source_bytes(data: dict[str, Any]) -> bytes:
    """The text of a source from a form's `upload` or `paste` field, checked to be plain UTF-8
    text (forms.ValidationError otherwise)."""
    upload, paste = data.get("upload"), (data.get("paste") or "")
    if upload and paste.strip():
        raise forms.ValidationError("Upload a file or paste the text, not both.")
    if upload:
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                {"upload": "The file is larger than 2 MB; is it really plain text?"}
            )
        raw: bytes = upload.read()
    elif paste.strip():
        raw = paste.encode("utf-8")
    else:
        raise forms.ValidationError("Upload a file or paste the text of the source.")
    try:
        decode(raw)
    except SourceFileError as error:
        raise forms.ValidationError({"upload" if upload else "paste": str(error)}) from error
    return raw


class SourceImportForm(forms.ModelForm[Source]):
    """Adding a source: its metadata plus the text, uploaded or pasted."""

    upload = forms.FileField(required=False, help_text="A plain-text (.txt) file in UTF-8.")
    paste = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="…or paste the text here.",
    )

    class Meta:
        model = Source
        fields = METADATA_FIELDS

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["raw"] = _source_bytes(data)
        return data


class SourceTextForm(forms.Form):
    """A new version of a source's text, uploaded or pasted."""

    upload = forms.FileField(required=False, help_text="A plain-text (.txt) file in UTF-8.")
    paste = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text="…or paste the whole new text here.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["raw"] = _source_bytes(data)
        return data


# Previews travel to the confirm step signed (nobody can alter what was previewed) and
# compressed (a 1 MB roster or a 2 MB source fits well under DATA_UPLOAD_MAX_MEMORY_SIZE).
PREVIEW_MAX_AGE = 60 * 60
REIMPORT_SALT = "courseware.admin.reimport"
ROSTER_SALT = "courseware.admin.roster"
EXPIRED = "This preview has expired or was altered; upload the file again."


def _owner(quote: Quote) -> Any:
    """What a citation belongs to: its one foreign key besides the source."""
    field = next(f for f in type(quote)._meta.fields if f.many_to_one and f.name != "source")
    return getattr(quote, field.name)


def _admin_url(site: admin.AdminSite, obj: Any) -> str | None:
    """The admin page of obj or, if its model has none, of its nearest required parent that
    has one (a question version → its question)."""
    for _step in range(3):
        model = type(obj)
        if site.is_registered(model):
            opts = model._meta
            return reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        parent = next((f for f in model._meta.fields if f.many_to_one and not f.null), None)
        if parent is None:
            return None
        obj = getattr(obj, parent.name)
    return None


class PassageInline(ScopedInline[Passage, Source], admin.TabularInline[Passage, Source]):
    model = Passage
    fields = readonly_fields = ("position", "kind", "section", "text", "start", "end")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(Library[Source]):
    list_display = ["title", "slug", "kind", "publisher", "published", "passage_count"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "author", "publisher"]
    readonly_fields = ["raw_sha256", "removed_lines_report", "text"]
    inlines = [PassageInline]
    # Django 6's default for a scheme-less address, adopted now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(n_passages=Count("passages"))

    @admin.display(description="Passages", ordering="n_passages")
    def passage_count(self, obj: Source) -> int:
        return obj.n_passages  # type: ignore[attr-defined, no-any-return]

    @admin.display(description="Removed lines")
    def removed_lines_report(self, obj: Source) -> str:
        if not obj.removed_lines:
            return "None"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>line {}: <q>{}</q> — {}</li>",
                ((r["line_no"], r["text"], r["reason"]) for r in obj.removed_lines),
            ),
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = SourceImportForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": METADATA_FIELDS}), ("Text", {"fields": ["upload", "paste"]})]
        return [
            (None, {"fields": [*METADATA_FIELDS, "url", "copied_from_url"]}),
            (
                "Cleaned text",
                {"fields": ["raw_sha256", "removed_lines_report", "text"], "classes": ["collapse"]},
            ),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        source = import_source(
            slug=data["slug"],
            title=data["title"],
            data=data["raw"],
            author=data["author"],
            publisher=data["publisher"],
            published=data["published"],
            kind=data["kind"],
            note=data["note"],
        )
        source.is_title_editorial = data["is_title_editorial"]
        source.created_by = staff_user(request)
        source.save(update_fields=["is_title_editorial", "created_by"])
        obj.pk = source.pk

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.reimport_view)
        return [
            path("<path:object_id>/reimport/", view, name="courseware_source_reimport"),
            *super().get_urls(),
        ]

    def reimport_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Re-import text: upload or paste → preview of every change → confirm → what
        happened. The previewed file travels signed, so confirming needs no second upload."""
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404("No such source.")
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        form, plan, error, note, status = SourceTextForm(), None, "", "", 200
        if request.method == "POST" and "token" in request.POST:
            try:
                payload = signing.loads(
                    request.POST["token"], salt=REIMPORT_SALT, max_age=PREVIEW_MAX_AGE
                )
                if payload["source"] != source.pk:
                    raise signing.BadSignature
                raw = str(payload["raw"]).encode("utf-8")
            except (signing.BadSignature, KeyError, TypeError):
                error, status = EXPIRED, 400
            else:
                if payload["sha"] != source.raw_sha256:
                    note = "The source changed since that preview; check this preview again."
                    plan = plan_source_reimport(source=source, data=raw)
                else:
                    try:
                        result = reimport_source(source=source, data=raw)
                    except ValidationError as refused:
                        error = " ".join(refused.messages)
                        plan = plan_source_reimport(source=source, data=raw)
                    else:
                        self.log_change(request, source, "Re-imported the text.")
                        return self._reimport_page(
                            request, source, plan=result.plan, sent_back=result.sent_back
                        )
        elif request.method == "POST":
            form = SourceTextForm(request.POST, request.FILES)
            if not form.is_valid():
                status = 400
            else:
                try:
                    plan = plan_source_reimport(source=source, data=form.cleaned_data["raw"])
                except ValidationError as refused:
                    error, status = " ".join(refused.messages), 400
        return self._reimport_page(
            request, source, form=form, plan=plan, error=error, note=note, status=status
        )

    def _reimport_page(
        self,
        request: HttpRequest,
        source: Source,
        *,
        plan: ReimportPlan | None,
        form: SourceTextForm | None = None,
        sent_back: list[Any] | None = None,
        error: str = "",
        note: str = "",
        status: int = 200,
    ) -> TemplateResponse:
        site = self.admin_site
        context: dict[str, Any] = {
            **site.each_context(request),
            "opts": self.opts,
            "original": source,
            "title": f"Re-import the text of “{source}”",
            "form": form,
            "plan": plan,
            "error": error,
            "note": note,
            "is_done": sent_back is not None,
            "sent_back": [(obj, _admin_url(site, obj)) for obj in sent_back or []],
        }
        if plan is not None:
            context |= {
                "token": signing.dumps(
                    {"source": source.pk, "sha": source.raw_sha256, "raw": plan.raw.decode()},
                    salt=REIMPORT_SALT,
                    compress=True,
                ),
                "counts": {label: len(plan.with_status(s)) for s, label in STATUS_LABELS.items()},
                "blocking": _citation_rows(site, plan.blocking),
                "moved": _citation_rows(site, plan.with_status(MOVED)),
                "edited": _citation_rows(site, plan.with_status(EDITED)),
                "broken": _citation_rows(site, plan.with_status(BROKEN)),
                "readings": [
                    (change, _admin_url(site, change.reading)) for change in plan.readings
                ],
            }
        return TemplateResponse(
            request, "admin/courseware/source/reimport.html", context, status=status
        )


def _citation_rows(site: admin.AdminSite, changes: list[CitationChange]) -> list[dict[str, Any]]:
    rows = []
    for change in changes:
        owner = _owner(change.quote)
        rows.append(
            {
                "change": change,
                "kind": type(change.quote)._meta.verbose_name,
                "owner": owner,
                "url": _admin_url(site, owner),
            }
        )
    return rows


@admin.register(Passage)
class PassageAdmin(Scoped[Passage], admin.ModelAdmin[Passage]):
    list_display = ["__str__", "source", "position", "kind", "section"]
    list_filter = ["source", "kind"]
    list_select_related = ["source"]
    search_fields = ["text", "section", "source__slug"]
    readonly_fields = ["source", "position", "kind", "section", "text", "start", "end"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Objective)
class ObjectiveAdmin(Library[Objective]):
    list_display = ["code", "title", "position"]
    search_fields = ["code", "title"]


class CitationForm(forms.ModelForm[Quote]):
    """A citation typed by a teacher. The quote is anchored in its source (start, end and the
    shortest prefix and suffix are filled in); one that does not anchor is refused, naming the
    nearest text in the source."""

    class Meta:
        fields = ["position", "source", "exact", "prefix", "suffix"]
        labels = {"exact": "Quote"}
        help_texts = {
            "exact": "The exact words of the source. Straight or curly quotes and spacing "
            "do not matter.",
            "prefix": "Only if the quote occurs more than once: the words just before it.",
            "suffix": "…or just after it.",
        }
        widgets = {
            "exact": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "prefix": forms.TextInput(attrs={"size": 12}),
            "suffix": forms.TextInput(attrs={"size": 12}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        source, exact = data.get("source"), data.get("exact")
        if source is None or not exact:
            return data
        try:
            fields = quote_fields(source, exact, data.get("prefix", ""), data.get("suffix", ""))
        except QuoteError as error:
            self.add_error("exact", str(error))
            return data
        data.update(exact=fields["exact"], prefix=fields["prefix"], suffix=fields["suffix"])
        self.instance.start, self.instance.end = fields["start"], fields["end"]
        return data

    def _post_clean(self) -> None:
        # Quote.clean() reads the source and the offsets, which exist only once the quote has
        # anchored; when the form already has errors there is nothing more to check.
        if not self.errors:
            # django-stubs does not declare BaseModelForm._post_clean, Django's hook for this.
            super()._post_clean()  # type: ignore[misc]


class CitationCount(admin.ModelAdmin[_ModelT]):
    """A list column with how many citations each row has (their owners need at least one)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        # The plugin cannot type annotate() on a generic model's rows: it is the same rows.
        rows: QuerySet[_ModelT] = (
            super().get_queryset(request).annotate(n_citations=Count("citations"))
        )
        return rows

    @admin.display(description="Citations", ordering="n_citations")
    def citation_count(self, obj: Any) -> int:
        return obj.n_citations  # type: ignore[no-any-return]


class CitationInline(ScopedInline[Quote, models.Model], admin.TabularInline[Quote, models.Model]):
    """The citations of a note, a perspective or an event (its subclasses give the model)."""

    form = CitationForm
    fields = ["position", "source", "exact", "prefix", "suffix", "start", "end"]
    readonly_fields = ["start", "end"]
    extra = 0
    min_num = 1  # every note, perspective and event rests on at least one citation
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quote]:
        return super().get_queryset(request).select_related("source")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # min_num alone only shows an empty row; this also refuses deleting the last one.
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name != "source":
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        # A plain choice of the sources by short title: no add or edit icons inside a citation.
        queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        field = db_field.formfield(**kwargs)
        field.label_from_instance = lambda source: Truncator(source.title).chars(40)
        return field


class NoteCitationInline(CitationInline):
    model = NoteCitation


class PerspectiveCitationInline(CitationInline):
    model = PerspectiveCitation


class EventCitationInline(CitationInline):
    model = EventCitation


def _quotes(citations: Any) -> str:
    return format_html_join(
        "", "<blockquote>“{}” — {}</blockquote>", ((c.exact, c.source.slug) for c in citations)
    )


class ReadingPassageInline(
    ScopedInline[ReadingPassage, Reading], admin.TabularInline[ReadingPassage, Reading]
):
    model = ReadingPassage
    fields = ["position", "passage"]
    autocomplete_fields = ["passage"]
    extra = 0
    ordering = ["position"]


class ReadingNoteInline(
    ScopedInline[ReadingNote, Reading], admin.StackedInline[ReadingNote, Reading]
):
    model = ReadingNote
    fields = ["position", "title", "text", "quotes"]
    readonly_fields = ["quotes"]
    extra = 0
    show_change_link = True
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReadingNote]:
        return super().get_queryset(request).prefetch_related("citations__source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added on its own page, where its citations (at least one) go

    @admin.display(description="Citations (edit them on the note's own page)")
    def quotes(self, obj: ReadingNote) -> str:
        return _quotes(obj.citations.all()) if obj.pk else "—"


@admin.register(Reading)
class ReadingAdmin(CourseScoped[Reading]):
    course_field = "courses"
    shared_if_unused = True

    list_display = ["title", "slug", "position"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["objectives"]
    inlines = [ReadingPassageInline, ReadingNoteInline]


@admin.register(ReadingNote)
class ReadingNoteAdmin(CitationCount[ReadingNote], CourseScoped[ReadingNote]):
    course_field = "reading__courses"
    shared_if_unused = True

    list_display = ["title", "reading", "position", "citation_count"]
    list_filter = ["reading"]
    list_select_related = ["reading"]
    search_fields = ["title", "text", "reading__title"]
    autocomplete_fields = ["reading"]
    inlines = [NoteCitationInline]


class EnrollmentInline(ScopedInline[Enrollment, Course], admin.TabularInline[Enrollment, Course]):
    model = Enrollment
    fields = [
        *("user", "name", "email", "role", "section"),
        *("sis_user_id", "sis_login_id", "canvas_user_id"),
    ]
    readonly_fields = ["name", "email"]
    autocomplete_fields = ["user"]
    extra = 0
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 12})}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user")

    # Teachers see no user accounts (they have no permission on users): they enrol through a
    # roster, and change the enrolments here.
    # Only administrators change who teaches a course (a teacher is staff).
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "user", "role"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, obj)

    @admin.display(description="Name")
    def name(self, obj: Enrollment) -> str:
        return obj.user.get_full_name() if obj.user_id else ""

    @admin.display(description="Email")
    def email(self, obj: Enrollment) -> str:
        return obj.user.email if obj.user_id else ""


class RosterForm(forms.Form):
    file = forms.FileField(
        label="Roster (CSV)",
        help_text="A CSV file in UTF-8, at most 1 MB: a Canvas or Moodle export, or any "
        "spreadsheet saved as CSV with a header row.",
    )

    def clean_file(self) -> roster.Roster:
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; a roster must be at most "
                "1 MB. Split it into several files."
            )
        try:
            text = roster.decode_roster(upload.read())
            parsed = roster.parse_roster(text)
        except roster.RosterFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.text = text
        return parsed


def _roster_counts(planned: list[roster.PlannedRow]) -> dict[str, int]:
    return {
        action: sum(1 for p in planned if p.action == action) for action in roster.ACTION_LABELS
    }


@admin.register(Course)
class CourseAdmin(CourseScoped[Course]):
    course_field = "pk"

    list_display = ["title", "slug", "n_members"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["readings"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).annotate(n=Count("enrollments"))

    @admin.display(description="Members", ordering="n")
    def n_members(self, obj: Course) -> int:
        return obj.n  # type: ignore[attr-defined, no-any-return]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for enrollment in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            if isinstance(enrollment, Enrollment) and enrollment.role == Enrollment.Role.TEACHER:
                make_teacher(enrollment.user)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.roster_view)
        return [
            path("<path:object_id>/roster/", view, name="courseware_course_roster"),
            *super().get_urls(),
        ]

    def roster_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Enrol from a roster: upload a CSV → preview of every row → confirm. The preview
        travels signed, so confirming needs no second upload; if what the rows would do has
        changed meanwhile, the preview is shown again instead."""
        course = self.get_object(request, unquote(object_id))
        if course is None:
            raise Http404("No such course.")
        if not (
            self.has_change_permission(request, course)
            and request.user.has_perm("courseware.add_enrollment")
        ):
            raise PermissionDenied
        form, text, error, note, status = RosterForm(), "", "", "", 200
        if request.method == "POST" and "token" in request.POST:
            try:
                payload = signing.loads(
                    request.POST["token"], salt=ROSTER_SALT, max_age=PREVIEW_MAX_AGE
                )
                if payload["course"] != course.pk:
                    raise signing.BadSignature
                text = str(payload["text"])
                parsed = roster.parse_roster(text)
            except (signing.BadSignature, KeyError, TypeError, roster.RosterFileError):
                text, error, status = "", EXPIRED, 400
            else:
                planned = plan_course_roster(
                    course=course, rows=parsed.rows, by=staff_user(request)
                )
                if request.POST.get("expected") != _roster_key(planned):
                    note = (
                        "What the roster would do has changed since the preview (someone "
                        "enrolled or added users meanwhile). Check the preview again."
                    )
                else:
                    try:
                        summary = enrol_roster(
                            course=course, rows=parsed.rows, by=staff_user(request)
                        )
                    except IntegrityError:
                        note = "Someone changed these users meanwhile; check the preview again."
                    else:
                        self.log_change(request, course, f"Enrolled from a roster: {summary}")
                        self.message_user(request, f"Roster enrolled: {summary}", messages.SUCCESS)
                        return HttpResponseRedirect(
                            reverse("admin:courseware_course_change", args=[course.pk])
                        )
        elif request.method == "POST":
            form = RosterForm(request.POST, request.FILES)
            if form.is_valid():
                text = form.text
            else:
                status = 400
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": f"Enrol from a roster: {course}",
            "form": form,
            "error": error,
            "note": note,
            "max_megabytes": roster.MAX_BYTES // (1024 * 1024),
        }
        if text:
            parsed = roster.parse_roster(text)
            planned = plan_course_roster(course=course, rows=parsed.rows, by=staff_user(request))
            counts = _roster_counts(planned)
            context |= {
                "roster": parsed,
                "planned": planned,
                "counts": [(roster.ACTION_LABELS[a], n) for a, n in counts.items() if n],
                "good": len(planned) - counts[roster.ERROR],
                "bad": counts[roster.ERROR],
                "expected": _roster_key(planned),
                "token": signing.dumps(
                    {"course": course.pk, "text": text}, salt=ROSTER_SALT, compress=True
                ),
                "columns": [(roster.LABELS[k], h) for k, h in parsed.columns.items()],
            }
        return TemplateResponse(
            request, "admin/courseware/course/roster.html", context, status=status
        )


def _roster_key(planned: list[roster.PlannedRow]) -> str:
    """What the preview promised, row by row: confirming checks it still holds."""
    return ",".join(f"{p.row.number}:{p.action}" for p in planned)


@admin.register(Enrollment)
class EnrollmentAdmin(CourseScoped[Enrollment]):
    list_display = [
        *("user", "name", "email", "course", "role", "section"),
        *("sis_user_id", "canvas_user_id", "created_at"),
    ]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "role", "section"]
    list_select_related = ["user", "course"]
    search_fields = [
        *("user__username", "user__first_name", "user__last_name", "user__email"),
        *("sis_user_id", "sis_login_id", "canvas_user_id", "section"),
    ]
    autocomplete_fields = ["user", "course"]
    fields = [
        *("course", "user", "name", "email", "role", "section"),
        *("sis_user_id", "sis_login_id", "canvas_user_id"),
    ]
    readonly_fields = ["name", "email"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "user", "course", "role"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Teachers see no user accounts: they enrol students from a roster on the course.
        return request.user.is_superuser and super().has_add_permission(request)

    def save_model(self, request: HttpRequest, obj: Enrollment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.role == Enrollment.Role.TEACHER:
            make_teacher(obj.user)

    @admin.display(description="Name", ordering="user__last_name")
    def name(self, obj: Enrollment) -> str:
        return obj.user.get_full_name() if obj.user_id else ""

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj: Enrollment) -> str:
        return obj.user.email if obj.user_id else ""


class PerspectiveInline(
    ScopedInline[Perspective, Prompt], admin.StackedInline[Perspective, Prompt]
):
    model = Perspective
    fields = ["position", "label", "summary", "quotes"]
    readonly_fields = ["quotes"]
    extra = 0
    show_change_link = True
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Perspective]:
        return super().get_queryset(request).prefetch_related("citations__source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added on its own page, where its citations (at least one) go

    @admin.display(description="Citations (edit them on the perspective's own page)")
    def quotes(self, obj: Perspective) -> str:
        return _quotes(obj.citations.all()) if obj.pk else "—"


@admin.register(Prompt)
class PromptAdmin(CourseScoped[Prompt]):
    course_field = "courses"
    shared_if_unused = True

    list_display = ["title", "slug", "is_hidden_until_posted", "points", "position"]
    search_fields = ["title", "slug", "question"]
    filter_horizontal = ["objectives"]
    inlines = [PerspectiveInline]


@admin.register(Perspective)
class PerspectiveAdmin(CitationCount[Perspective], CourseScoped[Perspective]):
    course_field = "prompt__courses"
    shared_if_unused = True

    list_display = ["label", "prompt", "position", "citation_count"]
    list_filter = ["prompt"]
    list_select_related = ["prompt"]
    search_fields = ["label", "summary", "prompt__title"]
    autocomplete_fields = ["prompt"]
    inlines = [PerspectiveCitationInline]


@admin.register(TimelinePeriod)
class TimelinePeriodAdmin(Library[TimelinePeriod]):
    list_display = ["title", "until", "position"]
    list_editable = ["until", "position"]
    search_fields = ["title"]

    def courses_using(self, obj: TimelinePeriod) -> QuerySet[Course]:
        return Course.objects.all()  # every course's timeline shows every period


@admin.register(TimelineEvent)
class TimelineEventAdmin(CitationCount[TimelineEvent], Library[TimelineEvent]):
    list_display = ["when", "title", "sort", "slug", "citation_count"]
    list_filter = ["citations__source"]
    search_fields = ["title", "slug", "when", "note"]
    ordering = ["sort", "slug"]
    inlines = [EventCitationInline]

    def courses_using(self, obj: TimelineEvent) -> QuerySet[Course]:
        # A course's timeline shows the events citing the sources it reads.
        return Course.objects.filter(
            readings__passages__source__in=obj.citations.values("source")
        ).distinct()


class PostEvidenceInline(ScopedInline[PostEvidence, Post], admin.TabularInline[PostEvidence, Post]):
    model = PostEvidence
    fields = readonly_fields = ("position", "source", "exact", "start", "end")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostReviewForm(forms.ModelForm[Post]):
    class Meta:
        model = Post
        fields = ["is_featured", "is_hidden", "score", "teacher_comment"]

    def clean_score(self) -> Any:
        score = self.cleaned_data.get("score")
        if score is None or self.instance.prompt_id is None:
            return score
        points = self.instance.prompt.points
        if not 0 <= score <= points:
            raise forms.ValidationError(
                _("Give a score from 0 to %(points)s.") % {"points": f"{points.normalize():f}"}
            )
        return score


@admin.register(Post)
class PostAdmin(CourseScoped[Post]):
    list_display = ["prompt", "author", "course", "created_at", "is_featured", "is_hidden", "score"]
    list_filter = [
        ("course", admin.RelatedOnlyFieldListFilter),
        "prompt",
        "is_featured",
        "is_hidden",
    ]
    list_select_related = ["prompt", "author", "course"]
    search_fields = ["body", "author__username", "author__last_name"]
    readonly_fields = [
        *("prompt", "course", "author", "parent", "body", "created_at", "edited_at"),
        *("scored_by", "scored_at"),
    ]
    inlines = [PostEvidenceInline]
    form = PostReviewForm

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        # Who scored it and when are the service's to set, never a choice among accounts.
        # The form has already set the new values on obj: the service compares with the row.
        data = form.cleaned_data
        review_post(
            post=Post.objects.get(pk=obj.pk),
            teacher=staff_user(request),
            is_featured=data["is_featured"],
            is_hidden=data["is_hidden"],
            score=data["score"],
            comment=data["teacher_comment"],
        )


@admin.register(ReadingProgress)
class ReadingProgressAdmin(CourseScoped[ReadingProgress]):
    list_display = ["student", "reading", "course", "is_read", "seconds_spent", "updated_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "is_read", "reading"]
    list_select_related = ["student", "reading", "course"]
    search_fields = ["student__username", "student__last_name"]


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """Django's "view on site" shortcut (/admin/r/<type>/<id>/), for what the user reaches in
    the admin only: any other object is the same 404 as one that does not exist, so the
    redirect never tells a teacher another course's address."""
    if not content_type_id.isdecimal() or len(content_type_id) > 9:
        raise Http404
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        reached = model is not None and (
            reachable(admin.site, request, model).filter(pk=object_id).exists()
        )
    except (ContentType.DoesNotExist, ValueError, ValidationError, OverflowError):
        reached = False
    if not reached:
        raise Http404(_("No such object."))
    return shortcut(request, content_type_id, object_id)
