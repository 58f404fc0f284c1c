"""Progress from graded answers: mastery, review, practice and the bar chart (pure, no database)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.progress import (
    Answered,
    Bar,
    Cited,
    Mastery,
    ReviewItem,
    bar_chart_svg,
    mastery,
    practice_questions,
    review_next,
)

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

P1 = Cited("ley-1917", 0, 40, "Artículo 27: la propiedad de las tierras")
P2 = Cited("ley-1917", 100, 160, "corresponde originariamente a la Nación")
P3 = Cited("informe-dea", 5, 30, "rutas de trasiego")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ans(
    question: str,
    points: str,
    max_points: str = "2",
    *,
    minute: int = 0,
    objectives: tuple[str, ...] = ("lo-1",),
    citations: tuple[Cited, ...] = (),
    practice: bool = False,
) -> Answered:
    return Answered(
        question=question,
        objectives=objectives,
        points=D(points),
        max_points=D(max_points),
        answered_at=at(minute),
        citations=citations,
        practice=practice,
    )


def latest_by_reference(answers: list[Answered]) -> dict[str, Answered]:
    """Independent of the module: the last item of each question's time-sorted responses."""
    order = sorted(range(len(answers)), key=lambda i: (answers[i].answered_at, i))
    return {answers[i].question: answers[i] for i in order}


# --- mastery ---------------------------------------------------------------------------------


def test_a_retake_replaces_the_earlier_result_even_when_it_is_worse() -> None:
    history = [ans("q1", "2", minute=0), ans("q1", "0.5", minute=10), ans("q2", "1", minute=5)]

    [row] = mastery(history, ["lo-1"])

    assert row == Mastery("lo-1", earned=D("1.5"), possible=D("4"), questions=2)
    assert row.share == D("0.38")  # 0.375 rounds half up


def test_the_latest_response_counts_whatever_order_the_input_comes_in() -> None:
    history = [ans("q1", "0", minute=10), ans("q1", "2", minute=0)]

    [row] = mastery(history, ["lo-1"])

    assert (row.earned, row.possible, row.questions) == (D("0"), D("2"), 1)
    assert row.share == D("0.00")


def test_a_question_in_two_objectives_counts_in_each() -> None:
    history = [
        ans("q1", "1", "2", objectives=("lo-1", "lo-2")),
        ans("q2", "3", "3", objectives=("lo-2",)),
    ]

    rows = mastery(history, ["lo-1", "lo-2"])

    assert rows == [
        Mastery("lo-1", D("1"), D("2"), 1),
        Mastery("lo-2", D("4"), D("5"), 2),
    ]
    assert [row.share for row in rows] == [D("0.50"), D("0.80")]


def test_objectives_with_no_answers_are_listed_in_the_given_order_without_a_share() -> None:
    history = [ans("q1", "2", objectives=("lo-2",)), ans("q9", "1", objectives=("lo-other",))]

    rows = mastery(history, ["lo-3", "lo-2", "lo-1"])

    assert [row.objective for row in rows] == ["lo-3", "lo-2", "lo-1"]
    assert rows[0] == Mastery("lo-3", D("0"), D("0"), 0)
    assert rows[0].share is None
    assert rows[1].share == D("1.00")
    assert rows[2].questions == 0 and rows[2].share is None


def test_no_answers_at_all_gives_an_empty_row_per_objective() -> None:
    assert mastery([], ["lo-1"]) == [Mastery("lo-1", D("0"), D("0"), 0)]
    assert mastery([], []) == []


def test_a_tie_in_answered_at_goes_to_the_later_item_in_the_input() -> None:
    history = [ans("q1", "2", minute=5), ans("q1", "1", minute=5)]
    assert mastery(history, ["lo-1"])[0].earned == D("1")

    history.reverse()
    assert mastery(history, ["lo-1"])[0].earned == D("2")


def test_practice_answers_count_as_the_latest_evidence() -> None:
    history = [ans("q1", "2", minute=0), ans("q1", "0", minute=10, practice=True)]

    assert mastery(history, ["lo-1"])[0].earned == D("0")
    assert practice_questions(history) == ["q1"]


