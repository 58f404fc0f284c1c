"""A student's progress from their graded answers: mastery, what to review, and a bar chart (pure).

Plain data in, plain data out: the caller gathers `Answered` records (one per graded response)
from wherever it keeps them; nothing here touches the database or Django.

Throughout, a question's *latest* response is the one with the greatest `answered_at`; when two
responses share a time, the one later in the input wins. Only the latest response counts: a retake
replaces the earlier result (it is not "best of"), and the question's objectives and citations are
read from that latest response too.

Practice answers (`Answered.practice`) count exactly like graded ones: an answer in an ungraded
practice quiz is still the student's most recent evidence of what they know, so it may raise or
lower mastery and take a passage off (or put it back on) the review list.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext

__all__ = [
    "Answered",
    "Bar",
    "Cited",
    "Mastery",
    "ReviewItem",
    "bar_chart_svg",
    "mastery",
    "practice_questions",
    "review_next",
]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Cited:
    """A passage a question cites: `exact` is the text of `source` between `start` and `end`."""

    source: str
    start: int
    end: int
    exact: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Citation span {self.start}..{self.end} is not a valid range.")

    @property
    def key(self) -> tuple[str, int, int]:
        """What makes two citations the same passage (`exact` is implied by the span)."""
        return (self.source, self.start, self.end)


@dataclass(frozen=True)
class Answered:
    """One graded response, as the caller gathers it.

    `practice` marks a response in an ungraded practice quiz. It is informational only: practice
    responses count for mastery and review like any other (they are the latest evidence).
    """

    question: str
    objectives: tuple[str, ...]
    points: Decimal
    max_points: Decimal
    answered_at: datetime
    citations: tuple[Cited, ...]
    practice: bool = False

    def __post_init__(self) -> None:
        if not (self.points.is_finite() and self.max_points.is_finite()):
            raise ValueError(f"Points for {self.question!r} must be finite numbers.")
        if not Decimal(0) <= self.points <= self.max_points:
            raise ValueError(
                f"Points for {self.question!r} must be between 0 and {self.max_points}, "
                f"not {self.points}."
            )

    @property
    def missed(self) -> Decimal:
        """Points short of full marks (0 for full marks)."""
        return self.max_points - self.points

    @property
    def full_marks(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class Mastery:
    objective: str
    earned: Decimal  # sum over its questions of the latest response's points
    possible: Decimal  # sum of those responses' max points
    questions: int  # how many distinct questions it rests on

    @property
    def share(self) -> Decimal | None:
        """earned / possible to the hundredth (half up); None when nothing was possible."""
        if self.possible == 0:
            return None
        return (self.earned / self.possible).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReviewItem:
    citation: Cited
    missed_points: Decimal  # sum over the missed questions citing it of (max - points)
    questions: tuple[str, ...]  # those questions' keys, in first-seen order


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # a share in [0, 1]; None = no data
    detail: str  # the text alternative, e.g. "62% of 8 points on 5 questions"

    def __post_init__(self) -> None:
        if self.value is not None and not (
            self.value.is_finite() and Decimal(0) <= self.value <= 1
        ):
            raise ValueError(f"Bar {self.label!r} has value {self.value}, outside [0, 1].")


def _latest(answers: Iterable[Answered]) -> dict[str, tuple[int, Answered]]:
    """Each question's latest response with its input position, questions in first-seen order."""
    latest: dict[str, tuple[int, Answered]] = {}
    for position, answer in enumerate(answers):
        kept = latest.get(answer.question)
        if kept is None or answer.answered_at >= kept[1].answered_at:
            latest[answer.question] = (position, answer)
    return latest


def _check_limit(limit: int) -> None:
    if limit < 0:
        raise ValueError(f"limit must not be negative, not {limit}.")


