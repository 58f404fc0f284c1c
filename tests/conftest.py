from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from courseware.models import Course, Enrollment
from courseware.roles import make_teacher
from quizzes.selectors import forget_answered_versions
from quizzes.services import build_pack
from tests.factories import EnrollmentFactory, UserFactory

# The real course pack: only tests/pack/ (its own checks) builds it or names its content.
SEEDS = Path(django_settings.BASE_DIR) / "seeds"
# The test suite's own small pack: every other test runs on it (docs/course-pack.md format).
PACK = Path(__file__).parent / "fixtures" / "pack"
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production serves hashed files from collectstatic's manifest; tests have no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_answered_versions():
    # quizzes.selectors keeps answered question versions by id in memory; ids come back after
    # a test's transaction is rolled back, so each test starts with none.
    forget_answered_versions()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A test that switches the language (translation.activate, a Spanish request through the
    # client's thread) must not leave the next test in Spanish.
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the fixture course pack once; each test runs inside a transaction on top of it."""
    with django_db_blocker.unblock():
        build_pack(seeds_dir=PACK)


@pytest.fixture
def course(db) -> Course:
    return Course.objects.get(slug="rivers")


@pytest.fixture
def student(course):
    return EnrollmentFactory(
        course=course, user=UserFactory(username="stu"), role=Enrollment.Role.STUDENT
    ).user


@pytest.fixture
def teacher(course):
    user = UserFactory(username="teach")
    EnrollmentFactory(course=course, user=user, role=Enrollment.Role.TEACHER)
    make_teacher(user)
    return user


@pytest.fixture
def other_student(db):
    """A student of another course, not of the pack's course."""
    return EnrollmentFactory(user=UserFactory(username="outsider")).user


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
