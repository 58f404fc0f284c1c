"""Cutting cleaned text into headings, paragraphs and list items with stable offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from courseware.ingest.clean import CleanRules, RemovedLine, clean_lines, unwrap_lines
from courseware.ingest.normalize import normalize_text
from courseware.ingest.sentences import split_sentences, words

__all__ = ["Block", "Document", "ingest", "is_heading"]

BLOCK_SEPARATOR = "\n\n"

_LIST_MARKER = re.compile(r"[-•*] +")
_ENUMERATION = re.compile(r"\d{1,3}[.)] +")
_ENDING_INITIALISM = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}$")
_MAX_HEADING_WORDS = 12
# Question headings ("What are the main drug cartels operating in Mexico, and how well
# armed are they?") run longer and carry commas more often than statement headings.
_MAX_QUESTION_HEADING_WORDS = 16
_NO_RULES = CleanRules()


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list item; text == Document.text[start:end]."""

    kind: str
    text: str
    start: int
    end: int
    section: str


@dataclass(frozen=True)
class Document:
    """Cleaned text (block texts joined by blank lines), its blocks and what was removed."""

    text: str
    blocks: tuple[Block, ...]
    removed: tuple[RemovedLine, ...]


def ingest(raw: str, rules: CleanRules = _NO_RULES) -> Document:
    """Normalise, clean, optionally unwrap and segment decoded source text.

    Deterministic: the same input and rules always give the same Document.
    """
    lines, removed = clean_lines(normalize_text(raw).split("\n"), rules)
    if rules.unwrap:
        lines = unwrap_lines(lines)
    forced = {_rule_text(text) for text in rules.headings}
    refused = {_rule_text(text) for text in rules.not_headings}
    blocks: list[Block] = []
    section = ""
    offset = 0
    for line in lines:
        if not line:
            continue
        kind, text = _classify(line, forced, refused)
        if kind == "heading":
            section = text
        if blocks:
            offset += len(BLOCK_SEPARATOR)
        blocks.append(Block(kind, text, offset, offset + len(text), section))
        offset += len(text)
    return Document(
        text=BLOCK_SEPARATOR.join(block.text for block in blocks),
        blocks=tuple(blocks),
        removed=tuple(removed),
    )


def _rule_text(text: str) -> str:
    # Rule texts come from hand-edited TOML, so they get the same normalisation as lines.
    return " ".join(normalize_text(text).split())


def _classify(line: str, forced: set[str], refused: set[str]) -> tuple[str, str]:
    if line in forced:
        return "heading", line
    marker = _LIST_MARKER.match(line)
    if marker and marker.end() < len(line):
        return "list_item", line[marker.end() :]
    if line not in refused and is_heading(line):
        return "heading", line
    return "paragraph", line


def is_heading(line: str) -> bool:
    """Whether a cleaned line looks like a heading.

    A heading is short (at most 12 words), has no comma, does not end in . , ; : (an
    ending initialism such as "U.S." is fine) and holds a single sentence starting with a
    capital. A line ending in "?" or "!" may have up to 16 words and commas, but must still
    be one sentence. A leading enumeration ("1. ") is ignored.
    """
    enumeration = _ENUMERATION.match(line)
    body = line[enumeration.end() :] if enumeration else line
    first_letter = next((char for char in body if char.isalpha()), "")
    if not first_letter.isupper() or len(split_sentences(body)) != 1:
        return False
    count = len(words(body))
    if body.endswith(("?", "!")):
        return count <= _MAX_QUESTION_HEADING_WORDS
    if count > _MAX_HEADING_WORDS or "," in body:
        return False
    if body.endswith((".", ",", ";", ":", "…")):
        return body.endswith(".") and _ENDING_INITIALISM.search(body) is not None
    return True
