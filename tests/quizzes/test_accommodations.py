"""Accommodations end to end on the server: the service (validation, attempts in progress
reached at once), the student's pages and the attempt flow under their own terms, and the
teacher's pages on the gradebook (their course only; bad input is a form error, never a 500)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courseware.models import Enrollment
from courseware.roles import make_teacher
from quizzes.models import Accommodation, Attempt, Quiz
from quizzes.selectors import terms_of
from quizzes.services import (
    AccommodationTerms,
    QuizUnavailable,
    remove_accommodation,
    save_accommodation,
    start_attempt,
    submit_if_overdue,
)
from quizzes.services.accommodations import NOTICE
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(course):
    """The pack's timed quiz: 40 minutes, 2 attempts."""
    return Quiz.objects.get(course=course, slug="review")


def give(course, students, *, quiz=None, by=None, now=None, **terms):
    return save_accommodation(
        course=course,
        quiz=quiz,
        students=students,
        terms=AccommodationTerms(**terms),
        by=by or students[0],
        now=now,
    )


def errors_of(call):
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


# -- the service


def test_extra_time_reaches_an_attempt_already_in_progress_at_once(course, student, review):
    attempt = start_attempt(quiz=review, student=student)
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=40)
    saved = give(course, [student], quiz=review, extra_minutes=20)
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=60)
    assert saved.moved == [attempt]
    assert "1 attempt in progress" in saved.summary


def test_a_course_wide_multiplier_reaches_every_open_attempt_of_the_student(
    course, student, other_student, review
):
    attempt = start_attempt(quiz=review, student=student)
    give(course, [student], time_multiplier=Decimal("1.5"))
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=60)


def test_removing_an_accommodation_shortens_the_attempt_but_never_to_less_than_the_notice(
    course, student, review
):
    start = timezone.now() - timedelta(minutes=50)
    attempt = start_attempt(quiz=review, student=student, now=start)
    saved = give(course, [student], quiz=review, extra_minutes=30, now=start)
    attempt.refresh_from_db()
    assert attempt.deadline_at == start + timedelta(minutes=70)
    now = timezone.now()
    remove_accommodation(accommodation=saved.accommodation, now=now)
    attempt.refresh_from_db()
    # 40 minutes from the start is already past: the student gets the notice instead.
    assert attempt.deadline_at == now + NOTICE
    assert attempt.is_open


def test_taking_a_student_off_an_accommodation_gives_them_the_quizs_time_again(
    course, student, review
):
    other = EnrollmentFactory(course=course, user=UserFactory(username="peer")).user
    attempt = start_attempt(quiz=review, student=student)
    saved = give(course, [student, other], quiz=review, extra_minutes=20)
    save_accommodation(
        course=course,
        quiz=review,
        students=[other],
        terms=AccommodationTerms(extra_minutes=20),
        by=other,
        accommodation=saved.accommodation,
    )
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=40)


def test_an_attempt_whose_time_had_run_out_is_not_revived(course, student, review):
    start = timezone.now() - timedelta(hours=2)
    attempt = start_attempt(quiz=review, student=student, now=start)
    give(course, [student], quiz=review, extra_minutes=200)
    attempt.refresh_from_db()
    assert attempt.deadline_at == start + timedelta(minutes=40)
    assert not submit_if_overdue(attempt).is_open


def test_extra_attempts_let_the_student_start_again(course, student, review):
    for _ in range(2):
        attempt = start_attempt(quiz=review, student=student)
        attempt.state = Attempt.State.SUBMITTED
        attempt.save(update_fields=["state"])
    with pytest.raises(QuizUnavailable, match="used all 2 attempts"):
        start_attempt(quiz=review, student=student)
    give(course, [student], quiz=review, extra_attempts=1)
    assert start_attempt(quiz=review, student=student).number == 3


def test_own_dates_open_a_closed_quiz_for_the_student_only(course, student, review):
    now = timezone.now()
    review.opens_at, review.closes_at = now - timedelta(days=3), now - timedelta(days=1)
    review.save(update_fields=["opens_at", "closes_at"])
    peer = EnrollmentFactory(course=course, user=UserFactory(username="peer")).user
    give(course, [student], quiz=review, closes_at=now + timedelta(hours=1))
    attempt = start_attempt(quiz=review, student=student)
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=40)
    with pytest.raises(QuizUnavailable, match="has closed"):
        start_attempt(quiz=review, student=peer)


