"""How a short answer is matched: normalising, teachers' patterns, and near misses (pure).

A typed answer, an accepted answer and the words of a pattern are all normalised the same way:
case, accents and other marks, punctuation and spacing do not count, a hyphen or dash is a
space, and leading articles (LEADING_ARTICLES) are dropped while more words follow.

A pattern is an accepted answer with a few signs a teacher can read at a glance:

    lake city *          "*" alone: any words, or none ("Lake City, Missouri")
    fertili*             a word ending in "*": any word starting so (fertiliser, fertilizer)
    (river|lake) silt    brackets: one of the phrases between the bars
    (very|) muddy        an empty phrase makes the brackets optional

Patterns are matched word by word over the normalised answer, by a small automaton whose work
grows with the pattern's length times the answer's (never exponentially, whatever is typed):
no regular expression is built from a teacher's text, so none can be made to run away.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice, product

from django.utils.translation import gettext as _
from rapidfuzz.distance import OSA

__all__ = [
    "ARTICLES",
    "LEADING_ARTICLES",
    "MAX_ALTERNATIVES",
    "MAX_PATTERN",
    "MAX_PATTERNS",
    "NEAR_SIMILARITY",
    "Nearest",
    "Pattern",
    "PatternError",
    "expand_pattern",
    "nearest",
    "normalised",
    "without_articles",
    "words",
]

# Dropped from the start of an answer while more words follow, so "The Nile", "a Nile" and
# "Nile" match alike. One list per language a course pack is written in; a word of any list
# counts. Only articles: a word that can carry meaning at the start ("no", "not") never goes.
LEADING_ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("the", "a", "an"),
    "es": ("el", "la", "los", "las", "un", "una"),
}
ARTICLES = frozenset(word for words in LEADING_ARTICLES.values() for word in words)

MAX_PATTERNS = 20  # per question
MAX_PATTERN = 200  # characters in one pattern
MAX_ALTERNATIVES = 10  # phrases in one pair of brackets
# Near misses: an answer at least this similar to an accepted one (optimal string alignment:
# one edit, a swap of two neighbouring letters included, in four letters is 0.75).
NEAR_SIMILARITY = 0.75


def words(text: str) -> list[str]:
    """The text's words once case, accents, punctuation and spacing are ignored."""
    # NFKD splits accented letters into letter + combining mark (dropped below) and
    # ligatures into letters; casefold can produce new decomposable characters, so twice.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    chars = []
    for char in text:
        if unicodedata.combining(char):
            continue
        category = unicodedata.category(char)
        if category == "Pd" or char.isspace():
            chars.append(" ")
        elif category[0] != "P" and category not in ("Cc", "Cf"):
            chars.append(char)
    return "".join(chars).split()


def without_articles(found: Sequence[str]) -> list[str]:
    """The words without their leading articles; the last word always stays."""
    start = 0
    while start < len(found) - 1 and found[start] in ARTICLES:
        start += 1
    return list(found[start:])


def normalised(text: str) -> str:
    """The form two answers are compared in: `words` without leading articles, one space apart."""
    return " ".join(without_articles(words(text)))


# Patterns


class PatternError(ValueError):
    """A pattern that cannot be read; str(error) says what to change, for a teacher."""


@dataclass(frozen=True)
class _Word:
    text: str
    is_prefix: bool  # "fertili*": any word that starts with text

    def fits(self, word: str) -> bool:
        return word.startswith(self.text) if self.is_prefix else word == self.text


@dataclass(frozen=True)
class _Any:
    """Any words, or none."""


@dataclass(frozen=True)
class _Group:
    alternatives: tuple[tuple[_Word, ...], ...]


_Token = _Word | _Any | _Group
_ANY = _Any()
_SIGNS = "*()|"


@dataclass(frozen=True)
class Pattern:
    """A teacher's pattern, read: match() tells whether an answer fits it."""

    text: str
    # The tokens as written, and (when they start with an article) without it: an answer's
    # articles are dropped, so "the river *" must also be tried as "river *".
    variants: tuple[tuple[_Token, ...], ...]

    @classmethod
    def read(cls, text: str) -> Pattern:
        """Raises PatternError, saying what to change, for a pattern that cannot be read or
        that would accept any answer at all."""
        if not text.strip():
            raise PatternError(_("it is empty"))
        if len(text) > MAX_PATTERN:
            raise PatternError(_("it is longer than %(limit)s characters") % {"limit": MAX_PATTERN})
        tokens = _Reader(text).tokens()
        if not any(_required(token) for token in tokens):
            raise PatternError(
                _("it would accept any answer; give it at least one word every answer must have")
            )
        start = 0
        while start < len(tokens) - 1 and _is_article(tokens[start]):
            start += 1
        variants = (tokens, tokens[start:]) if start else (tokens,)
        return cls(text=text, variants=variants)

    def match(self, answer: str) -> bool:
        found = words(answer)
        forms = [found]
        stripped = without_articles(found)
        if stripped != found:
            forms.append(stripped)
        return any(_fits(tokens, form) for tokens in self.variants for form in forms)


def _is_article(token: _Token) -> bool:
    return isinstance(token, _Word) and not token.is_prefix and token.text in ARTICLES


def _required(token: _Token) -> bool:
    """Whether every answer the token fits has a word of it (an article does not count)."""
    if isinstance(token, _Word):
        return not _is_article(token)
    if isinstance(token, _Group):
        return all(any(not _is_article(word) for word in phrase) for phrase in token.alternatives)
    return False


