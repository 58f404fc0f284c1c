"""Small text helpers shared by the stages: folding names, whole-word counts, digests."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lowercase without accents or typographic quotes, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.replace("’", "'").replace("‘", "'")


def word_list(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def contains_words(haystack: str, needle: str) -> int:
    """How many times needle occurs in haystack as whole words (folded)."""
    hay, need = word_list(haystack), word_list(needle)
    if not need:
        return 0
    return sum(1 for i in range(len(hay) - len(need) + 1) if hay[i : i + len(need)] == need)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def alternation(names: Iterable[str]) -> str:
    """A regex alternation of literal names, longest first (so "Baja California Sur" wins)."""
    ordered = sorted(set(names), key=lambda name: (-len(name), name))
    return "|".join(re.escape(name) for name in ordered)


OPENING_QUOTES = "“"
CLOSING_QUOTES = "”"


def quote_depths(text: str) -> list[int]:
    """For each character of a block, whether a quotation is open before it (0 or 1)."""
    depths: list[int] = []
    depth = 0
    for char in text:
        depths.append(depth)
        if char in OPENING_QUOTES:
            depth = 1
        elif char in CLOSING_QUOTES:
            depth = 0
        elif char == '"':
            depth = 1 - depth
    return depths


_NOT_A_NAME = re.compile(r"\bnot (?:named|given)\b|^personal blog", re.I)
# A person the metadata names only as the one who posted the text is not its author.
_POSTER = re.compile(r"\b(?:poster|posted|reposted|re-posted|shared)\b", re.I)
_GENERATED = re.compile(r"\bgenerated\b|\bAI\b|\bsearch engine\b|\bchatbot\b", re.I)


def _name(value: str) -> str:
    """A metadata field's name without its parenthesised remark; "" when it says no name."""
    name = re.sub(r"\s*\(.*$", "", value).strip()
    return "" if not name or _NOT_A_NAME.search(name) else name


def source_label(publisher: str, author: str, title: str, kind: str = "") -> str:
    """Who a source's words belong to, for stems: the publisher, else the author, else title.

    Metadata that says a name is not in the text ("Not named in the text", "name not given")
    is skipped, and a parenthesised remark is dropped ("Evan Ellis (…)"). An author whose
    remark says they only posted the text ("Norb Leahy (poster; the text itself was generated
    by a search engine)") did not write it: the words are "the AI-generated text posted by
    Norb Leahy" when the remark or the source's kind ("ai-summary") says a machine wrote it,
    else "the text posted by Norb Leahy".
    """
    remark = author[len(re.sub(r"\s*\(.*$", "", author)) :]
    poster = _name(author)
    if poster and _POSTER.search(remark):
        machine = _GENERATED.search(remark) or kind == "ai-summary"
        return f"the {'AI-generated text' if machine else 'text'} posted by {poster}"
    for value in (publisher, author):
        if name := _name(value):
            return name
    return title
