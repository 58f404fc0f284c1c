"""The question authoring forms of the admin: one form per question type, with the answer data
as plain fields (rows of choices, items or pairs) and the citations checked as the teacher
writes them. A form turns its fields into the same data the course pack uses, and
quizzes.grading.validate_spec judges it, so a question saved here grades like a pack one."""

from __future__ import annotations

import string
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from courseware.ingest import QuoteError
from courseware.models import Source
from courseware.services import quote_fields, typed_text
from quizzes.grading import SpecError, validate_spec
from quizzes.models import Question

CITATION_ROWS = 3
ROWS = {"choice": 8, "item": 10, "pair": 8, "distractor": 4}
# A row's fields' labels, by (row prefix, part); %(n)s is the row's number.
ROW_LABELS = {
    ("choice", "text"): _("Choice %(n)s"),
    ("choice", "correct"): _("Choice %(n)s correct"),
    ("choice", "feedback"): _("Choice %(n)s feedback"),
    ("item", "text"): _("Item %(n)s"),
    ("pair", "left"): _("Pair %(n)s left"),
    ("pair", "right"): _("Pair %(n)s right"),
    ("distractor", "text"): _("Distractor %(n)s"),
}
TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 80})
LINE = forms.TextInput(attrs={"size": 60})


def _number(value: Decimal) -> int | float:
    """A form's decimal as the JSON number the pack would hold (60, not 60.0; 0.1, not a
    binary approximation)."""
    return int(value) if value == value.to_integral_value() else float(value)


class CitationWidget(forms.Textarea):
    """The quote box of a citation row: checked as the teacher types (htmx), with a passage
    search to pick the words from."""

    template_name = "admin/quizzes/question/citation_widget.html"

    def __init__(self, row: int) -> None:
        super().__init__(attrs={"rows": 3, "cols": 80})
        self.row = row
        self.error: QuoteError | None = None  # set when the posted words did not anchor

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["row"] = self.row
        if self.error is not None:  # shown at once, without waiting for the check (or JS)
            context["error"], context["problem"] = self.error, citation_problem(self.error)
        return context


class TagsField(forms.Field):
    """A question's tags as a person types them: words separated by commas ("disagreement,
    as-of-date"), shown the same way; stored as a list without blanks or repeats."""

    widget = forms.TextInput

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        tags = [tag.strip() for tag in typed_text(str(value or "")).split(",")]
        return list(dict.fromkeys(tag for tag in tags if tag))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if any(len(tag) > 60 for tag in value):
            raise forms.ValidationError(_("Keep each tag under 60 characters."))
        if len(value) > 20:
            raise forms.ValidationError(_("Give at most 20 tags."))


