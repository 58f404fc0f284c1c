"""Cutting cleaned text into headings, paragraphs and list items with stable offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from courseware.ingest.boilerplate import furniture
from courseware.ingest.clean import CleanRules, RemovedLine, removal_reasons, trailing_links
from courseware.ingest.normalize import normalize_text
from courseware.ingest.sentences import split_sentences, words
from courseware.ingest.wrap import unwrap_groups, wrap_width

__all__ = ["Block", "Document", "ingest", "is_heading"]

BLOCK_SEPARATOR = "\n\n"

_LIST_MARKER = re.compile(r"[-•*] +")
_ENUMERATION = re.compile(r"\d{1,3}[.)] +")
_ENDING_INITIALISM = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}$")
_MAX_HEADING_WORDS = 12
# Question headings ("What are the main drug cartels operating in Mexico, and how well
# armed are they?") run longer and carry commas more often than statement headings.
_MAX_QUESTION_HEADING_WORDS = 16
# A title does not end on a word that needs another after it: such a line was cut
# mid-sentence ("Mexico has undergone significant change under the").
_OPEN_ENDINGS = frozenset(
    (
        *("a", "an", "the", "of", "and", "or", "nor", "but", "to", "in", "into", "for", "with"),
        *("by", "on", "at", "from", "as", "that", "which", "who", "whose", "its", "their"),
        *("his", "her", "our", "is", "are", "was", "were", "be", "been", "has", "have", "had"),
        *("than", "not", "would", "could", "will", "can", "may", "should", "including"),
        *("about", "over", "under", "between", "after", "before", "against", "during"),
        *("without", "within", "through", "across", "toward", "towards", "upon", "among"),
        *("because", "while", "if", "whether", "so", "such", "this", "these", "those"),
    )
)
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
    """Cleaned text (block texts joined by blank lines), its blocks and what was removed.

    wrap_width: the column the text was found hard-wrapped at (None: not wrapped at a fixed
    width); joined_lines: how many lines were joined to the line before them.
    """

    text: str
    blocks: tuple[Block, ...]
    removed: tuple[RemovedLine, ...]
    wrap_width: int | None = None
    joined_lines: int = 0


def ingest(raw: str, rules: CleanRules = _NO_RULES) -> Document:
    """Normalise, clean, repair hard wraps and segment decoded source text.

    Cleaning runs on the lines as received (so furniture is never joined to a paragraph),
    then again on the repaired lines (furniture that was wrapped over several lines), and a
    dead link at the end of a line is cut off. Every removed line is reported by its number
    in the text as received. Deterministic: the same input and rules always give the same
    Document.
    """
    raw_lines = normalize_text(raw).split("\n")
    first = removal_reasons(raw_lines, rules)
    lines = ["" if index in first else line for index, line in enumerate(raw_lines)]
    width = wrap_width(lines) if rules.unwrap is not False else None
    groups = unwrap_groups(lines, width=width, continuation=rules.unwrap is True)
    joined = [" ".join(lines[index] for index in group) for group in groups]
    second = removal_reasons(joined, rules)
    joined = ["" if number in second else line for number, line in enumerate(joined)]
    links = trailing_links(joined, rules)
    removed = [RemovedLine(i + 1, raw_lines[i], reason) for i, reason in first.items()]
    for number, reason in second.items():
        removed.extend(RemovedLine(i + 1, lines[i], reason) for i in groups[number])
    for number, at in links.items():
        removed.append(_cut_link(joined[number], at, groups[number], lines))
        joined[number] = joined[number][:at].rstrip()
    return Document(
        *_segment(joined, rules),
        removed=tuple(sorted((r for r in removed if r.text), key=lambda r: r.line_no)),
        wrap_width=width,
        joined_lines=sum(len(group) - 1 for group in groups),
    )


def _cut_link(line: str, at: int, group: list[int], lines: list[str]) -> RemovedLine:
    """The dead link cut from a (joined) line, reported on the line where it begins."""
    start = 0
    for index in group:
        start += len(lines[index]) + 1
        if start > at:
            break
    link = line[at:]
    return RemovedLine(index + 1, link, furniture(link) or "boilerplate: dead link")


def _segment(lines: list[str], rules: CleanRules) -> tuple[str, tuple[Block, ...]]:
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
    return BLOCK_SEPARATOR.join(block.text for block in blocks), tuple(blocks)


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
    ending initialism such as "U.S." is fine) or on a word that needs another after it
    ("the", "of", "and"…), and holds a single sentence starting with a capital. A line
    ending in "?" or "!" may have up to 16 words and commas, but must still be one
    sentence. A leading enumeration ("1. ") is ignored.
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
    if body.split()[-1].casefold() in _OPEN_ENDINGS:
        return False
    if body.endswith((".", ",", ";", ":", "…")):
        return body.endswith(".") and _ENDING_INITIALISM.search(body) is not None
    return True
