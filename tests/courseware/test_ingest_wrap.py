"""Hard-wrap repair: finding the width a text was wrapped at and joining its lines back, and
the sentence splitting and heading rules that must not be fooled by what is left."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.ingest import CleanRules, ingest
from courseware.ingest.segment import is_heading
from courseware.ingest.sentences import split_sentences
from courseware.ingest.wrap import unwrap_groups, wrap_width

PARAGRAPHS = [
    "Mexico arguably affects the United States more directly than many other countries due "
    "to geographic proximity, economic interdependence, and shared security concerns.",
    "Mexican President Claudia Sheinbaum was inaugurated to a six-year term in October 2024. "
    "Sheinbaum, a climate scientist, is Mexico's first female president and a member of the "
    "National Regeneration Movement (MORENA), a party founded by her predecessor.",
    "The Trump Administration has also expanded the U.S. military presence at the southern "
    "border, issued a National Security Strategy and a National Defense Strategy that "
    "prioritize the Western Hemisphere, and conducted strikes against alleged drug boats.",
    "Congress could hold hearings, conduct delegations, or engage in official correspondence "
    "with both U.S. and Mexican officials to assess current cooperation on security, trade, "
    "migration and water deliveries under the 1944 treaty between the two countries.",
]
CLEAN = "\n\n".join(["Overview", *PARAGRAPHS[:2], "Security Cooperation", *PARAGRAPHS[2:]])


def _wrapped(width: int) -> str:
    return "\n\n".join(
        textwrap.fill(block, width, break_long_words=False, break_on_hyphens=False)
        for block in CLEAN.split("\n\n")
    )


@pytest.mark.parametrize("width", [60, 72, 80, 100])
def test_a_text_wrapped_at_a_fixed_width_gives_the_same_document_as_the_clean_one(
    width: int,
) -> None:
    wrapped = ingest(_wrapped(width))
    clean = ingest(CLEAN)

    assert wrapped.text == clean.text
    assert [b.kind for b in wrapped.blocks] == [b.kind for b in clean.blocks]
    assert wrapped.wrap_width is not None and width - 25 < wrapped.wrap_width <= width


def test_a_clean_text_is_not_taken_for_a_wrapped_one() -> None:
    document = ingest(CLEAN)

    assert document.wrap_width is None and document.joined_lines == 0


def test_unwrap_false_turns_the_detection_off() -> None:
    document = ingest(_wrapped(72), CleanRules(unwrap=False))

    assert document.wrap_width is None
    assert len(document.blocks) > 15


@pytest.mark.parametrize(
    "lines",
    [
        ["short", "lines", "only"] * 5,  # too short to be a wrapped text
        ["A line of about sixty characters, give or take a few ones."] * 5,  # too few
        ["x" * 300] * 20,  # longer than any wrapping width
    ],
)
def test_wrap_width_is_none_for_text_that_was_not_wrapped(lines: list[str]) -> None:
    assert wrap_width(lines) is None


def test_wrap_width_ignores_a_few_long_lines() -> None:
    lines = [textwrap.fill(" ".join(PARAGRAPHS * 3), 72).split("\n")][0] + ["y" * 200]

    assert wrap_width(lines) == 72


def test_a_blank_line_always_ends_a_paragraph() -> None:
    lines = ["x" * 70, "", "y" * 70]

    assert unwrap_groups(lines, width=72, continuation=True) == [[0], [1], [2]]


def test_a_list_item_is_never_joined_to_the_line_before() -> None:
    lines = ["The report lists three measures that Congress could take this year:", "- hold"]

    assert unwrap_groups(lines, width=72, continuation=True) == [[0], [1]]


def test_a_short_line_before_a_capital_is_not_joined_in_a_fixed_width_text() -> None:
    lines = ["Summary", "Mexico, the 10th-most-populous country, is bound to the United"]

    assert unwrap_groups(lines, width=72, continuation=False) == [[0], [1]]


def test_a_line_followed_by_a_lowercase_line_is_joined_in_a_fixed_width_text() -> None:
    lines = ["The review of the", "agreement starts in July."]

    assert unwrap_groups(lines, width=72, continuation=False) == [[0, 1]]


def test_without_a_width_or_continuation_nothing_is_joined() -> None:
    lines = ["The review of the", "agreement starts in July."]

    assert unwrap_groups(lines, width=None, continuation=False) == [[0], [1]]


@settings(max_examples=60)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abcdefgh ijklm.,"), min_size=30, max_size=300),
        min_size=3,
        max_size=8,
    ),
    st.integers(min_value=50, max_value=100),
)
def test_wrapping_and_repairing_keeps_every_word_in_order(
    paragraphs: list[str], width: int
) -> None:
    paragraphs = [" ".join(p.split()) for p in paragraphs if p.split()]
    raw = "\n\n".join(textwrap.fill(p, width, break_long_words=False) for p in paragraphs)

    assert ingest(raw).text.split() == " ".join(paragraphs).split()


# headings


@pytest.mark.parametrize(
    "line",
    [
        "Mexico has undergone significant change under the",
        "Sheinbaum has adopted a more aggressive approach than",
        "Credit ratings agencies have raised concerns about",
        "U.S. relations with Mexico have been tested as",
    ],
)
def test_a_line_ending_on_a_word_that_needs_another_is_not_a_heading(line: str) -> None:
    assert not is_heading(line)


@pytest.mark.parametrize(
    "line",
    ["Political and Economic Situation", "U.S.-Mexican Relations and Issues for Congress"],
)
def test_a_title_is_still_a_heading(line: str) -> None:
    assert is_heading(line)


# sentences


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("A bill passed the House (H.R. 8595) in July. It failed later.", 2),
        ("The act (P.L. 117-103) withheld aid. Congress agreed.", 2),
        ("H.Rept. 119-698 would require a report. S.Rept. 119-127 would too.", 2),
        ("The NSRP (H.R. 8595/H.Rept. 119-631) includes conditions. It passed.", 2),
        ("See 22 U.S.C. 2291 for the rule. The next one differs.", 2),
        ("Sec. 1234 of the act requires a plan. No. 5 is another.", 2),
        ("Pub. L. 119-60 is the act. It is long.", 2),
        ("The court decided Smith v. Jones in 2020. It was reversed.", 2),
        ("Under H.J.Res. 12 and H.Con.Res. 4, nothing changed. Then it did.", 2),
        ("The tariffs fell.[41] In February 2025, officials met.[42] They agreed.", 3),
        ("The courts lack experience. [5]", 1),
        ("It was raised by the Fed. Inflation fell.", 2),
    ],
)
def test_sentences_are_not_cut_at_legal_and_government_abbreviations(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count
