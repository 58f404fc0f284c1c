"""Login throttling (django-axes): after five wrong passwords for one username from one address,
that username is locked out there for 15 minutes, on the site's login and the admin's, and the
right password does not get through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

WRONG_TRIES = 30


@pytest.fixture
def staff(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def post_login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, student, staff, url_name):
    user = staff if url_name == "admin:login" else student
    url = reverse(url_name)
    for _ in range(WRONG_TRIES):
        post_login(client, url, user.username, "wrong-password")
    response = post_login(client, url, user.username, "pass-for-tests")
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_lockout_page_says_what_happened_and_what_to_do(client, student):
    url = reverse("login")
    responses = [post_login(client, url, "stu", "wrong") for _ in range(6)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    page = responses[-1]
    assert page.status_code == 429
    html = page.content.decode()
    assert "Logging in is paused" in html
    assert "Wait 15 minutes and try again" in html
    assert "ask your teacher to set a new one" in html
    assert "Content-Security-Policy" in page


def test_a_locked_out_username_does_not_lock_out_another_user(client, student):
    other = UserFactory(username="classmate")
    url = reverse("login")
    for _ in range(WRONG_TRIES):
        post_login(client, url, "stu", "wrong")
    response = post_login(client, url, other.username, "pass-for-tests")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, student):
    url = reverse("login")
    for _ in range(4):
        post_login(client, url, "stu", "wrong")
    assert post_login(client, url, "stu", "pass-for-tests").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, student):
    from datetime import timedelta

    from axes.models import AccessAttempt

    url = reverse("login")
    for _ in range(6):
        post_login(client, url, "stu", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert post_login(client, url, "stu", "pass-for-tests").status_code == 302
