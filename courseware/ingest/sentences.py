"""Sentence and word splitting shared by heading detection and readability metrics."""

from __future__ import annotations

import re

__all__ = ["split_sentences", "words"]

# A word is a run of characters between whitespace and dashes that holds at least one
# letter or digit, so "U.S.", "200,000" and "military-grade" are one word each and a
# lone "–" is none.
_TOKEN = re.compile(r"[^\s–—]+")
_ALNUM = re.compile(r"[^\W_]")

# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets and
# footnote numbers, then whitespace. Whether it really ends a sentence is decided by _is_break.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?: ?\[\d{1,3}\])*(?=\s|$)")
# Footnote numbers after the full stop (".[40] In February") belong to the sentence they end.
_NOTES = re.compile(r"(?: ?\[\d{1,3}\])+$")
# The abbreviation a word ends with: "(H.R." → "H.R.", "8595/H.Rept." → "H.Rept.".
_TAIL = re.compile(r"[A-Za-z][A-Za-z.]*$")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9À-ÖØ-Þ]")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}")
# Dotted compounds of short parts: "H.Rept.", "S.Res.", "H.J.Res.", "U.S.C.", "Pub.L.".
_COMPOUND = re.compile(r"(?:[A-Za-z]{1,5}\.){2,}")
_INITIAL = re.compile(r"[A-Z]\.")
_ENUMERATION = re.compile(r"\d{1,3}[.)]")
_ABBREVIATIONS = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt"),
        *("gov", "sen", "rep", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e"),
        *("no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct"),
        *("nov", "dec", "mt", "ft", "approx", "est", "dept", "univ", "fig"),
        # Legal and government writing: bills, laws, reports, sections, courts, agencies.
        # Not "art", "fed" or "app": a sentence ends on those words ("… by the Fed.").
        *("sec", "secs", "ch", "cl", "para", "subpara", "pt", "div", "tit", "stat", "reg"),
        *("regs", "cong", "sess", "rept", "res", "doc", "amdt", "amend", "pub", "priv"),
        *("exec", "ord", "adm", "comm", "subcomm", "cmte", "govt", "v", "ct", "cir", "supp"),
        *("cf", "ibid", "al", "vol", "pp", "p", "op", "cit", "eds", "assn", "natl", "intl"),
        *("dist", "atty", "hon"),
    )
)


def words(text: str) -> list[str]:
    """The words of text: whitespace- or dash-separated tokens holding a letter or digit."""
    return [token for token in _TOKEN.findall(text) if _ALNUM.search(token)]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; every line break also ends a sentence.

    Terminal punctuation ends a sentence only when the next word starts with a capital
    letter, a digit or an opening quote, and the word before it is not an initialism
    ("U.S.", "(H.R."), a single initial ("P."), a dotted compound ("H.Rept.", "U.S.C.") or
    a common or legal abbreviation ("Dr.", "Sec.", "No.", "Stat."). A line-opening
    enumeration ("1. Demand creates…") does not end a sentence. Pieces without a letter
    or digit are dropped.
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in _END.finditer(line):
            if _is_break(line, start, match):
                sentences.append(line[start : match.end()])
                start = match.end()
        sentences.append(line[start:])
    return [s.strip() for s in sentences if _ALNUM.search(s)]


def _is_break(line: str, sentence_start: int, end: re.Match[str]) -> bool:
    if not _NEXT_STARTS_SENTENCE.match(line, end.end()):
        return False
    word_start = line.rfind(" ", 0, end.start()) + 1
    word = _NOTES.sub("", line[word_start : end.end()]).rstrip("\"'”’)]")
    if word.endswith(("!", "?", "…", "..")):
        return True
    if line[sentence_start:word_start].strip() == "" and _ENUMERATION.fullmatch(word):
        return False
    # "(H.R." and "“U.S." are abbreviations as much as "H.R." is.
    tail = _TAIL.search(word)
    bare = tail.group() if tail else ""
    if _INITIALISM.fullmatch(bare) or _INITIAL.fullmatch(bare) or _COMPOUND.fullmatch(bare):
        return False
    return bare[:-1].lower() not in _ABBREVIATIONS
