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
from courseware.pack import load_pack
from quizzes.generator import SourceText, build_pool, generate, load_lexicon, source_label

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GOLDEN = Path(__file__).parent / "golden" / "generator_drafts.json"
CRS = Path(__file__).parent / "golden" / "generator_input_crs-r48859-mexico.txt"
SEEDS_TO_RECORD = (1, 7, 42)


def pack_sources() -> list[SourceText]:
    pack = load_pack(SEEDS)
    sources = []
    for spec in pack.sources:
        document = ingest(decode(pack.raw_bytes(spec)), spec.rules)
        label = source_label(spec.publisher, spec.author, spec.title, spec.kind)
        sources.append(SourceText(spec.slug, label, spec.published, document.text, document.blocks))
    return sources


def crs_source() -> SourceText:
    document = ingest(decode(CRS.read_bytes()))
    label = source_label("Congressional Research Service", "", "Mexico")
    return SourceText("crs-r48859", label, "2026-09-23", document.text, document.blocks)


# The text test_generator.py checks the rules on: another topic, other places and numbers.
FLOOD = """Floods on the Ardle River

Heavy rain in March 2019 pushed the Ardle River over its banks at Millbrook, a market town of 12,000 people.
The river rose 4.2 metres in two days, the highest level recorded since 1947.
Emergency crews evacuated between 800 and 1,200 residents from the low-lying Quay district.
The Environment Agency had warned in 2017 that the town's flood walls were too low.
Millbrook lost its only bridge when the water undermined the stone piers on the second night.
Insurers later estimated the damage at $45 million, most of it to homes and small shops.
A new flood barrier, finished in 2023, cost the county 18 million dollars.
Volunteers from Harwick and Eastford filled 30,000 sandbags during the first weekend.
It was the third serious flood in the town's history.
Residents of Millbrook voted in 2021 to move the primary school to higher ground.
The Met Office reported that rainfall in the catchment reached 160 percent of the monthly average.
They say the next test will come with the spring thaw.
"""


def flood_source() -> SourceText:
    document = ingest(FLOOD)
    return SourceText("ardle-flood", "The Valley Courier", "2024", document.text, document.blocks)


def record() -> list[dict[str, Any]]:
    pack = pack_sources()
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
