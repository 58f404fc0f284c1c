"""Discussion responses: the Markdown subset and what it must never let through.

XSS_PAYLOADS, FORBIDDEN (FORBIDDEN_TAGS + FORBIDDEN_IN_MARKUP + EVENT_HANDLER), unsafe_markers()
and visible_text() are meant to be imported by view tests (tests.courseware.test_markup).

A forbidden marker counts only where it is markup. What a person typed stays visible as escaped
text, so `[x](javascript:alert(1))` is shown literally and "javascript:" appears in the text;
that is harmless. Tag openers such as "<script" can never be text (text has `<` as `&lt;`), so
they are looked for in the whole output; schemes, `style=`, `srcdoc` and `on…=` handlers are
looked for inside tags (tag names, attribute names and attribute values, entities decoded).
"""

from __future__ import annotations

import html
import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.markup import LINK_REL, MAX_LENGTH, TAGS, render, sanitize

FORBIDDEN_TAGS: tuple[str, ...] = (
    "<script",
    "<style",
    "<iframe",
    "<img",
    "<svg",
    "<object",
    "<embed",
    "<form",
    "<input",
    "<!--",
)
FORBIDDEN_IN_MARKUP: tuple[str, ...] = ("javascript:", "vbscript:", "data:", "srcdoc", "style=")
EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)  # onerror=, onload=, …
FORBIDDEN: tuple[str, ...] = FORBIDDEN_TAGS + FORBIDDEN_IN_MARKUP + ("on…=",)

ALLOWED_ATTRIBUTES = {"a": {"href", "rel"}, "ol": {"start"}}
SAFE_HREF = re.compile(r"(?:https?|mailto):", re.IGNORECASE)

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>

