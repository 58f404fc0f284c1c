"""Fair scoring in the course pack: quizzes score multiple response right minus wrong unless
they say otherwise, short answers may list patterns, and mistakes in either stop the build."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from courseware.pack import PackError
from quizzes.models import Question, Quiz, Response
from quizzes.services import build_pack
from tests.conftest import PACK
from tests.factories import take_quiz

pytestmark = pytest.mark.django_db

EVERY_BOX = ["a", "b", "c", "d"]  # flow-dam-effects: a, b and c are right, d is wrong


@pytest.fixture
def seeds_copy(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(PACK, target)
    return target


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_quiz_that_names_no_scoring_scores_right_minus_wrong(course):
    scorings = dict(Quiz.objects.filter(course=course).values_list("slug", "multiple_scoring"))
    assert scorings == {
        "river-flow": "right_minus_wrong",
        "water-cycle": "right_minus_wrong",
        "dates": "all_or_nothing",  # it says so
        "review": "right_minus_wrong",
    }


@pytest.mark.parametrize(
    ("scoring", "every_box", "two_right"),
    [
        ("right_minus_wrong", "0.00", "0.67"),
        ("proportional", "0.67", "0.67"),
        ("all_or_nothing", "0.00", "0.00"),
    ],
)
def test_ticking_every_box_earns_what_the_quizs_scoring_says(
    course, student, scoring, every_box, two_right
):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    Quiz.objects.filter(pk=quiz.pk).update(multiple_scoring=scoring)
    quiz.refresh_from_db()
    for picks, points in ((EVERY_BOX, every_box), (["a", "b"], two_right)):
        attempt = take_quiz(student, quiz, {"flow-dam-effects": picks})
        response = Response.objects.get(attempt=attempt, version__question__key="flow-dam-effects")
        assert response.points == Decimal(points), picks


def test_a_pack_quiz_may_choose_another_scoring(seeds_copy, course):
    edit(
        seeds_copy / "course" / "quizzes.toml",
        'slug = "river-flow"\n',
        'slug = "river-flow"\nmultiple_scoring = "proportional"\n',
    )
    build_pack(seeds_dir=seeds_copy)
    assert Quiz.objects.get(course=course, slug="river-flow").multiple_scoring == "proportional"


def test_a_pack_short_answer_may_list_patterns(seeds_copy):
    edit(
        seeds_copy / "course" / "questions" / "flow.toml",
        'accepted = ["silt", "river silt"]',
        'accepted = ["silt", "river silt"]\npatterns = ["(river|lake) silt *", "silt*"]',
    )
    build_pack(seeds_dir=seeds_copy)
    version = Question.objects.get(key="flow-silt-trap").current_version()
    assert version.data["patterns"] == ["(river|lake) silt *", "silt*"]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "quizzes.toml",
            'multiple_scoring = "all_or_nothing"',
            'multiple_scoring = "negative"',
            "multiple_scoring must be one of right_minus_wrong, proportional, all_or_nothing.",
        ),
        (
            "questions/flow.toml",
            'accepted = ["silt", "river silt"]',
            'accepted = ["silt", "river silt"]\npatterns = ["silt", "*"]',
            "question 'flow-silt-trap'",
        ),
        (
            "questions/flow.toml",
            'accepted = ["silt", "river silt"]',
            'accepted = ["silt", "river silt"]\npatterns = ["(river silt"]',
            "Pattern 1 ('(river silt'): a ( is never closed with ).",
        ),
    ],
)
def test_scoring_mistakes_stop_the_build_with_file_item_and_reason(
    seeds_copy, file, old, new, expected
):
    edit(seeds_copy / "course" / file, old, new)
    with pytest.raises(PackError) as error:
        build_pack(seeds_dir=seeds_copy)
    assert f"course/{file}" in str(error.value)
    assert expected in str(error.value)
