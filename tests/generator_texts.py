"""Texts the generator's tests run on: a pack's sources as the command reads them, and a flood
report the rules were never tuned on (another topic, other places, other kinds of numbers)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from courseware.ingest import decode, ingest
from courseware.pack import load_pack
from quizzes.generator import SourceText, source_label

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


@cache
def pack_sources(seeds: Path) -> tuple[SourceText, ...]:
    """Every source of the pack in `seeds`, cleaned by its rules and labelled by its metadata."""
    pack = load_pack(seeds)
    sources = []
    for spec in pack.sources:
        document = ingest(decode(pack.raw_bytes(spec)), spec.rules)
        label = source_label(spec.publisher, spec.author, spec.title, spec.kind)
        sources.append(SourceText(spec.slug, label, spec.published, document.text, document.blocks))
    return tuple(sources)
