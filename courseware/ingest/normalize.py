"""Turning uploaded bytes into clean, predictable Unicode text."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE_CHARS", "SourceFileError", "decode", "normalize_text"]

# Characters that render as nothing; they break word matching and quote anchoring
# without the teacher being able to see them. The soft hyphen is included because
# browsers only show it at a line end, so a copied quote never contains it.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"

_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Every Unicode space that is not a line break (NBSP, thin space, ideographic space…)
# plus tab: all become one ordinary space.
_SPACES = re.compile(r"[^\S\n]+")
# Control characters other than tab/newline carry no text and confuse later stages.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Exactly the line boundaries of str.splitlines(), so that reported line numbers agree
# with it.
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_SIGNATURES = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a Word document or ZIP archive",
    b"\xd0\xcf\x11\xe0": "an old-style Word or Excel document",
    b"{\\rtf": "a rich-text (RTF) document",
}
# Plain text has almost no control bytes; a few stray ones are tolerated (and dropped).
_MAX_CONTROL_SHARE = 0.02


class SourceFileError(ValueError):
    """An uploaded source file cannot be read as text; the message says what to do."""


def decode(data: bytes) -> str:
    """Decode an uploaded source file to text, or explain why it cannot be used.

    Strips a UTF-8 byte-order mark. Raises SourceFileError for an empty file, a binary
    file (PDF, Word, anything with NUL bytes or many control bytes), UTF-16 text, or
    bytes that are not valid UTF-8 (naming the offset of the first bad byte).
    """
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if not data.strip():
        raise SourceFileError(
            "The file is empty: it contains no text. Check that you chose the right file "
            "and upload it again."
        )
    if data.startswith(_UTF16_BOMS):
        raise SourceFileError(
            "The file is saved as UTF-16 text. Open it in a text editor, save it again "
            "with the encoding UTF-8, and upload it again."
        )
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise SourceFileError(
                f"The file looks like a binary file ({kind}), not plain text. Copy the text "
                "into a plain text editor, save it as plain text (.txt), and upload that."
            )
    controls = sum(1 for byte in data if byte < 0x20 and byte not in b"\t\n\r\f\v") + data.count(
        0x7F
    )
    if b"\x00" in data or controls > _MAX_CONTROL_SHARE * len(data):
        raise SourceFileError(
            "The file looks like a binary file (it contains control bytes that plain text "
            "never has), not plain text. Save the text as plain text (.txt) and upload that."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceFileError(
            f"The file is not UTF-8 text: the byte at offset {error.start} "
            f"(0x{data[error.start]:02X}) is not valid UTF-8. Open the file in a text editor, "
            "save it with the encoding UTF-8, and upload it again."
        ) from error
    if not normalize_text(text).strip():
        raise SourceFileError(
            "The file is empty: it contains only invisible characters and no text. Check "
            "that you chose the right file and upload it again."
        )
    return text


def normalize_text(raw: str) -> str:
    """Normalise text line by line, keeping the number of lines unchanged.

    NFC; every line boundary of str.splitlines() (CRLF, CR, Unicode line separators…)
    becomes LF; invisible and control characters are removed; every run of spaces, tabs
    and Unicode spaces becomes one space; each line is stripped. Typographic quotes are
    kept.
    """
    text = _LINE_BREAKS.sub("\n", raw)
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    # NFC last, so that a base letter and its accent separated by an invisible
    # character are still composed.
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.strip() for line in text.split("\n"))
