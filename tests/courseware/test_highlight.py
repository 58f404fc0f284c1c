from __future__ import annotations

from dataclasses import dataclass

import pytest

from courseware.highlight import FIRST_MARK, MARK, PLAIN, Span, layout, parse_span, pieces


@dataclass
class P:
    kind: str
    text: str
    start: int
    source_id: int = 1
    source: str = "s1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3-9", Span(3, 9)),
        (" 3-9 ", Span(3, 9)),
        ("9-3", None),
        ("3-3", None),
        ("a-b", None),
        ("", None),
        ("1234567890-1234567891", None),
    ],
)
def test_parse_span_accepts_only_a_forward_range_of_digits(raw, expected):
    assert parse_span(raw) == expected


def test_pieces_split_a_passage_around_the_span():
    assert pieces("hello world", 100, Span(106, 111)) == [("hello ", False), ("world", True)]
    assert pieces("hello world", 100, Span(90, 105)) == [("hello", True), (" world", False)]
    assert pieces("hello world", 100, Span(50, 500)) == [("hello world", True)]
    assert pieces("hello world", 100, Span(111, 120)) == [("hello world", False)]
    assert pieces("hello world", 100, None) == [("hello world", False)]


def test_layout_groups_list_items_and_marks_only_the_first_piece_as_the_anchor():
    passages = [
        P("heading", "Title", 0),
        P("paragraph", "One two", 7),
        P("list_item", "Three", 16),
        P("list_item", "Four", 23),
        P("paragraph", "Five", 0, source_id=2, source="s2"),
    ]
    parts = layout(passages, Span(11, 21), source_id=1)
    assert [p.source for p in parts] == ["s1", "s2"]
    assert [b.kind for b in parts[0].blocks] == ["heading", "paragraph", "list"]
    assert len(parts[0].blocks[2].items) == 2
    assert parts[0].blocks[1].items[0][1] == [("One ", PLAIN), ("two", FIRST_MARK)]
    assert parts[0].blocks[2].items[0][1] == [("Three", MARK)]
    assert parts[1].blocks[0].items[0][1] == [("Five", PLAIN)]  # another source: never marked