def test_an_objective_the_latest_response_no_longer_lists_drops_the_question() -> None:
    history = [
        ans("q1", "0", objectives=("lo-1",), minute=0),
        ans("q1", "2", objectives=("lo-2",), minute=10),
    ]

    assert mastery(history, ["lo-1", "lo-2"]) == [
        Mastery("lo-1", D("0"), D("0"), 0),
        Mastery("lo-2", D("2"), D("2"), 1),
    ]


def test_a_question_with_no_points_possible_counts_but_gives_no_share() -> None:
    [row] = mastery([ans("q1", "0", "0")], ["lo-1"])

    assert row.questions == 1 and row.share is None


def test_points_outside_zero_to_max_are_refused() -> None:
    with pytest.raises(ValueError):
        ans("q1", "3", "2")
    with pytest.raises(ValueError):
        ans("q1", "-1", "2")
    with pytest.raises(ValueError):
        ans("q1", "NaN", "2")


# --- review_next ------------------------------------------------------------------------------


def test_a_missed_question_later_answered_right_drops_out_of_review() -> None:
    history = [
        ans("q1", "0", minute=0, citations=(P1,)),
        ans("q2", "1", minute=1, citations=(P2,)),
        ans("q1", "2", minute=9, citations=(P1,)),
    ]

    assert review_next(history) == [ReviewItem(P2, D("1"), ("q2",))]


def test_a_question_answered_right_then_missed_comes_back_into_review() -> None:
    history = [
        ans("q1", "2", minute=0, citations=(P1,)),
        ans("q1", "0.5", minute=9, citations=(P1,)),
    ]

    assert review_next(history) == [ReviewItem(P1, D("1.5"), ("q1",))]


def test_identical_citations_from_two_questions_are_merged() -> None:
    same_as_p1 = Cited(P1.source, P1.start, P1.end, P1.exact)
    history = [
        ans("q2", "1", "3", minute=0, citations=(P1, P3)),
        ans("q1", "0", "1", minute=1, citations=(same_as_p1,)),
    ]

    items = review_next(history)

    assert items == [ReviewItem(P1, D("3"), ("q2", "q1")), ReviewItem(P3, D("2"), ("q2",))]


def test_one_question_citing_a_passage_twice_counts_once() -> None:
    history = [ans("q1", "0", citations=(P1, P1))]

    assert review_next(history) == [ReviewItem(P1, D("2"), ("q1",))]


def test_review_ranks_by_missed_points_then_questions_then_source_and_start() -> None:
    a = Cited("b-source", 50, 60, "a")
    b = Cited("b-source", 10, 20, "b")
    c = Cited("a-source", 90, 99, "c")
    d = Cited("z-source", 0, 5, "d")
    history = [
        ans("q1", "0", "1", citations=(a, b, c)),  # a, b, c: 1 point each, one question
        ans("q2", "0.5", "1", citations=(d,)),  # d: 0.5 + 0.5 = 1 point, two questions
        ans("q3", "0.5", "1", citations=(d,)),
        ans("q4", "0", "4", citations=(P3,)),  # P3: 4 points
        ans("q5", "1", "1", citations=(P1,)),  # full marks: never listed
    ]

    items = review_next(history)

    assert [item.citation for item in items] == [P3, d, c, b, a]
    assert [item.missed_points for item in items] == [D("4"), D("1"), D("1"), D("1"), D("1")]
    assert review_next(history, limit=2) == items[:2]
    assert review_next(history, limit=0) == []


def test_review_lists_at_most_ten_passages_by_default() -> None:
    history = [ans(f"q{n}", "0", "1", citations=(Cited("s", n, n + 1, "x"),)) for n in range(12)]

    assert [item.citation.start for item in review_next(history)] == list(range(10))


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        review_next([], limit=-1)
    with pytest.raises(ValueError):
        practice_questions([], limit=-1)


# --- practice_questions ----------------------------------------------------------------------


