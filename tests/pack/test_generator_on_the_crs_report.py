"""The generator on a text its rules were never tuned on: the CRS report on Mexico, clean and
as a messy web copy, with the pack's lexicon and sources as the distractor pool. A
hand-labelled sample of its drafts (generator_sample_crs.toml) must stay at least 70 %
acceptable, and the web copy must give the very same drafts."""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

from courseware.ingest import decode, ingest
from quizzes.generator import (
    Draft,
    SourceText,
    build_pool,
    generate_all,
    load_lexicon,
    source_label,
)
from tests.conftest import SEEDS
from tests.generator_texts import pack_sources

TEXTS = Path(__file__).parents[1] / "fixtures" / "texts"
SAMPLE = Path(__file__).with_name("generator_sample_crs.toml")


def crs(name: str) -> SourceText:
    document = ingest(decode((TEXTS / name).read_bytes()))
    label = source_label("Congressional Research Service", "", "Mexico", "analysis")
    return SourceText("crs-r48859", label, "2026-09-23", document.text, document.blocks)


@cache
def drafts(name: str = "crs-r48859-mexico.txt") -> tuple[Draft, ...]:
    source = crs(name)
    pool = build_pool(
        [*(s.text for s in pack_sources(SEEDS)), source.text], lexicon=load_lexicon(SEEDS)
    )
    return tuple(generate_all([source], seed=1, pool=pool))


def sample() -> list[dict[str, str]]:
    return tomllib.loads(SAMPLE.read_text(encoding="utf-8"))["draft"]


def test_the_web_copy_gives_the_same_drafts_as_the_clean_report():
    assert drafts("crs-r48859-mexico-web-copy.txt") == drafts()


def test_every_draft_is_labelled_and_its_label_still_applies():
    labelled = sample()
    assert [item["key"] for item in labelled] == [draft.key for draft in drafts()]
    for item, draft in zip(labelled, drafts(), strict=True):
        assert (item["rule"], item["type"], item["stem"]) == (draft.rule, draft.kind, draft.stem)
        assert item["verdict"] in ("accept", "reject") and item["reason"]


def test_at_least_70_percent_of_the_reports_drafts_are_acceptable():
    verdicts = Counter(item["verdict"] for item in sample())
    assert len(sample()) >= 30
    assert verdicts["accept"] / sum(verdicts.values()) >= 0.70


def test_no_draft_of_the_report_is_cut_at_a_bill_or_law_number():
    for draft in drafts():
        assert not draft.quote.endswith(("(H.R.", "(P.L.", "H.Rept.", "(S.")), draft.quote
