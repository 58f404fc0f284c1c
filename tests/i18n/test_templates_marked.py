"""Every word a template shows goes through {% translate %} or {% blocktranslate %}.

The check (tests/i18n/template_text.py) reads each template with Django's own template lexer
and the standard library's HTML parser: visible text between tags, and the visible attributes
(title, alt, placeholder, aria-label, a button's value), must hold no words outside a
translation tag; nor may an English literal hide in a filter (`|default:"None"`,
`|pluralize`) or an {% include … with %}. docs/translation.md says what counts as visible.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.template_text import untranslated_text

BASE = Path(settings.BASE_DIR)
TEMPLATE_DIRS = ["templates", "courseware/templates", "quizzes/templates", "lti/templates"]
TEMPLATES = sorted(path for d in TEMPLATE_DIRS for path in (BASE / d).rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(BASE)))
def test_the_template_shows_no_untranslated_words(path):
    found = untranslated_text(path.read_text(encoding="utf-8"))
    assert not found, f"Mark these for translation in {path.relative_to(BASE)}: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        "{% load i18n %}<h1>{% translate 'Hi' %} there</h1>",
        '<a href="/" title="Open it">{% translate "x" %}</a>',
        '<input type="submit" value="Send">',
        '<button aria-label="Close">×</button>',
        '<img src="a.png" alt="A river">',
        '<input placeholder="Search…">',
        '{{ author|default:"Not named" }}',
        "{{ n }} answer{{ n|pluralize }}",
        '{{ n }} {{ n|pluralize:"y,ies" }}',
        '{% include "a.html" with caption="Broken citations" %}',
        "{% if a %}Yes{% else %}{% translate 'No' %}{% endif %}",
        "<li>{{ a }}: {{ b }} points</li>",
    ],
)
def test_the_check_finds_words_a_reader_sees(source):
    assert untranslated_text(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Hello' %}</p>",
        "{% load i18n %}<p>{% blocktranslate with n=x %}{{ n }} answers{% endblocktranslate %}</p>",
        "{% load i18n %}{% blocktranslate count n=x %}one{% plural %}many{% endblocktranslate %}",
        "{% comment %}Words for developers{% endcomment %}<p>{{ title }}</p>",
        "{# a comment #}<p>{{ a }} · {{ b }} — ¶ 3/4 ›</p>",
        '<a href="/courses/rivers/" class="button secondary" hx-get="/x" data-kind="quiz">{{ t }}</a>',
        '<input type="hidden" name="next" value="here">',
        '<input type="text" name="q" value="{{ q }}" autocomplete="off" inputmode="decimal">',
        "<script>const words = 'not visible';</script><style>p::after { content: 'x'; }</style>",
        "<pre>{{ json }}</pre><code>build_course</code>",
        '<meta name="htmx-config" content=\'{"allowEval": false}\'>',
        '{% block main_class %} class="wide"{% endblock main_class %}',
        '<div{% if x %} aria-describedby="err"{% endif %}>{{ x }}</div>',
        '{{ when|date:"DATETIME_FORMAT" }} {% with prefix="q"|add:p|add:"-" %}{% endwith %}',
        "<span>Fuente</span> <abbr>LMS</abbr> <td>Canvas</td>",
        "&nbsp;&amp;&#8212;",
        "<div class=\"review-{{ outcome|default:'hidden' }}\">v{{ a }} → v{{ b }} ×</div>",
    ],
)
def test_the_check_lets_through_what_no_reader_sees_or_what_is_translated(source):
    assert untranslated_text(source) == []