# (payload, text that must stay visible in the rendered output)
XSS_CASES: tuple[tuple[str, str], ...] = (
    # script tags in every case and encoding
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT>alert(1)</SCRIPT>"),
    ("<ScRiPt>alert(1)</sCrIpT>", "<ScRiPt>alert(1)</sCrIpT>"),
    ("<script src=https://evil.example/x.js></script>", "<script src=https://evil.example/x.js>"),
    ("<script\n>alert(1)</script\n>", "alert(1)"),
    ("<scr<script>ipt>alert(1)</scr</script>ipt>", "<scr<script>ipt>alert(1)"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
    ("&#60;script&#62;alert(1)&#60;/script&#62;", "<script>alert(1)</script>"),
    ("&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;", "<script>alert(1)</script>"),
    ("%3Cscript%3Ealert(1)%3C/script%3E", "%3Cscript%3Ealert(1)%3C/script%3E"),
    ("\\<script>alert(1)\\</script>", "<script>alert(1)</script>"),
    ("`<script>`alert(1)", "<script>alert(1)"),
    ("\x00<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("<\x00script>alert(1)</script>", "script>alert(1)</script>"),
    ("<script>alert(1)", "<script>alert(1)"),
    # images and svg with event handlers
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("<IMG SRC=x OnErRoR=alert(1)>", "<IMG SRC=x OnErRoR=alert(1)>"),
    ('<img src="javascript:alert(1)">', '<img src="javascript:alert(1)">'),
    ("<img src=x onerror=alert(1)", "<img src=x onerror=alert(1)"),
    ("<svg onload=alert(1)>", "<svg onload=alert(1)>"),
    ("<svg><script>alert(1)</script></svg>", "<svg><script>alert(1)</script></svg>"),
    # iframes
    ('<iframe src="javascript:alert(1)"></iframe>', '<iframe src="javascript:alert(1)">'),
    (
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<iframe srcdoc="<script>alert(1)</script>">',
    ),
    # schemes in raw links, markdown links and autolinks
    ('<a href="javascript:alert(1)">x</a>', '<a href="javascript:alert(1)">x</a>'),
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("[x](JaVaScRiPt:alert(1))", "[x](JaVaScRiPt:alert(1))"),
    ("[x](java&#x09;script:alert(1))", "script:alert(1))"),
    ("[x](java\tscript:alert(1))", "script:alert(1))"),
    (
        "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[x](javascript:alert(1))",
    ),
    ("[x](&#x6A;avascript&#x3A;alert(1))", "[x](javascript:alert(1))"),
    ("[x](javascript&colon;alert(1))", "[x](javascript:alert(1))"),
    ("[x](%6Aavascript:alert(1))", "[x](%6Aavascript:alert(1))"),
    ("[x]( javascript:alert(1) )", "javascript:alert(1)"),
    ("[x](<javascript:alert(1)>)", "[x](<javascript:alert(1)>)"),
    ("[x](javascript://%0aalert(1))", "[x](javascript://%0aalert(1))"),
    ("<javascript:alert(1)>", "<javascript:alert(1)>"),
    ("<JAVASCRIPT:alert(1)>", "<JAVASCRIPT:alert(1)>"),
    ("<vbscript:msgbox(1)>", "<vbscript:msgbox(1)>"),
    ("[x](vbscript:msgbox(1))", "[x](vbscript:msgbox(1))"),
    (f"[x](data:text/html;base64,{B64_SCRIPT})", f"[x](data:text/html;base64,{B64_SCRIPT})"),
    (
        "<data:text/html,<script>alert(1)</script>>",
        "<data:text/html,<script>alert(1)</script>>",
    ),
    ("[x](data:image/png;base64,iVBORw0KGgo=)", "[x](data:image/png;base64,iVBORw0KGgo=)"),
    # markdown images with these schemes
    ("![x](javascript:alert(1))", "![x](javascript:alert(1))"),
    (
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    ),
    ('![x"onerror="alert(1)](https://example.com/a.png)', '!x"onerror="alert(1)'),
    # breaking out of an attribute from a markdown link
    ('[x](https://example.com/"onmouseover="alert(1))', "x"),
    (
        '[x](https://example.com "title" onmouseover=alert(1))',
        '[x](https://example.com "title" onmouseover=alert(1))',
    ),
    # reference-style links and images
    ("[x][evil]\n\n[evil]: javascript:alert(1)", "[evil]: javascript:alert(1)"),
    (f"[evil]\n\n[evil]: data:text/html;base64,{B64_SCRIPT}", "[evil]: data:text/html"),
    ("![x][img]\n\n[img]: javascript:alert(1)", "[img]: javascript:alert(1)"),
    # style attributes and <style>
    (
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<p style="background:url(javascript:alert(1))">x</p>',
    ),
    (
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<style>body{background:url(javascript:alert(1))}</style>",
    ),
    ('<div style="x:expression(alert(1))">x</div>', '<div style="x:expression(alert(1))">'),
    # object, embed, form, input, meta, link, base
    ('<object data="javascript:alert(1)"></object>', '<object data="javascript:alert(1)">'),
    ('<embed src="javascript:alert(1)">', '<embed src="javascript:alert(1)">'),
    (
        '<form action="javascript:alert(1)"><input type=submit></form>',
        '<form action="javascript:alert(1)"><input type=submit></form>',
    ),
    ("<input autofocus onfocus=alert(1)>", "<input autofocus onfocus=alert(1)>"),
    (
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<meta http-equiv="refresh"',
    ),
    ('<link rel=stylesheet href="javascript:alert(1)">', '<link rel=stylesheet href="javascript'),
    ('<base href="javascript:alert(1)//">', '<base href="javascript:alert(1)//">'),
    # event handlers on any tag
    ("<body onload=alert(1)>", "<body onload=alert(1)>"),
    ("<details open ontoggle=alert(1)>", "<details open ontoggle=alert(1)>"),
    ('<p onclick="alert(1)">x</p>', '<p onclick="alert(1)">x</p>'),
    ("**<b onmouseover=alert(1)>x</b>**", "<b onmouseover=alert(1)>x</b>"),
    # HTML comments
    ("<!-- <script>alert(1)</script> -->", "<!-- <script>alert(1)</script> -->"),
    ("<!--><script>alert(1)</script>-->", "<!--><script>alert(1)</script>-->"),
    # nested, unclosed and mXSS-style tags
    (
        '<a href="javascript:alert(1)"><em>x</a></em>',
        '<a href="javascript:alert(1)"><em>x</a></em>',
    ),
    (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    ),
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ),
    (
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
    ),
    (
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<textarea><img src=x onerror=alert(1)></textarea>",
    ),
    # inside the constructs that are allowed
    ("- <script>alert(1)</script>\n- [x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("> <iframe src=javascript:alert(1)>", "<iframe src=javascript:alert(1)>"),
    ("`<img src=x onerror=alert(1)>`", "<img src=x onerror=alert(1)>"),
    ("```\n<script>alert(1)</script>\n```", "<script>alert(1)</script>"),
    ("    <script>alert(1)</script>", "<script>alert(1)</script>"),
    ("# <script>alert(1)</script>", "# <script>alert(1)</script>"),
)
XSS_PAYLOADS: tuple[str, ...] = tuple(payload for payload, _ in XSS_CASES)


class _Parts(HTMLParser):
    """Splits HTML into its markup (tags, with attributes decoded) and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.markup: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.markup.append(self.get_starttag_text() or "")
        self.markup.append(" ".join([tag] + [f"{name}={value or ''}" for name, value in attrs]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.markup.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.markup.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.markup.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.markup.append(f"<![{data}]>")


def _parts(fragment: str) -> _Parts:
    parser = _Parts()
    parser.feed(fragment)
    parser.close()
    return parser


def unsafe_markers(fragment: str) -> list[str]:
    """The FORBIDDEN markers present as markup in an HTML fragment ([] when it is safe)."""
    lowered = fragment.lower()
    found = [marker for marker in FORBIDDEN_TAGS if marker in lowered]
    tags = " ".join(_parts(fragment).markup)
    # Whitespace and control characters inside a scheme are ignored by browsers.
    squeezed = re.sub(r"[\x00-\x20]+", "", tags).lower()
    found += [marker for marker in FORBIDDEN_IN_MARKUP if marker in squeezed]
    if EVENT_HANDLER.search(tags):
        found.append("on…=")
    return found


def visible_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment, entities decoded, whitespace collapsed."""
    return " ".join("".join(_parts(fragment).text).split())


def _outside_allow_list(fragment: str) -> list[str]:
    problems = [
        f"<{name}" for name in re.findall(r"<\s*/?\s*([^\s/>]*)", fragment) if name not in TAGS
    ]
    for tag, attrs in _parts(fragment).tags:
        for name, value in attrs:
            if tag not in TAGS or name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                problems.append(f"<{tag} {name}>")
            elif name == "href" and not SAFE_HREF.match(value or ""):
                problems.append(f"href={value}")
            elif name == "rel" and value != LINK_REL:
                problems.append(f"rel={value}")
            elif name == "start" and not (value or "").isdigit():
                problems.append(f"start={value}")
    return problems


# The allowed constructs


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hello, world.", "<p>Hello, world.</p>"),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("first line\nsecond line", "<p>first line<br>\nsecond line</p>"),
        ("hard  \nbreak", "<p>hard<br>\nbreak</p>"),
        ("*one* and _two_", "<p><em>one</em> and <em>two</em></p>"),
        ("**one** and __two__", "<p><strong>one</strong> and <strong>two</strong></p>"),
        ("***both***", "<p><em><strong>both</strong></em></p>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("* a\n+ b", "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
        ("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>'),
        ("- a\n  - b", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"),
        ("use `x < y` here", "<p>use <code>x &lt; y</code> here</p>"),
        ("> quoted\n> twice", "<blockquote>\n<p>quoted<br>\ntwice</p>\n</blockquote>"),
        (
            "[the source](https://example.com/a?b=1&c=2)",
            '<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            "the source</a></p>",
        ),
    ],
)
def test_each_allowed_construct_renders_as_the_expected_html(source: str, expected: str) -> None:
    assert render(source) == expected


def test_headings_render_as_plain_paragraphs() -> None:
    assert render("# Title") == "<p># Title</p>"
    assert render("### Title") == "<p>### Title</p>"
    assert render("Title\n=====") == "<p>Title<br>\n=====</p>"
    assert render("Title\n-----") == "<p>Title<br>\n-----</p>"


def test_images_are_not_rendered_as_img_but_show_their_alt_text() -> None:
    assert render("![a cat](https://example.com/cat.png)") == (
        '<p>!<a href="https://example.com/cat.png" rel="nofollow noopener noreferrer">a cat</a></p>'
    )
    assert render("![a cat](cat.png)") == "<p>![a cat](cat.png)</p>"


def test_tables_are_not_enabled() -> None:
    assert render("| a | b |\n|---|---|\n| 1 | 2 |") == (
        "<p>| a | b |<br>\n|---|---|<br>\n| 1 | 2 |</p>"
    )


def test_raw_html_is_escaped_not_passed_through() -> None:
    assert (
        render("<b>bold</b> <em>x</em>") == "<p>&lt;b&gt;bold&lt;/b&gt; &lt;em&gt;x&lt;/em&gt;</p>"
    )
    assert render("<div>\nblock\n</div>") == "<p>&lt;div&gt;<br>\nblock<br>\n&lt;/div&gt;</p>"


def test_code_blocks_and_rules_outside_the_subset_stay_text() -> None:
    assert render("```python\nx = 1\n```") == "<p><code>python x = 1 </code></p>"
    assert render("    indented") == "<p>indented</p>"
    assert render("---") == "<p>---</p>"
    assert render("~~struck~~") == "<p>~~struck~~</p>"


def test_entities_and_backslash_escapes_show_the_character_they_stand_for() -> None:
    assert render("&copy; &amp; &lt;b&gt; \\*not em\\*") == "<p>© &amp; &lt;b&gt; *not em*</p>"


def test_deep_nesting_is_capped_without_error() -> None:
    assert render("> " * 200 + "deep").count("<blockquote>") <= 20


# Links


@pytest.mark.parametrize(
    ("source", "href", "text"),
    [
        ("[a](http://example.com/)", "http://example.com/", "a"),
        ("[a](https://example.com/x#y)", "https://example.com/x#y", "a"),
        ("[a](HTTPS://EXAMPLE.COM/)", "HTTPS://EXAMPLE.COM/", "a"),
        ("[write](mailto:tutor@example.com)", "mailto:tutor@example.com", "write"),
        ("<https://example.com/page>", "https://example.com/page", "https://example.com/page"),
        ("<tutor@example.com>", "mailto:tutor@example.com", "tutor@example.com"),
        ("[a][r]\n\n[r]: https://example.com/ref", "https://example.com/ref", "a"),
        ("[r]\n\n[r]: https://example.com/ref", "https://example.com/ref", "r"),
        ('[a](https://example.com "A title")', "https://example.com", "a"),
        ("[a](<https://example.com/a b>)", "https://example.com/a%20b", "a"),
        ("[**bold**](https://example.com)", "https://example.com", "<strong>bold</strong>"),
    ],
)
def test_safe_links_keep_their_href_and_get_rel_nofollow_noopener_noreferrer(
    source: str, href: str, text: str
) -> None:
    escaped = html.escape(href, quote=True)
    assert f'<a href="{escaped}" rel="nofollow noopener noreferrer">{text}</a>' in render(source)


def test_a_link_title_is_dropped_but_the_link_kept() -> None:
    assert "title" not in render('[a](https://example.com "A title")')


@pytest.mark.parametrize(
    "source",
    [
        "[a](/courses/1/)",
        "[a](page.html)",
        "[a](#top)",
        "[a](//evil.example/)",
        "[a](ftp://example.com/file)",
        "[a](file:///etc/passwd)",
        "[a](tel:+15551234)",
        "[a](https://example.com/a b)",
        "<ftp://example.com/file>",
    ],
)
def test_links_without_an_allowed_scheme_stay_literal_text(source: str) -> None:
    rendered = render(source)
    assert "<a" not in rendered
    assert visible_text(rendered) == source


# Plain text


@pytest.mark.parametrize(
    "text",
    [
        "Hello",
        "Photosynthesis converts light into chemical energy.",
        "Ratios: 3 < 4 and 5 > 2, Q&A, “quotes”, 'single' and \"double\".",
        "Ünïcödé: ¿qué tal? 日本語, ελληνικά, emoji 🌱.",
        "a+b=c; 50% off; (parens) {braces} @at $dollar ^caret ~tilde |pipe",
    ],
)
def test_plain_text_renders_as_the_escaped_text_in_one_paragraph(text: str) -> None:
    assert render(text) == f"<p>{html.escape(text, quote=False)}</p>"


def test_rendering_strips_the_surrounding_blank_lines() -> None:
    assert render("\n\n  Hello  \n\n") == "<p>Hello</p>"
    assert render("") == ""
    assert render("   \n\n") == ""


# XSS


def test_the_corpus_has_at_least_40_distinct_payloads() -> None:
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS) >= 40


@pytest.mark.parametrize(("payload", "visible"), XSS_CASES)
def test_an_xss_payload_leaves_no_forbidden_marker_in_the_output(
    payload: str, visible: str
) -> None:
    rendered = render(payload)
    assert unsafe_markers(rendered) == [], rendered


@pytest.mark.parametrize(("payload", "visible"), XSS_CASES)
def test_an_xss_payload_stays_visible_as_the_text_that_was_typed(
    payload: str, visible: str
) -> None:
    assert " ".join(visible.split()) in visible_text(render(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_an_xss_payload_renders_only_allowed_tags_and_attributes(payload: str) -> None:
    rendered = render(payload)
    assert _outside_allow_list(rendered) == [], rendered


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_allow_list_alone_defuses_an_xss_payload_given_as_raw_html(payload: str) -> None:
    cleaned = sanitize(payload)
    assert unsafe_markers(cleaned) == [], cleaned
    assert _outside_allow_list(cleaned) == [], cleaned


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer">x</a>'),
        ('<a href="/relative">x</a>', '<a rel="nofollow noopener noreferrer">x</a>'),
        (
            '<a href="https://example.com" rel="opener" title="t" onclick="x()">x</a>',
            '<a href="https://example.com" rel="nofollow noopener noreferrer">x</a>',
        ),
        ('<p style="color:red" class="c">x<img src=x onerror=alert(1)></p>', "<p>x</p>"),
        ("<h1>Title</h1><!-- note --><script>alert(1)</script>", "Title"),
        ("<pre><code>x</code></pre>", "<code>x</code>"),
    ],
)
def test_the_allow_list_alone_strips_markup_outside_the_subset(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@pytest.mark.parametrize(
    ("fragment", "marker"),
    [
        ("<p><script>alert(1)</script></p>", "<script"),
        ("<IMG src=x>", "<img"),
        ("<!-- x -->", "<!--"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "javascript:"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "javascript:"),
        ('<a href="vbscript:x">x</a>', "vbscript:"),
        ('<a href="data:text/html,x">x</a>', "data:"),
        ('<p style="x">x</p>', "style="),
        ('<iframe srcdoc="x"></iframe>', "srcdoc"),
        ("<p onclick=alert(1)>x</p>", "on…="),
        ("<p ONMOUSEOVER = alert(1)>x</p>", "on…="),
    ],
)
def test_the_marker_check_finds_unsafe_markup(fragment: str, marker: str) -> None:
    assert marker in unsafe_markers(fragment)


def test_the_marker_check_ignores_the_same_words_as_escaped_text() -> None:
    assert unsafe_markers("<p>javascript: style= onerror=alert(1) data: srcdoc</p>") == []
    assert unsafe_markers("<p>&lt;script&gt;&lt;img src=x&gt;</p>") == []


MARKUP_CHARACTERS = st.sampled_from(
    [
        *"<>/\"'=&#;:()[]!*_`>-+. \n\t\\",
        *["script", "img", "on", "error", "javascript", "data", "style", "http://", "a", "x", "1"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_CHARACTERS, max_size=60).map("".join))
def test_any_source_renders_only_allowed_markup(source: str) -> None:
    rendered = render(source)
    assert unsafe_markers(rendered) == [], rendered
    assert _outside_allow_list(rendered) == [], rendered


# Length


def test_max_length_is_5000_characters() -> None:
    assert MAX_LENGTH == 5000


@pytest.mark.parametrize(
    "unit",
    ["[", "*a", "_a*", "`", "<", "<a", "[](", "**_", "> ", "- ", "1. ", "a\n", "&#x41;", "*_[`<"],
)
def test_a_pathological_response_of_max_length_renders_quickly(unit: str) -> None:
    source = unit * (MAX_LENGTH // len(unit))
    started = time.perf_counter()
    rendered = render(source)
    assert time.perf_counter() - started < 2.0
    assert _outside_allow_list(rendered) == []