def test_a_later_opening_keeps_the_quiz_closed_for_the_student_until_then(course, student, review):
    later = timezone.now() + timedelta(days=2)
    give(course, [student], quiz=review, opens_at=later, closes_at=later + timedelta(hours=2))
    with pytest.raises(QuizUnavailable, match="not open yet"):
        start_attempt(quiz=review, student=student)
    assert start_attempt(quiz=review, student=student, now=later + timedelta(minutes=1))


def test_an_attempt_ends_at_the_students_own_closing(course, student, review):
    closes = timezone.now() + timedelta(minutes=10)
    give(course, [student], quiz=review, closes_at=closes)
    assert start_attempt(quiz=review, student=student).deadline_at == closes


def test_review_after_the_quiz_closes_waits_for_the_last_students_closing(course, student, review):
    now = timezone.now()
    review.closes_at = now - timedelta(hours=1)
    review.review_answer = Quiz.Review.AFTER_CLOSE
    review.save(update_fields=["closes_at", "review_answer"])
    assert review.is_closed_at(now)
    saved = give(course, [student], quiz=review, closes_at=now + timedelta(days=1))
    assert not review.is_closed_at(now)
    assert review.is_closed_at(now + timedelta(days=1))
    remove_accommodation(accommodation=saved.accommodation)
    give(course, [student], closes_at=now + timedelta(days=2))  # course-wide: every quiz
    assert not review.is_closed_at(now + timedelta(days=1))


def test_a_practice_quiz_ignores_course_wide_accommodations(course, student):
    give(course, [student], closes_at=timezone.now() - timedelta(minutes=1), opens_at=None)
    practice = make_quiz(
        course, [make_question("practice-q")], slug="practice-1", practice_for=student
    )
    assert not terms_of(practice, student).is_accommodated


@pytest.mark.parametrize(
    "terms, field, words",
    [
        ({}, "__all__", "changes nothing"),
        ({"time_multiplier": Decimal("5.5")}, "time_multiplier", "from 1 to 5"),
        ({"time_multiplier": Decimal("0.5")}, "time_multiplier", "from 1 to 5"),
        ({"time_multiplier": Decimal("NaN")}, "time_multiplier", "from 1 to 5"),
        ({"time_multiplier": Decimal("1.555")}, "time_multiplier", "two decimals"),
        ({"extra_minutes": -5}, "extra_minutes", "from 0"),
        ({"extra_minutes": 99_999}, "extra_minutes", "from 0"),
        ({"extra_attempts": 1000}, "extra_attempts", "from 0"),
        ({"extra_minutes": 5, "label": "x" * 200}, "label", "under 120"),
    ],
)
def test_the_service_refuses_terms_with_a_message_a_teacher_can_act_on(
    course, student, terms, field, words
):
    found = errors_of(lambda: give(course, [student], **terms))
    assert words in " ".join(found[field])


def test_the_closing_must_come_after_the_opening(course, student):
    now = timezone.now()
    found = errors_of(lambda: give(course, [student], opens_at=now, closes_at=now))
    assert "after the opening" in found["closes_at"][0]


def test_an_opening_after_the_quizs_closing_needs_a_closing_too(course, student, review):
    now = timezone.now()
    review.closes_at = now
    review.save(update_fields=["closes_at"])
    found = errors_of(
        lambda: give(course, [student], quiz=review, opens_at=now + timedelta(days=1))
    )
    assert "give a closing date too" in found["closes_at"][0]


def test_extra_time_on_an_untimed_quiz_changes_nothing_and_says_so(course, student):
    untimed = Quiz.objects.get(course=course, slug="river-flow")
    found = errors_of(lambda: give(course, [student], quiz=untimed, extra_minutes=10))
    assert "has no time limit" in found["__all__"][0]


def test_only_students_of_the_course_can_be_accommodated(course, student, teacher, other_student):
    for outsider in (other_student, teacher):
        found = errors_of(lambda outsider=outsider: give(course, [outsider], extra_minutes=5))
        assert outsider.username in found["students"][0]
    nobody = errors_of(lambda: give(course, [], by=teacher, extra_minutes=5))
    assert "at least one" in nobody["students"][0]


def test_another_courses_quiz_is_refused(course, student):
    other = CourseFactory(slug="elsewhere")
    quiz = make_quiz(other, [make_question("elsewhere-q")], slug="theirs", time_limit_minutes=5)
    found = errors_of(lambda: give(course, [student], quiz=quiz, extra_minutes=5))
    assert "this course's quizzes" in found["quiz"][0]


# -- what the student sees


