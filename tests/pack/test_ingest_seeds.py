"""The ingest pipeline on the five real source documents of the first course pack."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from courseware.ingest import CleanRules, Document, decode, ingest

SOURCES = Path(__file__).parents[2] / "seeds" / "sources"

# Mirrors sources.toml. 004 needs no rule: the general donation rule already removes
# "Whether you agree or disagree with our analysis, … a $5 donation helps us …".
RULES = {
    "000": CleanRules(),
    "001": CleanRules(drop_lines=("Author", "Image: .*")),
    "002": CleanRules(unwrap=True),
    "003": CleanRules(),
    "004": CleanRules(),
}

REMOVED_LINES = {
    "000": set(),
    "001": {5, 7, 9, 143, 145, 147, 149, 151, 153, 155, 157, 159, 161, 162},
    "002": {53, 55, 56},
    "003": set(),
    "004": {1, 3, 5, 6, 57, 58, 59, 60, 61, 62},
}

HEADINGS = {
    "000": [
        "From Criminal Networks to Militarized Groups",
        "U.S. Fuels Cartel Firepower",
        "Cartel Tactics",
        "Policy Recommendations",
        "Conclusion",
    ],
    "001": [
        "Organized Crime in Mexico and the Evolving Government Response",
        "The Mexican Security Panorama",
        "State by State",
        "Mexican Security Forces Responding to Organized Crime",
        "The Question of “Hugs Not Bullets”",
        "Security Cooperation with the U.S.",
        "Recommendations",
    ],
    "002": [
        "Domestic strategy and legislation",
        "Bilateral cooperation with the U.S.",
        "Escalating threats and violence",
        "Political and international dimensions",
        "Mexico's revised security strategy",
        "Cooperation and tension with the United States",
        "Ongoing cartel violence and challenges",
    ],
    "003": [
        "What are the main drug cartels operating in Mexico, and how well armed are they?",
        "What are the gun purchase laws in Mexico?",
        "Where do Mexican cartels get their weapons from?",
        "What has Mexico done about gun running from the US?",
        "What has the US done to address this problem?",
        "Could the US really be tactically arming some Mexican cartels?",
        "What will it take to counter gun trafficking to Mexican cartels?",
    ],
    "004": [
        "How has US drug policy contributed to cartel power in Mexico?",
        "Executive summary",
        "1. Demand creates the market: American consumption funds cartel power",
        "2. Prohibition and interdiction re-routed suppliers into Mexico",
        "3. “Kingpin” and militarized strategies had blowback",
        "4. Firearms flow south: U.S. guns fuel cartel militarization",
        "5. Policy incentives created a resilient criminal economy",
        "6. Fragmentation paradox: success against bosses can strengthen cartels",
        "7. Demand-side solutions and critiques of militarized responses",
        "8. Complicating factors: global supply chains and domestic production",
        "9. What the sources do not settle or omit",
        "10. Takeaway for policymakers and the public",
    ],
}

SEEDS = sorted(RULES)


@pytest.fixture
def raw_seed() -> Callable[[str], str]:
    """Return a reader of the decoded text of the seed whose file name starts with a prefix."""

    def read(prefix: str) -> str:
        matches = sorted(SOURCES.glob(f"{prefix}*.txt"))
        if not matches:
            pytest.skip(f"seed {prefix} is not in {SOURCES}")
        return decode(matches[0].read_bytes())

    return read


def _ingest(raw_seed: Callable[[str], str], prefix: str) -> Document:
    return ingest(raw_seed(prefix), RULES[prefix])


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.parametrize("prefix", SEEDS)
def test_it_removes_exactly_the_page_leftovers_of_each_seed(
    raw_seed: Callable[[str], str], prefix: str
) -> None:
    document = _ingest(raw_seed, prefix)

    assert {line.line_no for line in document.removed} == REMOVED_LINES[prefix]
    assert all(line.reason and line.text for line in document.removed)


@pytest.mark.parametrize("prefix", SEEDS)
def test_it_reports_removed_lines_with_their_raw_line_number_and_text(
    raw_seed: Callable[[str], str], prefix: str
) -> None:
    raw = raw_seed(prefix)
    raw_lines = raw.split("\n")

    for line in _ingest(raw_seed, prefix).removed:
        # A whole line, or the dead link cut from its end.
        assert _flat(raw_lines[line.line_no - 1]).endswith(line.text)


@pytest.mark.parametrize("prefix", SEEDS)
def test_every_other_line_of_each_seed_survives(
    raw_seed: Callable[[str], str], prefix: str
) -> None:
    raw = raw_seed(prefix)
    document = _ingest(raw_seed, prefix)
    removed = {line.line_no for line in document.removed}
    cleaned = _flat(document.text)

    for number, line in enumerate(raw.split("\n"), start=1):
        text = _flat(line).removeprefix("- ")
        if text and number not in removed:
            assert text in cleaned, f"line {number} lost: {text[:60]}"


@pytest.mark.parametrize("prefix", SEEDS)
def test_it_finds_the_headings_of_each_seed(raw_seed: Callable[[str], str], prefix: str) -> None:
    document = _ingest(raw_seed, prefix)

    assert [block.text for block in document.blocks if block.kind == "heading"] == HEADINGS[prefix]


@pytest.mark.parametrize("prefix", SEEDS)
def test_no_block_of_a_seed_is_empty_and_offsets_hold(
    raw_seed: Callable[[str], str], prefix: str
) -> None:
    document = _ingest(raw_seed, prefix)

    assert document.blocks
    for block in document.blocks:
        assert block.text.strip() == block.text != ""
        assert document.text[block.start : block.end] == block.text
    assert document.text == "\n\n".join(block.text for block in document.blocks)


@pytest.mark.parametrize("prefix", SEEDS)
def test_ingesting_a_seed_twice_gives_the_same_document(
    raw_seed: Callable[[str], str], prefix: str
) -> None:
    assert _ingest(raw_seed, prefix) == _ingest(raw_seed, prefix)


@pytest.mark.parametrize(
    ("prefix", "paragraph"),
    [
        ("000", "The views expressed in this article are those of the author and not an"),
        ("001", "This article represents Part I of a two-part series on Mexico."),
        ("001", "Evan Ellis is a Latin America research professor with the U.S. Army War College"),
        ("002", "Norb Leahy, Dunwoody GA Tea Party Leader"),
        ("003", "date 2026-03-03 Eighty percent of weapons seized from Mexican cartels"),
        ("004", "Checked on November 15, 2025"),
        ("004", "Disclaimer: Factually can make mistakes. Please verify important info"),
    ],
)
def test_real_paragraphs_that_look_like_leftovers_are_kept_as_blocks(
    raw_seed: Callable[[str], str], prefix: str, paragraph: str
) -> None:
    document = _ingest(raw_seed, prefix)

    assert any(block.text.startswith(paragraph) for block in document.blocks)


def test_the_001_trailer_and_scroll_to_top_go_by_general_rules(
    raw_seed: Callable[[str], str],
) -> None:
    document = ingest(raw_seed("001"), CleanRules())
    reasons = {line.line_no: line.reason for line in document.removed}

    assert reasons[143] == "trailer: More Commentary"
    assert reasons[149] == "boilerplate: Read more link"
    assert reasons[157] == "trailer: after 'More Commentary'"
    assert reasons[162] == "boilerplate: Scroll to Top"
    assert 5 not in reasons and 7 not in reasons


def test_the_001_dead_link_to_part_ii_is_cut_and_its_sentence_kept(
    raw_seed: Callable[[str], str],
) -> None:
    document = _ingest(raw_seed, "001")
    reasons = {line.line_no: (line.text, line.reason) for line in document.removed}

    assert reasons[9] == ("Click here to read Part II.", "boilerplate: dead link")
    assert "This article represents Part I of a two-part series on Mexico." in [
        block.text for block in document.blocks
    ]
    assert "Click here" not in document.text


def test_the_001_source_rules_drop_the_author_label_and_image_caption(
    raw_seed: Callable[[str], str],
) -> None:
    reasons = {line.line_no: line.reason for line in _ingest(raw_seed, "001").removed}

    assert reasons[5] == "source rule: drop_lines 'Author'"
    assert reasons[7] == "source rule: drop_lines 'Image: .*'"


def test_the_004_banner_and_suggested_questions_go_by_general_rules(
    raw_seed: Callable[[str], str],
) -> None:
    reasons = {line.line_no: line.reason for line in _ingest(raw_seed, "004").removed}

    assert reasons[1] == reasons[3] == "donation banner"
    assert reasons[5] == reasons[6] == "boilerplate: loading placeholder"
    assert reasons[57] == "suggested questions: Want to dive deeper?"
    assert reasons[62] == "suggested questions: after 'Want to dive deeper?'"


def test_the_002_leftovers_go_by_general_rules(raw_seed: Callable[[str], str]) -> None:
    reasons = {line.line_no: line.reason for line in _ingest(raw_seed, "002").removed}

    assert reasons == {
        53: "boilerplate: bare URL",
        55: "boilerplate: comment counter",
        56: "boilerplate: Post a Comment",
    }


@pytest.mark.parametrize(
    "line",
    [
        "Bilateral cooperation with the U.S.",
        "Mexico's revised security strategy",
        "In August 2025, the US Treasury sanctioned violent Mexican cartels.",
        "US sanctions and visa actions: The US has been using financial tools and visa "
        "revocations to put pressure on Mexican officials.",
        "In October 2025, the US revoked visas for more than 50 Mexican officials over "
        "alleged cartel ties.",
        "Challenges include:",
        "In-fighting: Cartels like the Sinaloa and Jalisco New Generation continue to battle "
        "each other and smaller groups for territorial control.",
        "Military-grade weapons: Mexican cartels are using military-grade explosives and "
        "weapons, in part sourced from the US, for attacks.",
    ],
)
def test_unwrapping_002_rebuilds_its_hard_wrapped_lines(
    raw_seed: Callable[[str], str], line: str
) -> None:
    assert line in [block.text for block in _ingest(raw_seed, "002").blocks]


def test_000_keeps_its_conflict_list_as_list_items_in_their_section(
    raw_seed: Callable[[str], str],
) -> None:
    items = [block for block in _ingest(raw_seed, "000").blocks if block.kind == "list_item"]

    assert [item.text.split(":")[0] for item in items] == [
        "The Sinaloa Cartel Civil War",
        "The Gulf Cartel Civil War",
        "Mayito Flaco and CJNG Conflict",
        "CJNG Michoacán Offensive",
    ]
    assert {item.section for item in items} == {"From Criminal Networks to Militarized Groups"}


def test_typographic_quotes_of_the_seeds_are_kept(raw_seed: Callable[[str], str]) -> None:
    text = _ingest(raw_seed, "003").text

    assert "Mexico’s defence minister" in text
    assert "known as “El Mencho”" in text
