"""Fair scoring on the real course pack (pure: reads seeds/): no quiz gives marks for ticking
every box of a multiple-response question, and every accepted short answer is still matched
by itself and with an article in front of it."""

from __future__ import annotations

from functools import cache

from courseware.pack import load_pack
from quizzes.grading import grade
from quizzes.pack import QuestionSpec, QuizSpec, load_questions, load_quizzes
from quizzes.short_answers import ARTICLES
from tests.conftest import SEEDS


@cache
def bank() -> tuple[tuple[QuestionSpec, ...], tuple[QuizSpec, ...]]:
    pack = load_pack(SEEDS)
    questions = load_questions(SEEDS, {o.code for o in pack.objectives})
    quizzes = load_quizzes(SEEDS, {q.key for q in questions}, {r.slug for r in pack.readings})
    return questions, quizzes


def test_no_quiz_gives_marks_for_ticking_every_box():
    questions, quizzes = bank()
    by_key = {q.key: q for q in questions}
    found = []
    for quiz in quizzes:
        scoring = quiz.settings["multiple_scoring"]
        for slot in quiz.slots:
            question = by_key[slot.question]
            if question.kind != "multiple":
                continue
            every = [choice["id"] for choice in question.data["choices"]]
            points = grade("multiple", question.data, every, multiple_scoring=scoring).points
            if points:
                found.append((quiz.slug, question.key, scoring, points))
    assert found == []


def test_every_accepted_short_answer_matches_itself_and_after_any_article():
    questions, _quizzes = bank()
    refused = [
        (question.key, typed)
        for question in questions
        if question.kind == "short"
        for accepted in question.data["accepted"]
        for typed in (accepted, *(f"{article} {accepted}" for article in sorted(ARTICLES)))
        if grade("short", question.data, typed).outcome != "correct"
    ]
    assert refused == []
