from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment
from quizzes.gradebook import gradebook_of
from quizzes.models import Attempt, Quiz, Regrade, Response
from quizzes.services import (
    answer_fits,
    apply_regrade,
    plan_regrade,
    start_attempt,
)
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    canvas_row,
    key_is,
    publish,
    take_quiz,
)

pytestmark = pytest.mark.django_db

QUIZ = "river-flow"
SINGLE = "flow-longest"  # pack key: "b"
MULTIPLE = "flow-dam-effects"  # pack key: a, b, c


def response_to(attempt, key):
    return Response.objects.get(attempt=attempt, version__question__key=key)


@pytest.fixture
def quiz(course):
    return Quiz.objects.get(course=course, slug=QUIZ)


@pytest.fixture
def ana(course):
    user = UserFactory(username="ana", first_name="Ana", last_name="Ruiz")
    EnrollmentFactory(course=course, user=user, canvas_user_id="3001")
    return user


@pytest.fixture
def wrong_key_answered(quiz, student, ana):
    """The single-choice key was saved wrong ("c") before students answered; then fixed ("b").
    The student chose "b" (right, graded 0), Ana "c" (wrong, graded 1)."""
    publish(SINGLE, key_is("c"))  # no answers yet: edits the version in place
    first = take_quiz(student, quiz, {SINGLE: {"answer": ["b"]}})
    second = take_quiz(ana, quiz, {SINGLE: {"answer": ["c"]}})
    fixed = publish(SINGLE, key_is("b"))
    assert fixed.number == 2
    return first, second


def kept(course, username):
    book = gradebook_of(course)
    grades = next(g for s, g in book.rows if s.username == username)
    return grades[f"quiz:{QUIZ}"].score


def test_a_plan_shows_what_would_change_and_writes_nothing(quiz, student, wrong_key_answered):
    first, _ = wrong_key_answered
    report = plan_regrade(quiz=quiz)
    assert report.questions == {SINGLE: (1, 2, 2)}
    changes = {c.student: (c.old_points, c.new_points) for c in report.changes}
    assert changes == {
        student.get_full_name(): (Decimal("0.00"), Decimal("1.00")),
        "Ana Ruiz": (Decimal("1.00"), Decimal("0.00")),
    }
    assert not Regrade.objects.exists()
    assert response_to(first, SINGLE).version.number == 1
    assert Attempt.objects.get(pk=first.pk).points == first.points


def test_regrading_a_fixed_key_changes_scores_and_records_who_and_why(
    course, quiz, teacher, wrong_key_answered
):
    first, second = wrong_key_answered
    before = {"stu": kept(course, "stu"), "ana": kept(course, "ana")}
    report = apply_regrade(quiz=quiz, reason="Key was wrong", by=teacher)
    assert len(report.changed) == 2

    fixed = response_to(first, SINGLE)
    assert (fixed.version.number, fixed.points, fixed.outcome) == (2, Decimal("1.00"), "correct")
    assert fixed.parts == {"a": True, "b": True, "c": True, "d": True}
    wrong = response_to(second, SINGLE)
    assert (wrong.points, wrong.outcome) == (Decimal("0.00"), "incorrect")
    record = Regrade.objects.get(response=fixed)
    assert (record.from_version.number, record.to_version.number) == (1, 2)
    assert (record.old_points, record.new_points) == (Decimal("0.00"), Decimal("1.00"))
    assert (record.old_outcome, record.new_outcome) == ("incorrect", "correct")
    assert (record.reason, record.created_by) == ("Key was wrong", teacher)

    assert Attempt.objects.get(pk=first.pk).points == first.points + 1
    assert Attempt.objects.get(pk=second.pk).points == second.points - 1
    assert kept(course, "stu") == before["stu"] + 1
    assert kept(course, "ana") == before["ana"] - 1


