"""Where passages, readings and citations go when a source's text changes (pure, no database)."""

from __future__ import annotations

import pytest

from courseware.ingest import anchor, ingest
from courseware.reimport import (
    BROKEN,
    EDITED,
    MOVED,
    UNCHANGED,
    Span,
    match_passages,
    relocate,
    remap_reading,
)

OLD = (
    "Cartels grew in the 1990s.\nGuns come from the north.\nOfficials disagree about the numbers.\n"
)


def spans(text: str) -> tuple[str, list[Span]]:
    document = ingest(text)
    return document.text, [Span(b.start, b.end, b.text) for b in document.blocks]


def place(quote: str, new: str, old: str = OLD, prefix: str = "", suffix: str = ""):
    old_text, old_spans = spans(old)
    new_text, new_spans = spans(new)
    found = anchor(old_text, quote, prefix, suffix)
    where = relocate(
        exact=found.exact,
        prefix=prefix,
        suffix=suffix,
        start=found.start,
        end=found.end,
        old_passages=old_spans,
        new_text=new_text,
        new_passages=new_spans,
        mapping=match_passages([s.text for s in old_spans], [s.text for s in new_spans]),
    )
    if where.status != BROKEN:
        assert new_text[where.start : where.end] == where.exact
        assert anchor(new_text, where.exact, where.prefix, where.suffix).start == where.start
    return found, where


@pytest.mark.parametrize(
    ("old", "new", "mapping"),
    [
        ("abc", "abc", {0: 0, 1: 1, 2: 2}),
        ("abc", "aXbc", {0: 0, 1: 2, 2: 3}),
        ("abc", "ac", {0: 0, 2: 1}),
        ("abc", "aBc", {0: 0, 1: 1, 2: 2}),  # an edited passage stays the same passage
        ("abc", "aBBc", {0: 0, 1: 1, 2: 3}),  # split: the first part keeps the row
        ("abcd", "acbd", {0: 0, 1: 2, 3: 3}),  # a passage moved: removed, and added again
        ("aab", "ab", {1: 0, 2: 1}),  # of two identical passages, one is removed
        ("", "ab", {}),
    ],
)
def test_passages_are_matched_by_text_in_order(old, new, mapping):
    assert match_passages(list(old), list(new)) == mapping


def test_a_quote_in_an_unchanged_source_is_unchanged():
    found, where = place("Guns come from the north.", OLD)
    assert (where.status, where.start, where.end) == (UNCHANGED, found.start, found.end)


def test_a_quote_after_an_added_paragraph_moves_by_its_length():
    new = "A new first line.\n" + OLD
    found, where = place("Guns come from the north.", new)
    assert where.status == MOVED
    assert where.start == found.start + len("A new first line.\n\n")


def test_a_quote_whose_paragraph_was_edited_elsewhere_is_flagged_edited():
    new = OLD.replace("the numbers.", "the numbers, sharply.")
    found, where = place("Officials disagree", new)
    assert (where.status, where.start) == (EDITED, found.start)


def test_a_quote_whose_words_changed_is_broken_and_names_the_nearest_text():
    new = OLD.replace("Guns come from", "Guns arrive from")
    _, where = place("Guns come from the north.", new)
    assert where.status == BROKEN
    assert where.nearest == "Guns arrive from the north"
    assert "Nearest text in the source" in where.message


def test_a_quote_in_a_removed_paragraph_is_broken():
    _, where = place("Guns come from the north.", OLD.replace("Guns come from the north.\n", ""))
    assert where.status == BROKEN


def test_a_quote_whose_words_now_also_occur_elsewhere_keeps_its_place_in_its_paragraph():
    found, where = place("from the north", OLD + "More come from the north.\n")
    assert (where.status, where.start) == (UNCHANGED, found.start)
    assert (where.prefix, where.suffix) != ("", "")  # it now needs context to stay unique


def test_a_repeated_quote_in_an_edited_paragraph_that_no_longer_anchors_once_is_broken():
    new = OLD.replace("Guns come from the north.", "Guns, they say, come from the north.")
    new += "More come from the north.\n"
    _, where = place("from the north", new)
    assert where.status == BROKEN
    assert "matches 2 places" in where.message


def test_a_quote_across_two_unchanged_paragraphs_moves_with_them():
    new = "Preface.\n" + OLD
    found, where = place("the 1990s. Guns come", new)
    assert where.status == MOVED
    assert where.start == found.start + len("Preface.\n\n")


def test_a_quote_with_typographic_differences_keeps_the_new_texts_characters():
    old = "He said “no deal” twice.\n"
    new = "Intro.\nHe said “no deal” twice, loudly.\n"
    _, where = place('He said "no deal"', new, old=old)
    assert (where.status, where.exact) == (EDITED, "He said “no deal”")


@pytest.mark.parametrize(
    ("items", "mapping", "added", "result"),
    [
        # Unchanged: every passage kept, in order.
        ([0, 1, 2], {0: 0, 1: 1, 2: 2}, set(), [("keep", 0), ("keep", 1), ("keep", 2)]),
        # A passage added inside a stretch read whole joins the reading.
        ([0, 1], {0: 0, 1: 2}, {1}, [("keep", 0), ("add", 1), ("keep", 1)]),
        # …also where a removed passage of the reading was.
        ([0, 1, 2], {0: 0, 2: 2}, {1}, [("keep", 0), ("add", 1), ("keep", 2)]),
        # Not where the reading skipped part of the source.
        ([0, 2], {0: 0, 1: 1, 2: 3}, {2}, [("keep", 0), ("keep", 1)]),
        # Not before the first or after the last of the reading's passages.
        ([1, 2], {1: 2, 2: 3}, {0, 1, 4}, [("keep", 0), ("keep", 1)]),
        # Other sources' passages (None) stay where they are; removed ones go.
        ([None, 0, None, 1], {1: 0}, set(), [("keep", 0), ("keep", 2), ("keep", 3)]),
        # A reading in its own order adds nothing between passages read backwards.
        ([2, 0], {0: 0, 2: 3}, {1, 2}, [("keep", 0), ("keep", 1)]),
    ],
)
def test_readings_keep_their_passages_and_gain_those_added_inside_them(
    items, mapping, added, result
):
    assert remap_reading(items, mapping, added) == result
