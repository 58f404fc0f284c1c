"""`dump_course` writes the course as it is in the database (on the fixture pack; the real
pack's round trip: tests/pack/)."""

from __future__ import annotations

import filecmp
import hashlib
import tomllib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courseware.models import Reading
from quizzes.models import Question
from quizzes.services import build_pack, save_question_version
from tests.conftest import PACK

pytestmark = pytest.mark.django_db


def dump(path):
    call_command("dump_course", "--output", str(path), stdout=StringIO())
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


def test_the_dump_rebuilds_the_same_course(tmp_path):
    readings = list(Reading.objects.values_list("slug", "title"))
    questions = Question.objects.count()
    build_pack(seeds_dir=dump(tmp_path / "pack"))
    assert list(Reading.objects.values_list("slug", "title")) == readings
    assert Question.objects.count() == questions


def test_sources_are_dumped_byte_for_byte(tmp_path):
    out = dump(tmp_path / "pack")
    recorded = {
        s["slug"]: s["sha256"] for s in tomllib.loads((out / "sources.toml").read_text())["source"]
    }
    originals = {s["sha256"] for s in tomllib.loads((PACK / "sources.toml").read_text())["source"]}
    assert set(recorded.values()) == originals
    for slug, digest in recorded.items():
        assert hashlib.sha256((out / "sources" / f"{slug}.txt").read_bytes()).hexdigest() == digest


def test_a_teachers_edit_in_the_database_is_written_back(tmp_path):
    question = Question.objects.get(key="flow-longest")
    version = question.current_version()
    citations = [
        {
            "source": c.source,
            "exact": c.exact,
            "prefix": c.prefix,
            "suffix": c.suffix,
            "start": c.start,
            "end": c.end,
        }
        for c in version.citations.all()
    ]
    save_question_version(
        question,
        stem="Edited stem?",
        data=version.data,
        explanation=version.explanation,
        citations=citations,
    )
    out = dump(tmp_path / "pack")
    bank = tomllib.loads((out / "course" / "questions" / "bank.toml").read_text())["question"]
    assert next(q for q in bank if q["id"] == question.key)["stem"] == "Edited stem?"


def test_dumping_refuses_to_overwrite_a_folder(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        dump(tmp_path / "busy")


def test_what_teachers_change_in_the_admin_survives_dump_and_rebuild(tmp_path, course, student):
    from quizzes.models import Quiz
    from quizzes.services import author_question, start_practice

    draft = Question(key="teachers-draft", kind="true_false", status=Question.Status.DRAFT)
    author_question(
        question=draft,
        stem="Uncited so far.",
        data={"answer": True},
        explanation="",
        citations=[],
        by=None,
    )
    retired = Question.objects.get(key="flow-longest")
    retired.status = Question.Status.RETIRED
    retired.save(update_fields=["status"])
    rejected = Question.objects.create(
        key="rejected-draft", kind="true_false", status=Question.Status.REJECTED
    )
    save_question_version(
        rejected, stem="Bad draft.", data={"answer": False}, explanation="", citations=[]
    )
    start_practice(course=course, student=student, keys=["flow-dam-dates"], policy={})

    out = dump(tmp_path / "pack")
    dumped = {
        q["id"]: q
        for path in (out / "course" / "questions").glob("*.toml")
        for q in tomllib.loads(path.read_text())["question"]
    }
    assert dumped["teachers-draft"]["status"] == "draft"
    assert dumped["flow-longest"]["status"] == "retired"
    assert "status" not in dumped["flow-dam-dates"]  # published is the default
    assert "rejected-draft" not in dumped
    quizzes = tomllib.loads((out / "course" / "quizzes.toml").read_text())["quiz"]
    assert not [q for q in quizzes if q["slug"].startswith("practice-")]

    Question.objects.filter(key="teachers-draft").update(status=Question.Status.PUBLISHED)
    build_pack(seeds_dir=out)
    assert Question.objects.get(key="teachers-draft").status == "draft"
    assert Question.objects.get(key="flow-longest").status == "retired"
    assert Quiz.objects.filter(practice_for=student).count() == 1