class QuestionForm(forms.ModelForm[Question]):
    """What every question has: key, stem, explanation, objectives, difficulty, status and up
    to three citations. Subclasses add their type's answer rows and `answer_data`."""

    kind = ""
    answer_fields: list[Any] = []

    stem = forms.CharField(label=_("Stem"), widget=TEXTAREA, max_length=2000)
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Labels for finding questions and for drawing them into pools, separated by "
            "commas, e.g. disagreement, as-of-date, timeline."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        widget=TEXTAREA,
        required=False,
        max_length=4000,
        help_text=_("Shown after answering: why the answer is right, naming the source."),
    )

    class Meta:
        model = Question
        fields = ["key", "difficulty", "objectives", "tags", "status"]
        help_texts = {
            "key": _("A stable id: letters, numbers, hyphens, e.g. weapons-flow-stores."),
            "objectives": _(
                "What the question checks. A published question needs at least one: its "
                "answers count toward each objective's mastery on the students' progress."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.kind:  # a new question: its type, for the page to show
            self.instance.kind = self.kind
        for row in range(1, CITATION_ROWS + 1):
            self.fields[f"citation_{row}_source"] = forms.ModelChoiceField(
                Source.objects.all(),
                required=False,
                label=gettext("Citation %(n)s: source") % {"n": row},
            )
            self.fields[f"citation_{row}_quote"] = forms.CharField(
                required=False,
                max_length=2000,
                label=gettext("Citation %(n)s: the words") % {"n": row},
                widget=CitationWidget(row),
                help_text=gettext(
                    "Paste or type the exact words of the source that answer the question."
                ),
            )
        status = self.fields.get("status")
        if (
            isinstance(status, forms.ChoiceField)
            and self.instance.status != Question.Status.REJECTED
        ):
            # Rejecting is a review decision, made with a reason in the review queue. (The stubs
            # type the getter as whatever the setter takes; Django gives (value, label) pairs.)
            choices = cast(list[tuple[str, str]], status.choices)
            status.choices = [c for c in choices if c[0] != Question.Status.REJECTED]
        version = self.instance.current_version() if self.instance.pk else None
        if version is not None:
            self.initial.update(stem=version.stem, explanation=version.explanation)
            for row, citation in enumerate(version.citations.all(), start=1):
                self.initial[f"citation_{row}_source"] = citation.source_id
                self.initial[f"citation_{row}_quote"] = citation.exact
            self.initial.update(self.initial_answer(version.data))

    # -- answer data, per type

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    def answer_data(self) -> dict[str, Any]:
        raise NotImplementedError

    # -- validation

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:  # the answer rows need their own fields clean first
            return cleaned
        try:
            cleaned["data"] = self.answer_data()
            validate_spec(self.kind, cleaned["data"])
        except SpecError as error:
            raise forms.ValidationError(
                gettext("The answer: %(error)s") % {"error": error}
            ) from error
        cleaned["citations"] = self._citations()
        if cleaned.get("status") == Question.Status.PUBLISHED:
            if not cleaned.get("objectives"):
                self.add_error(
                    "objectives",
                    _(
                        "Choose at least one objective: a published question's answers count "
                        "toward its objectives' mastery. Or save it as a draft for now."
                    ),
                )
            if not cleaned["citations"]:
                raise forms.ValidationError(
                    gettext(
                        "A published question needs at least one citation: the words that "
                        "answer it."
                    )
                )
        return cleaned

    def _citations(self) -> list[dict[str, Any]]:
        citations = []
        for row in range(1, CITATION_ROWS + 1):
            source = self.cleaned_data.get(f"citation_{row}_source")
            quote = (self.cleaned_data.get(f"citation_{row}_quote") or "").strip()
            if not quote and not source:
                continue
            if not quote:
                self.add_error(
                    f"citation_{row}_quote", gettext("Give the words this citation quotes.")
                )
            elif source is None:
                self.add_error(
                    f"citation_{row}_source", gettext("Choose the source these words are in.")
                )
            else:
                try:
                    citations.append(quote_fields(source, quote))
                except QuoteError as error:
                    name = f"citation_{row}_quote"
                    cast(CitationWidget, self.fields[name].widget).error = error
                    self.add_error(name, _("These words are not in the source (see below)."))
        return citations

    @classmethod
    def fieldsets(cls) -> list[tuple[str | None, dict[str, Any]]]:
        citations = [
            (f"citation_{row}_source", f"citation_{row}_quote")
            for row in range(1, CITATION_ROWS + 1)
        ]
        return [
            (None, {"fields": ["key", "kind_label", "stem", "status", "difficulty"]}),
            (
                gettext("Answer (%(kind)s)") % {"kind": Question.Kind(cls.kind).label.lower()},
                {"fields": cls.answer_fields},
            ),
            (gettext("Feedback"), {"fields": ["explanation"]}),
            (gettext("Citations"), {"fields": [field for row in citations for field in row]}),
            # Open, not folded away: a published question without one never counts toward
            # mastery, and a teacher does not fill in what they cannot see.
            (gettext("Objectives and tags"), {"fields": ["objectives", "tags"]}),
        ]


def citation_problem(error: QuoteError) -> str:
    """What is wrong with a quote that does not anchor, for a teacher. Not the build's message,
    which repeats the nearest text with an internal score: the nearest text is shown once,
    beside the button that uses it (admin/quizzes/question/citation_check.html)."""
    if error.matches > 1 and error.nearest is None:
        return gettext(
            "These words occur %(count)d times in the source; quote a few more words around "
            "them so that they point to one place."
        ) % {"count": error.matches}
    if error.nearest:
        return gettext("Not in this source.")
    return gettext("Not in this source, and nothing in it resembles these words: check the source.")


def _line(max_length: int = 500) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, widget=LINE)


class RowsForm(QuestionForm):
    """A question whose answer is numbered rows of fields (choice_1_text, choice_1_correct, …).
    Each row keeps the id it was given: students' answers name choices, items and pairs by
    id, so a reworded choice keeps its id and a regrade still reads old answers right."""

    rows: dict[str, dict[str, Any]] = {}  # prefix → part → field factory

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.answer_fields = [line for prefix in cls.rows for line in cls.row_fields(prefix)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix, parts in self.rows.items():
            for row in range(1, ROWS[prefix] + 1):
                self.fields[f"{prefix}_{row}_id"] = forms.CharField(
                    required=False, max_length=40, widget=forms.HiddenInput
                )
                for part, make in parts.items():
                    field = make()
                    field.label = ROW_LABELS[prefix, part] % {"n": row}
                    self.fields[f"{prefix}_{row}_{part}"] = field

    @classmethod
    def row_fields(cls, prefix: str) -> list[Any]:
        """Fieldset lines: the id (hidden) and the row's parts side by side."""
        parts = list(cls.rows[prefix])
        return [
            tuple(f"{prefix}_{row}_{part}" for part in ["id", *parts])
            for row in range(1, ROWS[prefix] + 1)
        ]

    def initial_rows(self, prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            f"{prefix}_{row}_{part}": value
            for row, values in enumerate(rows, start=1)
            for part, value in values.items()
        }

    def filled(
        self, prefix: str, first: str, taken: set[str] | None = None
    ) -> list[dict[str, Any]]:
        """The rows whose `first` part is filled in, in order, each with an id: its own, or
        the first free letter for a new row (`taken`: ids used elsewhere in the question)."""
        data = self.cleaned_data
        rows = []
        for row in range(1, ROWS[prefix] + 1):
            values = {part: data.get(f"{prefix}_{row}_{part}") for part in self.rows[prefix]}
            values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
            if not values[first]:
                continue
            rows.append({"id": (data.get(f"{prefix}_{row}_id") or "").strip(), **values})
        used = set(taken or ()) | {row["id"] for row in rows if row["id"]}
        free = (c for c in string.ascii_lowercase + string.digits if c not in used)
        for new in rows:
            if not new["id"]:
                new["id"] = next(free)
        return rows


class ChoiceForm(RowsForm):
    rows = {
        "choice": {
            "text": _line,
            "correct": lambda: forms.BooleanField(required=False),
            "feedback": lambda: _line(1000),
        }
    }

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.initial_rows("choice", data.get("choices", []))

    def answer_data(self) -> dict[str, Any]:
        choices = []
        for row in self.filled("choice", "text"):
            choice = {"id": row["id"], "text": row["text"], "correct": bool(row["correct"])}
            if row["feedback"]:
                choice["feedback"] = row["feedback"]
            choices.append(choice)
        return {"choices": choices}


class SingleForm(ChoiceForm):
    kind = Question.Kind.SINGLE


class MultipleForm(ChoiceForm):
    kind = Question.Kind.MULTIPLE


class TrueFalseForm(QuestionForm):
    kind = Question.Kind.TRUE_FALSE
    answer_fields = ["answer", "feedback_true", "feedback_false"]

    answer = forms.TypedChoiceField(
        choices=[("true", _("True")), ("false", _("False"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        label=_("The statement is"),
    )
    feedback_true = forms.CharField(
        required=False, max_length=1000, widget=LINE, label=_("Feedback for “True”")
    )
    feedback_false = forms.CharField(
        required=False, max_length=1000, widget=LINE, label=_("Feedback for “False”")
    )

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            key: data[key] for key in ("feedback_true", "feedback_false") if key in data
        }
        if isinstance(data.get("answer"), bool):
            initial["answer"] = "true" if data["answer"] else "false"
        return initial

    def answer_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"answer": self.cleaned_data["answer"]}
        for key in ("feedback_true", "feedback_false"):
            if self.cleaned_data[key].strip():
                data[key] = self.cleaned_data[key].strip()
        return data


def _decimal(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.DecimalField:
    return forms.DecimalField(
        required=False, max_digits=20, decimal_places=6, label=label, help_text=help_text
    )


class NumericForm(QuestionForm):
    kind = Question.Kind.NUMERIC
    answer_fields = [("answer", "tolerance"), ("min", "max"), "unit"]

    answer = _decimal(_("Answer"), _("Either an answer (with a tolerance if you like)…"))
    tolerance = _decimal(_("± tolerance"))
    min = _decimal(
        _("Lowest right answer"), _("…or a range: the lowest and highest right answers.")
    )
    max = _decimal(_("Highest right answer"))
    unit = forms.CharField(
        required=False,
        max_length=40,
        label=_("Unit"),
        help_text=_("Shown beside the box, e.g. “people”."),
    )

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: data[key] for key in ("answer", "tolerance", "min", "max", "unit") if key in data
        }

    def answer_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            key: _number(self.cleaned_data[key])
            for key in ("answer", "tolerance", "min", "max")
            if self.cleaned_data[key] is not None
        }
        if data.get("tolerance") == 0:
            del data["tolerance"]
        if self.cleaned_data["unit"].strip():
            data["unit"] = self.cleaned_data["unit"].strip()
        return data


class ShortForm(QuestionForm):
    kind = Question.Kind.SHORT
    answer_fields = ["accepted", "patterns"]

    accepted = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=4000,
        label=_("Accepted answers"),
        help_text=_(
            "One per line; the first is shown as the right answer. Case, accents, punctuation, "
            "spacing and leading articles (the, a, an, el, la, los, las, un, una) are ignored."
        ),
    )
    patterns = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=4000,
        required=False,
        label=_("Patterns (optional)"),
        help_text=_(
            "One per line, matched like the accepted answers. * alone stands for any words "
            "(lake city * also accepts “Lake City, Missouri”); a * at the end of a word for any "
            "ending (fertili* accepts fertiliser and fertilizer); (river|lake) for one of the "
            "phrases, (very|) for an optional word."
        ),
    )

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "accepted": "\n".join(data.get("accepted", [])),
            "patterns": "\n".join(data.get("patterns", [])),
        }

    def answer_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accepted": _lines(self.cleaned_data["accepted"])}
        patterns = _lines(self.cleaned_data.get("patterns") or "")
        if patterns:  # left out when there are none, so the answer data stays as it was
            data["patterns"] = patterns
        return data


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class OrderingForm(RowsForm):
    kind = Question.Kind.ORDERING
    rows = {"item": {"text": _line}}

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.initial_rows("item", data.get("items", []))

    def answer_data(self) -> dict[str, Any]:
        return {"items": [{"id": r["id"], "text": r["text"]} for r in self.filled("item", "text")]}


class MatchingForm(RowsForm):
    kind = Question.Kind.MATCHING
    rows = {"pair": {"left": _line, "right": _line}, "distractor": {"text": _line}}

    def initial_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.initial_rows("pair", data.get("pairs", [])) | self.initial_rows(
            "distractor", data.get("distractors", [])
        )

    def answer_data(self) -> dict[str, Any]:
        pairs = [
            {"id": r["id"], "left": r["left"], "right": r["right"]}
            for r in self.filled("pair", "left")
        ]
        distractors = [
            {"id": r["id"], "text": r["text"]}
            for r in self.filled("distractor", "text", taken={p["id"] for p in pairs})
        ]
        return {"pairs": pairs} | ({"distractors": distractors} if distractors else {})


FORMS: dict[str, type[QuestionForm]] = {
    form.kind: form
    for form in (
        SingleForm,
        MultipleForm,
        TrueFalseForm,
        NumericForm,
        ShortForm,
        OrderingForm,
        MatchingForm,
    )
}
