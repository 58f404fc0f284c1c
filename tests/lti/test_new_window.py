"""The "Open Fuente in a new window" step: when the browser drops Fuente's cookies in the LMS's
frame, the launch is still checked against the login's state kept server-side, and a one-time
ticket continues it in a new window of the same browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from lti.models import PlatformUser
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import LEARNER, fresh_sub

AGENT = "Mozilla/5.0 (Test) Chromium"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_USER_AGENT": AGENT}


@pytest.fixture(autouse=True)
def _one_browser(client):
    """Every request of the test client comes from one browser, unless a test says otherwise."""
    client.defaults["HTTP_USER_AGENT"] = AGENT


def drop_library_cookies(client) -> None:
    """What Safari, or Chrome with third-party cookies blocked, does in the LMS's frame."""
    for name in [name for name in client.cookies if name.startswith("lti1p3-")]:
        del client.cookies[name]


def launch_without_cookies(client, lms, sub=None, secure=False, **claims):
    sub = sub or fresh_sub()
    auth = start_launch(client, lms, sub, secure=secure)
    drop_library_cookies(client)
    data = lms.id_token(auth, sub=sub, roles=[LEARNER], **claims)
    return client.post(
        "/lti/launch/",
        {"id_token": data["id_token"], "state": data["state"]},
        secure=secure,
    )


def continue_url(response) -> str:
    assert response.status_code == 200, response.content.decode()
    html = response.content.decode()
    match = re.search(r'href="(/lti/continue/[^"]+/)" target="_blank" rel="noopener"', html)
    assert match, html
    return match.group(1)


def test_a_dropped_cookie_shows_the_new_window_step_and_signs_nobody_in(client, lms, linked):
    response = launch_without_cookies(client, lms)
    assert "Open Fuente in a new window" in response.content.decode()
    assert "state does not match" not in response.content.decode()
    continue_url(response)
    assert "_auth_user_id" not in client.session
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors https://lms.example.test" in response["Content-Security-Policy"]
    html = response.content.decode()
    # No inline script: the button is a plain link (the page runs under the strict CSP).
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "onclick" not in html


def test_the_new_window_continues_the_same_launch_and_lands_signed_in(client, lms, linked):
    sub = fresh_sub()
    url = continue_url(launch_without_cookies(client, lms, sub=sub))
    landed = client.get(url, **SAME_ORIGIN)
    assert landed.status_code == 302
    assert landed["Location"] == linked.course.get_absolute_url()
    assert landed["Referrer-Policy"] == "no-referrer"
    user = PlatformUser.objects.get(platform=linked.platform, sub=sub).user
    assert client.get(landed["Location"]).wsgi_request.user == user
    # The new window is first-party: its pages refuse frames like any other page.
    page = client.get(landed["Location"])
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_the_new_window_step_works_over_https_with_the_library_session_cookie_dropped(
    client, lms, linked
):
    url = continue_url(launch_without_cookies(client, lms, secure=True))
    assert client.get(url, secure=True, **SAME_ORIGIN).status_code == 302


def test_a_ticket_works_once(client, lms, linked):
    url = continue_url(launch_without_cookies(client, lms))
    assert client.get(url, **SAME_ORIGIN).status_code == 302
    client.logout()
    again = client.get(url, **SAME_ORIGIN)
    assert again.status_code == 400
    assert "already used or has expired" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_ticket_expires_after_two_minutes(client, lms, linked):
    url = continue_url(launch_without_cookies(client, lms))
    with freeze_time(timezone.now() + timedelta(seconds=121)):
        assert client.get(url, **SAME_ORIGIN).status_code == 400
    assert "_auth_user_id" not in client.session
    url = continue_url(launch_without_cookies(client, lms))
    with freeze_time(timezone.now() + timedelta(seconds=110)):
        assert client.get(url, **SAME_ORIGIN).status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_USER_AGENT": "curl/8.0"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_USER_AGENT": AGENT, "REMOTE_ADDR": "10.9.8.7"},
        {"HTTP_SEC_FETCH_SITE": "none", "HTTP_USER_AGENT": AGENT},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_USER_AGENT": AGENT},
    ],
    ids=["another-browser", "another-address", "pasted-in-the-address-bar", "link-elsewhere"],
)
def test_a_ticket_is_refused_to_another_browser_and_then_spent(client, lms, linked, headers):
    url = continue_url(launch_without_cookies(client, lms))
    refused = client.get(url, **headers)
    assert refused.status_code == 400
    assert "_auth_user_id" not in client.session
    # Refused once, the ticket is gone: an attacker cannot try again, nor the owner after them.
    assert client.get(url, **SAME_ORIGIN).status_code == 400


def test_unknown_and_malformed_tickets_are_refused(client, db):
    for ticket in ("x", "a" * 43, "a" * 300):
        assert client.get(f"/lti/continue/{ticket}/", **SAME_ORIGIN).status_code == 400


def test_a_dropped_cookie_with_a_state_fuente_did_not_issue_is_refused(client, lms, linked):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    drop_library_cookies(client)
    data = lms.id_token(auth, sub=sub, roles=[LEARNER])
    response = client.post("/lti/launch/", {"id_token": data["id_token"], "state": "state-forged"})
    assert response.status_code == 400
    assert "state does not match" in response.content.decode()


def test_a_dropped_cookie_with_another_logins_state_is_refused(client, lms, linked):
    """The state kept server-side vouches only for the nonce issued with it."""
    sub = fresh_sub()
    first = start_launch(client, lms, sub)
    second = start_launch(client, lms, sub)
    drop_library_cookies(client)
    data = lms.id_token(first, sub=sub, roles=[LEARNER])
    response = client.post("/lti/launch/", {"id_token": data["id_token"], "state": second["state"]})
    assert response.status_code == 400
    assert "state does not match" in response.content.decode()


def test_a_launch_posted_again_without_cookies_is_refused(client, lms, linked):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    drop_library_cookies(client)
    data = lms.id_token(auth, sub=sub, roles=[LEARNER])
    first = client.post("/lti/launch/", {"id_token": data["id_token"], "state": data["state"]})
    assert first.status_code == 200
    again = client.post("/lti/launch/", {"id_token": data["id_token"], "state": data["state"]})
    assert again.status_code == 400


def test_with_cookies_the_launch_signs_in_inside_the_frame_as_before(client, lms, linked):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    response = post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER]))
    assert response.status_code == 302
    assert response["Location"] == linked.course.get_absolute_url()


def test_a_launch_another_browser_posts_without_cookies_is_refused(client, lms, linked):
    """Someone's own launch, posted from a victim's browser to sign them in as that someone:
    without the state cookie, the login's browser must be the launch's."""
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    drop_library_cookies(client)
    data = lms.id_token(auth, sub=sub, roles=[LEARNER])
    for other in ({"HTTP_USER_AGENT": "Another browser"}, {"REMOTE_ADDR": "10.1.2.3"}):
        response = client.post(
            "/lti/launch/", {"id_token": data["id_token"], "state": data["state"]}, **other
        )
        assert response.status_code == 400
        assert "state does not match" in response.content.decode()
        assert "/lti/continue/" not in response.content.decode()
    # The browser that started the login still gets the new-window step.
    own = client.post("/lti/launch/", {"id_token": data["id_token"], "state": data["state"]})
    assert continue_url(own).startswith("/lti/continue/")