def test_the_student_sees_their_own_terms_and_never_the_note(client, course, student, review):
    give(
        course,
        [student],
        quiz=review,
        extra_minutes=20,
        extra_attempts=1,
        note="Secret: documented by the counsellor",
    )
    client.force_login(student)
    page = client.get(reverse("quiz_detail", args=[course.slug, review.slug])).content.decode()
    assert "60 minutes, extended" in page
    assert "Attempts allowed: 3 (1 extra)" in page
    assert "Secret" not in page
    listing = client.get(reverse("quiz_list", args=[course.slug])).content.decode()
    assert "60 minutes, extended" in listing and "Secret" not in listing
    attempt = start_attempt(quiz=review, student=student)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "Your time: 60 minutes, extended." in page
    assert "Secret" not in page


def test_other_students_see_the_quizs_own_terms(client, course, student, review):
    peer = EnrollmentFactory(course=course, user=UserFactory(username="peer")).user
    give(course, [student], quiz=review, extra_minutes=20)
    client.force_login(peer)
    page = client.get(reverse("quiz_detail", args=[course.slug, review.slug])).content.decode()
    assert "40 minutes" in page and "extended" not in page


def test_a_dated_student_sees_when_the_quiz_closes_for_them(client, course, student, review):
    closes = timezone.now() + timedelta(days=3)
    give(course, [student], quiz=review, closes_at=closes)
    client.force_login(student)
    page = client.get(reverse("quiz_detail", args=[course.slug, review.slug])).content.decode()
    assert "Closes for you on" in page


# -- the teacher's pages


@pytest.fixture
def other_teacher(db):
    """The teacher of another course, who must reach nothing of the pack's course."""
    course = CourseFactory(slug="course-b")
    user = UserFactory(username="teacher-b")
    EnrollmentFactory(course=course, user=user, role=Enrollment.Role.TEACHER)
    make_teacher(user)
    return user


def form_data(student, quiz=None, **values):
    data = {
        "students": [str(student.pk)],
        "quiz": str(quiz.pk) if quiz else "",
        "extra_minutes": "0",
        "time_multiplier": "1",
        "extra_attempts": "0",
        "opens_at": "",
        "closes_at": "",
        "label": "",
        "note": "",
    }
    data.update(values)
    return data


def test_a_teacher_adds_an_accommodation_from_the_gradebook(
    client, course, teacher, student, review
):
    client.force_login(teacher)
    book = reverse("gradebook", args=[course.slug])
    assert "No accommodations yet." in client.get(book).content.decode()
    form = client.get(reverse("accommodation_add", args=[course.slug]) + f"?student={student.pk}")
    assert form.status_code == 200
    assert f'value="{student.pk}" id="id_students_0" checked' in form.content.decode()
    response = client.post(
        reverse("accommodation_add", args=[course.slug]),
        form_data(student, review, extra_minutes="20", label="Extended time", note="Plan 504"),
    )
    assert response.status_code == 302
    row = Accommodation.objects.get()
    assert (row.quiz, row.extra_minutes, row.created_by) == (review, 20, teacher)
    assert list(row.students.all()) == [student]
    page = client.get(book).content.decode()
    assert "Extended time" in page and "20 extra minutes" in page and "Plan 504" in page
    assert 'class="tag accommodated"' in page
    assert "Accommodation saved for" in page


