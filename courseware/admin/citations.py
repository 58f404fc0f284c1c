"""Citations typed by a teacher in the admin: the form that anchors a quote in its source, the
inlines of notes, perspectives and events, and the list column counting them."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from courseware.ingest import QuoteError
from courseware.models import EventCitation, NoteCitation, PerspectiveCitation, Quote
from courseware.roles import ScopedInline
from courseware.services import quote_fields, quote_problem

_ModelT = TypeVar("_ModelT", bound=models.Model)


class CitationForm(forms.ModelForm[Quote]):
    """A citation typed by a teacher. The quote is anchored in its source (start, end and the
    shortest prefix and suffix are filled in); one that does not anchor is refused, naming the
    nearest text in the source."""

    class Meta:
        fields = ["position", "source", "exact", "prefix", "suffix"]
        labels = {"exact": _("Quote")}
        help_texts = {
            "exact": _(
                "The exact words of the source. Straight or curly quotes and spacing do not matter."
            ),
            "prefix": _("Only if the quote occurs more than once: the words just before it."),
            "suffix": _("…or just after it."),
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
            context = data.get("prefix", "") + data.get("suffix", "")
            self.add_error("exact", quote_problem(error, context=context))
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

    @admin.display(description=_("Citations"), ordering="n_citations")
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


def quotes_html(citations: Any) -> str:
    """Citations as read-only blockquotes, for an inline whose citations are edited elsewhere."""
    return format_html_join(
        "", "<blockquote>“{}” — {}</blockquote>", ((c.exact, c.source.slug) for c in citations)
    )
