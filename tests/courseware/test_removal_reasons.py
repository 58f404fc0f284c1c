"""Cleaning's reasons for removing a line reach teachers in their language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from courseware.removal_reasons import FIXED, removal_reason

INGEST = Path(settings.BASE_DIR) / "courseware" / "ingest"


def test_every_fixed_reason_of_the_ingest_core_has_words_for_people():
    found = {
        literal
        for path in INGEST.glob("*.py")
        for literal in re.findall(r'"(boilerplate(?:: [^"{}]+)?)"', path.read_text())
    }
    assert found and found <= set(FIXED), sorted(found - set(FIXED))


@pytest.mark.parametrize(
    ("reason", "english", "spanish"),
    [
        (
            "boilerplate: share bar",
            "page furniture: share bar",
            "elementos de la página: barra para compartir",
        ),
        (
            "source rule: drop_lines '^Advert'",
            "this source’s rule: remove the lines '^Advert'",
            "regla de esta fuente: quitar las líneas '^Advert'",
        ),
        (
            "trailer: after 'About the author'",
            "the page’s closing lines, after 'About the author'",
            "cierre de la página, después de 'About the author'",
        ),
        ("something new", "something new", "something new"),
    ],
)
def test_a_reason_reads_in_the_active_language(reason, english, spanish):
    with translation.override("en"):
        assert removal_reason(reason) == english
    with translation.override("es"):
        assert removal_reason(reason) == spanish
