"""Building the question bank and quizzes of a pack (on the fixture pack): idempotent, versioned,
and every mistake stops the build with the file, the item and the reason."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from courseware.models import Objective
from courseware.pack import PackError
from quizzes.models import Question, QuestionCitation, QuestionVersion, Quiz
from quizzes.services import (
    build_pack,
    save_question_version,
    set_question_status,
    start_attempt,
    submit_attempt,
)
from tests.conftest import PACK
from tests.factories import answer_question, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds_copy(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(PACK, target)
    return target


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_pack_loads_published_questions_of_every_type_each_citing_words_that_anchor():
    questions = Question.objects.prefetch_related("versions__citations__source")
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == {k for k, _ in Question.Kind.choices}
    for question in questions:
        assert (
            question.status == Question.Status.PUBLISHED and question.origin == Question.Origin.PACK
        )
        version = question.current_version()
        assert version.explanation
        citations = list(version.citations.all())
        assert citations, question.key
        for citation in citations:
            assert citation.source.text[citation.start : citation.end] == citation.exact


def test_every_reading_with_questions_has_a_quiz_and_there_is_a_unit_review():
    quizzes = Quiz.objects.select_related("reading")
    assert {q.reading.slug for q in quizzes if q.reading} >= {"river-flow", "water-cycle"}
    unit = quizzes.get(slug="review")
    covered = set(unit.questions.values_list("objectives__code", flat=True))
    assert covered == set(Objective.objects.values_list("code", flat=True))
    assert unit.time_limit_minutes


def test_rebuilding_changes_no_question_or_version():
    before = list(
        QuestionVersion.objects.order_by("pk").values_list("pk", "question__key", "number")
    )
    build_pack(seeds_dir=PACK)
    assert (
        list(QuestionVersion.objects.order_by("pk").values_list("pk", "question__key", "number"))
        == before
    )


def test_editing_an_answered_question_makes_a_new_version_and_old_answers_keep_theirs(
    course, student
):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.get(version__question__key="flow-longest")
    answer_question(
        student=student,
        attempt_id=attempt.pk,
        position=response.position,
        form={"answer": ["b"]},
    )
    question = response.version.question
    old = question.current_version()
    data = {**old.data, "choices": [{**c, "correct": c["id"] == "c"} for c in old.data["choices"]]}
    citations = [
        {
            "source": c.source,
            "exact": c.exact,
            "prefix": c.prefix,
            "suffix": c.suffix,
            "start": c.start,
            "end": c.end,
        }
        for c in old.citations.all()
    ]
    new = save_question_version(
        question, stem=old.stem, data=data, explanation=old.explanation, citations=citations
    )
    assert new.number == old.number + 1
    graded = submit_attempt(attempt=attempt).responses.get(pk=response.pk)
    assert graded.version == old and graded.outcome == "correct"  # graded against what was shown


def test_editing_an_unanswered_question_changes_it_in_place():
    question = make_question("edit-in-place")
    version = question.current_version()
    citations = [
        {
            "source": c.source,
            "exact": c.exact,
            "prefix": "",
            "suffix": "",
            "start": c.start,
            "end": c.end,
        }
        for c in version.citations.all()
    ]
    again = save_question_version(
        question, stem="A better stem?", data=version.data, explanation="x", citations=citations
    )
    assert again.pk == version.pk and again.stem == "A better stem?"


def test_a_question_without_a_citation_cannot_be_published():
    question = make_question("uncited")
    QuestionCitation.objects.filter(version__question=question).delete()
    question.status = Question.Status.DRAFT
    question.save()
    with pytest.raises(ValidationError, match="no citation"):
        set_question_status(question, Question.Status.PUBLISHED)


def test_a_question_citing_words_that_no_longer_match_cannot_be_published():
    question = make_question("moved")
    QuestionCitation.objects.filter(version__question=question).update(start=0, end=10)
    with pytest.raises(ValidationError, match="no longer matches"):
        set_question_status(question, Question.Status.PUBLISHED)


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("questions/flow.toml", 'type = "numeric"', 'type = "essay"', "type 'essay' is not one of"),
        (
            "questions/flow.toml",
            'quote = "Dams upstream trap most of the silt',
            'quote = "Dams upstream trap all of the silt',
            "Nearest text",
        ),
        ("questions/flow.toml", "difficulty = 1", "difficulty = 7", "difficulty must be 1"),
        (
            "questions/flow.toml",
            'objectives = ["river-flow", "judging-sources"]',
            'objectives = ["tides"]',
            "objective(s) tides",
        ),
        (
            "questions/flow.toml",
            'objectives = ["river-flow", "judging-sources"]',
            "objectives = []",
            "a published question needs at least one objective",
        ),
        (
            "quizzes.toml",
            '  "flow-longest",',
            '  "no-such-question",',
            "question 'no-such-question' is not in course/questions/.",
        ),
        (
            "quizzes.toml",
            'attempts_allowed = 2\nreview = { correctness = "immediately"',
            'attempts_allowed = 2\nreview = { correctness = "someday"',
            "correctness must be one of",
        ),
        ("quizzes.toml", 'grading_method = "average"', 'grading_method = "best"', "best"),
    ],
)
def test_pack_mistakes_stop_the_build_with_file_item_and_reason(
    seeds_copy, file, old, new, expected
):
    edit(seeds_copy / "course" / file, old, new)
    with pytest.raises(PackError) as error:
        build_pack(seeds_dir=seeds_copy)
    assert f"course/{file}" in str(error.value)
    assert expected in str(error.value)


def test_a_question_with_answers_cannot_be_dropped_from_its_quiz(course, student, seeds_copy):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    attempt = start_attempt(quiz=quiz, student=student)
    assert attempt.responses.count() == quiz.slots.count()
    edit(seeds_copy / "course" / "quizzes.toml", '  "flow-longest",\n', "")
    with pytest.raises(PackError, match="retire the question instead"):
        build_pack(seeds_dir=seeds_copy)
