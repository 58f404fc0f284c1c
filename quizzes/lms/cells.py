"""The cells of every CSV file Fuente writes: text made safe for spreadsheets, numbers as LMSs
read them, and the one CSV writer that tells them apart.

A writer hands over each row as a list of `Cell`s: a ``str`` is *text* (names, ids, e-mails,
titles, feedback, constants), a ``Decimal`` (or None, a blank) is a *number* Fuente computed (a
score, points). Numbers are written plainly by `format_number` and never altered; text goes
through `safe_text`.

The spreadsheet rule (OWASP "CSV injection"). A spreadsheet runs a cell as a formula when it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. A cell can also *hold* the start
of a cell: Excel opens a ".csv" with the list separator of its locale (";" where the decimal
mark is a comma), so ``x;=cmd|' /C calc'!A0`` written in a comma-separated file becomes two cells
there, the second a formula; a tab, a line break or a "|" split cells the same way when the
text is pasted or imported as delimited text. So `safe_text` puts an apostrophe (which makes the
rest text) in front of every trigger character that starts the text, or follows one of
``,`` ``;`` tab, carriage return, line feed or ``|`` (spaces allowed in between). An apostrophe
in front of the whole cell alone would not do: once the cell is split, the formula is in the
next piece. The apostrophe is the only change, so the text can be read back (`'=1+1` for `=1+1`,
``x;'=cmd|' /C calc'!A0``); text with no trigger in such a place (``O'Brien``, ``12.50``,
``maria@example.edu``, ``Núñez, María José``) is written exactly as it is.

This applies to identifiers too (usernames, e-mails, SIS, login and Canvas ids, sourcedIds):
an id that a spreadsheet would run is written neutralised, and the LMS will not match it as it
stands; such ids are not made by LMSs or SISs, so one is far likelier an attack than a student.

Quoting is RFC 4180 with minimal quotes (a field with a comma, a double quote, a carriage
return or a line feed is quoted); "\\n" ends a record. The csv module of Python 3.11 leaves a
lone carriage return unquoted, which splits the record for every reader (a name could add a
row), so records are written here rather than by csv.writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

Cell = str | Decimal | None

# The characters that start a formula, and those a spreadsheet may split a cell on.
FORMULA_TRIGGERS = "=+-@\t\r"
SEPARATORS = ",;\t\r\n|"
_FORMULA_START = re.compile(
    f"(?:\\A|(?<=[{re.escape(SEPARATORS)}]))( *)(?=[{re.escape(FORMULA_TRIGGERS)}])"
)
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text: "'" before each trigger that starts it or a piece of it.

    "=1+1" -> "'=1+1"; "x;=cmd|' /C calc'!A0" -> "x;'=cmd|' /C calc'!A0"; "O'Brien" stays.
    """
    return _FORMULA_START.sub(r"\1'", text)


def format_number(value: Decimal | None) -> str:
    """A score or point value as LMSs read it: plain digits, no exponent, no trailing zeros.

    Decimal("8.50") -> "8.5", Decimal("10.00") -> "10", Decimal("1E+1") -> "10", None -> "".
    """
    if value is None:
        return ""
    if not value.is_finite():
        raise ValueError(f"Not a finite number: {value!r}")
    if value == 0:
        return "0"  # also turns -0 into 0
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def cell_text(cell: Cell) -> str:
    """What goes in the file for one cell: a number as a number, text made safe."""
    if isinstance(cell, str):
        return safe_text(cell)
    return format_number(cell)


def _field(text: str) -> str:
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def record(row: Sequence[Cell]) -> str:
    """One CSV record, "\\n" included."""
    fields = [_field(cell_text(cell)) for cell in row]
    if fields == [""]:
        fields = ['""']  # a record with one blank field is not a blank line
    return ",".join(fields) + "\n"


def write_csv(rows: Iterable[Sequence[Cell]], out: TextIO) -> None:
    """Write the rows to `out` (opened with ``newline=""``), one record at a time."""
    for row in rows:
        out.write(record(row))
