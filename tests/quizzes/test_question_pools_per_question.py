"""With pools, scores, item analysis, regrades, the gradebook, exports and the pack stay per
question: a drawn question is a slot of the quiz like any other."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from quizzes.analysis import ALL_ATTEMPTS, analysis_of
from quizzes.dump import quizzes_file
from quizzes.exchange.export import export_questions, quiz_questions, quiz_rows
from quizzes.gradebook import course_book, grade_detail
from quizzes.models import Question, Quiz, QuizPool, QuizQuestion, Regrade, Response
from quizzes.services import (
    apply_regrade,
    override_grade,
    plan_regrade,
    start_attempt,
    submit_attempt,
)
from tests.factories import answer_question, key_is, make_question, publish, take_quiz
from tests.quizzes.test_question_pools import TAG, a_student, bank, drawn, pool_quiz

pytestmark = pytest.mark.django_db
BASE = "https://fuente.example.edu"


@pytest.fixture
def pooled(course):
    """A quiz of one fixed question (2 points) and a pool drawing 2 of 6 (1.5 points each);
    eight students each take it once, answering "b" (right) everywhere but the student number
    i's first drawn question when i is odd."""
    bank(6)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a")], count=2, points=Decimal("1.5"))
    QuizQuestion.objects.filter(quiz=quiz, pool__isnull=True).update(points=2)
    quiz.multiple_scoring = Quiz.MultipleScoring.PROPORTIONAL
    quiz.save(update_fields=["multiple_scoring"])
    for i in range(8):
        student = a_student(course, f"p{i}")
        attempt = start_attempt(quiz=quiz, student=student)
        first = drawn(attempt)[0]
        for response in attempt.responses.select_related("slot__question"):
            wrong = i % 2 and response.slot.question.key == first
            answer_question(
                student=student,
                attempt_id=attempt.pk,
                position=response.position,
                form={"answer": ["a" if wrong else "b"]},
            )
        submit_attempt(attempt=attempt)
    return quiz


def test_item_analysis_has_one_row_per_drawn_question_and_counts_every_attempt(pooled):
    analysis = analysis_of(pooled, which=ALL_ATTEMPTS)
    shown = Counter(
        Response.objects.filter(attempt__quiz=pooled).values_list("slot__question__key", flat=True)
    )
    rows = {item.question.key: item for item in analysis.items}
    assert set(rows) == set(shown)
    assert analysis.items[0].question.key == "fixed-a" and not analysis.items[0].is_drawn
    for key, item in rows.items():
        assert item.stats is not None and item.stats.n == shown[key]
        assert item.is_drawn == (key != "fixed-a")
    # Every attempt filled the fixed place and the pool's two places: all eight are complete.
    assert analysis.attempts == 8 and analysis.test.attempts == 8
    assert analysis.test.mean is not None


