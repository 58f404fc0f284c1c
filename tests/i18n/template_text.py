"""Find words in a Django template that a reader sees but that no translation tag covers.

Django's own template Lexer splits the file into text, variable, block and comment tokens.
Everything that is not plain text is replaced by a placeholder, and the text inside
{% blocktranslate %}…{% endblocktranslate %} and {% comment %}…{% endcomment %} is dropped; what
is left is HTML, read with the standard library's HTMLParser:

- text between tags is visible, except inside <script>, <style>, <code> and <pre> (code,
  file names and command names stay as they are);
- attribute values are visible for title, alt, placeholder, aria-label, aria-description and
  aria-roledescription, and for `value` on a submit, reset or button <input>; every other
  attribute (href, class, id, hx-*, data-*, JSON in a meta tag…) is not.

A finding is any visible piece that contains a letter. Variables carry their own text (the
course's content, or a string translated in Python), so they are not findings; but an English
literal inside a variable or tag is: `|default:"Not named"`, `|pluralize` (English plurals), and
a quoted argument of {% include … with %}, {% firstof %} and {% with %}.

A few words are the same in every language and allowed: the product's name and the names of the
LMSs and standards it talks to.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ALLOWED = {"Fuente", "Canvas", "Moodle", "LTI", "CSV", "JSON", "JWKS", "SIS", "QTI", "GIFT", "LMS"}
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
}
HIDDEN_ELEMENTS = {"script", "style", "code", "pre"}
BUTTON_INPUTS = {"submit", "reset", "button"}
NUL = "\x00"
# Stands for a variable with an English literal (`|default:"None"`); a finding only where the
# variable is visible (not in a class or an href).
FLAG = re.compile("\x01(\\d+)\x02")
HOLE = f" {NUL} "  # stands for a variable or tag: no letters, never part of a word or a tag name
LETTER = re.compile(r"[^\W\d_]")
WORD = re.compile(r"[^\W\d_][\w’'-]*")
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;|&#x[0-9a-fA-F]+;")
# A quoted value standing alone (`caption="Moved"`), not a filter's argument or operand.
LITERAL = re.compile(r"""(?:^|(?<=[\s=]))(["'])([^"']*)\1(?=\s|$)""")
ATTRIBUTES_ONLY = re.compile(r"""\s*([\w-]+=("[^"]*"|'[^']*')\s*)+""")
FILTER_LITERAL = re.compile(r"""\|(default|default_if_none|pluralize)(?::(["'])(.*?)\2)?""")


def _has_words(text: str) -> bool:
    """A word of two letters or more that is not a name; a lone letter ("v2", "×", "q") is a
    symbol in every language."""
    words = WORD.findall(ENTITY.sub(" ", text))
    return any(len(word) > 1 and word not in ALLOWED for word in words)


def _flagged(text: str, literals: list[str]) -> list[str]:
    return [literals[int(number)] for number in FLAG.findall(text)]


class _Visible(HTMLParser):
    def __init__(self, literals: list[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.literals = literals
        self.found: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in BUTTON_INPUTS
            )
            if visible and value:
                self.found += _flagged(value, self.literals)
                if _has_words(FLAG.sub(" ", value.replace(NUL, " "))):
                    self.found.append(f'<{tag} {name}="{FLAG.sub("…", value.replace(NUL, "…"))}">')
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if ATTRIBUTES_ONLY.fullmatch(data.replace(NUL, " ")):
            return  # a block that fills in a parent's tag: {% block main_class %} class="wide"
        if self.hidden_depth:
            return
        self.found += _flagged(data, self.literals)
        if _has_words(FLAG.sub(" ", data.replace(NUL, " "))):
            self.found.append(" ".join(FLAG.sub("…", data.replace(NUL, "…")).split()))


def _literals_in_tag(kind: TokenType, contents: str) -> list[str]:
    found = []
    if kind == TokenType.VAR:
        for match in FILTER_LITERAL.finditer(contents):
            name, literal = match.group(1), match.group(3)
            english_plural = name == "pluralize" and (literal is None or LETTER.search(literal))
            if english_plural or (literal and _has_words(literal)):
                found.append("{{ " + contents + " }}")
    elif kind == TokenType.BLOCK:
        name, _, rest = contents.partition(" ")
        if name == "include":
            rest = rest.split(" with ", 1)[1] if " with " in rest else ""
        if name in {"include", "firstof", "with"}:
            for match in FILTER_LITERAL.finditer(rest):
                if match.group(3) and _has_words(match.group(3)):
                    found.append("{% " + contents + " %}")
            for match in LITERAL.finditer(rest):
                if _has_words(match.group(2)):
                    found.append("{% " + contents + " %}")
    return found


def untranslated_text(source: str) -> list[str]:
    """The visible English (or any untagged words) in a template's source, as found."""
    masked: list[str] = []
    found: list[str] = []
    literals: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if skip_until is not None:
                if name == skip_until:
                    skip_until = None
                masked.append(HOLE)
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skip_until = "end" + name
            elif name == "comment":
                skip_until = "endcomment"
            found += _literals_in_tag(token.token_type, token.contents)
            masked.append(HOLE)
        elif skip_until is not None:
            masked.append(HOLE)
        elif token.token_type == TokenType.TEXT:
            masked.append(token.contents)
        else:
            flagged = (
                _literals_in_tag(token.token_type, token.contents)
                if token.token_type == TokenType.VAR
                else []
            )
            if flagged:
                literals.append(flagged[0])
                masked.append(f" \x01{len(literals) - 1}\x02 ")
            else:
                masked.append(HOLE)
    parser = _Visible(literals)
    parser.feed("".join(masked))
    parser.close()
    return found + parser.found


def untranslated_in(path: Path) -> list[str]:
    return untranslated_text(path.read_text(encoding="utf-8"))
