"""Cookies of a launch live in the LMS's cross-site iframe: SameSite=None; Secure; Partitioned
(CHIPS) over HTTPS and on localhost (which browsers treat as secure), for the LTI library's
login cookies and, once launched, the session and CSRF cookies. Nothing else changes."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from lti.middleware import cross_site
from tests.factories import UserFactory
from tests.lti.platform import LEARNER, fresh_sub, path_of, query


def header(response, name: str) -> str:
    return response.cookies[name].output(header="").strip()


def assert_cross_site(line: str) -> None:
    attributes = [part.strip() for part in line.split(";")]
    assert "SameSite=None" in attributes, line
    assert "Secure" in attributes, line
    assert attributes.count("Partitioned") == 1, line


def launch(client, lms, **extra):
    sub = fresh_sub()
    login = lms.login_url(sub)
    started = client.get(path_of(login), query(login), **extra)
    assert started.status_code == 302, started.content
    data = lms.id_token(query(started["Location"]), sub=sub, roles=[LEARNER])
    return started, client.post(
        path_of(data["launch_url"]), {"id_token": data["id_token"], "state": data["state"]}, **extra
    )


def test_over_https_the_login_state_cookie_is_cross_site_and_partitioned(client, lms, linked):
    started, _ = launch(client, lms, secure=True)
    names = [name for name in started.cookies if name.startswith("lti1p3-")]
    assert any(name.startswith("lti1p3-state-") for name in names)
    assert "lti1p3-session-id" in names
    for name in names:
        assert_cross_site(header(started, name))


def test_over_https_a_launch_sets_partitioned_session_and_csrf_cookies(client, lms, linked):
    _, launched = launch(client, lms, secure=True)
    assert launched.status_code == 302
    assert_cross_site(header(launched, "sessionid"))
    assert_cross_site(header(launched, "csrftoken"))  # login rotates the CSRF token
    # A launched page with a form (the quiz's start button) renews the CSRF cookie the same way.
    client.cookies.pop("csrftoken")
    quiz = linked.course.quizzes.get(slug="river-flow")
    page = client.get(quiz.get_absolute_url(), secure=True)
    assert page.status_code == 200
    assert_cross_site(header(page, "csrftoken"))


def test_on_localhost_over_http_the_cookies_are_cross_site_too(client, lms, linked, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    started, launched = launch(client, lms, HTTP_HOST="localhost:8000")
    assert launched.status_code == 302, launched.content
    state = next(name for name in started.cookies if name.startswith("lti1p3-state-"))
    assert_cross_site(header(started, state))
    assert_cross_site(header(launched, "sessionid"))


def test_over_plain_http_elsewhere_browsers_would_drop_them_so_defaults_stay(client, lms, linked):
    started, launched = launch(client, lms)
    for response in (started, launched):
        for name in response.cookies:
            assert "Partitioned" not in header(response, name)
            assert "SameSite=None" not in header(response, name)


def test_a_session_signed_in_directly_keeps_first_party_cookies(client, db):
    UserFactory(username="ana", password="a-long-password-1")
    response = client.post(
        "/login/", {"username": "ana", "password": "a-long-password-1"}, secure=True
    )
    assert response.status_code == 302
    line = header(response, "sessionid")
    assert "Partitioned" not in line
    assert "SameSite=Lax" in line


@pytest.mark.parametrize("times", [1, 2])
def test_cross_site_writes_partitioned_once(times):
    jar = SimpleCookie()
    jar["sessionid"] = "abc"
    jar["sessionid"]["httponly"] = True
    jar["sessionid"]["path"] = "/"
    for _ in range(times):
        jar["sessionid"] = cross_site(jar["sessionid"])
    assert jar.output() == (
        "Set-Cookie: sessionid=abc; HttpOnly; Path=/; SameSite=None; Secure; Partitioned"
    )
