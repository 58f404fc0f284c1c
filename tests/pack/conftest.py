"""The real course pack's own checks (seeds/): its sources, its build, its bank, its dump.

A test that needs the database (`course`, or `pytestmark = pytest.mark.usefixtures("real_pack")`)
runs with the real pack built on top of the fixture pack, once per module, in a transaction
rolled back at the module's end; `course` is the real pack's course. Pure tests read seeds/."""

from __future__ import annotations

import pytest
from django.db import transaction

from courseware.models import Course
from quizzes.services import build_pack
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def real_pack(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_pack(seeds_dir=SEEDS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def course(real_pack, db) -> Course:
    return Course.objects.get(slug="mexico-cartels")
