"""The real pack survives `dump_course` → `build_course` → `dump_course` unchanged."""

from __future__ import annotations

import filecmp
import hashlib
import tomllib
from io import StringIO

import pytest
from django.core.management import call_command

from courseware.models import Course, Objective, Prompt, Reading, Source, TimelineEvent
from courseware.pack import load_pack
from quizzes.models import Question, Quiz
from quizzes.services import build_pack
from tests.conftest import PACK, SEEDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_pack")]


@pytest.fixture(autouse=True)
def _only_the_real_pack(db):
    """The question bank, the timeline and the sources are shared by every course, so a dump
    writes all of them: take the fixture pack out first (rolled back after the test)."""
    fixture = load_pack(PACK)
    slugs = [spec.slug for spec in fixture.sources]
    Quiz.objects.filter(course__slug=fixture.course.slug).delete()
    Question.objects.filter(versions__citations__source__slug__in=slugs).delete()
    Prompt.objects.filter(perspectives__citations__source__slug__in=slugs).delete()
    TimelineEvent.objects.filter(citations__source__slug__in=slugs).delete()
    Reading.objects.filter(reading_passages__passage__source__slug__in=slugs).delete()
    Course.objects.filter(slug=fixture.course.slug).delete()
    Source.objects.filter(slug__in=slugs).delete()
    Objective.objects.filter(code__in=[o.code for o in fixture.objectives]).delete()


def dump(path):
    call_command(
        "dump_course", "--course", "mexico-cartels", "--output", str(path), stdout=StringIO()
    )
    return path


def same_tree(left, right) -> list[str]:
    differences = []

    def walk(cmp: filecmp.dircmp) -> None:
        differences.extend(cmp.diff_files + cmp.left_only + cmp.right_only)
        for sub in cmp.subdirs.values():
            walk(sub)

    walk(filecmp.dircmp(left, right))
    return differences


def test_dump_then_build_then_dump_gives_the_same_pack(tmp_path):
    first = dump(tmp_path / "first")
    build_pack(seeds_dir=first)
    second = dump(tmp_path / "second")
    assert same_tree(first, second) == []


def test_the_dump_rebuilds_the_same_course(tmp_path, course):
    readings = list(Reading.objects.filter(courses=course).values_list("slug", "title"))
    questions = Question.objects.count()
    build_pack(seeds_dir=dump(tmp_path / "pack"))
    assert list(Reading.objects.filter(courses=course).values_list("slug", "title")) == readings
    assert Question.objects.count() == questions


def test_sources_are_dumped_byte_for_byte(tmp_path):
    out = dump(tmp_path / "pack")
    recorded = {
        s["slug"]: s["sha256"] for s in tomllib.loads((out / "sources.toml").read_text())["source"]
    }
    originals = {s["sha256"] for s in tomllib.loads((SEEDS / "sources.toml").read_text())["source"]}
    assert set(recorded.values()) == originals
    for slug, digest in recorded.items():
        assert hashlib.sha256((out / "sources" / f"{slug}.txt").read_bytes()).hexdigest() == digest
