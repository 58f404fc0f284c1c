"""The JavaScript puts no words of its own on the page: its messages come from the template
(data-msg-* attributes, translated there), so there is no JavaScript catalogue to keep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
SCRIPTS = sorted(
    path
    for app in ("courseware", "quizzes", "lti")
    for path in (BASE / app / "static").rglob("*.js")
)
# A literal with a word in it, written into the page or said to the person.
SHOWN = re.compile(
    r"""(?:textContent|innerText|innerHTML|placeholder|title|ariaLabel|value)\s*=\s*["'`][^"'`]*[^\W\d_]{2}"""
    r"""|(?:alert|confirm|prompt)\(\s*["'`]"""
    r"""|setAttribute\(\s*["'](?:title|aria-label|placeholder|alt)["']\s*,\s*["'`]"""
)


def test_there_are_scripts_to_check():
    assert any(path.name == "fuente.js" for path in SCRIPTS)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(BASE)))
def test_the_script_writes_no_words_of_its_own(path):
    code = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    assert not SHOWN.findall(code), f"Move these words into the template: {path}"


def test_the_check_catches_a_word_written_into_the_page():
    assert SHOWN.search('state.textContent = "Saved";')
    assert SHOWN.search("window.alert('Time is up')")
    assert not SHOWN.search('countdown.textContent = "0:00";')
    assert not SHOWN.search("state.textContent = text('AllSaved');")
