"""What a template may show of a question: built from a response, with the answer key only
where the review policy allows it. Templates never receive a question's raw data, so nothing a
student may not yet see can leak into the page, a fragment or an attribute."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from courseware.models import Passage
from quizzes.answer_fields import CHOICE, ITEM, LEFT, TARGET, AnswerFields
from quizzes.grading import correct_answers, labelled_feedback, number_format_hint
from quizzes.models import Quiz, Response
from quizzes.numbers import format_number, number_convention, numeric_text, numeric_value
from quizzes.review import Visibility, visibility
from quizzes.specs import MatchingSpec, OrderingSpec, load_spec


@dataclass
class Option:
    id: str
    text: str
    selected: bool = False
    is_correct: bool | None = None  # filled only when correctness or the answer may be seen
    selected_value: str = ""  # ordering: the chosen position; matching: the chosen option id


@dataclass
class Given:
    """One line of a student's answer, in words; `is_correct` only where the policy shows it."""

    text: str
    is_correct: bool | None = None


@dataclass
class Review:
    visible: Visibility
    outcome: str = ""
    points: Decimal | None = None
    max_points: Decimal | None = None
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (what it is about, text)
    correct_answer: list[str] = field(default_factory=list)  # one line per choice, item or pair
    explanation: str = ""
    citations: list[Any] = field(default_factory=list)

    @property
    def points_text(self) -> str:
        """The points in words, without trailing zeros: "0 of 1 point", "1.5 of 2 points"."""
        if self.points is None or self.max_points is None:
            return ""
        return ngettext(
            "%(points)s of %(max)s point",
            "%(points)s of %(max)s points",
            plural_count(self.max_points),
        ) % {"points": plain_number(self.points), "max": plain_number(self.max_points)}


@dataclass
class QuestionView:
    response: Response
    number: int
    kind: str
    stem: str
    unit: str = ""
    options: list[Option] = field(default_factory=list)  # choices, ordering items, matching lefts
    targets: list[Option] = field(default_factory=list)  # matching: the options to choose from
    text: str = ""  # numeric / short
    read_as: str = ""  # numeric: the number as the reader writes it, when the student wrote it
    # another way ("2,5" given in Spanish, read by a teacher in English: "2.5")
    number_hint: str = ""  # numeric: how to type a number in the reader's language
    truth: bool | None = None  # true_false
    review: Review | None = None

    @property
    def position(self) -> int:
        return self.response.position

    @property
    def anchor(self) -> str:
        """The question's id in a page of questions (#q1 is the first)."""
        return f"q{self.number}"

    @property
    def positions(self) -> range:
        return range(1, len(self.options) + 1)

    @property
    def given(self) -> list[Given]:
        """The student's answer in words, one line per choice picked, item placed or pair
        matched (empty when not answered): what they chose, not the form they chose it in."""
        if self.kind in ("single", "multiple"):
            return [Given(o.text, o.is_correct) for o in self.options if o.selected]
        if self.kind == "true_false":
            return [] if self.truth is None else [Given(_truth_word(str(self.truth)))]
        if self.kind in ("numeric", "short"):
            if not self.text.strip():
                return []
            shown = f"{self.text} {self.unit}".strip()
            if self.read_as:
                shown += " " + _("(read as %(number)s)") % {"number": self.read_as}
            return [Given(shown)]
        if self.kind == "ordering":
            placed = sorted(
                (int(o.selected_value), o.text)
                for o in self.options
                if o.selected_value.isascii() and o.selected_value.isdigit()
            )
            return [Given(f"{place}. {text}") for place, text in placed]
        targets = {t.id: t.text for t in self.targets}
        return [
            Given(f"{o.text} → {targets[o.selected_value]}")
            for o in self.options
            if o.selected_value in targets
        ]


# Response outcomes as the teachers' pages name them ({% translate outcome context "outcome" %}).
OUTCOME_WORDS = (
    pgettext_lazy("outcome", "correct"),
    pgettext_lazy("outcome", "partial"),
    pgettext_lazy("outcome", "incorrect"),
)


def left_out(response: Response) -> tuple[int, int] | None:
    """For a saved ordering or matching answer that leaves items without a place or a match:
    how many it places, of how many (the summary says so before the student submits)."""
    answer = response.answer
    spec = load_spec(response.version.question.kind, response.version.data)
    if not isinstance(answer, dict) or not isinstance(spec, OrderingSpec | MatchingSpec):
        return None
    total = len(spec.items if isinstance(spec, OrderingSpec) else spec.pairs)
    return (len(answer), total) if len(answer) < total else None


