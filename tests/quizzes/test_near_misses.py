"""A teacher's near misses: short answers marked wrong that come close to an accepted one, and
accepting one (a new version of the question, everyone who gave it regraded, who and why kept),
through the service and through the pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from courseware.models import Enrollment
from courseware.roles import make_teacher
from quizzes.gradebook import gradebook_of
from quizzes.models import GradeOverride, Question, Quiz, QuizQuestion, Regrade, Response
from quizzes.services import (
    accept_answer,
    near_misses,
    plan_accept_answer,
    plan_regrade,
)
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, publish, take_quiz

pytestmark = pytest.mark.django_db

QUIZ = "river-flow"
SHORT = "flow-silt-trap"  # accepted: "silt", "river silt"


def enrol(course, username, first_name=""):
    user = UserFactory(username=username, first_name=first_name, last_name="")
    EnrollmentFactory(course=course, user=user, role=Enrollment.Role.STUDENT)
    return user


@pytest.fixture
def quiz(course):
    return Quiz.objects.get(course=course, slug=QUIZ)


@pytest.fixture
def slot(quiz):
    return QuizQuestion.objects.select_related("question").get(quiz=quiz, question__key=SHORT)


@pytest.fixture
def answered(course, quiz, student):
    """Five students' submitted answers to the short-answer question: two spell it "slit",
    one adds words, one is far off, one is right."""
    people = {
        "stu": student,
        "ana": enrol(course, "ana", "Ana"),
        "bea": enrol(course, "bea", "Bea"),
        "carl": enrol(course, "carl", "Carl"),
        "dan": enrol(course, "dan", "Dan"),
    }
    typed = {"stu": "slit", "ana": "Slit.", "bea": "silt and sand", "carl": "water", "dan": "silt"}
    for name, answer in typed.items():
        take_quiz(people[name], quiz, {SHORT: answer})
    return people


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def list_url(course, quiz):
    return reverse("near_misses", args=[course.slug, quiz.slug])


def accept_url(course, quiz):
    return reverse("near_miss_accept", args=[course.slug, quiz.slug])


def gradebook_cell(client, course, user):
    """The grade the gradebook page shows for the user on the quiz (its link's text)."""
    page = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    url = reverse("gradebook_grade", args=[course.slug, QUIZ, user.pk])
    found = re.search(rf'href="{re.escape(url)}">([^<]*)<', page)
    assert found, "no gradebook cell"
    return found.group(1).strip()


def grade_of(course, username):
    book = gradebook_of(course)
    return next(g for s, g in book.rows if s.username == username)[f"quiz:{QUIZ}"].score


# The list


def test_near_misses_are_the_wrong_answers_close_to_an_accepted_one_most_given_first(
    quiz, answered
):
    (item,) = near_misses(quiz)
    assert item.slot.question.key == SHORT and item.number == 5
    found = [
        (m.text, m.responses, m.students, m.nearest.accepted, m.nearest.how) for m in item.misses
    ]
    assert found == [
        ("slit", 2, 2, "silt", "spelling"),  # "slit" and "Slit.": one answer
        ("silt and sand", 1, 1, "silt", "extra words"),
    ]
    assert item.others == 1  # "water"


def test_the_page_lists_them_with_counts_and_the_closest_accepted_answer(
    teacher_client, course, quiz, answered, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = teacher_client.get(list_url(course, quiz))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Question 5" in html and "According to the news explainer, what do dams" in html
    assert "slit" in html and "2 students (2 responses)" in html
    assert "silt and sand" in html and "extra words" in html
    assert "water" not in html
    assert "1 other wrong answer is not near any accepted answer." in html
    assert (
        f'name="slot" value="{QuizQuestion.objects.get(quiz=quiz, question__key=SHORT).pk}"' in html
    )


def test_the_page_is_the_same_for_an_htmx_request(teacher_client, course, quiz, answered):
    plain = teacher_client.get(list_url(course, quiz))
    htmx = teacher_client.get(list_url(course, quiz), headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert "2 students (2 responses)" in htmx.content.decode()
    assert plain.content.decode().count("<form") == htmx.content.decode().count("<form")


def test_the_item_analysis_page_links_to_the_near_misses(teacher_client, course, quiz):
    page = teacher_client.get(reverse("item_analysis", args=[course.slug, quiz.slug]))
    assert list_url(course, quiz) in page.content.decode()


def test_a_quiz_without_short_answers_says_so(teacher_client, course):
    dates = Quiz.objects.get(course=course, slug="dates")
    page = teacher_client.get(list_url(course, dates))
    assert "This quiz has no short-answer questions." in page.content.decode()


# Who may see them


@pytest.mark.parametrize("view", ["near_misses", "near_miss_accept"])
def test_only_the_courses_teachers_reach_the_pages(client, course, quiz, student, view):
    url = reverse(view, args=[course.slug, quiz.slug])
    assert client.get(url).status_code == 302  # to the login page
    post = {"slot": "1", "answer": "slit", "reason": "x"}
    other = UserFactory(username="other-teacher")
    EnrollmentFactory(course=CourseFactory(), user=other, role=Enrollment.Role.TEACHER)
    make_teacher(other)
    for user in (student, other):
        client.force_login(user)
        assert client.get(url).status_code == 404
        # The list only answers GET; the accept action is a 404 for them whatever they post.
        assert client.post(url, post).status_code == (405 if view == "near_misses" else 404)


def test_accepting_needs_the_csrf_token(course, quiz, slot, answered, teacher):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(teacher)
    data = {"slot": slot.pk, "answer": "slit", "reason": "Typo."}
    assert strict.post(accept_url(course, quiz), data).status_code == 403
    assert Question.objects.get(key=SHORT).versions.count() == 1


# Accepting: the confirmation


def test_the_confirmation_shows_who_and_what_changes_and_writes_nothing(
    teacher_client, course, quiz, slot, answered
):
    page = teacher_client.get(accept_url(course, quiz), {"slot": slot.pk, "answer": "slit"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accept “slit” for question 5?" in html
    assert "5 submitted responses to it in this quiz are graded again;" in html
    assert "2 change score" in html and "by 2 students" in html
    assert "as version 2" in html
    # Grades now and after, as the gradebook shows them (of 10 points), and each response.
    assert html.count("<td>0.00</td>") >= 2 and html.count("<strong>1.00</strong>") >= 4
    assert 'name="reason"' in html and "Accepted “slit” as a right answer to question 5" in html
    assert Question.objects.get(key=SHORT).versions.count() == 1
    assert not Regrade.objects.exists()


def test_the_plan_counts_students_and_gradebook_grades_before_and_after(quiz, slot, answered):
    plan = plan_accept_answer(quiz=quiz, slot=slot, answer="  slit ")
    assert (plan.answer, plan.is_new, plan.version, plan.regraded) == ("slit", True, 2, 5)
    assert {(c.student, c.old_points, c.new_points) for c in plan.changes} == {
        ("Ana", Decimal("0.00"), Decimal("1.00")),
        (answered["stu"].get_full_name(), Decimal("0.00"), Decimal("1.00")),
    }
    assert [(s.student, s.before, s.after) for s in plan.students] == sorted(
        [
            ("Ana", Decimal("0.00"), Decimal("1.00")),
            (answered["stu"].get_full_name(), Decimal("0.00"), Decimal("1.00")),
        ],
        key=lambda row: row[0].casefold(),
    )


def test_an_override_in_force_keeps_the_students_grade(quiz, slot, answered, teacher):
    GradeOverride.objects.create(
        quiz=quiz,
        student=answered["ana"],
        points=Decimal(7),
        reason="Oral exam",
        created_by=teacher,
    )
    plan = plan_accept_answer(quiz=quiz, slot=slot, answer="slit")
    ana = next(s for s in plan.students if s.student == "Ana")
    assert (ana.before, ana.after, ana.is_overridden) == (Decimal(7), Decimal(7), True)


# Accepting: the action


def test_accepting_makes_a_new_version_and_regrades_everyone_who_gave_it(
    teacher_client, teacher, course, quiz, slot, answered
):
    before = {name: grade_of(course, name) for name in ("stu", "ana", "bea", "dan")}
    shown = {name: gradebook_cell(teacher_client, course, answered[name]) for name in before}
    assert shown == {"stu": "0", "ana": "0", "bea": "0", "dan": "1"}
    assert before == {
        "stu": Decimal(0),
        "ana": Decimal(0),
        "bea": Decimal(0),
        "dan": Decimal(1),
    }
    response = teacher_client.post(
        accept_url(course, quiz),
        {"slot": slot.pk, "answer": "slit", "reason": "A slip: the letters are all there."},
        follow=True,
    )
    assert response.redirect_chain == [(list_url(course, quiz), 302)]
    page = response.content.decode()
    assert (
        "“slit” is now accepted for flow-silt-trap. 5 responses regraded: 2 changed score." in page
    )
    assert "2 students (2 responses)" not in page  # "slit" is no longer a miss
    question = Question.objects.get(key=SHORT)
    version = question.current_version()
    assert version.number == 2 and version.data["accepted"] == ["silt", "river silt", "slit"]
    regrades = Regrade.objects.filter(response__slot=slot).select_related("created_by")
    assert regrades.count() == 5
    assert {r.created_by for r in regrades} == {teacher}
    assert {r.reason for r in regrades} == {"A slip: the letters are all there."}
    changed = {
        (r.response.attempt.student.username, r.old_points, r.new_points)
        for r in regrades
        if r.old_points != r.new_points
    }
    assert changed == {
        ("stu", Decimal("0.00"), Decimal("1.00")),
        ("ana", Decimal("0.00"), Decimal("1.00")),
    }
    # The gradebook, and so every export, has the new grades.
    assert {name: grade_of(course, name) for name in before} == {
        "stu": Decimal(1),
        "ana": Decimal(1),
        "bea": Decimal(0),
        "dan": Decimal(1),
    }
    shown = {name: gradebook_cell(teacher_client, course, answered[name]) for name in before}
    assert shown == {"stu": "1", "ana": "1", "bea": "0", "dan": "1"}


def test_accepting_the_same_answer_again_changes_nothing_more(quiz, slot, answered, teacher):
    accept_answer(quiz=quiz, slot=slot, answer="slit", reason="Typo.", by=teacher)
    again = accept_answer(quiz=quiz, slot=slot, answer="Slit", reason="Typo.", by=teacher)
    assert again.changes == []
    assert Question.objects.get(key=SHORT).versions.count() == 2
    assert Regrade.objects.count() == 5


def test_other_quizzes_using_the_question_keep_their_answers_for_their_own_regrade(
    course, quiz, slot, answered, teacher
):
    review = Quiz.objects.get(course=course, slug="review")
    take_quiz(answered["ana"], review, {SHORT: "slit"})
    accept_answer(quiz=quiz, slot=slot, answer="slit", reason="Typo.", by=teacher)
    pending = plan_regrade(quiz=review)
    assert [(c.question, c.old_points, c.new_points) for c in pending.changes] == [
        (SHORT, Decimal("0.00"), Decimal("1.00"))
    ]


def test_the_plan_is_what_accepting_does(quiz, slot, answered, teacher):
    plan = plan_accept_answer(quiz=quiz, slot=slot, answer="silt and sand")
    done = accept_answer(quiz=quiz, slot=slot, answer="silt and sand", reason="Fine.", by=teacher)
    assert len(done.regradable) == plan.regraded
    assert sorted((c.attempt_id, c.new_points) for c in done.changed) == sorted(
        (c.attempt_id, c.new_points) for c in plan.changes
    )


def test_an_answer_the_question_accepts_now_is_listed_and_regraded_on_accepting(
    quiz, slot, answered, teacher
):
    # A teacher added a pattern in the admin: the old answers are not regraded yet.
    publish(SHORT, lambda data: data.update(patterns=["sli*"]))
    (item,) = near_misses(quiz)
    slit = next(m for m in item.misses if m.text == "slit")
    assert slit.nearest is None  # accepted by the current version already
    accept_answer(quiz=quiz, slot=slot, answer="slit", reason="Pattern added.", by=teacher)
    assert Response.objects.get(slot=slot, attempt__student=answered["stu"]).points == Decimal(
        "1.00"
    )


# Bad input


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 404),
        ({"slot": "abc", "answer": "slit"}, 404),
        ({"slot": "99999999", "answer": "slit"}, 404),
        ({"slot": "-3", "answer": "slit"}, 404),
    ],
)
def test_a_missing_or_unknown_question_is_a_404(teacher_client, course, quiz, params, status):
    assert teacher_client.get(accept_url(course, quiz), params).status_code == status
    assert teacher_client.post(accept_url(course, quiz), params).status_code == status


def test_another_quizs_question_is_a_404(teacher_client, course, quiz):
    other = QuizQuestion.objects.filter(quiz__slug="dates").first()
    response = teacher_client.get(accept_url(course, quiz), {"slot": other.pk, "answer": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("", "it has no letters or digits"),
        ("?!", "it has no letters or digits"),
        ("\x00", "it has no letters or digits"),
        ("sand", "No submitted answer to this question is “sand”"),
        ("s" * 600, "longer than any a student can give"),
    ],
)
def test_an_answer_that_cannot_be_accepted_is_a_message(
    teacher_client, course, quiz, slot, answered, answer, message
):
    for method in (teacher_client.get, teacher_client.post):
        response = method(
            accept_url(course, quiz), {"slot": slot.pk, "answer": answer, "reason": "Why not."}
        )
        assert response.status_code == 400
        if method == teacher_client.get and "\x00" in answer:
            continue  # a NUL in an address is refused before any view (courseware.params)
        assert message in response.content.decode()
    assert Question.objects.get(key=SHORT).versions.count() == 1


def test_a_question_that_is_not_a_short_answer_is_a_message(teacher_client, course, quiz):
    single = QuizQuestion.objects.get(quiz=quiz, question__key="flow-longest")
    response = teacher_client.get(accept_url(course, quiz), {"slot": single.pk, "answer": "b"})
    assert response.status_code == 400
    assert "Only a short-answer question" in response.content.decode()


def test_accepting_without_a_reason_asks_for_one_and_changes_nothing(
    teacher_client, course, quiz, slot, answered
):
    response = teacher_client.post(
        accept_url(course, quiz), {"slot": slot.pk, "answer": "slit", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    assert Question.objects.get(key=SHORT).versions.count() == 1
    assert not Regrade.objects.exists()


def test_the_service_refuses_what_the_page_refuses(quiz, slot, answered, teacher):
    with pytest.raises(ValidationError, match="Give a reason"):
        accept_answer(quiz=quiz, slot=slot, answer="slit", reason="", by=teacher)
    with pytest.raises(ValidationError, match="No submitted answer"):
        plan_accept_answer(quiz=quiz, slot=slot, answer="mud")
