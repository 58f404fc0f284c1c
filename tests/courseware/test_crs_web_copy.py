"""A text nobody wrote rules for: the CRS report on Mexico, clean and as a messy web copy.

The web copy (tests/fixtures/texts/README.md) is the report wrapped at 72 columns with a site's
header, menus, breadcrumbs, share bars, a newsletter box, a cookie notice and a footer around
it. Cleaned with the general rules alone — as `import_source` and the admin do for a teacher —
it must give the same passages and the same reading figures as the clean text, remove every
furniture line with the right reason, and drop no line of the report.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from courseware.ingest import Document, decode, flesch_kincaid_grade, ingest, reading_minutes
from courseware.ingest.metrics import count_sentences, count_words
from courseware.ingest.sentences import split_sentences

TEXTS = Path(__file__).parents[1] / "fixtures" / "texts"
CLEAN = TEXTS / "crs-r48859-mexico.txt"
WEB_COPY = TEXTS / "crs-r48859-mexico-web-copy.txt"
FURNITURE = tomllib.loads((TEXTS / "crs-web-copy-furniture.toml").read_text("utf-8"))["line"]


def _document(path: Path) -> Document:
    return ingest(decode(path.read_bytes()))


@pytest.fixture(scope="module")
def clean() -> Document:
    return _document(CLEAN)


@pytest.fixture(scope="module")
def web_copy() -> Document:
    return _document(WEB_COPY)


def _close(a: float, b: float, share: float = 0.05) -> bool:
    return abs(a - b) <= share * max(abs(a), abs(b))


def test_the_clean_report_is_one_passage_per_line_and_loses_nothing(clean: Document) -> None:
    lines = [line for line in CLEAN.read_text("utf-8").splitlines() if line.strip()]

    assert len(clean.blocks) == len(lines) == 41
    assert clean.removed == ()
    assert clean.wrap_width is None and clean.joined_lines == 0


def test_the_web_copy_gives_the_same_passages_as_the_clean_text(
    clean: Document, web_copy: Document
) -> None:
    assert _close(len(web_copy.blocks), len(clean.blocks))
    # In fact the very same text, passage for passage.
    assert [(b.kind, b.text) for b in web_copy.blocks] == [(b.kind, b.text) for b in clean.blocks]


def test_the_web_copy_gives_the_same_reading_figures(clean: Document, web_copy: Document) -> None:
    for measure in (count_words, count_sentences, flesch_kincaid_grade):
        assert _close(measure(web_copy.text), measure(clean.text)), measure.__name__
    assert reading_minutes(count_words(web_copy.text)) == reading_minutes(count_words(clean.text))


def test_the_web_copy_is_found_wrapped_at_72_columns(web_copy: Document) -> None:
    assert web_copy.wrap_width == 72
    assert web_copy.joined_lines > 300


def test_every_furniture_line_is_removed_and_reported_with_its_reason(
    web_copy: Document,
) -> None:
    reported = [(line.line_no, line.text, line.reason) for line in web_copy.removed]

    assert reported == [(f["number"], f["text"], f["reason"]) for f in FURNITURE]


def test_no_line_of_the_report_is_dropped_from_the_web_copy(web_copy: Document) -> None:
    furniture = {f["number"] for f in FURNITURE}
    kept = " ".join(web_copy.text.split())
    for number, line in enumerate(WEB_COPY.read_text("utf-8").splitlines(), start=1):
        if line.strip() and number not in furniture:
            assert " ".join(line.split()) in kept, f"line {number} lost: {line}"


def test_no_heading_is_a_line_cut_mid_sentence(web_copy: Document) -> None:
    headings = [block.text for block in web_copy.blocks if block.kind == "heading"]

    assert headings == [
        "Mexico: Background and Key Issues in U.S. Relations",
        "(R48859)",
        "Summary",
        "Mexico's Domestic Situation",
        "U.S.-Mexico Relations",
        "Congressional Action",
        "Overview",
        "Political and Economic Situation",
        "U.S.-Mexican Relations and Issues for Congress",
        "Security Cooperation",
        "Congressional Action",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "H.Rept. 119-698, accompanying the FY2027 House-passed version of an NDAA (H.R. 8800), "
        "would require a report",
        "The FY2026 National Defense Authorization Act (NDAA; P.L. 119-60) required a report",
        "The House-passed version of an FY2027 NSRP (H.R. 8595/H.Rept. 119-631) includes",
        "S.Rept. 119-127, accompanying the Senate Armed Services Committee's version",
    ],
)
def test_no_sentence_is_cut_at_a_bill_law_or_report_number(clean: Document, sentence: str) -> None:
    assert any(s.startswith(sentence) for s in split_sentences(clean.text))


def test_footnote_numbers_stay_with_the_sentence_they_end(clean: Document) -> None:
    sentences = split_sentences(clean.text)

    assert not [s for s in sentences if re.fullmatch(r"(?:\[\d+\]\s*)+", s)]
    assert any(
        s.endswith("in an effort to compel the Mexican government to address those issues.[40]")
        for s in sentences
    )
