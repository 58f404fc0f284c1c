"""The library in the admin: sources (added by upload or paste, re-imported with a preview of
every citation that moves or breaks), their passages and objectives."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from courseware.admin.previews import EXPIRED, PREVIEW_MAX_AGE
from courseware.admin.source_forms import (
    METADATA_FIELDS,
    RULE_FIELDS,
    SourceImportForm,
    SourceTextForm,
)
from courseware.http import staff_user
from courseware.models import Objective, Passage, Quote, Source
from courseware.reimport import BROKEN, EDITED, MOVED, UNCHANGED
from courseware.removal_reasons import removal_reason
from courseware.roles import Library, Scoped, ScopedInline
from courseware.services import (
    CitationChange,
    ReimportPlan,
    import_source,
    plan_source_reimport,
    reimport_source,
)

# A source's texts and cleaning report: what a list of sources never needs to load.
BIG_FIELDS = ("raw_text", "text", "removed_lines", "clean_rules")
REIMPORT_SALT = "courseware.admin.reimport"
# What happens to a citation in a re-import (courseware.reimport, which is plain Python).
STATUS_NAMES = {
    UNCHANGED: _("Unchanged"),
    MOVED: _("Moved"),
    EDITED: _("Passage edited"),
    BROKEN: _("Broken"),
}


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


class SourceChangeList(ChangeList):
    """The list of sources shows metadata only: the texts (megabytes each) stay in the
    database."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).defer(*BIG_FIELDS)


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
    readonly_fields = ["raw_sha256", "clean_rules_report", "removed_lines_report", "text"]
    inlines = [PassageInline]
    # Django 6's default for a scheme-less address, adopted now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        # A subquery, not Count() over a join: grouping would carry every column (the raw and
        # cleaned texts, megabytes each) through the sort.
        passages = (
            Passage.objects.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(n_passages=Coalesce(Subquery(passages), 0))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SourceChangeList

    @admin.display(description=_("Passages"), ordering="n_passages")
    def passage_count(self, obj: Source) -> int:
        return obj.n_passages  # type: ignore[attr-defined, no-any-return]

    @admin.display(description=_("Cleaning rules"))
    def clean_rules_report(self, obj: Source) -> str:
        if not obj.clean_rules:
            return gettext("The general rules only.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}: <code>{}</code></li>", sorted(obj.clean_rules.items())),
        )

    @admin.display(description=_("Removed lines"))
    def removed_lines_report(self, obj: Source) -> str:
        if not obj.removed_lines:
            return pgettext("no lines removed", "None")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: <q>{}</q> — {}</li>",
                (
                    (
                        gettext("line %(number)d") % {"number": r["line_no"]},
                        r["text"],
                        removal_reason(r["reason"]),
                    )
                    for r in obj.removed_lines
                ),
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
            return [
                (None, {"fields": METADATA_FIELDS}),
                (_("Text"), {"fields": ["upload", "paste", "preview_token"]}),
                (
                    _("Cleaning rules"),
                    {
                        "fields": RULE_FIELDS,
                        "description": _(
                            "General rules remove page furniture (menus, share bars, cookie "
                            "and newsletter notices, copyright lines) and repair hard wraps. "
                            "Preview the result, then adjust these rules if a line is wrong."
                        ),
                    },
                ),
            ]
        return [
            (None, {"fields": [*METADATA_FIELDS, "url", "copied_from_url"]}),
            (
                _("Cleaned text"),
                {
                    "fields": ["raw_sha256", "clean_rules_report", "removed_lines_report", "text"],
                    "classes": ["collapse"],
                },
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
            clean_rules=data["clean_rules"],
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
                error, status = str(EXPIRED), 400
            else:
                if payload["sha"] != source.raw_sha256:
                    note = gettext(
                        "The source changed since that preview; check this preview again."
                    )
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
            "title": gettext("Re-import the text of “%(source)s”") % {"source": source},
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
                "counts": {label: len(plan.with_status(s)) for s, label in STATUS_NAMES.items()},
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
