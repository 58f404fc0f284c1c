"""Django merges every catalogue into one, and for a message in several the first app in
INSTALLED_APPS wins (Django's own admin and auth before ours). So a message of ours that Django
or another of our apps also has shows their translation, not ours: "Published" read
"Publicación" (a source's date) on a question's status, "History" read Django's "Histórico".
Each message of ours must read, in the running site, as our catalogue says; a word with two
meanings gets a context (`pgettext`, `{% translate "…" context "…" %}`)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from tests.i18n.po import messages
from tests.i18n.test_catalogues import LANGUAGES, catalogues


def shown(entry, number: int | None = None) -> str:
    if entry.msgid_plural:
        if entry.msgctxt is not None:
            return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, number)
        return ngettext(entry.msgid, entry.msgid_plural, number)
    if entry.msgctxt is not None:
        return pgettext(entry.msgctxt, entry.msgid)
    return gettext(entry.msgid)


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: str(path.parent.parent.parent))
def test_every_message_reads_as_its_catalogue_says(path):
    language = path.parent.parent.name
    assert language in LANGUAGES
    overridden = []
    with translation.override(language):
        for entry in messages(path):
            # One and many (Spanish: forms 0 and 2; 1 is for round millions).
            forms = [(1, 0), (2, len(entry.msgstr) - 1)] if entry.msgid_plural else [(None, 0)]
            for number, form in forms:
                if shown(entry, number) != entry.msgstr[form]:
                    overridden.append((entry.msgctxt, entry.msgid, shown(entry, number)))
    assert overridden == []
