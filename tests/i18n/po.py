"""A small reader of gettext .po files: enough to check a catalogue, with no dependency.

It reads what `makemessages` writes: comments, flags (`#, fuzzy`), msgctxt, msgid,
msgid_plural, msgstr and msgstr[n], each possibly continued on following "…" lines. Obsolete
entries (`#~`) are skipped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.msgctxt or "", self.msgid, self.msgid_plural)

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def parse(text: str) -> list[Entry]:
    """The entries of a catalogue, the header (msgid "") included."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    current: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, started, current
        if started:
            entries.append(entry)
        entry, started, current = Entry(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if started and current is not None:
                finish()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                entry.references += line[2:].split()
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"A continuation line with nothing to continue: {raw!r}")
            _append(entry, current, ast.literal_eval(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword == "msgctxt" or (
            keyword == "msgid" and started and current is not None and current[0] != "msgctxt"
        ):
            finish()
        started = True
        if keyword.startswith("msgstr["):
            current = ("msgstr", int(keyword[7:-1]))
        elif keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
            current = (keyword, 0)
        else:
            raise ValueError(f"Not a line of a .po file: {raw!r}")
        _set(entry, current, ast.literal_eval(value))
    finish()
    return entries


def _set(entry: Entry, current: tuple[str, int], value: str) -> None:
    name, index = current
    if name == "msgstr":
        entry.msgstr[index] = value
    elif name == "msgctxt":
        entry.msgctxt = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, current: tuple[str, int], value: str) -> None:
    name, index = current
    if name == "msgstr":
        entry.msgstr[index] += value
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    else:
        setattr(entry, name, getattr(entry, name) + value)


def read(path: Path) -> list[Entry]:
    return parse(path.read_text(encoding="utf-8"))


def messages(path: Path) -> list[Entry]:
    """The catalogue's messages, without its header."""
    return [entry for entry in read(path) if entry.msgid or entry.msgctxt is not None]
