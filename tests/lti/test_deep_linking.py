"""Deep Linking 2.0 with a real platform (lti1p3platform): the LMS opens Fuente's picker for a
teacher, Fuente answers with signed links the platform validates, and those links' launches
land on the picked material."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import jwt
import pytest
from freezegun import freeze_time

from courseware.models import Course, Enrollment
from lti.models import CourseLink, PlatformUser, ResourceLink
from quizzes.models import Quiz
from quizzes.selectors import possible_points
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    INSTRUCTOR,
    ISSUER,
    LEARNER,
    _Config,
    _Launch,
    _Request,
    fresh_sub,
    path_of,
)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DL_SETTINGS = DL + "deep_linking_settings"
RETURN_URL = f"{ISSUER}/deep_linking/return?course=1"


def deep_linking_launch(
    client,
    lms,
    *,
    sub: str | None = None,
    roles: list[str] | None = None,
    accept_types: set[str] | None = None,
    accept_multiple: bool = True,
    data: dict[str, Any] | None = None,
    return_url: str = RETURN_URL,
):
    """The platform's deep-linking launch (LtiDeepLinkingRequest), posted to Fuente."""
    sub = sub or fresh_sub()
    auth = start_launch(client, lms, sub)
    registration = lms.registration().set_deeplink_launch_url(f"{lms.base}/lti/launch/")
    launch = _Launch(_Request(auth), _Config(registration=registration))
    launch.set_user_data(sub, roles or [INSTRUCTOR], full_name="Grace Hopper")
    launch.set_launch_context_claim("lms-course-1", context_title="Rivers 101")
    launch.set_dl(return_url, title="Add content", accept_types=accept_types, extra_data=data)
    launch._deep_linking_launch_data[DL_SETTINGS]["accept_multiple"] = accept_multiple
    return post_launch(client, launch.lti_launch())


def open_picker(client, lms, **kwargs):
    response = deep_linking_launch(client, lms, **kwargs)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith("/lti/deep-linking/")
    return response["Location"]


def returned(response) -> tuple[str, str]:
    """The return page's form: where it posts, and the JWT it carries."""
    page = response.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)" data-auto-submit', page)
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    assert action and token, page
    return html.unescape(action.group(1)), token.group(1)


def platform_reads(client, lms, token: str) -> tuple[dict[str, Any], list[dict]]:
    """What the platform does with the response: validate it against Fuente's published key
    set (lti1p3platform), and check iss, aud, exp strictly (PyJWT)."""
    key_set = client.get("/lti/jwks/").json()
    registration = lms.registration().set_tool_key_set(key_set)
    config = _Config(registration=registration)
    config.set_accepted_deeplinking_types(["ltiResourceLink"])
    items = config.validate_deeplinking_resp({"JWT": token})
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in key_set["keys"] if k["kid"] == kid)
    body = jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=ISSUER,
        issuer=CLIENT_ID,
        options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
    )
    return body, items


def quizzes_of(course: Course) -> list[Quiz]:
    return list(
        Quiz.objects.filter(course=course, is_published=True, practice_for__isnull=True).order_by(
            "position", "slug"
        )
    )


def launch_link(client, lms, *, resource_link_id: str, custom: dict[str, str], roles=None):
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    data = lms.id_token(
        auth,
        sub=sub,
        roles=roles or [LEARNER],
        resource_link_id=resource_link_id,
        claims={CLAIM + "custom": custom},
    )
    return post_launch(client, data)


# The round trip


