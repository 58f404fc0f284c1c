"""The forms that bring a source's text into the admin (upload or paste), and the preview of
what cleaning does to it before the source is added.

Adding a source is previewed first: the form shows the lines cleaning removes (with their
reasons), the passages and the reading figures, and offers the course pack's per-source rules
(keep a line, remove a line, where the text starts and ends, hard wraps, headings) to adjust.
Saving adds the source only when the text and rules are the ones just previewed; otherwise the
form previews again. An uploaded file travels on in a signed token, so it is uploaded once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courseware.admin.previews import PREVIEW_MAX_AGE
from courseware.ingest import Block, Document, RemovedLine, SourceFileError
from courseware.ingest.metrics import count_words, flesch_kincaid_grade, reading_minutes
from courseware.models import Source
from courseware.services import plan_source_import, source_text

METADATA_FIELDS = [
    *("slug", "title", "is_title_editorial", "author", "publisher", "published", "kind", "note"),
]
RULE_FIELDS = [
    *("keep_lines", "drop_lines", "cut_until", "cut_from", "unwrap", "headings", "not_headings"),
]
PREVIEW_SALT = "courseware.admin.source-add"
# The preview lists this many passages; a book-length text would make the page unusable.
PREVIEW_PASSAGES = 300
LINES = forms.Textarea(attrs={"rows": 3, "cols": 80})
LIST_MARKER = "(?:[-•*] +)?"


def source_bytes(upload: Any, paste: str, kept: bytes | None = None) -> bytes:
    """The text of a source from an `upload` or a `paste` (or, with neither, the text kept
    from a preview), checked to be plain UTF-8 text within the size limit."""
    if upload and paste.strip():
        raise forms.ValidationError(gettext("Upload a file or paste the text, not both."))
    limit = settings.SOURCE_MAX_BYTES
    if upload:
        if upload.size > limit:
            message = gettext(
                "The file is %(size)s, more than the %(limit)s a source may have. Split it "
                "into several sources, or ask an administrator to raise SOURCE_MAX_BYTES."
            ) % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            raise forms.ValidationError({"upload": message})
        raw: bytes = upload.read()
    elif paste.strip():
        raw = paste.encode("utf-8")
    elif kept is not None:
        raw = kept
    else:
        raise forms.ValidationError(gettext("Upload a file or paste the text of the source."))
    try:
        source_text(raw)
    except SourceFileError as error:
        raise forms.ValidationError({"upload" if upload else "paste": str(error)}) from error
    return raw


def _lines(value: str) -> list[str]:
    """The non-blank lines of a text box, each with its spaces collapsed (as the preview shows
    lines), without repeats."""
    return list(
        dict.fromkeys(" ".join(line.split()) for line in value.splitlines() if line.strip())
    )


def rules_from(data: dict[str, Any]) -> dict[str, Any]:
    """The per-source cleaning rules (the course pack's `[source.clean]` table) from the
    form's fields. Lines are matched exactly: they become escaped regular expressions."""
    rules: dict[str, Any] = {}
    if lines := _lines(data.get("keep_lines") or ""):
        rules["keep_lines"] = [re.escape(line) for line in lines]
    if lines := _lines(data.get("drop_lines") or ""):
        # A passage that is a list item is shown without its marker ("- ").
        rules["drop_lines"] = [LIST_MARKER + re.escape(line) for line in lines]
    for name in ("cut_until", "cut_from"):
        if line := " ".join((data.get(name) or "").split()):
            rules[name] = [re.escape(line)]
    if data.get("unwrap") in ("always", "never"):
        rules["unwrap"] = data["unwrap"] == "always"
    for name in ("headings", "not_headings"):
        if lines := _lines(data.get(name) or ""):
            rules[name] = lines
    return rules


@dataclass(frozen=True)
class SourcePreview:
    """What adding the source will give: its passages, the removed lines, the figures."""

    document: Document
    words: int
    grade: float
    minutes: int

    @classmethod
    def of(cls, document: Document) -> SourcePreview:
        words = count_words(document.text)
        return cls(document, words, flesch_kincaid_grade(document.text), reading_minutes(words))

    @property
    def removed(self) -> tuple[RemovedLine, ...]:
        return self.document.removed

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for line in self.document.removed:
            counts[line.reason] = counts.get(line.reason, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @property
    def passages(self) -> tuple[Block, ...]:
        return self.document.blocks[:PREVIEW_PASSAGES]

    @property
    def passages_not_shown(self) -> int:
        return max(0, len(self.document.blocks) - PREVIEW_PASSAGES)


class SourceImportForm(forms.ModelForm[Source]):
    """Adding a source: its metadata, the text (uploaded or pasted), its cleaning rules."""

    upload = forms.FileField(
        label=_("Upload"), required=False, help_text=_("A plain-text (.txt) file in UTF-8.")
    )
    paste = forms.CharField(
        label=_("Paste"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("…or paste the text here."),
    )
    keep_lines = forms.CharField(
        label=_("Keep these lines"),
        required=False,
        widget=LINES,
        help_text=_("One line per row, as the preview shows it: real text cleaning removed."),
    )
    drop_lines = forms.CharField(
        label=_("Remove these lines"),
        required=False,
        widget=LINES,
        help_text=_("One line per row, as the preview shows it: page furniture cleaning kept."),
    )
    cut_until = forms.CharField(
        label=_("The text starts at the line"),
        required=False,
        max_length=2000,
        help_text=_("Every line before it is removed (a site's header, a menu)."),
    )
    cut_from = forms.CharField(
        label=_("The text ends before the line"),
        required=False,
        max_length=2000,
        help_text=_("It and every line after it are removed (a footer, related stories)."),
    )
    unwrap = forms.ChoiceField(
        label=_("Repair hard wraps"),
        choices=[
            ("auto", _("When the text looks wrapped at a fixed width")),
            ("always", _("Always (lines broken mid-sentence, at any width)")),
            ("never", _("Never (every line is a paragraph)")),
        ],
        initial="auto",
        required=False,
    )
    headings = forms.CharField(label=_("Lines that are headings"), required=False, widget=LINES)
    not_headings = forms.CharField(
        label=_("Lines that are not headings"), required=False, widget=LINES
    )
    preview_token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Source
        fields = METADATA_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preview: SourcePreview | None = None
        self.kept_file = ""  # the name of a file kept from the last preview
        self.is_previewing = False
        # The posted data, made changeable: ticked lines join the rule boxes, and the
        # preview's token is renewed.
        self.posted = QueryDict(mutable=True)
        if self.is_bound:
            for key in self.data:
                values = self.data.getlist(key) if isinstance(self.data, QueryDict) else None
                self.posted.setlist(key, values or [self.data[key]])
            self.data = self.posted
            self._take_ticked_lines()

    def _take_ticked_lines(self) -> None:
        """Lines ticked in the preview's lists join the rule boxes (no JavaScript needed)."""
        for box, field in (("keep_line", "keep_lines"), ("drop_line", "drop_lines")):
            ticked = [line for line in self.posted.getlist(box) if line.strip()]
            if ticked:
                current = _lines(self.posted.get(field, ""))
                merged = dict.fromkeys([*current, *_lines("\n".join(ticked))])
                self.posted[field] = "\n".join(merged)

    def is_valid(self) -> bool:
        # A form that was only previewed re-renders without errors: nothing is saved yet.
        return super().is_valid() and not self.is_previewing

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kept = self._kept_text()
        data["raw"] = source_bytes(data.get("upload"), data.get("paste") or "", kept)
        data["clean_rules"] = rules_from(data)
        try:
            document = plan_source_import(data=data["raw"], clean_rules=data["clean_rules"])
        except ValidationError as error:
            raise forms.ValidationError(
                " ".join(
                    message for messages in error.message_dict.values() for message in messages
                )
            ) from error
        self.preview = SourcePreview.of(document)
        shown = _digest(data["raw"], data["clean_rules"])
        previewed = self._token_payload().get("shown")
        self.is_previewing = "_preview" in self.posted or previewed != shown
        name = data["upload"].name if data.get("upload") else self.kept_file
        self.posted["preview_token"] = signing.dumps(
            {
                "shown": shown,
                "raw": None if (data.get("paste") or "").strip() else data["raw"].decode("utf-8"),
                "name": name,
            },
            salt=PREVIEW_SALT,
            compress=True,
        )
        self.kept_file = name
        return data

    def _token_payload(self) -> dict[str, Any]:
        try:
            payload = signing.loads(
                self.posted.get("preview_token", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            return {}
        return payload if isinstance(payload, dict) else {}

    def _kept_text(self) -> bytes | None:
        payload = self._token_payload()
        raw = payload.get("raw")
        if not isinstance(raw, str):
            return None
        self.kept_file = str(payload.get("name") or "")
        return raw.encode("utf-8")


def _digest(raw: bytes, rules: dict[str, Any]) -> str:
    return hashlib.sha256(raw + json.dumps(rules, sort_keys=True).encode()).hexdigest()


class SourceTextForm(forms.Form):
    """A new version of a source's text, uploaded or pasted."""

    upload = forms.FileField(
        label=_("Upload"), required=False, help_text=_("A plain-text (.txt) file in UTF-8.")
    )
    paste = forms.CharField(
        label=_("Paste"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_("…or paste the whole new text here."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["raw"] = source_bytes(data.get("upload"), data.get("paste") or "")
        return data
