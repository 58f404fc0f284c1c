from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment, Post, Prompt
from courseware.services import Evidence, post_response
from quizzes.models import Quiz
from quizzes.services import override_grade, start_attempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    UserFactory,
    answer_question,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db

EVIDENCE = [Evidence("delta-news", "Dams upstream trap most of the silt")]


@pytest.fixture
def quiz(course):
    return make_quiz(course, [make_question("tp-q")], slug="tp-quiz")


@pytest.fixture
def attempt(quiz, student):
    take_quiz(student, quiz, {0: "a"})
    return take_quiz(student, quiz, {0: "b"})


@pytest.fixture
def prompt():
    return Prompt.objects.get(slug="dams-debate")


def new_urls(course, quiz, student, attempt):
    return [
        ("get", reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk])),
        ("post", reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk])),
        ("get", reverse("gradebook_attempt", args=[course.slug, attempt.pk])),
        ("get", reverse("gradebook_regrade", args=[course.slug, quiz.slug])),
        ("post", reverse("gradebook_regrade", args=[course.slug, quiz.slug])),
        ("post", reverse("gradebook_canvas_fill", args=[course.slug])),
    ]


def test_students_other_teachers_and_strangers_reach_none_of_the_teacher_pages(
    client, course, quiz, student, attempt
):
    urls = new_urls(course, quiz, student, attempt)
    form = {"points": "1", "reason": "x"}
    client.force_login(student)  # the attempt's own student included
    assert [getattr(client, m)(u, form).status_code for m, u in urls] == [404] * len(urls)
    outsider = UserFactory(username="tp-other-teacher", is_staff=True)
    EnrollmentFactory(user=outsider, role=Enrollment.Role.TEACHER)
    client.force_login(outsider)
    assert [getattr(client, m)(u, form).status_code for m, u in urls] == [404] * len(urls)
    client.logout()
    for method, url in urls:
        assert getattr(client, method)(url, form).url.startswith(reverse("login"))
    assert not quiz.overrides.exists()


def test_a_teacher_cannot_open_another_courses_attempt(client, course, teacher):
    other = CourseFactory()
    stranger = EnrollmentFactory(course=other).user
    elsewhere = take_quiz(
        stranger, make_quiz(other, [make_question("tp-else")], slug="else"), {0: "b"}
    )
    client.force_login(teacher)
    assert (
        client.get(reverse("gradebook_attempt", args=[course.slug, elsewhere.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("gradebook_attempt", args=[other.slug, elsewhere.pk])).status_code == 404
    )
    assert client.get(reverse("gradebook_attempt", args=[course.slug, 999_999])).status_code == 404


def test_a_teacher_sees_an_attempt_as_the_student_saw_it_with_everything_graded(
    client, quiz, course, student, teacher, attempt
):
    Quiz.objects.filter(pk=quiz.pk).update(
        review_correctness="never",
        review_points="never",
        review_feedback="never",
        review_answer="never",
        review_citations="never",
    )
    client.force_login(student)
    seen = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert "Right answer" not in seen

    client.force_login(teacher)
    html = client.get(reverse("gradebook_attempt", args=[course.slug, attempt.pk])).content.decode()
    assert "Teacher view." in html
    assert "shows the student nothing of the grading now" in html
    assert "Their answer:</strong> Silt" in html and "Your answer:</strong> Silt" in seen
    assert "1 of 1 point" in html
    assert "Right answer:</strong> Silt" in html
    assert "Right: dams trap the silt." in html  # the chosen option's feedback
    assert "Dams upstream trap most of the silt" in html  # the citation
    assert "Score: <strong>1.00 / 1.00</strong>" in html
    assert "Report a problem" not in html  # the student's form is not the teacher's
    assert reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk]) in html


def test_the_teacher_view_says_what_the_student_is_shown(client, course, teacher, attempt):
    client.force_login(teacher)
    html = client.get(reverse("gradebook_attempt", args=[course.slug, attempt.pk])).content.decode()
    assert (
        "now shows the student: whether each answer is right, points, feedback, the right "
        "answers, the cited passages." in html
    )


