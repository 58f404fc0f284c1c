"""The settings the two-server test runs its app servers with: the project's own (from the
environment, DEBUG off), except static files, served without collectstatic's manifest as the
test suite does (tests/conftest.py)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
