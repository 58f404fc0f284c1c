from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from courseware.roles import make_teacher
from lti.models import CourseLink, Platform, ResourceLink
from lti.registration import SCOPES
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory

URL = "/admin/lti/platform/registration/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_registration_page_shows_what_the_lms_administrator_pastes(client, superuser):
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for url in ("/lti/login/", "/lti/launch/", "/lti/jwks/"):
        assert f"http://testserver{url}" in page
    for scope in SCOPES:
        assert scope in page
    canvas = json.loads(unescape(re.search(r'<pre id="canvas-json">(.*?)</pre>', page, re.S)[1]))
    assert canvas["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert canvas["target_link_uri"] == "http://testserver/lti/launch/"
    assert canvas["public_jwk_url"] == "http://testserver/lti/jwks/"
    assert canvas["scopes"] == list(SCOPES)
    placements = canvas["extensions"][0]["settings"]["placements"]
    assert {p["placement"] for p in placements} >= {"course_navigation", "assignment_selection"}
    assert "Initiate login URL" in page and "Public keyset" in page and "LTI 1.3" in page


def test_the_platform_list_links_to_the_registration_page(client, superuser):
    client.force_login(superuser)
    assert URL in client.get("/admin/lti/platform/").content.decode()


def test_a_teacher_cannot_see_the_registration_page_or_the_platforms(client, teacher, linked):
    client.force_login(teacher)
    assert client.get(URL).status_code == 403
    assert client.get("/admin/lti/platform/").status_code == 403
    assert client.get(f"/admin/lti/platform/{linked.platform.pk}/change/").status_code == 403
    assert "/admin/lti/platform/" not in client.get("/admin/").content.decode()


def test_another_courses_teacher_cannot_see_a_platforms_settings(client, linked):
    other = UserFactory(username="other-teacher")
    EnrollmentFactory(user=other, role="teacher")
    make_teacher(other)
    client.force_login(other)
    page = client.get(f"/admin/lti/platform/{linked.platform.pk}/change/")
    assert page.status_code == 403
    assert linked.platform.client_id not in page.content.decode()
    # Teachers see their own courses' links (read only); another course's link stays closed.
    link_page = client.get(f"/admin/lti/courselink/{linked.pk}/change/")
    assert link_page.status_code in (302, 403, 404)
    assert linked.context_id not in link_page.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_superuser_registers_a_platform_with_a_deployment(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/lti/platform/add/",
        {
            "name": "Moodle",
            "issuer": "https://moodle.example.test",
            "client_id": "abc123",
            "auth_login_url": "https://moodle.example.test/mod/lti/auth.php",
            "token_url": "https://moodle.example.test/mod/lti/token.php",
            "key_set_url": "https://moodle.example.test/mod/lti/certs.php",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(
        Platform.objects.get(client_id="abc123").deployments.values_list("deployment_id", flat=True)
    ) == ["2"]


def test_a_superuser_links_an_lms_course_to_a_course(client, superuser, registered, course):
    client.force_login(superuser)
    response = client.post(
        "/admin/lti/courselink/add/",
        {
            "platform": registered.pk,
            "context_id": "ctx-9",
            "context_title": "Rivers",
            "course": course.pk,
            "resource_links-TOTAL_FORMS": "0",
            "resource_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CourseLink.objects.get(context_id="ctx-9").course == course


def test_a_resource_link_to_another_courses_quiz_is_refused(superuser, linked):
    other = CourseFactory()
    quiz = linked.course.quizzes.first()
    quiz_b = type(quiz).objects.create(course=other, title="Other", slug="other-quiz")
    with pytest.raises(ValidationError):
        ResourceLink(course_link=linked, resource_link_id="r", quiz=quiz_b).full_clean()
    ResourceLink(course_link=linked, resource_link_id="r", quiz=quiz).full_clean()