def test_running_a_regrade_again_changes_nothing(quiz, teacher, wrong_key_answered):
    apply_regrade(quiz=quiz, reason="Key was wrong", by=teacher)
    points = list(Response.objects.order_by("pk").values_list("points", "version_id"))
    again = apply_regrade(quiz=quiz, reason="Again", by=teacher)
    assert again.changes == []
    assert Regrade.objects.count() == 2
    assert list(Response.objects.order_by("pk").values_list("points", "version_id")) == points


def test_an_answer_that_no_longer_fits_is_reported_and_left_alone(quiz, student, ana, teacher):
    kept_attempt = take_quiz(student, quiz, {SINGLE: {"answer": ["d"]}})
    fitting = take_quiz(ana, quiz, {SINGLE: {"answer": ["b"]}})

    def drop_d(data):
        data["choices"] = [c for c in data["choices"] if c["id"] != "d"]

    publish(SINGLE, drop_d)
    report = apply_regrade(quiz=quiz, reason="Removed a misleading choice", by=teacher)
    assert [c.student for c in report.unfit] == [student.get_full_name()]
    assert [c.student for c in report.regradable] == ["Ana Ruiz"]
    left = response_to(kept_attempt, SINGLE)
    assert (left.version.number, left.answer) == (1, "d")
    assert not Regrade.objects.filter(response=left).exists()
    assert response_to(fitting, SINGLE).version.number == 2
    # Reported again, never changed, on the next run.
    assert [c.student for c in apply_regrade(quiz=quiz, reason="x", by=teacher).unfit] == [
        student.get_full_name()
    ]


def test_a_regrade_uses_the_quizs_multiple_response_scoring(quiz, student, teacher):
    Quiz.objects.filter(pk=quiz.pk).update(multiple_scoring=Quiz.MultipleScoring.ALL_OR_NOTHING)
    quiz.refresh_from_db()
    publish(MULTIPLE, key_is("a", "b"))  # wrong key, before anyone answered
    attempt = take_quiz(student, quiz, {MULTIPLE: {"answer": ["a", "b"]}})
    assert response_to(attempt, MULTIPLE).points == Decimal("1.00")
    publish(MULTIPLE, key_is("a", "b", "c"))  # fixed
    apply_regrade(quiz=quiz, reason="Huachicol counts too", by=teacher)
    # Two of three right picks: 0.67 if proportional, nothing when all or nothing.
    assert response_to(attempt, MULTIPLE).points == Decimal("0.00")


def test_open_attempts_are_not_regraded(quiz, student, teacher):
    attempt = start_attempt(quiz=quiz, student=student)
    publish(SINGLE, key_is("a"))
    assert apply_regrade(quiz=quiz, reason="x", by=teacher).changes == []
    assert response_to(attempt, SINGLE).version.number == 1


def test_a_regrade_needs_a_reason(quiz, teacher, wrong_key_answered):
    with pytest.raises(ValidationError, match="Give a reason"):
        apply_regrade(quiz=quiz, reason="  ", by=teacher)
    assert not Regrade.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "answer", "fits"),
    [
        ("single", {"choices": [{"id": "a"}, {"id": "b"}]}, "b", True),
        ("single", {"choices": [{"id": "a"}, {"id": "b"}]}, "z", False),
        ("single", {"choices": [{"id": "a"}, {"id": "b"}]}, None, True),
        ("multiple", {"choices": [{"id": "a"}, {"id": "b"}]}, ["a", "b"], True),
        ("multiple", {"choices": [{"id": "a"}, {"id": "b"}]}, ["a", "c"], False),
        ("true_false", {"answer": True}, False, True),
        ("numeric", {"answer": 5}, "4,000", True),
        ("short", {"accepted": ["x"]}, "anything", True),
        ("ordering", {"items": [{"id": "a"}, {"id": "b"}]}, {"a": 2, "b": 1}, True),
        ("ordering", {"items": [{"id": "a"}, {"id": "b"}]}, {"a": 4}, False),
        ("ordering", {"items": [{"id": "a"}, {"id": "b"}]}, {"gone": 1}, False),
        ("matching", {"pairs": [{"id": "p"}], "distractors": [{"id": "x"}]}, {"p": "x"}, True),
        ("matching", {"pairs": [{"id": "p"}]}, {"p": "x"}, False),
        ("single", {"choices": [{"id": "a"}]}, ["a"], False),
    ],
)
def test_an_answer_fits_a_version_only_if_everything_it_names_is_there(kind, data, answer, fits):
    complete = _complete(kind, data)
    assert answer_fits(kind, complete, answer) is fits