def test_it_round_trips_picked_quizzes_to_graded_lms_links_that_launch_onto_them(
    client, lms, linked
):
    quizzes = quizzes_of(linked.course)[:2]
    assert len(quizzes) == 2
    picker = open_picker(client, lms, data={"opaque": "from-the-lms"})

    page = client.get(picker)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'type="checkbox"' in text
    for quiz in quizzes:
        assert quiz.title in text

    response = client.post(picker, {"item": [f"quiz:{q.pk}" for q in quizzes]})
    assert response.status_code == 200
    action, token = returned(response)
    assert action == RETURN_URL
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://lms.example.test" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    body, items = platform_reads(client, lms, token)
    assert jwt.get_unverified_header(token)["kid"] in {
        k["kid"] for k in client.get("/lti/jwks/").json()["keys"]
    }
    assert body[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert body[CLAIM + "version"] == "1.3.0"
    assert body[CLAIM + "deployment_id"] == DEPLOYMENT_ID
    assert body[DL + "data"] == {"opaque": "from-the-lms"}
    assert body["exp"] > body["iat"]
    assert [item["title"] for item in items] == [q.title for q in quizzes]
    for quiz, item in zip(quizzes, items, strict=True):
        assert item["type"] == "ltiResourceLink"
        assert item["url"] == "http://testserver/lti/launch/"
        assert item["custom"] == {"fuente_quiz": str(quiz.pk)}
        assert item["lineItem"]["label"] == quiz.title
        assert item["lineItem"]["resourceId"] == f"fuente-quiz-{quiz.pk}"
        assert Decimal(str(item["lineItem"]["scoreMaximum"])) == possible_points(quiz)
        assert possible_points(quiz) > 0

    # The LMS made the links; a student's first launch of one records it and lands on the quiz.
    client.logout()
    launched = launch_link(
        client, lms, resource_link_id="lms-link-7", custom=dict(items[1]["custom"])
    )
    assert launched.status_code == 302, launched.content.decode()
    assert launched["Location"] == quizzes[1].get_absolute_url()
    link = ResourceLink.objects.get(course_link=linked, resource_link_id="lms-link-7")
    assert link.quiz == quizzes[1]
    assert client.get(launched["Location"]).status_code == 200
    # The next launch of the same link finds the row (one row, whatever the custom says).
    client.logout()
    again = launch_link(client, lms, resource_link_id="lms-link-7", custom={})
    assert again["Location"] == quizzes[1].get_absolute_url()
    assert ResourceLink.objects.filter(resource_link_id="lms-link-7").count() == 1


def test_the_deep_linking_teacher_is_signed_in_as_teacher_of_the_linked_course(client, lms, linked):
    sub = fresh_sub()
    picker = open_picker(client, lms, sub=sub)
    user = PlatformUser.objects.get(platform=linked.platform, sub=sub).user
    assert Enrollment.objects.get(course=linked.course, user=user).role == "teacher"
    page = client.get(picker)
    assert page.wsgi_request.user == user
    # The launched session's pages may be framed by the LMS.
    assert "frame-ancestors https://lms.example.test" in page["Content-Security-Policy"]


def test_readings_and_prompts_are_ungraded_links_that_launch_onto_them(client, lms, linked):
    reading = linked.course.readings.order_by("position", "slug").first()
    prompt = linked.course.prompts.order_by("position", "slug").first()
    picker = open_picker(client, lms)
    response = client.post(picker, {"item": [f"reading:{reading.pk}", f"prompt:{prompt.pk}"]})
    _action, token = returned(response)
    _body, items = platform_reads(client, lms, token)
    assert [item["custom"] for item in items] == [
        {"fuente_reading": str(reading.pk)},
        {"fuente_prompt": str(prompt.pk)},
    ]
    assert all("lineItem" not in item for item in items)

    client.logout()
    landed = launch_link(client, lms, resource_link_id="r-1", custom=items[0]["custom"])
    assert landed["Location"] == f"/courses/{linked.course.slug}/readings/{reading.slug}/"
    client.logout()
    landed = launch_link(client, lms, resource_link_id="p-1", custom=items[1]["custom"])
    assert landed["Location"] == f"/courses/{linked.course.slug}/prompts/{prompt.slug}/"


def test_one_item_only_gives_radios_and_refuses_two(client, lms, linked):
    quizzes = quizzes_of(linked.course)[:2]
    picker = open_picker(client, lms, accept_multiple=False)
    text = client.get(picker).content.decode()
    assert 'type="radio"' in text and 'type="checkbox"' not in text
    response = client.post(picker, {"item": [f"quiz:{q.pk}" for q in quizzes]})
    assert response.status_code == 400
    assert "Pick only one" in response.content.decode()
    response = client.post(picker, {"item": f"quiz:{quizzes[0].pk}"})
    _body, items = platform_reads(client, lms, returned(response)[1])
    assert len(items) == 1


def test_cancel_returns_an_empty_response_so_the_lms_closes_its_dialog(client, lms, linked):
    picker = open_picker(client, lms)
    response = client.post(picker, {"cancel": "1", "item": "quiz:1"})
    action, token = returned(response)
    assert action == RETURN_URL
    body, items = platform_reads(client, lms, token)
    assert items == []
    assert body[DL + "content_items"] == []
    assert DL + "data" not in body  # the request held no data
    assert "Nothing was added" in response.content.decode()


def test_the_return_page_works_without_javascript(client, lms, linked):
    # (fuente.js submitting it, and the button without JavaScript: tests/browser/)
    picker = open_picker(client, lms)
    response = client.post(picker, {"cancel": "1"})
    page = response.content.decode()
    assert '<button type="submit">Return to the LMS</button>' in page
    assert "<script>" not in page and "onload" not in page
    assert "csrfmiddlewaretoken" not in page.split("data-auto-submit")[1]


def test_a_picker_request_is_spent_once_answered(client, lms, linked):
    picker = open_picker(client, lms)
    client.post(picker, {"cancel": "1"})
    assert client.get(picker).status_code == 404
    assert client.post(picker, {"cancel": "1"}).status_code == 404


# Refusals


def test_accept_types_without_lti_links_is_a_clear_refusal(client, lms, linked):
    response = deep_linking_launch(client, lms, accept_types={"link", "html"})
    page = response.content.decode()
    assert response.status_code == 400, page
    assert "does not take LTI links" in page
    assert "External tool activity" in page
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_learner_deep_linking_launch_is_a_clear_403_and_signs_nobody_in(client, lms, linked):
    response = deep_linking_launch(client, lms, roles=[LEARNER])
    page = response.content.decode()
    assert response.status_code == 403, page
    assert "Only a teacher of the course can add Fuente material" in page
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not PlatformUser.objects.exists()


def test_a_deep_linking_launch_from_an_unlinked_lms_course_is_a_clear_404(client, lms, registered):
    response = deep_linking_launch(client, lms)
    assert response.status_code == 404
    assert "is not linked to a Fuente course yet" in response.content.decode()


def test_a_deep_linking_return_address_that_is_not_http_is_refused(client, lms, linked):
    response = deep_linking_launch(client, lms, return_url="javascript:alert(1)")
    assert response.status_code == 400
    assert "deep_link_return_url" in response.content.decode()


def test_another_courses_quiz_posted_to_the_picker_is_refused(client, lms, linked):
    other = Course.objects.create(slug="other-course", title="Other")
    foreign = Quiz.objects.create(course=other, slug="foreign", title="Foreign quiz")
    picker = open_picker(client, lms)
    for value in (f"quiz:{foreign.pk}", "quiz:999999", "reading:0", "quiz:1\x00", "junk", ""):
        response = client.post(picker, {"item": value})
        assert response.status_code == 400, value
        assert "Foreign quiz" not in response.content.decode()
    assert (
        "Pick only material of this course"
        in client.post(picker, {"item": f"quiz:{foreign.pk}"}).content.decode()
    )


def test_an_empty_selection_is_a_form_error(client, lms, linked):
    picker = open_picker(client, lms)
    response = client.post(picker, {})
    assert response.status_code == 400
    assert "Pick what to add, or cancel." in response.content.decode()


@pytest.mark.parametrize("key", ["forged-id", "x" * 300, "%00", "AAAAAAAAAAAAAAAAAAAAAA"])
def test_a_forged_picker_id_is_404(client, lms, linked, key):
    open_picker(client, lms)
    assert client.get(f"/lti/deep-linking/{key}/").status_code == 404
    assert client.post(f"/lti/deep-linking/{key}/", {"cancel": "1"}).status_code == 404


def test_an_expired_picker_is_404(client, lms, linked):
    with freeze_time() as frozen:
        picker = open_picker(client, lms)
        frozen.tick(3601)
        assert client.get(picker).status_code == 404


def test_the_picker_needs_the_session_that_launched_it(client, lms, linked, teacher):
    picker = open_picker(client, lms)
    client.logout()
    assert client.get(picker).status_code == 302  # to sign in
    # Signed in as someone else in the same browser: the launched session is gone.
    client.force_login(teacher)
    assert client.get(picker).status_code == 404


def test_a_teacher_no_longer_teaching_the_course_gets_404(client, lms, linked):
    sub = fresh_sub()
    picker = open_picker(client, lms, sub=sub)
    user = PlatformUser.objects.get(sub=sub).user
    Enrollment.objects.filter(user=user).update(role=Enrollment.Role.STUDENT)
    assert client.get(picker).status_code == 404


def test_the_picker_post_is_csrf_protected(lms, linked):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = deep_linking_launch(browser, lms)
    picker = response["Location"]
    quiz = quizzes_of(linked.course)[0]
    assert browser.post(picker, {"item": f"quiz:{quiz.pk}"}).status_code == 403


def test_a_link_naming_another_courses_material_lands_on_the_course_home(client, lms, linked):
    other = Course.objects.create(slug="other-course", title="Other")
    foreign = Quiz.objects.create(course=other, slug="foreign", title="Foreign quiz")
    CourseLink.objects.create(platform=linked.platform, context_id="lms-course-2", course=other)
    for custom in (
        {"fuente_quiz": str(foreign.pk)},
        {"fuente_quiz": "99999999"},
        {"fuente_quiz": "１"},  # a full-width digit is no id
        {"fuente_reading": "-1"},
        {"fuente_prompt": "1 OR 1=1"},
        {"fuente_quiz": "9" * 40},
    ):
        client.logout()
        response = launch_link(client, lms, resource_link_id="lms-link-x", custom=custom)
        assert response.status_code == 302, custom
        assert response["Location"] == linked.course.get_absolute_url(), custom
    assert not ResourceLink.objects.exists()


def test_a_deep_linking_launch_never_records_a_resource_link(client, lms, linked):
    quiz = quizzes_of(linked.course)[0]
    sub = fresh_sub()
    auth = start_launch(client, lms, sub)
    registration = lms.registration().set_deeplink_launch_url(f"{lms.base}/lti/launch/")
    launch = _Launch(_Request(auth), _Config(registration=registration))
    launch.set_user_data(sub, [INSTRUCTOR], full_name="Grace Hopper")
    launch.set_launch_context_claim("lms-course-1", context_title="Rivers 101")
    launch.set_resource_link_claim("lms-link-dl")
    launch.set_custom_parameters_claim({"fuente_quiz": str(quiz.pk)})
    launch.set_dl(RETURN_URL)
    response = post_launch(client, launch.lti_launch())
    assert path_of(response["Location"]).startswith("/lti/deep-linking/")
    assert not ResourceLink.objects.exists()


def test_a_deep_linked_quiz_launch_keeps_the_lms_grade_column_of_its_link(client, lms, linked):
    quiz = quizzes_of(linked.course)[0]
    ags = {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        "lineitems": f"{ISSUER}/courses/1/lineitems",
        "lineitem": f"{ISSUER}/courses/1/lineitems/9",
    }
    sub = fresh_sub()
    data = lms.id_token(
        start_launch(client, lms, sub),
        sub=sub,
        roles=[LEARNER],
        resource_link_id="lms-link-9",
        claims={
            CLAIM + "custom": {"fuente_quiz": str(quiz.pk)},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
        },
    )
    assert post_launch(client, data)["Location"] == quiz.get_absolute_url()
    link = ResourceLink.objects.get(resource_link_id="lms-link-9")
    assert (link.quiz, link.lineitem_url) == (quiz, ags["lineitem"])
