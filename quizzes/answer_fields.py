"""The names and values of a question's answer fields in a student's page.

A question's own ids (choice "a", ordering item "b", matching pair "c") are chosen by whoever
wrote it and often follow the key: the first item is the earliest, pair "a"'s right-hand side
is option "a". So the page never shows them. Each id is replaced by an opaque token derived
from a secret and the attempt (an HMAC), different for every attempt and for every role an id
plays (a matching pair's left side and its right-hand option get unrelated tokens), and the
order in which items are shown is drawn from the same secret, so that knowing how the shuffle
works does not give back the written order. `reveal` maps a posted form back to the
question's ids before it is parsed; a token this attempt never showed maps to nothing the
question accepts, so it is refused, never guessed at.

Pure: no Django. The caller passes the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from quizzes.grading import shuffled

# Roles an id can play in a page; a token is never shared between two roles.
CHOICE, ITEM, LEFT, TARGET = "choice", "item", "left", "target"
# What an unknown token becomes: no question id can contain a NUL, so the parser refuses it.
_UNKNOWN = "\x00"


class AnswerFields:
    """Opaque tokens for one question of one attempt (`seed` names both)."""

    def __init__(self, *, secret: str | bytes, seed: str) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        self._key = hmac.new(key, b"fuente.answer-fields\x1f" + seed.encode(), hashlib.sha256)

    def _digest(self, text: str) -> bytes:
        mac = self._key.copy()
        mac.update(text.encode("utf-8", "surrogatepass"))
        return mac.digest()

    def token(self, role: str, raw_id: str) -> str:
        """The id shown in the page for `raw_id` in `role`: a letter, then 13 base32 characters
        (65 bits), so it is a valid HTML id and a collision within a question is negligible."""
        digest = self._digest(f"{role}\x1f{raw_id}")
        return "f" + base64.b32encode(digest[:8]).decode("ascii").rstrip("=").lower()

    def order(self, role: str, raw_ids: Sequence[str]) -> list[str]:
        """`raw_ids` in the order the page shows them: fixed for the attempt, secret to it."""
        return shuffled(raw_ids, self._digest(f"order\x1f{role}").hex())

    def _lookup(self, role: str, raw_ids: Iterable[str]) -> dict[str, str]:
        return {self.token(role, raw): raw for raw in raw_ids}

    def reveal(
        self, kind: str, data: Mapping[str, Any], form: Mapping[str, list[str]]
    ) -> dict[str, list[str]]:
        """The posted `form` with tokens turned back into the question's ids, for parse_answer.

        Field names and values that are not tokens of this question (the CSRF token, "seq",
        a true/false or typed answer) are kept as they are, except where a token is expected:
        there an unknown one becomes a value no question accepts, so the save is refused with
        a message rather than read as another answer.
        """
        out: dict[str, list[str]] = {}
        if kind in ("single", "multiple"):
            choices = self._lookup(CHOICE, _ids(data, "choices"))
            for name, values in form.items():
                out[name] = _map_values(values, choices) if name == "answer" else values
        elif kind == "ordering":
            items = self._lookup(ITEM, _ids(data, "items"))
            for name, values in form.items():
                out[_map_name(name, "position-", items)] = values
        elif kind == "matching":
            lefts = self._lookup(LEFT, _ids(data, "pairs"))
            targets = self._lookup(TARGET, [*_ids(data, "pairs"), *_ids(data, "distractors")])
            for name, values in form.items():
                if isinstance(name, str) and name.startswith("match-"):
                    out[_map_name(name, "match-", lefts)] = _map_values(values, targets)
                else:
                    out[name] = values
        else:
            out = dict(form)
        return out

    def conceal(
        self, kind: str, data: Mapping[str, Any], form: Mapping[str, list[str]]
    ) -> dict[str, list[str]]:
        """`reveal`'s inverse: a form in the question's ids as this attempt's page posts it."""
        if kind in ("single", "multiple"):
            return {
                name: [self.token(CHOICE, v) if v.strip() else v for v in values]
                if name == "answer"
                else values
                for name, values in form.items()
            }
        out: dict[str, list[str]] = {}
        for name, values in form.items():
            if kind == "ordering" and name.startswith("position-"):
                out["position-" + self.token(ITEM, name[len("position-") :])] = values
            elif kind == "matching" and name.startswith("match-"):
                tokens = [self.token(TARGET, v) if v.strip() else v for v in values]
                out["match-" + self.token(LEFT, name[len("match-") :])] = tokens
            else:
                out[name] = values
        return out


def _ids(data: Mapping[str, Any], key: str) -> list[str]:
    rows = data.get(key, [])
    if not isinstance(rows, list):
        return []
    return [str(row["id"]) for row in rows if isinstance(row, dict) and "id" in row]


def _map_name(name: str, prefix: str, lookup: Mapping[str, str]) -> str:
    if not isinstance(name, str) or not name.startswith(prefix):
        return name
    raw = lookup.get(name[len(prefix) :])
    return prefix + (raw if raw is not None else _UNKNOWN + name[len(prefix) :])


def _map_values(values: Any, lookup: Mapping[str, str]) -> Any:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return values  # parse_answer refuses it as unreadable
    return [
        value if not isinstance(value, str) or not value.strip() else lookup.get(value, _UNKNOWN)
        for value in values
    ]