def test_a_teacher_changes_and_removes_an_accommodation(client, course, teacher, student, review):
    row = give(course, [student], quiz=review, extra_minutes=20).accommodation
    client.force_login(teacher)
    edit = reverse("accommodation_edit", args=[course.slug, row.pk])
    assert 'value="20"' in client.get(edit).content.decode()
    response = client.post(edit, form_data(student, None, time_multiplier="1.5"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.quiz, row.extra_minutes, row.time_multiplier) == (None, 0, Decimal("1.5"))
    response = client.post(reverse("accommodation_remove", args=[course.slug, row.pk]))
    assert response.status_code == 302
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(
    "values, message",
    [
        ({"time_multiplier": "9"}, "Give a multiplier from 1 to 5."),
        ({"time_multiplier": "abc"}, "Give a number from 1 to 5, e.g. 1.5."),
        ({"time_multiplier": "NaN"}, "Give a number from 1 to 5, e.g. 1.5."),
        ({"extra_minutes": "-3"}, "Extra minutes cannot be negative."),
        ({"extra_minutes": "9" * 30}, "Give at most 10080 extra minutes (a week)."),
        ({"extra_minutes": "²"}, "Give whole minutes, e.g. 20."),
        ({"extra_attempts": "x"}, "Give a whole number of attempts, e.g. 1."),
        ({"opens_at": "tomorrow"}, "Give a date and time, e.g. 2025-05-20 14:30."),
        (
            {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
            "The closing must come after the opening.",
        ),
        ({"students": []}, "Choose at least one student."),
        ({"students": ["abc"]}, "is not one"),
        ({"quiz": "999999"}, "Choose one of this course&#x27;s quizzes."),
        ({"extra_minutes": "0"}, "This changes nothing"),
        ({"note": "a\x00b", "extra_minutes": "5"}, "Null characters are not allowed."),
    ],
)
def test_junk_values_are_form_errors_a_teacher_can_act_on(
    client, course, teacher, student, values, message
):
    client.force_login(teacher)
    data = form_data(student, extra_minutes="10")
    data.update(values)
    response = client.post(reverse("accommodation_add", args=[course.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Accommodation.objects.exists()


def test_a_multiplier_too_large_is_said_once(client, course, teacher, student):
    client.force_login(teacher)
    data = form_data(student, time_multiplier="15")
    response = client.post(reverse("accommodation_add", args=[course.slug]), data)
    assert response.status_code == 400
    assert response.content.decode().count("Give a multiplier from 1 to 5.") == 1


@pytest.mark.parametrize(("language", "typed"), [("es", "1,5"), ("en", "1.5"), ("es", "1.5")])
def test_the_multiplier_is_typed_as_the_teachers_language_writes_it(
    client, course, teacher, student, review, language, typed
):
    client.force_login(teacher)
    client.cookies["django_language"] = language
    data = form_data(student, review, time_multiplier=typed)
    response = client.post(reverse("accommodation_add", args=[course.slug]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Accommodation.objects.get().time_multiplier == Decimal("1.5")


def test_posting_another_courses_student_or_quiz_is_refused(client, course, teacher, other_student):
    other = CourseFactory(slug="elsewhere")
    quiz = make_quiz(other, [make_question("elsewhere-q")], slug="theirs", time_limit_minutes=5)
    client.force_login(teacher)
    url = reverse("accommodation_add", args=[course.slug])
    response = client.post(url, form_data(other_student, extra_minutes="5"))
    assert response.status_code == 400
    assert "Choose among this course&#x27;s students" in response.content.decode()
    response = client.post(url, form_data(other_student, quiz, extra_minutes="5"))
    assert response.status_code == 400
    assert not Accommodation.objects.exists()


def test_another_courses_teacher_and_students_get_404(
    client, course, student, other_teacher, review
):
    row = give(course, [student], quiz=review, extra_minutes=20).accommodation
    urls = [
        reverse("accommodation_add", args=[course.slug]),
        reverse("accommodation_edit", args=[course.slug, row.pk]),
        reverse("accommodation_remove", args=[course.slug, row.pk]),
    ]
    for user in (other_teacher, student):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (404, 405)
            assert client.post(url, form_data(student, extra_minutes="99")).status_code == 404
    row.refresh_from_db()
    assert row.extra_minutes == 20


def test_a_teacher_cannot_reach_another_courses_accommodation_through_their_own_course(
    client, course, teacher, other_teacher
):
    other = other_teacher.enrollments.get().course
    their_student = EnrollmentFactory(course=other, user=UserFactory(username="theirs")).user
    quiz = make_quiz(other, [make_question("b-q")], slug="b-quiz", time_limit_minutes=5)
    row = give(other, [their_student], quiz=quiz, extra_minutes=5).accommodation
    client.force_login(teacher)
    edit = reverse("accommodation_edit", args=[course.slug, row.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(their_student, extra_minutes="9")).status_code == 404
    remove = reverse("accommodation_remove", args=[course.slug, row.pk])
    assert client.post(remove).status_code == 404
    assert Accommodation.objects.filter(pk=row.pk, extra_minutes=5).exists()
    assert "b-quiz" not in client.get(reverse("gradebook", args=[course.slug])).content.decode()


def test_the_gradebook_lists_accommodations_in_a_fixed_number_of_queries(
    client, course, teacher, review, django_assert_max_num_queries
):
    client.force_login(teacher)
    url = reverse("gradebook", args=[course.slug])
    students = [
        EnrollmentFactory(course=course, user=UserFactory(username=f"s{i}")).user for i in range(6)
    ]
    give(course, students[:1], quiz=review, extra_minutes=5)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for i, s in enumerate(students[1:]):
        give(course, [s, students[0]], quiz=review if i % 2 else None, extra_minutes=5 + i)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="tag accommodated"') == 6


# -- the admin


def admin_data(course, students, quiz=None, **values):
    data = {
        "course": str(course.pk),
        "quiz": str(quiz.pk) if quiz else "",
        "students": [str(s.pk) for s in students],
        "label": "",
        "extra_minutes": "0",
        "time_multiplier": "1",
        "extra_attempts": "0",
        "opens_at_0": "",
        "opens_at_1": "",
        "closes_at_0": "",
        "closes_at_1": "",
        "note": "",
    }
    data.update(values)
    return data


def test_a_teacher_adds_one_in_the_admin_and_the_open_attempt_gets_the_time(
    client, course, teacher, student, review
):
    attempt = start_attempt(quiz=review, student=student)
    client.force_login(teacher)
    url = reverse("admin:quizzes_accommodation_add")
    offered = client.get(url).context["adminform"].form.fields["students"].queryset
    assert list(offered) == [student]
    response = client.post(url, admin_data(course, [student], review, extra_minutes="15"))
    assert response.status_code == 302, response.content.decode()[:3000]
    row = Accommodation.objects.get()
    assert row.created_by == teacher and list(row.students.all()) == [student]
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=55)
    change = reverse("admin:quizzes_accommodation_change", args=[row.pk])
    response = client.post(change, admin_data(course, [student], review, extra_minutes="5"))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=45)
    response = client.post(
        reverse("admin:quizzes_accommodation_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=40)


def test_the_admin_refuses_another_courses_student_and_a_teacher(
    client, course, teacher, student, other_student
):
    client.force_login(teacher)
    url = reverse("admin:quizzes_accommodation_add")
    for who in (other_student, teacher):
        response = client.post(url, admin_data(course, [who], extra_minutes="15"))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    response = client.post(url, admin_data(course, [student], time_multiplier="7"))
    assert response.context["adminform"].form.errors["time_multiplier"]
    assert not Accommodation.objects.exists()


def test_a_new_rows_students_must_be_the_chosen_courses(client, course, student):
    """A teacher of two courses is offered both courses' students; the form checks the pick."""
    other = CourseFactory(slug="second")
    both = UserFactory(username="two-course-teacher")
    for c in (course, other):
        EnrollmentFactory(course=c, user=both, role=Enrollment.Role.TEACHER)
    make_teacher(both)
    theirs = EnrollmentFactory(course=other, user=UserFactory(username="second-student")).user
    client.force_login(both)
    response = client.post(
        reverse("admin:quizzes_accommodation_add"),
        admin_data(course, [student, theirs], extra_minutes="15"),
    )
    assert response.status_code == 200
    assert "Not a student of this course: second-student." in response.content.decode()
    assert not Accommodation.objects.exists()


def test_another_courses_accommodation_is_out_of_reach_in_the_admin(
    client, course, teacher, other_teacher
):
    other = other_teacher.enrollments.get().course
    their_student = EnrollmentFactory(course=other, user=UserFactory(username="theirs")).user
    row = give(other, [their_student], extra_minutes=5).accommodation
    client.force_login(teacher)
    assert client.get(reverse("admin:quizzes_accommodation_changelist")).status_code == 200
    for view in ("change", "delete"):
        url = reverse(f"admin:quizzes_accommodation_{view}", args=[row.pk])
        assert client.get(url).status_code in (302, 404)
    assert Accommodation.objects.filter(pk=row.pk).exists()


def test_changing_a_row_whose_quiz_was_unpublished_keeps_its_quiz(
    client, course, teacher, student, review
):
    row = give(course, [student], quiz=review, extra_minutes=20).accommodation
    review.is_published = False
    review.save(update_fields=["is_published"])
    client.force_login(teacher)
    edit = reverse("accommodation_edit", args=[course.slug, row.pk])
    assert f'<option value="{review.pk}" selected>' in client.get(edit).content.decode()
    response = client.post(edit, form_data(student, review, extra_minutes="25"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.quiz, row.extra_minutes) == (review, 25)
    add = client.get(reverse("accommodation_add", args=[course.slug])).content.decode()
    assert f'<option value="{review.pk}"' not in add


def test_the_form_is_a_plain_page_with_or_without_htmx(client, course, teacher, student):
    client.force_login(teacher)
    url = reverse("accommodation_add", args=[course.slug])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(url, **headers)
        assert page.status_code == 200 and '<form method="post"' in page.content.decode()
        bad = client.post(url, form_data(student, extra_minutes="x"), **headers)
        assert bad.status_code == 400 and "Give whole minutes" in bad.content.decode()
    assert client.post(url, form_data(student, extra_minutes="5")).status_code == 302
