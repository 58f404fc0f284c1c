"""Password reset: by the student's teacher (a new password shown once), and by e-mail where
the school has configured e-mail (Django's reset views, offered only then)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courseware.models import Enrollment
from courseware.services import reset_student_password, temporary_password
from tests.factories import EnrollmentFactory, UserFactory


def reset_url(course, user) -> str:
    return reverse("student_password_reset", args=[course.slug, user.pk])


def can_log_in(client, username, password) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_a_teacher_resets_their_students_password_and_sees_it_once(
    client, course, teacher, student
):
    client.force_login(teacher)
    page = client.get(reset_url(course, student))
    assert page.status_code == 200
    assert "stu" in page.content.decode()

    response = client.post(reset_url(course, student))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    new_password = re.search(r"<code>([^<]+)</code>", response.content.decode()).group(1)
    assert len(new_password) >= 12

    client.logout()
    assert not can_log_in(client, "stu", "pass-for-tests")
    assert can_log_in(client, "stu", new_password)


def test_a_teacher_can_type_the_new_password(client, course, teacher, student):
    client.force_login(teacher)
    client.post(reset_url(course, student), {"password": "river-lantern-49"})
    student.refresh_from_db()
    assert student.check_password("river-lantern-49")


def test_a_weak_typed_password_is_refused_with_the_reason(client, course, teacher, student):
    client.force_login(teacher)
    response = client.post(reset_url(course, student), {"password": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    student.refresh_from_db()
    assert student.check_password("pass-for-tests")


def test_the_gradebook_links_each_student_to_their_password_reset(client, course, teacher, student):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert f'href="{reset_url(course, student)}"' in html


def test_a_student_of_another_course_gives_404(client, course, teacher, other_student):
    client.force_login(teacher)
    other_course = other_student.enrollments.get().course
    assert client.get(reset_url(course, other_student)).status_code == 404
    assert client.post(reset_url(course, other_student)).status_code == 404
    assert client.post(reset_url(other_course, other_student)).status_code == 404
    other_student.refresh_from_db()
    assert other_student.check_password("pass-for-tests")


def test_staff_and_superusers_are_never_reset_by_a_teacher(client, course, teacher):
    colleague = UserFactory(username="colleague", is_staff=True)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(teacher)
    for target in (colleague, admin):
        EnrollmentFactory(course=course, user=target, role=Enrollment.Role.STUDENT)
        assert client.post(reset_url(course, target)).status_code == 404
        target.refresh_from_db()
        assert target.check_password("pass-for-tests")
        with pytest.raises(PermissionDenied):
            reset_student_password(teacher=teacher, student=target, course=course)


def test_a_student_cannot_reset_a_classmates_password(client, course, student):
    classmate = EnrollmentFactory(course=course, user=UserFactory(username="mate")).user
    client.force_login(student)
    assert client.post(reset_url(course, classmate)).status_code == 404
    with pytest.raises(PermissionDenied):
        reset_student_password(teacher=student, student=classmate, course=course)


def test_a_reset_lifts_a_login_lockout(client, course, teacher, student):
    for _ in range(6):
        client.post(reverse("login"), {"username": "stu", "password": "wrong"})
    password = reset_student_password(teacher=teacher, student=student, course=course)
    assert can_log_in(client, "stu", password)


def test_temporary_passwords_are_random_and_pass_the_validators():
    from django.contrib.auth.password_validation import validate_password

    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in list(passwords)[:5]:
        validate_password(password)


# --- By e-mail, where the school configured it ---


@pytest.fixture
def email_configured(settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_reset_link_is_absent_when_email_is_not_configured(client, db, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") not in html
    assert "Ask your teacher" in html
    assert client.get(reverse("password_reset")).status_code == 404
    response = client.post(reverse("password_reset"), {"email": "stu@example.edu"})
    assert response.status_code == 404
    assert mail.outbox == []


def test_an_emailed_link_lets_the_student_choose_a_new_password(client, student, email_configured):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": student.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [student.email]
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "quiet-harbor-73", "new_password2": "quiet-harbor-73"},
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert can_log_in(client, "stu", "quiet-harbor-73")

    again = client.get(link, follow=True)
    assert "does not work any more" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db, email_configured):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.edu"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert get_user_model().objects.filter(email="nobody@example.edu").count() == 0