def mastery(answers: Iterable[Answered], objectives: Sequence[str]) -> list[Mastery]:
    """One `Mastery` per objective, in the given order (a repeated objective is listed once).

    Each objective rests on the questions whose latest response lists it; a question with several
    objectives counts in each. Objectives with no answered questions get questions=0, share None.
    Objectives the answers mention but `objectives` does not are left out.
    """
    wanted = list(dict.fromkeys(objectives))
    earned = {objective: Decimal(0) for objective in wanted}
    possible = {objective: Decimal(0) for objective in wanted}
    questions = dict.fromkeys(wanted, 0)
    for _, answer in _latest(answers).values():
        for objective in set(answer.objectives):
            if objective in questions:
                earned[objective] += answer.points
                possible[objective] += answer.max_points
                questions[objective] += 1
    return [
        Mastery(objective, earned[objective], possible[objective], questions[objective])
        for objective in wanted
    ]


def review_next(answers: Iterable[Answered], limit: int = 10) -> list[ReviewItem]:
    """The passages behind the questions whose latest response missed points, most-missed first.

    Identical citations (same source, start and end) are merged, summing the missed points of the
    questions citing them. Ranked by missed points (desc), number of questions (desc), then source,
    start and end (asc). A question later answered with full marks no longer counts.
    """
    _check_limit(limit)
    cited: dict[tuple[str, int, int], Cited] = {}
    missed: dict[tuple[str, int, int], Decimal] = {}
    questions: dict[tuple[str, int, int], list[str]] = {}
    for question, (_, answer) in _latest(answers).items():
        if answer.full_marks:
            continue
        for citation in answer.citations:
            key = citation.key
            if question in questions.get(key, ()):
                continue  # the same passage cited twice by one question counts once
            cited.setdefault(key, citation)
            missed[key] = missed.get(key, Decimal(0)) + answer.missed
            questions.setdefault(key, []).append(question)
    ranked = sorted(cited, key=lambda key: (-missed[key], -len(questions[key]), key))
    return [ReviewItem(cited[key], missed[key], tuple(questions[key])) for key in ranked[:limit]]


def practice_questions(answers: Iterable[Answered], limit: int = 10) -> list[str]:
    """Keys of the questions whose latest response missed points: most points missed first, then
    the most recently answered first (later in the input first on a tie)."""
    _check_limit(limit)
    missed = [
        (answer.missed, answer.answered_at, position, question)
        for question, (position, answer) in _latest(answers).items()
        if not answer.full_marks
    ]
    missed.sort(key=lambda row: (row[0], row[1], row[2]), reverse=True)
    return [question for *_, question in missed[:limit]]


# --- The bar chart ---------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ROW, _BAR, _PAD, _GAP, _VALUE_WIDTH, _LABEL_ROW = 28, 18, 8, 8, 84, 18
_FONT = 'font-family="system-ui, sans-serif" font-size="13"'
_BAR_FILL, _TRACK_FILL = "#1d4ed8", "#e5e7eb"
MIN_WIDTH = 200


def _text(value: str) -> str:
    """`value` safe as XML text or attribute content: invalid characters dropped, markup escaped."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _chart_id(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return "-".join(part for part in ("chart", slug, digest) if part)


def whole_percent(value: Decimal) -> int:
    """A share (0–1) as a whole percentage, halves rounded up (62.5 % → 63), everywhere."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent(value: Decimal) -> str:
    """A share as a whole percentage written the language's way ("63%", "63 %")."""
    return gettext("%(percent)s%%") % {"percent": number_format(whole_percent(value))}