def question_list(responses: list[Response], *, page: int | None, oob: bool = False) -> str:
    """The attempt's list of questions (<li> items): each question's number, a link to it (a
    page button on a one-per-page quiz, the current page marked), and its state for screen
    readers. Built here rather than in the template: rendered there, the list of 24 questions
    was a third of the attempt page's time. `oob` marks the items for htmx to swap in place
    (an answer save's reply)."""
    words = {True: _("answered"), False: _("not answered")}
    flagged = _("flagged")
    swap = mark_safe(' hx-swap-oob="true"') if oob else ""
    items = []
    for r in responses:
        number = str(r.position + 1)
        state = format_html(
            '<span class="nav-state"><span class="visually-hidden">: {}{}</span>{}</span>',
            words[r.is_answered],
            f", {flagged}" if r.is_flagged else "",
            mark_safe(' <span aria-hidden="true">⚑</span>') if r.is_flagged else "",
        )
        if page:
            current = mark_safe(' aria-current="page"') if r.position + 1 == page else ""
            link = format_html(
                '<button type="submit" name="action" value="page:{}" class="nav-button"{}>{}{}'
                "</button>",
                number,
                current,
                number,
                state,
            )
        else:
            link = format_html('<a href="#q{}">{}{}</a>', number, number, state)
        css = ("answered" if r.is_answered else "unanswered") + (" flagged" if r.is_flagged else "")
        item = format_html('<li id="nav-{}"{} class="{}">{}</li>', r.position, swap, css, link)
        items.append(item)
    return mark_safe("".join(items))


def _truth_word(value: str) -> str:
    """The word for "True" or "False" (as grading names them) in the reader's language."""
    return _("True") if value == "True" else _("False")


def plain_number(value: Decimal) -> str:
    """A decimal as people write it in the current language: 1, 0.5, 12.25 (not 1.00, 0.50);
    0,5 in Spanish."""
    return number_format(Decimal(f"{value.normalize():f}"))


def plural_count(value: Decimal) -> int:
    """The number ngettext chooses the form by for an amount of points: the whole number, or
    2 for a fraction ("1.5 points" is plural in English and Spanish alike)."""
    return int(value) if value == value.to_integral_value() else 2


def answer_fields(response: Response) -> AnswerFields:
    """The opaque field ids of this response's question in its attempt's pages."""
    return AnswerFields(
        secret=settings.SECRET_KEY, seed=f"{response.attempt_id}:{response.slot_id}"
    )


def question_view(
    response: Response, quiz: Quiz, *, submitted: bool, closed: bool, draft_text: str | None = None
) -> QuestionView:
    """The question as the student may see it now. `draft_text` is what they typed when a save
    was refused, shown back so that nothing they wrote is lost."""
    version = response.version
    data: dict[str, Any] = version.data if isinstance(version.data, dict) else {}
    kind = version.question.kind
    answer = response.answer
    seen = visibility(
        quiz.review_policy, checked=response.is_checked, submitted=submitted, closed=closed
    )
    reveal = seen.correctness or seen.answer
    view = QuestionView(
        response=response, number=response.position + 1, kind=kind, stem=version.stem
    )
    fields = answer_fields(response)
    if kind in ("single", "multiple"):
        view.options = _choice_options(
            data, answer, fields, shuffle=quiz.shuffle_choices, reveal=reveal
        )
    elif kind == "true_false":
        view.truth = answer if isinstance(answer, bool) else None
    elif kind == "short":
        view.text = (
            draft_text if draft_text is not None else (answer if isinstance(answer, str) else "")
        )
        view.unit = str(data.get("unit", ""))
    elif kind == "numeric":
        convention = number_convention(get_language())
        view.text = draft_text if draft_text is not None else numeric_text(answer)
        view.unit = str(data.get("unit", ""))
        view.number_hint = number_format_hint(kind, data, convention)
        number = numeric_value(answer)
        given_in = answer.get("convention") if isinstance(answer, dict) else "en"
        if draft_text is None and number is not None and given_in != convention:
            view.read_as = format_number(number, convention)
    elif kind == "ordering":
        view.options = _ordering_options(data, answer, fields)
    elif kind == "matching":
        view.options, view.targets = _matching_options(data, answer, fields)
    if seen.anything:
        view.review = _review(seen, response, kind, data)
    return view