def _complete(kind, data):
    """Fill in the texts and keys validate_spec needs, around the ids a case is about."""
    data = copy.deepcopy(data)
    for i, choice in enumerate(data.get("choices", [])):
        choice.update(text=f"Choice {choice['id']}", correct=i == 0)
    if kind == "multiple":
        data["choices"].append({"id": "m", "text": "More", "correct": True})
    for item in data.get("items", []):
        item["text"] = f"Item {item['id']}"
    for pair in data.get("pairs", []):
        pair.update(left=f"Left {pair['id']}", right=f"Right {pair['id']}")
    if kind == "matching":
        data["pairs"].append({"id": "q", "left": "Left q", "right": "Right q"})
    for distractor in data.get("distractors", []):
        distractor["text"] = f"Distractor {distractor['id']}"
    if kind == "ordering":
        data["items"].append({"id": "c", "text": "Item c"})
    return data


def test_the_regrade_page_previews_then_applies_with_a_reason(
    client, course, quiz, teacher, wrong_key_answered
):
    first, _ = wrong_key_answered
    url = reverse("gradebook_regrade", args=[course.slug, quiz.slug])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert SINGLE in page and "version 1" in page and "version 2" in page
    assert "2 of 2 responses would get a different score" in page
    assert "<strong>1.00</strong> (incorrect → correct)" in page
    assert not Regrade.objects.exists()

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Give a reason" in refused.content.decode()
    assert not Regrade.objects.exists()

    done = client.post(url, {"reason": "Key was wrong"}, follow=True)
    html = done.content.decode()
    assert "Regraded 2 responses: 2 changed score." in html
    assert "nothing to regrade" in html
    assert "Key was wrong" in html  # past regrades
    assert Regrade.objects.count() == 2

    attempt_page = client.get(reverse("gradebook_attempt", args=[course.slug, first.pk]))
    text = attempt_page.content.decode()
    assert "Regraded" in text and "instead of version 1" in text and "Key was wrong" in text


def test_the_exports_carry_the_regraded_scores(client, course, quiz, teacher, wrong_key_answered):
    Quiz.objects.filter(pk=quiz.pk).update(canvas_assignment_id="8080")
    Enrollment.objects.filter(user__username="stu").update(canvas_user_id="3000")
    apply_regrade(quiz=quiz, reason="Key was wrong", by=teacher)
    client.force_login(teacher)
    response = client.get(reverse("gradebook_export", args=[course.slug, "canvas"]))
    for canvas_id, username in (("3000", "stu"), ("3001", "ana")):
        row = canvas_row(response.content, canvas_id)
        column = next(title for title in row if title.endswith("(8080)"))
        assert Decimal(row[column]) == kept(course, username)


def test_the_regrade_page_costs_the_same_for_2_or_12_students(client, course, quiz, teacher):
    def enrol(n, tag):
        for i in range(n):
            user = EnrollmentFactory(course=course, user=UserFactory(username=f"{tag}{i}")).user
            take_quiz(user, quiz, {SINGLE: {"answer": ["b"]}, MULTIPLE: {"answer": ["a"]}})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("gradebook_regrade", args=[course.slug, quiz.slug]))
        assert response.status_code == 200
        return len(captured), response.content.decode()

    client.force_login(teacher)
    enrol(2, "few")
    publish(SINGLE, key_is("a"))
    publish(MULTIPLE, key_is("a", "b"))
    small, html = queries()
    assert "4 of 4 responses would get a different score" in html
    enrol(10, "many")  # answered the versions just published; the next fix makes all stale
    publish(SINGLE, key_is("b"))
    publish(MULTIPLE, key_is("a", "c"))
    large, html = queries()
    assert large == small
    assert "of 24 responses would get a different score" in html