def test_an_open_attempt_shows_the_answers_saved_so_far(client, course, quiz, student, teacher):
    attempt = start_attempt(quiz=quiz, student=student)
    answer_question(
        student=student,
        attempt_id=attempt.pk,
        position=0,
        form={"answer": ["c"]},
    )
    client.force_login(teacher)
    html = client.get(reverse("gradebook_attempt", args=[course.slug, attempt.pk])).content.decode()
    assert "In progress" in html
    assert "Their answer:</strong> Gravel" in html
    assert "Right answer" not in html  # nothing is graded yet


def test_gradebook_cells_show_attempts_and_link_to_the_grade_page(
    client, course, quiz, student, teacher, attempt
):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    link = reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk])
    cell = html[html.index(f'<a href="{link}">') :]
    assert cell.startswith(f'<a href="{link}">1<span class="visually-hidden">')
    assert "2 attempts" in cell[:400]
    assert "overridden" not in cell[:400]
    override_grade(quiz=quiz, student=student, points=Decimal(0), reason="Copied", by=teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    cell = html[html.index(f'<a href="{link}">') :]
    assert cell.startswith(f'<a href="{link}">0<span class="visually-hidden">')
    assert '<span class="tag">overridden</span>' in cell[:400]


def test_the_gradebook_sorts_by_a_quiz_column(client, course, quiz, student, teacher, attempt):
    best = EnrollmentFactory(course=course, user=UserFactory(username="zz-best")).user
    take_quiz(best, quiz, {0: "b"})
    worst = EnrollmentFactory(course=course, user=UserFactory(username="aa-worst")).user
    take_quiz(worst, quiz, {0: "a"})
    client.force_login(teacher)
    html = client.get(
        reverse("gradebook", args=[course.slug]), {"sort": f"quiz:{quiz.slug}"}
    ).content.decode()
    order = [html.index(f'<span class="meta">{u}</span>') for u in ("stu", "zz-best", "aa-worst")]
    assert order[2] > max(order[:2])  # 0 points after the two with 1 point


def test_discussion_cells_link_to_the_response_or_say_there_is_none(
    client, course, student, teacher, prompt
):
    post = post_response(
        prompt=prompt, course=course, author=student, body="My view", evidence=EVIDENCE
    )
    silent = EnrollmentFactory(course=course, user=UserFactory(username="silent")).user
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    target = reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{post.pk}"
    assert f'<a href="{target}">not scored' in html
    row = html[html.index(f'<span class="meta">{silent.username}</span>') :]
    assert '<span class="meta">no response</span>' in row[: row.index("</tr>")]

    # The anchor leads to the response and its scoring form on the prompt page.
    page = client.get(target).content.decode()
    assert f'id="post-{post.pk}"' in page
    assert reverse("post_moderate", args=[course.slug, prompt.slug, post.pk]) in page


def test_a_score_given_on_the_prompt_page_shows_in_the_gradebook(
    client, course, student, teacher, prompt
):
    post = post_response(
        prompt=prompt, course=course, author=student, body="My view", evidence=EVIDENCE
    )
    client.force_login(teacher)
    client.post(
        reverse("post_moderate", args=[course.slug, prompt.slug, post.pk]),
        {"score": "6.5", "comment": "Cite more."},
    )
    assert Post.objects.get(pk=post.pk).score == Decimal("6.5")
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    target = reverse("prompt_detail", args=[course.slug, prompt.slug]) + f"#post-{post.pk}"
    assert f'<a href="{target}">6.50<span' in html
    row = html[html.index('<span class="meta">stu</span>') :]
    assert "<td>6.50</td></tr>" in row  # the total


def test_the_gradebook_page_costs_the_same_for_3_or_20_students(
    client, course, quiz, teacher, prompt
):
    def enrol(n, tag):
        for i in range(n):
            user = EnrollmentFactory(course=course, user=UserFactory(username=f"{tag}{i}")).user
            take_quiz(user, quiz, {0: "b"})
            override_grade(quiz=quiz, student=user, points=Decimal(1), reason="r", by=teacher)
            post_response(prompt=prompt, course=course, author=user, body="b", evidence=EVIDENCE)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("gradebook", args=[course.slug]))
        assert response.status_code == 200
        return len(captured)

    client.force_login(teacher)
    enrol(3, "few")
    small = queries()
    enrol(17, "many")
    assert queries() == small
