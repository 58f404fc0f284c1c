"""A pool in a course pack: `{ pool = {…}, count = N }` in a quiz's questions list."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from courseware.pack import PackError, load_pack
from quizzes.dump import quizzes_file
from quizzes.models import Quiz, QuizPool, QuizQuestion
from quizzes.pack import load_questions, load_quizzes
from quizzes.services import build_pack
from tests.conftest import PACK
from tests.factories import take_quiz
from tests.quizzes.test_question_pools import a_student

pytestmark = pytest.mark.django_db

POOL = '{ pool = { objective = "river-flow", type = "numeric" }, count = 1, points = 2 }'


def pack_with(tmp_path, entries):
    """The fixture pack with one more quiz, "flow-pool", listing `entries` (TOML)."""
    root = tmp_path / "pack"
    shutil.copytree(PACK, root)
    quizzes = root / "course" / "quizzes.toml"
    quizzes.write_text(
        quizzes.read_text(encoding="utf-8")
        + f'\n[[quiz]]\nslug = "flow-pool"\ntitle = "Flow pool"\nquestions = [{entries}]\n',
        encoding="utf-8",
    )
    return root


def test_a_pack_quiz_gets_its_pool_at_its_place(tmp_path):
    build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {POOL}, "flow-silt-trap"'))
    quiz = Quiz.objects.get(slug="flow-pool")
    pool = quiz.pools.get()
    assert (pool.position, pool.count, pool.points) == (1, 1, Decimal("2.00"))
    assert (pool.objective.code, pool.kind, pool.tag, pool.difficulty) == (
        "river-flow",
        "numeric",
        "",
        None,
    )
    assert list(quiz.slots.values_list("question__key", "position")) == [
        ("flow-longest", 0),
        ("flow-silt-trap", 2),
    ]


def test_a_quiz_of_only_a_pool_is_a_quiz(tmp_path):
    build_pack(seeds_dir=pack_with(tmp_path, POOL))
    assert Quiz.objects.get(slug="flow-pool").pools.count() == 1


def test_building_again_keeps_what_the_pool_drew_and_changes_it_in_place(tmp_path, course):
    build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {POOL}'))
    quiz = Quiz.objects.get(slug="flow-pool")
    pool = quiz.pools.get()
    take_quiz(a_student(course, "drew"), quiz)
    members = list(QuizQuestion.objects.filter(pool=pool).values_list("pk", flat=True))
    assert len(members) == 1
    changed = POOL.replace("count = 1", "count = 2")
    build_pack(seeds_dir=pack_with(tmp_path / "again", f'"flow-longest", {changed}'))
    pool.refresh_from_db()
    assert pool.count == 2
    assert list(QuizQuestion.objects.filter(pool=pool).values_list("pk", flat=True)) == members


def test_a_pool_students_answered_cannot_be_dropped_from_the_pack(tmp_path, course):
    build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {POOL}'))
    take_quiz(a_student(course, "drew"), Quiz.objects.get(slug="flow-pool"))
    with pytest.raises(PackError, match="pool at place 2 has answers"):
        build_pack(seeds_dir=pack_with(tmp_path / "again", '"flow-longest"'))


def test_an_unanswered_pool_dropped_from_the_pack_goes(tmp_path):
    build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {POOL}'))
    build_pack(seeds_dir=pack_with(tmp_path / "again", '"flow-longest"'))
    assert not QuizPool.objects.filter(quiz__slug="flow-pool").exists()


def test_the_dump_writes_the_pool_back_as_the_pack_gave_it(tmp_path, course):
    build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {POOL}, "flow-silt-trap"'))
    table = next(q for q in quizzes_file(course)["quiz"] if q["slug"] == "flow-pool")
    assert table["questions"] == [
        "flow-longest",
        {"pool": {"objective": "river-flow", "type": "numeric"}, "count": 1, "points": 2.0},
        "flow-silt-trap",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('{ pool = { type = "essay" }, count = 1 }', "type 'essay' is not one of"),
        ('{ pool = { tag = "gossip" }, count = 1 }', "tag must be one of"),
        ("{ pool = { difficulty = 5 }, count = 1 }", "difficulty must be 1"),
        ('{ pool = { difficulty = "hard" }, count = 1 }', "'difficulty' must be a whole number"),
        ("{ pool = {}, count = 0 }", "count must be at least 1"),
        ('{ pool = {}, count = "two" }', "'count' must be a whole number"),
        ("{ pool = {}, count = 1, points = 0 }", "points must be more than zero"),
        ('{ pool = {}, count = 1, points = "x" }', "points must be a number"),
        ('{ pool = { colour = "red" }, count = 1 }', "unknown key(s) colour"),
        ("{ pool = {}, count = 1, weight = 2 }", "unknown key(s) weight"),
        ('{ pool = "river-flow", count = 1 }', "must be a table"),
    ],
)
def test_a_bad_pool_entry_is_refused_saying_where(tmp_path, entry, message):
    root = pack_with(tmp_path, f'"flow-longest", {entry}')
    pack = load_pack(root)
    keys = {q.key for q in load_questions(root, {o.code for o in pack.objectives})}
    with pytest.raises(PackError) as error:
        load_quizzes(root, keys, {r.slug for r in pack.readings})
    assert message in str(error.value)
    assert "pool at place 2" in str(error.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('{ pool = { objective = "astronomy" }, count = 1 }', "objective 'astronomy' is unknown"),
        ('{ pool = { source = "tabloid" }, count = 1 }', "source 'tabloid' is unknown"),
    ],
)
def test_a_pool_naming_what_the_pack_lacks_stops_the_build(tmp_path, entry, message):
    with pytest.raises(PackError, match=message):
        build_pack(seeds_dir=pack_with(tmp_path, f'"flow-longest", {entry}'))
