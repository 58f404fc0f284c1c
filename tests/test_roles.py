"""Teachers are staff in the Teachers group with exactly the permissions they need, and see
only the courses they teach; superusers see everything; students never reach the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from courseware.models import Enrollment
from courseware.roles import TEACHER_PERMISSIONS, TEACHERS, make_teacher
from quizzes.models import Attempt, Question, Quiz
from quizzes.services import start_attempt, submit_attempt
from tests.admin_forms import change_form_data
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_course(db):
    """Course B, with its own teacher, student, quiz, attempt and a question only it uses."""
    course = CourseFactory(slug="course-b", title="Course B")
    teacher = UserFactory(username="teacher-b")
    EnrollmentFactory(course=course, user=teacher, role=Enrollment.Role.TEACHER)
    make_teacher(teacher)
    student = EnrollmentFactory(course=course, user=UserFactory(username="student-b")).user
    question = make_question("only-in-b")
    quiz = make_quiz(course, [question], slug="quiz-b")
    attempt = submit_attempt(attempt=start_attempt(quiz=quiz, student=student))
    return {"course": course, "quiz": quiz, "question": question, "attempt": attempt}


def test_the_teachers_group_has_exactly_the_listed_permissions(teacher):
    group = Group.objects.get(name=TEACHERS)
    expected = {
        f"{app}.{action}_{model}"
        for app, models in TEACHER_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == expected  # a misspelt model would be missing here
    assert teacher.is_staff and not teacher.is_superuser
    assert teacher.groups.filter(name=TEACHERS).exists()
    assert not Permission.objects.filter(group=group, content_type__app_label="auth").exists()


def test_making_a_teacher_twice_changes_nothing(teacher):
    before = set(Group.objects.get(name=TEACHERS).permissions.values_list("pk", flat=True))
    make_teacher(teacher)
    after = set(Group.objects.get(name=TEACHERS).permissions.values_list("pk", flat=True))
    assert before == after and teacher.groups.count() == 1


@pytest.mark.parametrize(
    "name, key",
    [
        ("quizzes_quiz", "quiz"),
        ("quizzes_attempt", "attempt"),
        ("quizzes_question", "question"),
        ("courseware_course", "course"),
    ],
)
def test_a_teacher_of_course_a_gets_nothing_of_course_b(client, teacher, other_course, name, key):
    client.force_login(teacher)
    obj = other_course[key]
    listing = client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == 200
    assert obj.pk not in {row.pk for row in listing.context["cl"].result_list}
    change = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")


def test_a_teacher_of_course_b_sees_its_rows_and_not_course_as(client, course, other_course):
    client.force_login(other_course["course"].enrollments.get(role="teacher").user)
    quizzes = client.get(reverse("admin:quizzes_quiz_changelist")).context["cl"].result_list
    assert {q.slug for q in quizzes} == {"quiz-b"}
    questions = client.get(reverse("admin:quizzes_question_changelist")).context["cl"]
    keys = {q.key for q in questions.queryset}
    assert "only-in-b" in keys
    assert "flow-longest" not in keys  # used only by course A's quizzes


def test_questions_no_course_uses_yet_are_shared_and_a_teachers_own_are_theirs(
    client, teacher, other_course
):
    unused = Question.objects.create(key="unused-bank-question", kind="single")
    own = make_question("teachers-own")
    own.created_by = teacher
    own.save(update_fields=["created_by"])
    make_quiz(other_course["course"], [own], slug="b-uses-it")
    client.force_login(teacher)
    cl = client.get(reverse("admin:quizzes_question_changelist")).context["cl"]
    keys = {q.key for q in cl.queryset}
    assert {"unused-bank-question", "teachers-own"} <= keys
    assert unused.pk and "only-in-b" not in keys


def test_a_teacher_chooses_only_among_the_courses_they_teach(client, teacher, other_course):
    client.force_login(teacher)
    form = client.get(reverse("admin:quizzes_quiz_add")).context["adminform"].form
    assert set(form.fields["course"].queryset.values_list("slug", flat=True)) == {"rivers"}
    posted = client.post(
        reverse("admin:quizzes_quiz_add"),
        {"course": other_course["course"].pk, "slug": "sneaky", "title": "Sneaky"},
    )
    assert posted.status_code == 200
    assert "course" in posted.context["adminform"].form.errors
    assert not Quiz.objects.filter(slug="sneaky").exists()


def test_a_superuser_sees_every_course(client, course, other_course):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    quizzes = client.get(reverse("admin:quizzes_quiz_changelist")).context["cl"].queryset
    assert {"quiz-b", "river-flow"} <= set(quizzes.values_list("slug", flat=True))
    attempts = client.get(reverse("admin:quizzes_attempt_changelist")).context["cl"].queryset
    assert other_course["attempt"].pk in set(attempts.values_list("pk", flat=True))


def test_teachers_cannot_delete_teaching_material_or_manage_users(client, teacher):
    client.force_login(teacher)
    question = Question.objects.get(key="flow-longest")
    assert (
        client.get(reverse("admin:quizzes_question_delete", args=[question.pk])).status_code == 403
    )
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:quizzes_question_changelist"),
        reverse("admin:quizzes_question_review"),
        reverse("admin:courseware_course_changelist"),
    ],
)
def test_students_never_reach_the_admin(client, student, url):
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.parametrize(
    "name, args",
    [
        ("gradebook", ["rivers"]),
        ("gradebook_export", ["rivers", "canvas"]),
        ("item_analysis", ["rivers", "river-flow"]),
    ],
)
def test_students_never_reach_a_teacher_page(client, student, name, args):
    client.force_login(student)
    assert client.get(reverse(name, args=args)).status_code == 404


def test_an_attempt_of_course_b_is_not_in_course_as_teachers_attempt_list(
    client, teacher, other_course
):
    client.force_login(teacher)
    attempts = client.get(reverse("admin:quizzes_attempt_changelist")).context["cl"].queryset
    assert not attempts.filter(pk=other_course["attempt"].pk).exists()
    assert Attempt.objects.filter(pk=other_course["attempt"].pk).exists()


@pytest.fixture
def course_b_content(other_course):
    """Course B's own reading, prompt, post and reading progress."""
    from courseware.models import Post, Prompt, Reading, ReadingProgress

    course = other_course["course"]
    reading = Reading.objects.create(slug="b-only-reading", title="B only", position=99)
    prompt = Prompt.objects.create(slug="b-only-prompt", title="B only", question="Why?")
    course.readings.add(reading)
    course.prompts.add(prompt)
    student = course.enrollments.get(role="student").user
    post = Post.objects.create(prompt=prompt, course=course, author=student, body="Mine.")
    progress = ReadingProgress.objects.create(course=course, reading=reading, student=student)
    enrollment = course.enrollments.get(role="student")
    return {
        "reading": reading,
        "prompt": prompt,
        "post": post,
        "readingprogress": progress,
        "enrollment": enrollment,
    }


