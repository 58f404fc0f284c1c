"""The translation catalogues are complete, well-formed and up to date with the code.

Every catalogue of the project (locale/ for templates/ and config/, <app>/locale/ for each app)
has every message translated, none fuzzy, and msgfmt accepts it with its format checks (the
same %(name)s placeholders in the translation as in the English). And it holds exactly the
messages that `makemessages` finds in the code today: the test runs makemessages on a copy of
the code and compares.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.i18n.po import messages

BASE = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Where makemessages puts each part of the code's strings: the project's locale/ (templates/,
# config/) and each app's own.
CATALOGUE_DIRS = ["locale", "courseware/locale", "quizzes/locale", "lti/locale"]
CODE_DIRS = ["config", "templates", "courseware", "quizzes", "lti"]


def catalogues() -> list[Path]:
    return sorted(
        path
        for directory in CATALOGUE_DIRS
        for path in (BASE / directory).glob("*/LC_MESSAGES/*.po")
    )


def test_every_language_has_a_catalogue_in_every_locale_directory():
    for directory in CATALOGUE_DIRS:
        for language in LANGUAGES:
            assert (BASE / directory / language / "LC_MESSAGES" / "django.po").is_file(), (
                f"{directory}/{language}: run makemessages (docs/translation.md)"
            )


def test_no_catalogue_lives_outside_the_known_locale_directories():
    found = {
        path.relative_to(BASE).parts[0]
        for path in BASE.glob("**/LC_MESSAGES/*.po")
        if ".venv" not in path.parts and "tests" not in path.parts
    }
    assert found <= {Path(d).parts[0] for d in CATALOGUE_DIRS}


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(BASE)))
def test_every_message_is_translated_and_none_is_fuzzy(path):
    entries = messages(path)
    untranslated = [e.msgid for e in entries if not e.is_translated]
    fuzzy = [e.msgid for e in entries if e.is_fuzzy]
    assert entries
    assert not untranslated, f"{len(untranslated)} untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {path} (check and unmark them): {fuzzy[:10]}"


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(BASE)))
def test_msgfmt_accepts_the_catalogue_with_its_format_checks(path):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if "warning" not in line]
    assert result.returncode == 0 and not errors, result.stderr


def _copy_code(into: Path) -> None:
    for name in CODE_DIRS:
        shutil.copytree(
            BASE / name,
            into / name,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "migrations"),
        )
    for directory in CATALOGUE_DIRS:
        (into / directory).mkdir(parents=True, exist_ok=True)


def test_the_catalogues_hold_exactly_the_messages_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages on a copy of the code finds the same messages as the catalogues hold: a
    string marked but not in the catalogue is untranslated on the page; one in the catalogue
    but no longer in the code is dead weight a translator would waste time on."""
    _copy_code(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=LANGUAGES, verbosity=0, no_obsolete=True)
    differences = []
    for directory in CATALOGUE_DIRS:
        for language in LANGUAGES:
            fresh_path = tmp_path / directory / language / "LC_MESSAGES" / "django.po"
            fresh = {e.key for e in messages(fresh_path)} if fresh_path.exists() else set()
            kept = {
                e.key for e in messages(BASE / directory / language / "LC_MESSAGES" / "django.po")
            }
            if fresh - kept:
                differences.append(f"{directory}/{language} lacks {sorted(fresh - kept)[:8]}")
            if kept - fresh:
                differences.append(
                    f"{directory}/{language} no longer needs {sorted(kept - fresh)[:8]}"
                )
    assert not differences, "Run makemessages and translate (docs/translation.md): " + "; ".join(
        differences
    )
