"""Turning uploaded source texts into clean, segmented, quotable documents.

Pure Python (no Django): decode bytes, remove web-page leftovers, segment into blocks,
anchor teacher quotes to exact offsets, and compute simple readability metrics.
"""

from __future__ import annotations

from courseware.ingest.anchor import (
    Anchor,
    QuoteAmbiguous,
    QuoteError,
    QuoteNotFound,
    anchor,
    selector,
)
from courseware.ingest.clean import CleanRules, RemovedLine
from courseware.ingest.metrics import (
    count_syllables,
    count_words,
    flesch_kincaid_grade,
    reading_minutes,
)
from courseware.ingest.normalize import SourceFileError, decode
from courseware.ingest.segment import Block, Document, ingest

__all__ = [
    "Anchor",
    "Block",
    "CleanRules",
    "Document",
    "QuoteAmbiguous",
    "QuoteError",
    "QuoteNotFound",
    "RemovedLine",
    "SourceFileError",
    "anchor",
    "count_syllables",
    "count_words",
    "decode",
    "flesch_kincaid_grade",
    "ingest",
    "reading_minutes",
    "selector",
]
