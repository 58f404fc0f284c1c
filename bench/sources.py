"""A 10 MB source among the others: the admin's source list and `generate_questions`, timed.

A fresh worker process migrates a throwaway SQLite database, builds the fixture pack
(tests/fixtures/pack), then times:

- importing one large source (`import_source`, the CRS report repeated, numbered, to about
  10 MB; the size limit is raised for this run through SOURCE_MAX_BYTES);
- the admin's source list (the changelist page, as a superuser, through the test client);
- `generate_questions --source <a small fixture source>`: the drafts of one small source, with
  every source in the database as the distractor pool, twice (the second run finds the drafts
  already saved, so it measures the pool and the pipeline alone).

Usage: .venv/bin/python bench/sources.py [--megabytes 10] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TEXT = ROOT / "tests" / "fixtures" / "texts" / "crs-r48859-mexico.txt"
SMALL_SOURCE = "delta-news"


def big_text(megabytes: float) -> bytes:
    """The CRS report again and again, each copy numbered, until the text is big enough."""
    report = TEXT.read_text(encoding="utf-8")
    copies, size, number = [], 0, 0
    while size < megabytes * 1_000_000:
        number += 1
        copy = f"Copy {number} of the report\n\n{report}\n"
        copies.append(copy)
        size += len(copy.encode("utf-8"))
    return "\n".join(copies).encode("utf-8")


def timed(action: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - began
    print(f"  {seconds:.2f} s", file=sys.stderr, flush=True)
    return seconds, result


def worker(megabytes: float) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    # The page is rendered without collectstatic: plain static file names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    call_command("build_course", stdout=StringIO())
    admin = User.objects.create_superuser("bench-admin", "admin@example.org", "x")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="fuente-sources-") as folder:
        path = Path(folder) / "big.txt"
        path.write_bytes(big_text(megabytes))
        figures["source_bytes"] = path.stat().st_size
        figures["import_seconds"], _ = timed(
            lambda: call_command(
                "import_source", str(path), "--slug", "big", "--title", "Big", stdout=StringIO()
            )
        )
    client = Client()
    client.force_login(admin)
    url = reverse("admin:courseware_source_changelist")
    client.get(url)  # warm-up: templates, translations
    figures["admin_list_seconds"], response = timed(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    for run in ("generate_first_seconds", "generate_again_seconds"):
        figures[run], _ = timed(
            lambda: call_command("generate_questions", "--source", SMALL_SOURCE, stdout=StringIO())
        )
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.megabytes)
        return
    with tempfile.TemporaryDirectory(prefix="fuente-sources-db-") as folder:
        env = {
            **os.environ,
            "DEBUG": "false",  # with DEBUG on, Django keeps every query's SQL in memory
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'sources.sqlite3'}",
            "SEEDS_DIR": str(ROOT / "tests" / "fixtures" / "pack"),
            "SOURCE_MAX_BYTES": str(int(args.megabytes * 1_100_000)),
        }
        command = [PYTHON, __file__, "--worker", "--megabytes", str(args.megabytes)]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"The worker failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for name, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"{name:>24}: {shown}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
