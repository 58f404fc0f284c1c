"""Discussion responses: a Markdown subset rendered to safe HTML (pure; no Django).

Two layers, each safe on its own. markdown-it parses with raw HTML off and only the rules a
post needs; anything else in the source stays visible as text. nh3 then cleans the result
against an explicit allow-list, so a parser bug or a new markdown-it rule cannot add markup.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

MAX_LENGTH = 5000  # characters of Markdown source a response may have

TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "blockquote"})
# `start` keeps a list typed as "3. …" numbered from 3 (markdown-it only writes digits there).
# "*" (attributes on any tag) is empty: without it nh3 would also let `title` and `lang` through.
ATTRIBUTES = {"a": frozenset({"href"}), "ol": frozenset({"start"}), "*": frozenset[str]()}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

# Not part of the subset, so left as text: no raw HTML, images, headings, tables, rules or code
# blocks (fenced ``` falls back to inline code). Linkify is off in the preset.
DISABLED_RULES = (
    "html_block",
    "html_inline",
    "image",
    "heading",
    "lheading",
    "table",
    "hr",
    "fence",
    "code",
)
SAFE_LINK = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        """Only absolute http, https and mailto links; any other link stays literal text."""
        return SAFE_LINK.match(url) is not None


def _markdown() -> MarkdownIt:
    # breaks: a newline typed inside a paragraph is a line break, as people expect in a post.
    md = _Markdown("commonmark", {"html": False, "linkify": False, "breaks": True})
    return md.disable(list(DISABLED_RULES))


_MD = _markdown()
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


def render(text: str) -> str:
    """Markdown subset → safe HTML.

    Allowed: paragraphs, line breaks, emphasis (em, strong), bulleted and numbered lists, links
    (http, https and mailto only; rendered with rel="nofollow noopener noreferrer"), inline
    code and block quotes. Everything else is shown as text, never as markup: raw HTML in the
    source is escaped (not passed through), images are not rendered as <img> (``![alt](url)``
    shows "!" and the alt text, linked to an http(s) url), headings render as plain paragraphs
    (a discussion post has no headings), tables are not enabled.

    Callers enforce MAX_LENGTH on input; render() itself renders whatever it is given.
    """
    html: str = _MD.render(text)
    return sanitize(html)


def sanitize(html: str) -> str:
    """The second layer on its own: HTML cut down to the allow-list (tags, attributes, url
    schemes; comments dropped, `rel` set on links). render() already applies it."""
    return _CLEANER.clean(html).strip()