def _shorten(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _label_lines(label: str, chars: int, *, stacked: bool) -> list[str]:
    """The label as drawn: beside its bar one shortened line; above it (stacked), up to two
    lines broken between words, the second shortened if the label is longer still."""
    if stacked:
        lines = textwrap.wrap(label, chars, max_lines=2, placeholder="…")
        if lines:
            return lines
    return [_shorten(label, chars)]


def bar_chart_svg(
    bars: Sequence[Bar], *, title: str, width: int = 480, stacked: bool = False
) -> str:
    """An accessible horizontal bar chart as an SVG string, to inline in a page.

    The root is `role="img"`, labelled by its `<title>` and described by a `<desc>` that reads out
    every bar's label and detail. Each row shows the label (shortened if long; the full text is in
    the row's tooltip and the description), a track `<rect>` with a `<title>` tooltip, the filled
    bar, and the percentage or "no data yet"; `stacked` puts each label on lines of its own
    (two at most, broken between words) above its bar, so that a narrow chart (drawn near its
    own size on a phone, its text at a readable size) keeps most of each label. Ids come from
    the title (slug + short hash), so charts with different titles can share a page. No scripts,
    styles or external references.

    Long on purpose: it writes the SVG element by element, top to bottom, so the function reads
    as the markup it produces; split into pieces, the geometry would be passed around instead.
    """
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH}, not {width}.")
    base = _chart_id(title)
    title_id, desc_id = f"{base}-title", f"{base}-desc"

    label_width = width - 2 * _PAD if stacked else width * 35 // 100
    bar_x = _PAD if stacked else _PAD + label_width + _GAP
    bar_width = width - bar_x - _GAP - _VALUE_WIDTH - _PAD
    label_chars = max(4, label_width // 7)
    labels = [_label_lines(bar.label, label_chars, stacked=stacked) for bar in bars]
    label_row = _LABEL_ROW if stacked else 0  # each of the label's own lines above the bar
    tops = []  # where each row's bar line starts, below the label's lines when stacked
    height = _PAD
    for lines in labels:
        height += label_row * len(lines)
        tops.append(height)
        height += _ROW
    height = max(height, _PAD + _ROW) + _PAD

    if bars:
        spoken = "; ".join(f"{bar.label}: {bar.detail or _spoken(bar)}" for bar in bars)
        description = f"{title}. {spoken}." if title else f"{spoken}."
    else:
        no_data = gettext("No data yet.")
        description = f"{title}. {no_data}" if title else no_data

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{title_id}">{_text(title)}</title>',
        f'<desc id="{desc_id}">{_text(description)}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text x="{_PAD}" y="{_PAD + _ROW // 2}" dominant-baseline="middle" '
            f'fill="currentColor" {_FONT}>{_text(_no_data_yet())}</text>'
        )
    for bar, lines, top in zip(bars, labels, tops, strict=True):
        middle = top + _ROW // 2
        bar_top = top + (_ROW - _BAR) // 2
        tooltip = _text(f"{bar.label}: {bar.detail or _spoken(bar)}")
        parts.append('<g class="bar">')
        for number, line in enumerate(lines):
            label_y = (
                top - (len(lines) - number) * label_row + label_row // 2 if stacked else middle
            )
            parts.append(
                f'<text x="{_PAD}" y="{label_y}" dominant-baseline="middle" fill="currentColor" '
                f"{_FONT}>{_text(line)}</text>"
            )
        parts.append(
            f'<rect x="{bar_x}" y="{bar_top}" width="{bar_width}" height="{_BAR}" '
            f'fill="{_TRACK_FILL}"><title>{tooltip}</title></rect>'
        )
        if bar.value is None:
            shown = _text(_no_data_yet())
        else:
            filled = (bar.value * bar_width).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            parts.append(
                f'<rect x="{bar_x}" y="{bar_top}" width="{filled}" height="{_BAR}" '
                f'fill="{_BAR_FILL}"><title>{tooltip}</title></rect>'
            )
            shown = _percent(bar.value)
        parts.append(
            f'<text x="{bar_x + bar_width + _GAP}" y="{middle}" dominant-baseline="middle" '
            f'fill="currentColor" {_FONT}>{shown}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _spoken(bar: Bar) -> str:
    """A bar's value in words, for when the caller gave no detail."""
    return _no_data_yet() if bar.value is None else _percent(bar.value)


def _no_data_yet() -> str:
    return gettext("no data yet")
