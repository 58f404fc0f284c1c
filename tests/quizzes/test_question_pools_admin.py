"""A quiz's pools in the admin: set up by the quiz's teacher, out of reach of others, with how
many questions each pool matches."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from courseware.models import Enrollment, Objective, Source
from courseware.roles import make_teacher
from quizzes.admin.quizzes import QuizPoolInline
from quizzes.models import Quiz, QuizPool, QuizQuestion
from tests.admin_forms import change_form_data
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_quiz, take_quiz
from tests.quizzes.test_question_pools import TAG, a_student, bank, pool_quiz
from tests.test_admin_scoping import POSTABLE, request_as

pytestmark = pytest.mark.django_db


def change_url(quiz):
    return reverse("admin:quizzes_quiz_change", args=[quiz.pk])


@pytest.fixture
def other_teacher(db):
    """The teacher of another course, with a quiz of their own."""
    other = CourseFactory(slug="other-course")
    user = UserFactory(username="other-teacher")
    EnrollmentFactory(course=other, user=user, role=Enrollment.Role.TEACHER)
    make_teacher(user)
    return user


def add_pool(data, quiz, **fields):
    total = int(data["pools-TOTAL_FORMS"])
    data |= {
        "pools-TOTAL_FORMS": str(total + 1),
        f"pools-{total}-quiz": str(quiz.pk),
        f"pools-{total}-position": "7",
        f"pools-{total}-count": "3",
        f"pools-{total}-points": "1",
    } | {f"pools-{total}-{name}": value for name, value in fields.items()}
    return data


def test_the_quiz_page_says_how_many_questions_each_pool_matches(client, course, teacher):
    bank(12)
    quiz = pool_quiz(course)
    client.force_login(teacher)
    page = client.get(change_url(quiz)).content.decode()
    assert "12 questions match; each attempt draws 3 (4 attempts without a repeat)." in page


def test_a_pool_with_too_few_questions_is_a_warning(client, course, teacher):
    bank(2)
    quiz = pool_quiz(course)
    client.force_login(teacher)
    page = client.get(change_url(quiz)).content.decode()
    assert "Only 2 questions match, fewer than the 3 each attempt draws: attempts get 2." in page
    response = client.post(
        change_url(quiz), change_form_data(client.get(change_url(quiz))), follow=True
    )
    assert "Pool at position 1: Only 2 questions match" in response.content.decode()


def test_the_teacher_adds_a_pool_to_their_quiz(client, course, teacher):
    bank(5)
    quiz = Quiz.objects.get(slug="river-flow")
    client.force_login(teacher)
    data = change_form_data(client.get(change_url(quiz)))
    objective = Objective.objects.get(code="river-flow")
    source = Source.objects.get(slug="delta-news")
    data = add_pool(data, quiz, objective=str(objective.pk), source=str(source.pk), kind="numeric")
    response = client.post(change_url(quiz), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    pool = quiz.pools.get()
    assert (pool.objective, pool.source, pool.kind, pool.count) == (objective, source, "numeric", 3)


def test_the_fixed_questions_list_leaves_out_what_pools_drew(client, course, teacher):
    bank(4)
    quiz = Quiz.objects.get(slug="river-flow")
    QuizPool.objects.create(quiz=quiz, position=100, count=2, tag=TAG)
    take_quiz(a_student(course, "drew"), quiz)
    assert QuizQuestion.objects.filter(quiz=quiz, pool__isnull=False).count() == 2
    client.force_login(teacher)
    data = change_form_data(client.get(change_url(quiz)))
    assert data["slots-TOTAL_FORMS"] == "9" and data["pools-TOTAL_FORMS"] == "1"
    # Saving the page unchanged keeps everything.
    assert client.post(change_url(quiz), data).status_code == 302
    assert QuizQuestion.objects.filter(quiz=quiz, pool__isnull=False).count() == 2


def test_another_courses_teacher_cannot_reach_or_post_a_pool(client, course, other_teacher):
    quiz = pool_quiz(course)
    client.force_login(other_teacher)
    assert client.get(change_url(quiz)).status_code == 302  # "not found" back to the index
    response = client.post(change_url(quiz), add_pool({"pools-TOTAL_FORMS": "1"}, quiz, tag="x"))
    assert response.status_code in (302, 403, 404)
    assert quiz.pools.count() == 1


def test_a_teacher_cannot_add_a_pool_to_another_courses_quiz_through_their_own(
    client, course, teacher, other_teacher
):
    theirs = make_quiz(CourseFactory(slug="third"), [], slug="theirs")
    quiz = Quiz.objects.get(slug="river-flow")
    client.force_login(teacher)
    data = add_pool(change_form_data(client.get(change_url(quiz))), theirs, tag="sneaky")
    client.post(change_url(quiz), data)
    assert not theirs.pools.exists()


def test_the_pools_filters_offer_what_the_teachers_admins_give_them(course, teacher):
    """Objectives and sources are the shared library every teacher sees (courseware.roles):
    the inline offers exactly what their own admins give the teacher, through Scoped."""
    request = request_as(teacher)
    inline = QuizPoolInline(Quiz, admin.site)
    fields = inline.get_formset(request, Quiz.objects.get(slug="river-flow")).form.base_fields
    for name, model in (("objective", Objective), ("source", Source)):
        offered = set(fields[name].queryset.values_list("pk", flat=True))
        reachable = admin.site._registry[model].get_queryset(request).values_list("pk", flat=True)
        assert offered == set(reachable)
    probed = {p.id for p in POSTABLE}
    assert {"quizzes.Quiz/quizpool.objective", "quizzes.Quiz/quizpool.source"} <= probed


def test_a_pool_whose_questions_students_answered_cannot_be_deleted(client, course, teacher):
    bank(4)
    quiz = pool_quiz(course, count=2)
    take_quiz(a_student(course, "answered"), quiz)
    client.force_login(teacher)
    data = change_form_data(client.get(change_url(quiz)))
    data["pools-0-DELETE"] = "on"
    response = client.post(change_url(quiz), data)
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert quiz.pools.count() == 1


def test_an_unanswered_pool_can_be_deleted(client, course, teacher):
    bank(4)
    quiz = pool_quiz(course, count=2)
    client.force_login(teacher)
    data = change_form_data(client.get(change_url(quiz)))
    data["pools-0-DELETE"] = "on"
    assert client.post(change_url(quiz), data).status_code == 302
    assert not quiz.pools.exists()