def test_the_item_analysis_page_marks_drawn_questions(client, course, teacher, pooled):
    client.force_login(teacher)
    page = client.get(reverse("item_analysis", args=[course.slug, pooled.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    members = QuizQuestion.objects.filter(quiz=pooled, pool__isnull=False)
    assert members.exists()
    assert text.count("drawn from a pool") == members.count()


def test_a_regrade_of_a_drawn_question_changes_only_the_attempts_that_drew_it(pooled, teacher):
    key = Response.objects.filter(attempt__quiz=pooled, slot__pool__isnull=False).values_list(
        "slot__question__key", flat=True
    )[0]
    publish(key, key_is("a"))  # the key was wrong: "a" is right
    answered = Response.objects.filter(attempt__quiz=pooled, slot__question__key=key)
    report = plan_regrade(quiz=pooled)
    assert {c.question for c in report.changes} == {key}
    assert len(report.changes) == answered.count()
    before = {r.pk: (r.points, r.attempt.points) for r in answered.select_related("attempt")}
    apply_regrade(quiz=pooled, reason="Key fixed", by=teacher)
    assert Regrade.objects.filter(response__in=answered).count() == answered.count()
    for response in answered.select_related("attempt"):
        expected = Decimal("1.5") if response.answer == "a" else Decimal(0)
        old_points, old_total = before[response.pk]
        assert response.points == expected
        assert response.attempt.points == old_total - old_points + expected
    others = Response.objects.filter(attempt__quiz=pooled).exclude(slot__question__key=key)
    assert not Regrade.objects.filter(response__in=others).exists()


def test_the_gradebook_counts_each_pool_as_count_questions(course, pooled):
    book = course_book(course)
    column = next(c for c in book.columns if c.key == f"quiz:{pooled.slug}")
    assert column.points_possible == Decimal("5.00")  # 2 + 2 × 1.5
    student = User.objects.get(username="p0")
    assert grade_detail(pooled, student).possible == Decimal("5.00")


def test_an_override_may_not_exceed_the_points_a_pooled_quiz_is_worth(course, teacher, pooled):
    student = User.objects.get(username="p0")
    with pytest.raises(ValidationError, match="from 0 to 5"):
        override_grade(quiz=pooled, student=student, points=Decimal("5.5"), reason="x", by=teacher)
    override_grade(quiz=pooled, student=student, points=Decimal(5), reason="Bonus", by=teacher)


def test_a_quiz_export_holds_every_question_each_pool_may_draw(course):
    questions = bank(5)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a")], count=2, points=Decimal("1.5"))
    QuizQuestion.objects.create(quiz=quiz, question=make_question("fixed-b"), position=2)
    rows = quiz_rows(quiz, Question.objects.all())
    assert [(q.key, p) for q, p in rows] == [
        ("fixed-a", Decimal("1.00")),
        *((q.key, Decimal("1.50")) for q in questions),
        ("fixed-b", Decimal("1.00")),
    ]
    assert set(quiz_questions(quiz).values_list("key", flat=True)) == {
        "fixed-a",
        "fixed-b",
        *(q.key for q in questions),
    }
    out = io.StringIO()
    result = export_questions(
        questions=quiz_questions(quiz),
        fmt="moodle",
        out=out,
        base_url=BASE,
        course=course,
        quiz=quiz,
    )
    names = [n.findtext("name/text") for n in ET.fromstring(out.getvalue()).findall("question")]
    assert [n for n in names if n] == [q.key for q, _ in rows]
    assert result.written == 7
    assert any("draws 2 of its 5 questions" in note for note in result.notes)


def test_the_export_command_and_the_admin_action_include_the_pool(
    client, course, teacher, tmp_path
):
    bank(3)
    quiz = pool_quiz(course, count=1)
    path = tmp_path / "mixed.txt"
    err = io.StringIO()
    call_command(
        "export_questions",
        *("--quiz", quiz.slug, "--course", course.slug, "--format", "gift"),
        *("--output", str(path), "--base-url", BASE),
        stdout=io.StringIO(),
        stderr=err,
    )
    text = path.read_text(encoding="utf-8")
    assert all(f"bank-{i:02d}" in text for i in range(3))
    assert "draws 1 of its 3 questions" in err.getvalue()
    client.force_login(teacher)
    response = client.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "export_gift", "_selected_action": [str(quiz.pk)]},
    )
    assert all(f"bank-{i:02d}".encode() in response.content for i in range(3))


def test_dumping_the_course_lists_the_pool_not_what_it_drew(course):
    bank(4)
    quiz = Quiz.objects.get(slug="river-flow")
    QuizPool.objects.create(quiz=quiz, position=100, count=2, tag=TAG)
    take_quiz(a_student(course, "dumped"), quiz)
    table = next(q for q in quizzes_file(course)["quiz"] if q["slug"] == "river-flow")
    assert table["questions"][-1] == {"pool": {"tag": TAG}, "count": 2}
    listed = [q if isinstance(q, str) else q.get("id") for q in table["questions"]]
    assert not any(str(k).startswith("bank-") for k in listed)
