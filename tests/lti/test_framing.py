"""Launched pages in the LMS's iframe: framed by the launching platform only, with cookies
that are sent cross-site over HTTPS. Everything else keeps refusing frames."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import ISSUER, LEARNER, fresh_sub

SCHOOL = "https://school.lms.example.test"


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part for part in policy.split(";") if "frame-ancestors" in part).strip()


def launch(client, lms, secure=False):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub, secure=secure)
    return post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER]), secure=secure)


def test_launched_pages_may_be_framed_by_the_platform_only(client, lms, linked):
    linked.platform.extra_frame_origins = SCHOOL
    linked.platform.save(update_fields=["extra_frame_origins"])
    landing = launch(client, lms)["Location"]
    page = client.get(landing)
    assert page.status_code == 200
    assert frame_ancestors(page) == f"frame-ancestors {ISSUER} {SCHOOL}"
    assert "X-Frame-Options" not in page


def test_the_admin_of_a_launched_session_still_refuses_frames(client, lms, linked):
    launch(client, lms)
    page = client.get("/admin/")
    assert frame_ancestors(page) == "frame-ancestors 'none'"
    assert page["X-Frame-Options"] == "DENY"


def test_pages_of_a_session_not_launched_refuse_frames(client, student, course):
    client.force_login(student)
    page = client.get(course.get_absolute_url())
    assert frame_ancestors(page) == "frame-ancestors 'none'"
    assert page["X-Frame-Options"] == "DENY"


def test_a_launch_over_https_sets_cross_site_session_and_csrf_cookies(client, lms, linked):
    response = launch(client, lms, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["samesite"] == "None" and session["secure"]
    page = client.get(response["Location"], secure=True)
    csrf = page.cookies.get("csrftoken")
    if csrf is not None:  # a page with a form sets it
        assert csrf["samesite"] == "None" and csrf["secure"]


def test_a_launch_over_plain_http_keeps_the_default_cookies(client, lms, linked):
    response = launch(client, lms)
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_platforms_other_addresses_must_be_origins(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/lti/platform/add/",
        {
            "name": "Canvas",
            "issuer": "https://canvas.instructure.com",
            "client_id": "1000",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "extra_frame_origins": "school.instructure.com",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is not an address like" in response.content.decode()


def test_a_refused_launch_may_be_framed_by_registered_platforms_so_its_message_shows(
    client, lms, linked
):
    sub = fresh_sub()
    data = lms.id_token(start_launch(client, lms, sub), sub=sub, roles=[LEARNER])
    data["state"] = "wrong"
    response = post_launch(client, data)
    assert response.status_code == 400
    assert frame_ancestors(response) == f"frame-ancestors {ISSUER}"
    assert "X-Frame-Options" not in response