def _fits(tokens: Sequence[_Token], found: Sequence[str]) -> bool:
    """Whether the words fit the tokens: the set of positions reached after each token,
    so the work is at most tokens × words × the phrases of a group."""
    end = len(found)
    reached = {0}
    for token in tokens:
        if not reached:
            return False
        if isinstance(token, _Any):
            reached = set(range(min(reached), end + 1))
        elif isinstance(token, _Word):
            reached = {i + 1 for i in reached if i < end and token.fits(found[i])}
        else:
            reached = {
                i + len(phrase)
                for i in reached
                for phrase in token.alternatives
                if _phrase_at(phrase, found, i)
            }
    return end in reached


def _phrase_at(phrase: Sequence[_Word], found: Sequence[str], start: int) -> bool:
    if start + len(phrase) > len(found):
        return False
    return all(word.fits(found[start + k]) for k, word in enumerate(phrase))


class _Reader:
    """Reads a pattern's text into tokens, one sign at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[_Token] = []
        self.group: list[list[_Word]] | None = None  # the phrases of the open brackets
        self.chunk = ""  # text since the last sign

    def tokens(self) -> tuple[_Token, ...]:
        for index, char in enumerate(self.text):
            if char not in _SIGNS:
                self.chunk += char
            elif char == "*":
                self._star(index)
            elif char == "(":
                if self.group is not None:
                    raise PatternError(_("brackets cannot go inside brackets"))
                self._flush()
                self.group = [[]]
            elif char == "|":
                if self.group is None:
                    raise PatternError(
                        _(
                            "a | separates phrases inside brackets: write (river|lake), "
                            "not river|lake"
                        )
                    )
                self._flush()
                self.group.append([])
            else:
                self._close()
        if self.group is not None:
            raise PatternError(_("a ( is never closed with )"))
        self._flush()
        return tuple(self.out)

    def _star(self, index: int) -> None:
        after = self.text[index + 1 : index + 2]
        if after.isalnum():
            raise PatternError(
                _(
                    "a * stands for whole words (lake city *) or ends a word (fertili*); "
                    "it cannot start a word or sit inside one"
                )
            )
        ends_word = bool(self.chunk) and not self.chunk[-1].isspace()
        found = words(self.chunk)
        if ends_word and found:
            self._flush(prefix=True)
            return
        if self.group is not None:
            raise PatternError(_("a * for any words cannot go inside brackets"))
        self._flush()
        if not self.out or self.out[-1] is not _ANY:
            self.out.append(_ANY)

    def _close(self) -> None:
        if self.group is None:
            raise PatternError(_("a ) has no ( before it"))
        self._flush()
        phrases = tuple(tuple(phrase) for phrase in self.group)
        self.group = None
        if len(phrases) > MAX_ALTERNATIVES:
            raise PatternError(
                _("brackets hold at most %(limit)s phrases") % {"limit": MAX_ALTERNATIVES}
            )
        if not any(phrases):
            raise PatternError(_("brackets need at least one phrase with a word in it"))
        self.out.append(_Group(phrases))

    def _flush(self, *, prefix: bool = False) -> None:
        found = words(self.chunk)
        self.chunk = ""
        tokens = [_Word(word, prefix and k == len(found) - 1) for k, word in enumerate(found)]
        if self.group is not None:
            self.group[-1].extend(tokens)
        else:
            self.out.extend(tokens)


def expand_pattern(text: str, limit: int) -> list[str]:
    """The pattern's phrasings with its brackets multiplied out and every "*" kept, as the
    teacher wrote the words (for formats with a "*" wildcard of their own, such as Moodle's
    short answers); at most limit + 1 of them, so a caller can tell that there are more.
    Raises PatternError as Pattern.read does."""
    Pattern.read(text)
    pieces: list[list[str]] = [[""]]
    group: list[str] | None = None
    for char in text:
        if char == "(":
            group = [""]
        elif char == "|" and group is not None:
            group.append("")
        elif char == ")" and group is not None:
            pieces.append(group)
            pieces.append([""])
            group = None
        elif group is not None:
            group[-1] += char
        else:
            pieces[-1][-1] += char
    phrasings = ("".join(parts) for parts in product(*pieces))
    return [" ".join(phrasing.split()) for phrasing in islice(phrasings, limit + 1)]


# Near misses


@dataclass(frozen=True)
class Nearest:
    """The accepted answer a wrong answer comes closest to, and how."""

    accepted: str  # as the teacher wrote it
    similarity: float  # 0 to 1
    how: str  # "spelling", "extra words" (the answer holds the accepted one) or "fewer words"


def nearest(accepted: Iterable[str], answer: str) -> Nearest | None:
    """The accepted answer this answer is nearest to, if it is near one: spelt at least
    NEAR_SIMILARITY alike once normalised, or holding all of an accepted answer's words in a
    row with others around them (or all its words in a row within an accepted answer). None
    for an answer that matches an accepted one or is near none."""
    typed = without_articles(words(answer))
    if not typed:
        return None
    text = " ".join(typed)
    best: Nearest | None = None
    for option in accepted:
        wanted = without_articles(words(option))
        target = " ".join(wanted)
        if not wanted:
            continue
        if target == text:
            return None
        found = _near(typed, text, wanted, target, option)
        if found is not None and (best is None or found.similarity > best.similarity):
            best = found
    return best


def _near(
    typed: list[str], text: str, wanted: list[str], target: str, option: str
) -> Nearest | None:
    similarity = OSA.normalized_similarity(text, target)
    if similarity >= NEAR_SIMILARITY:
        return Nearest(option, similarity, "spelling")
    if _contains(typed, wanted):
        return Nearest(option, len(target) / len(text), "extra words")
    if _contains(wanted, typed):
        return Nearest(option, len(text) / len(target), "fewer words")
    return None


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """Whether all of shorter's words appear in a row in longer."""
    size = len(shorter)
    return any(
        list(longer[start : start + size]) == list(shorter)
        for start in range(len(longer) - size + 1)
    )
