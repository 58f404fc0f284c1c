"""Segmenting cleaned text into headings, paragraphs and list items."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.ingest import Block, CleanRules, Document, ingest

NO_RULES = CleanRules()


def _kinds(raw: str, rules: CleanRules = NO_RULES) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in ingest(raw, rules).blocks]


def test_every_non_empty_line_is_one_block_and_blank_lines_do_not_count() -> None:
    assert _kinds("First line.\nSecond line.\n\n\n\nThird line.") == [
        ("paragraph", "First line."),
        ("paragraph", "Second line."),
        ("paragraph", "Third line."),
    ]


def test_the_document_text_is_the_block_texts_joined_by_blank_lines() -> None:
    document = ingest("Title\nOne.\n\n- two\n")

    assert document.text == "Title\n\nOne.\n\ntwo"
    assert document.blocks == (
        Block("heading", "Title", 0, 5, "Title"),
        Block("paragraph", "One.", 7, 11, "Title"),
        Block("list_item", "two", 13, 16, "Title"),
    )


@pytest.mark.parametrize("marker", ["- ", "• ", "* ", "-   "])
def test_a_line_with_a_bullet_marker_is_a_list_item_without_the_marker(marker: str) -> None:
    assert _kinds(f"{marker}The Gulf Cartel Civil War: factions fight.") == [
        ("list_item", "The Gulf Cartel Civil War: factions fight.")
    ]


@pytest.mark.parametrize("line", ["-5 degrees outside.", "*Emphasis* here.", "—Quoted, he said."])
def test_a_dash_or_star_without_a_following_space_is_not_a_list_marker(line: str) -> None:
    assert _kinds(line)[0][0] == "paragraph"


@pytest.mark.parametrize(
    "line",
    [
        "Conclusion",
        "Cartel Tactics",
        "From Criminal Networks to Militarized Groups",
        "U.S. Fuels Cartel Firepower",
        "Bilateral cooperation with the U.S.",
        "The Question of “Hugs Not Bullets”",
        "What are the gun purchase laws in Mexico?",
        "What are the main drug cartels operating in Mexico, and how well armed are they?",
        "1. Demand creates the market: American consumption funds cartel power",
        "10. Takeaway for policymakers and the public",
        "3. “Kingpin” and militarized strategies had blowback",
    ],
)
def test_a_short_title_like_line_is_a_heading(line: str) -> None:
    assert _kinds(line) == [("heading", line)]


@pytest.mark.parametrize(
    "line",
    [
        "Checked on November 15, 2025",
        "Norb Leahy, Dunwoody GA Tea Party Leader",
        "Challenges include:",
        "The US has also tried other avenues.",
        "Sonora. The state of Sonora is a key point of access",
        "So do the majority of these weapons really originate in the US? And if so, what then?",
        "One two three four five six seven eight nine ten eleven twelve thirteen",
        "date 2026-03-03 Eighty percent of weapons come from the US",
        "and international dimensions",
        "2025",
        "Loading;",
        "It ended…",
        "We went to the U.S. and then home.",
    ],
)
def test_a_line_that_reads_as_prose_is_not_a_heading(line: str) -> None:
    assert _kinds(line) == [("paragraph", line)]


def test_a_question_heading_may_be_longer_but_not_very_long() -> None:
    long_question = "Why " + " ".join(["really"] * 16) + "?"

    assert _kinds(long_question) == [("paragraph", long_question)]


def test_rules_can_force_a_line_to_be_a_heading() -> None:
    rules = CleanRules(headings=("Sonora. A state apart.", "Checked on November 15, 2025"))

    assert _kinds("Sonora. A state apart.\nChecked on November 15, 2025", rules) == [
        ("heading", "Sonora. A state apart."),
        ("heading", "Checked on November 15, 2025"),
    ]


def test_rules_can_stop_a_line_being_a_heading() -> None:
    rules = CleanRules(not_headings=("Evan Ellis",))

    assert _kinds("Evan Ellis\nConclusion", rules) == [
        ("paragraph", "Evan Ellis"),
        ("heading", "Conclusion"),
    ]


def test_heading_rules_match_after_unwrapping_and_normalising() -> None:
    rules = CleanRules(unwrap=True, not_headings=("Political\u00a0and  international dimensions",))

    assert _kinds("Political\nand international dimensions\nU.S. sanctions: text.", rules) == [
        ("paragraph", "Political and international dimensions"),
        ("paragraph", "U.S. sanctions: text."),
    ]


def test_each_block_names_the_heading_of_its_section() -> None:
    document = ingest("Intro text.\nFirst Part\nBody one.\n- item\nSecond Part\nBody two.")

    assert [(block.text, block.section) for block in document.blocks] == [
        ("Intro text.", ""),
        ("First Part", "First Part"),
        ("Body one.", "First Part"),
        ("item", "First Part"),
        ("Second Part", "Second Part"),
        ("Body two.", "Second Part"),
    ]


def test_an_empty_or_fully_removed_text_gives_an_empty_document() -> None:
    assert ingest("") == Document("", (), ())
    assert ingest("\n\nScroll to Top\n").text == ""
    assert ingest("\n\nScroll to Top\n").blocks == ()


_TEXT = st.text(alphabet="abcXYZ .,?:-•*’“”\t\r\n\u00a0\u200béñ", max_size=40)
_LINE = st.one_of(_TEXT, _TEXT.map(lambda text: f"- {text}"))


@given(st.lists(_LINE, max_size=12))
def test_block_offsets_always_point_at_the_block_text(lines: list[str]) -> None:
    document = ingest("\n".join(lines))

    previous_end = -2
    for block in document.blocks:
        assert document.text[block.start : block.end] == block.text
        assert block.text and block.text == block.text.strip()
        assert block.start == previous_end + 2
        previous_end = block.end
    assert len(document.text) == max(previous_end, 0)


@given(st.lists(_LINE, max_size=12), st.booleans())
def test_ingest_is_deterministic(lines: list[str], unwrap: bool) -> None:
    raw = "\n".join(lines)
    rules = CleanRules(unwrap=unwrap)

    assert ingest(raw, rules) == ingest(raw, rules)