def _choice_options(
    data: dict[str, Any], answer: Any, fields: AnswerFields, *, shuffle: bool, reveal: bool
) -> list[Option]:
    """A single or multiple choice question's options, marked right or wrong when `reveal`."""
    choices = {c["id"]: c for c in data.get("choices", [])}
    order = list(choices)
    if shuffle:
        order = fields.order(CHOICE, order)
    picked = set(answer) if isinstance(answer, list) else {answer}
    return [
        Option(
            id=fields.token(CHOICE, cid),
            text=choices[cid]["text"],
            selected=cid in picked,
            is_correct=bool(choices[cid].get("correct")) if reveal else None,
        )
        for cid in order
    ]


def _ordering_options(data: dict[str, Any], answer: Any, fields: AnswerFields) -> list[Option]:
    """An ordering question's items, always shuffled: their listed order is the answer."""
    items = {i["id"]: i["text"] for i in data.get("items", [])}
    chosen = answer if isinstance(answer, dict) else {}
    order = fields.order(ITEM, list(items))
    if order == list(items):  # the shuffle gave the answer itself (1 in n!): never show it
        order = order[1:] + order[:1]
    return [
        Option(
            id=fields.token(ITEM, iid),
            text=items[iid],
            selected_value=str(chosen.get(iid, "")),
        )
        for iid in order
    ]


def _matching_options(
    data: dict[str, Any], answer: Any, fields: AnswerFields
) -> tuple[list[Option], list[Option]]:
    """A matching question's left-hand items (with the chosen target) and its targets (the
    right-hand sides and distractors, shuffled)."""
    pairs = data.get("pairs", [])
    chosen = answer if isinstance(answer, dict) else {}
    lefts = [
        Option(
            id=fields.token(LEFT, p["id"]),
            text=p["left"],
            selected_value=(
                fields.token(TARGET, str(chosen[p["id"]])) if p["id"] in chosen else ""
            ),
        )
        for p in pairs
    ]
    targets = {p["id"]: p["right"] for p in pairs} | {
        d["id"]: d["text"] for d in data.get("distractors", [])
    }
    return lefts, [
        Option(id=fields.token(TARGET, tid), text=targets[tid])
        for tid in fields.order(TARGET, list(targets))
    ]


def _review(seen: Visibility, response: Response, kind: str, data: dict[str, Any]) -> Review:
    """What the review policy lets the student see of their graded answer now."""
    version = response.version
    review = Review(visible=seen)
    if seen.correctness:
        review.outcome = response.outcome
    if seen.points:
        review.points, review.max_points = response.points, response.max_points
    if seen.feedback:
        review.feedback = [
            (_truth_word(about) if kind == "true_false" else about, text)
            for about, text in labelled_feedback(kind, data, response.answer)
        ]
        review.explanation = version.explanation
    if seen.answer:
        review.correct_answer = correct_answers(
            kind, data, convention=number_convention(get_language())
        )
        if kind == "true_false":
            review.correct_answer = [_truth_word(word) for word in review.correct_answer]
    if seen.citations:
        review.citations = list(version.citations.all())
    return review


@dataclass
class ReadAgain:
    """A passage to read again, listed once however many missed questions cite it."""

    source: Any
    start: int
    end: int
    text: str
    questions: list[int]  # the numbers of the questions that cite it


def missed_citations(views: list[QuestionView]) -> list[tuple[int, Any]]:
    """(question number, citation) for the questions the student did not get fully right,
    where the review policy shows both correctness and citations."""
    return [
        (view.number, citation)
        for view in views
        if (review := view.review) is not None
        and review.visible.correctness
        and review.visible.citations
        and review.outcome != "correct"
        for citation in review.citations
    ]


def read_again(missed: list[tuple[int, Any]], passages: list[Passage]) -> list[ReadAgain]:
    """The passages holding the missed citations, each once, in question order (a citation
    that falls in no passage stands for itself)."""
    found: dict[tuple[int, int], ReadAgain] = {}
    for number, citation in missed:
        passage = next(
            (
                p
                for p in passages
                if p.source_id == citation.source_id and p.start <= citation.start < p.end
            ),
            None,
        )
        where = passage or citation
        text = passage.text if passage else citation.exact
        item = found.setdefault(
            (where.source_id, where.start),
            ReadAgain(where.source, where.start, where.end, text, []),
        )
        if number not in item.questions:
            item.questions.append(number)
    return list(found.values())