@pytest.mark.parametrize("model", ["reading", "prompt", "post", "readingprogress", "enrollment"])
def test_a_teacher_of_course_a_gets_none_of_course_bs_courseware(
    client, teacher, course_b_content, model
):
    client.force_login(teacher)
    obj = course_b_content[model]
    listing = client.get(reverse(f"admin:courseware_{model}_changelist"))
    assert listing.status_code == 200
    assert not listing.context["cl"].queryset.filter(pk=obj.pk).exists()
    change = client.get(reverse(f"admin:courseware_{model}_change", args=[obj.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")
    # the course filter names only the teacher's own courses
    assert "Course B" not in listing.content.decode()


def test_the_shared_library_is_every_teachers(client, teacher, other_course):
    from courseware.models import Source

    client.force_login(teacher)
    listing = client.get(reverse("admin:courseware_source_changelist"))
    assert listing.context["cl"].queryset.count() == Source.objects.count()


def test_a_teacher_enrols_through_a_roster_not_by_picking_user_accounts(client, teacher, course):
    client.force_login(teacher)
    assert client.get(reverse("admin:courseware_enrollment_add")).status_code == 403
    page = client.get(reverse("admin:courseware_course_change", args=[course.pk]))
    assert page.status_code == 200
    assert "Enrol from a roster" in page.content.decode()
    assert (
        client.get(reverse("admin:courseware_course_roster", args=[course.pk])).status_code == 200
    )


def test_giving_someone_the_teacher_role_makes_them_a_teacher(client, course, student):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    enrollment = Enrollment.objects.get(course=course, user=student)
    url = reverse("admin:courseware_enrollment_change", args=[enrollment.pk])
    data = change_form_data(client.get(url)) | {"role": "teacher"}
    assert client.post(url, data).status_code == 302
    student.refresh_from_db()
    assert student.is_staff and student.groups.filter(name=TEACHERS).exists()