def test_practice_questions_are_most_missed_first_then_most_recent_first() -> None:
    history = [
        ans("q1", "1", "2", minute=0),  # missed 1, old
        ans("q2", "0", "3", minute=1),  # missed 3
        ans("q3", "1", "2", minute=5),  # missed 1, recent
        ans("q4", "2", "2", minute=6),  # full marks
        ans("q5", "0", "2", minute=2),  # retaken below: missed 0.5
        ans("q5", "1.5", "2", minute=7),
        ans("q6", "1", "2", minute=5),  # missed 1, same time as q3 but later in the input
    ]

    assert practice_questions(history) == ["q2", "q6", "q3", "q1", "q5"]
    assert practice_questions(history, limit=2) == ["q2", "q6"]


def test_practice_questions_skip_questions_whose_retake_got_full_marks() -> None:
    history = [ans("q1", "0", minute=0), ans("q1", "2", minute=1)]

    assert practice_questions(history) == []


# --- bar_chart_svg ---------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_chart_is_an_image_labelled_by_its_title_and_description() -> None:
    bars = [
        Bar("Reading sources", D("0.62"), "62% of 8 points on 5 questions"),
        Bar("Chronology", None, "no answers yet"),
    ]

    root = parse(bar_chart_svg(bars, title="Mastery by objective"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 480 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Mastery by objective"
    assert desc.text == (
        "Mastery by objective. Reading sources: 62% of 8 points on 5 questions; "
        "Chronology: no answers yet."
    )


def test_each_bar_has_a_rect_with_a_tooltip_and_a_visible_value() -> None:
    bars = [Bar("One", D("0.625"), "five of eight"), Bar("Two", None, ""), Bar("Three", D(0), "")]

    root = parse(bar_chart_svg(bars, title="Chart"))

    rows = root.findall(f"{SVG}g")
    assert len(rows) == 3
    for row, bar in zip(rows, bars, strict=True):
        tips = [rect.findtext(f"{SVG}title") for rect in row.iter(f"{SVG}rect")]
        assert tips and all(tip and tip.startswith(f"{bar.label}: ") for tip in tips)
    texts = [[t.text for t in row.iter(f"{SVG}text")] for row in rows]
    assert texts == [["One", "63%"], ["Two", "no data yet"], ["Three", "0%"]]
    track, filled = rows[0].findall(f"{SVG}rect")
    assert D(filled.get("width", "")) == (D(track.get("width", "")) * D("0.625")).quantize(D("0.1"))


def test_ids_come_from_the_title_so_two_charts_do_not_clash() -> None:
    first = parse(bar_chart_svg([], title="Mastery by objective"))
    again = parse(bar_chart_svg([], title="Mastery by objective"))
    other = parse(bar_chart_svg([], title="Mastery by objective!"))

    def ids(root: ET.Element) -> list[str]:
        return [element.get("id") or "" for element in root.iter() if element.get("id")]

    assert ids(first) == ids(again)
    assert ids(first)[0].startswith("chart-mastery-by-objective-")
    assert not set(ids(first)) & set(ids(other))


def test_an_empty_chart_says_there_is_no_data_yet() -> None:
    root = parse(bar_chart_svg([], title="Mastery"))

    assert root.findtext(f"{SVG}desc") == "Mastery. No data yet."
    assert [t.text for t in root.iter(f"{SVG}text")] == ["no data yet"]


def test_teacher_labels_are_escaped_and_long_ones_shortened_on_screen_only() -> None:
    label = 'Fuentes <primarias> & "secundarias" de l\'época, comparadas con cuidado y detalle'
    svg = bar_chart_svg([Bar(label, D("0.5"), "half")], title="<b>&")

    assert "<primarias>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == "<b>&"
    assert label in (root.findtext(f"{SVG}desc") or "")
    shown = next(root.iter(f"{SVG}text")).text or ""
    assert shown.endswith("…") and label.startswith(shown[:-1])


def test_bar_values_outside_zero_to_one_and_narrow_charts_are_refused() -> None:
    with pytest.raises(ValueError):
        Bar("x", D("1.01"), "")
    with pytest.raises(ValueError):
        Bar("x", D("-0.01"), "")
    with pytest.raises(ValueError):
        bar_chart_svg([], title="x", width=100)


# --- properties -------------------------------------------------------------------------------

SOURCES = st.sampled_from(["ley-1917", "informe-dea", "cronica"])
citations = st.builds(
    lambda source, start, length: Cited(source, start, start + length, "…"),
    SOURCES,
    st.integers(0, 3),
    st.integers(0, 2),
)


@st.composite
def answers(draw: st.DrawFn) -> Answered:
    max_halves = draw(st.integers(0, 6))
    points_halves = draw(st.integers(0, max_halves))
    return Answered(
        question=draw(st.sampled_from(["q1", "q2", "q3", "q4", "q5"])),
        objectives=tuple(draw(st.lists(st.sampled_from(["lo-1", "lo-2", "lo-3"]), max_size=3))),
        points=D(points_halves) / 2,
        max_points=D(max_halves) / 2,
        answered_at=at(draw(st.integers(0, 4))),  # few distinct times: plenty of ties
        citations=tuple(draw(st.lists(citations, max_size=3))),
        practice=draw(st.booleans()),
    )


histories = st.lists(answers(), max_size=25)


@given(histories)
def test_share_is_always_within_zero_and_one_or_none(history: list[Answered]) -> None:
    for row in mastery(history, ["lo-1", "lo-2", "lo-3", "lo-none"]):
        assert row.share is None or D(0) <= row.share <= 1
        assert (row.share is None) == (row.possible == 0)


@given(histories)
def test_mastery_matches_a_sum_over_latest_responses(history: list[Answered]) -> None:
    latest = latest_by_reference(history)
    for row in mastery(history, ["lo-1", "lo-2", "lo-3"]):
        mine = [a for a in latest.values() if row.objective in a.objectives]
        assert row.questions == len(mine)
        assert row.earned == sum((a.points for a in mine), D(0))
        assert row.possible == sum((a.max_points for a in mine), D(0))


@given(histories, st.integers(0, 12))
def test_review_never_lists_a_question_whose_latest_response_was_full_marks(
    history: list[Answered], limit: int
) -> None:
    latest = latest_by_reference(history)
    items = review_next(history, limit=limit)

    assert len(items) <= limit
    assert len({(i.citation.source, i.citation.start, i.citation.end) for i in items}) == len(items)
    for item in items:
        assert item.questions and item.missed_points > 0
        for question in item.questions:
            assert latest[question].points < latest[question].max_points
            assert item.citation in latest[question].citations
    ranks = [
        (-i.missed_points, -len(i.questions), i.citation.source, i.citation.start) for i in items
    ]
    assert ranks == sorted(ranks)


@given(histories)
def test_practice_questions_are_exactly_the_missed_ones(history: list[Answered]) -> None:
    latest = latest_by_reference(history)
    missed = {q for q, a in latest.items() if a.points < a.max_points}

    chosen = practice_questions(history, limit=100)

    assert set(chosen) == missed and len(chosen) == len(missed)
    shortfalls = [latest[q].max_points - latest[q].points for q in chosen]
    assert shortfalls == sorted(shortfalls, reverse=True)


values = st.none() | st.integers(0, 100).map(lambda n: D(n) / 100)
any_text = st.text(max_size=30)
readable_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc", "Cn")), max_size=30
) | st.sampled_from(['<script>alert("x")</script>', "A & B", "l'époque", "🌵 fuentes 📜", ""])


@given(st.lists(st.builds(Bar, any_text, values, any_text), max_size=6), any_text)
def test_the_chart_parses_as_xml_for_any_labels_and_has_no_script(
    bars: list[Bar], title: str
) -> None:
    svg = bar_chart_svg(bars, title=title)

    root = parse(svg)
    assert root.get("role") == "img"
    assert "<script" not in svg.lower()
    assert "href" not in svg and "url(" not in svg
    assert len(root.findall(f"{SVG}g")) == len(bars)


@given(st.lists(st.builds(Bar, readable_text, values, readable_text), max_size=6), readable_text)
def test_the_chart_description_contains_every_label(bars: list[Bar], title: str) -> None:
    root = parse(bar_chart_svg(bars, title=title))

    desc = root.findtext(f"{SVG}desc") or ""
    for bar in bars:
        assert bar.label in desc


def test_a_stacked_chart_puts_each_label_above_its_bar_and_keeps_more_of_it() -> None:
    label = "Describe the water cycle and how rivers form."
    side = parse(bar_chart_svg([Bar(label, D("0.5"), "")], title="Chart", width=320))
    stacked = parse(
        bar_chart_svg([Bar(label, D("0.5"), "")], title="Chart", width=320, stacked=True)
    )

    def shown(root: ET.Element) -> str:
        return next(root.iter(f"{SVG}text")).text or ""

    assert len(shown(stacked)) > len(shown(side))
    text = next(stacked.iter(f"{SVG}text"))
    track = next(stacked.iter(f"{SVG}rect"))
    assert float(text.get("y", "")) < float(track.get("y", ""))  # the label is above the bar
    assert text.get("x") == track.get("x")
    height = float(stacked.get("viewBox", "").split()[3])
    assert float(track.get("y", "")) + float(track.get("height", "")) <= height


def test_a_stacked_chart_breaks_a_long_label_between_words_onto_two_lines() -> None:
    label = "Describir el ciclo del agua y cómo se forman los ríos."
    longer = (
        "Comparar los ríos por su longitud y su caudal, y explicar cómo los cambian las presas."
    )
    root = parse(
        bar_chart_svg(
            [Bar(label, D("0.5"), ""), Bar(longer, D("0.25"), ""), Bar("Fechas", None, "")],
            title="Chart",
            width=320,
            stacked=True,
        )
    )

    rows = root.findall(f"{SVG}g")
    shown = [[t.text or "" for t in row.iter(f"{SVG}text")][:-1] for row in rows]
    assert shown[0] == ["Describir el ciclo del agua y cómo se", "forman los ríos."]
    assert " ".join(shown[0]) == label  # nothing cut: the whole label on two lines
    assert len(shown[1]) == 2 and shown[1][1].endswith("…")  # longer still: the second is cut
    assert longer.startswith(" ".join(shown[1])[:-1])
    assert shown[2] == ["Fechas"]
    assert all(len(line) <= (320 - 16) // 7 for lines in shown for line in lines)
    # Top to bottom: each row's label lines, then its bar, and nothing overlaps.
    ys = []
    for row in rows:
        *labels, _value = row.iter(f"{SVG}text")
        track = next(row.iter(f"{SVG}rect"))
        ys += [float(t.get("y", "")) for t in labels] + [float(track.get("y", ""))]
        ys.append(float(track.get("y", "")) + float(track.get("height", "")))
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert ys[-1] <= float(root.get("viewBox", "").split()[3])


def test_the_chart_writes_percentages_the_languages_way() -> None:
    from django.utils import translation

    with translation.override("es"):
        root = parse(bar_chart_svg([Bar("Uno", D("0.625"), "")], title="Chart"))
    assert [t.text for t in root.iter(f"{SVG}text")][-1] == "63\u00a0%"
    assert "Uno: 63\u00a0%" in (root.findtext(f"{SVG}desc") or "")


@pytest.mark.parametrize(
    ("share", "percent"),
    [("0", 0), ("0.004", 0), ("0.005", 1), ("0.625", 63), ("0.6249", 62), ("1", 100)],
)
def test_a_share_is_one_whole_percentage_halves_up(share, percent):
    from quizzes.progress import whole_percent

    assert whole_percent(D(share)) == percent


def test_the_mastery_table_and_the_chart_give_the_same_percentage():
    from quizzes.progress import Mastery
    from quizzes.views.progress import _mastery_text

    row = Mastery(objective="o", earned=D(5), possible=D(8), questions=2)
    assert _mastery_text(row) == "63% of 8 points on 2 questions"
