"""The generator's drafts, every field, for fixed seeds: the same before and after a refactor.

tests/pack/golden/generator_drafts.json was recorded from the generator as the command and
quizzes.services run it (the pack's sources, their texts as the distractor pool) for every
source of the real pack (with the pack's lexicon, seeds/course/lexicon.toml), a text the rules were never tuned on (a flood report, as in
test_generator.py) and a public CRS report the course never used. If a change to the rules is
meant to change drafts, regenerate it with FUENTE_REGENERATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from courseware.ingest import decode, ingest
from quizzes.generator import SourceText, build_pool, generate, load_lexicon, source_label
from tests.generator_texts import flood_source, pack_sources

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GOLDEN = Path(__file__).parent / "golden" / "generator_drafts.json"
CRS = Path(__file__).parent / "golden" / "generator_input_crs-r48859-mexico.txt"
SEEDS_TO_RECORD = (1, 7, 42)


def crs_source() -> SourceText:
    document = ingest(decode(CRS.read_bytes()))
    label = source_label("Congressional Research Service", "", "Mexico")
    return SourceText("crs-r48859", label, "2026-09-23", document.text, document.blocks)


def record() -> list[dict[str, Any]]:
    pack = list(pack_sources(SEEDS))
    crs = crs_source()
    flood = flood_source()
    runs = [(source, [s.text for s in pack]) for source in pack]
    runs.append((crs, [*(s.text for s in pack), crs.text]))
    runs.append((flood, [flood.text]))
    recorded = []
    for seed in SEEDS_TO_RECORD:
        for source, pool_texts in runs:
            pool = build_pool(pool_texts, lexicon=load_lexicon(SEEDS))
            drafts = generate(source, seed=seed, pool=pool)
            recorded.append(
                {
                    "seed": seed,
                    "source": source.slug,
                    "drafts": [dataclasses.asdict(draft) for draft in drafts],
                }
            )
    return recorded


def test_it_gives_the_recorded_drafts_for_every_source_and_seed():
    recorded = record()
    if os.environ.get("FUENTE_REGENERATE_GOLDEN"):
        text = json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True)
        GOLDEN.write_text(text + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [(run["seed"], run["source"]) for run in recorded] == [
        (run["seed"], run["source"]) for run in golden
    ]
    for run, expected in zip(recorded, golden, strict=True):
        where = f"seed {run['seed']}, {run['source']}"
        assert [d["key"] for d in run["drafts"]] == [d["key"] for d in expected["drafts"]], where
        for draft, want in zip(run["drafts"], expected["drafts"], strict=True):
            assert draft == want, f"{where}: {draft['key']}"
