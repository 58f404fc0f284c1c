"""Deep Linking in Chromium: the teacher's picker and the answer to the LMS run under the strict
Content-Security-Policy (the conftest fails any violation); fuente.js posts the signed answer
to the LMS's return address at once, and without JavaScript the button does."""

from __future__ import annotations

from urllib.parse import parse_qs

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from courseware.models import Course
from lti import launch as lti_launch
from lti.models import CourseLink, Deployment, Platform
from tests.lti import platform as test_platform
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER
from tests.lti.test_deep_linking import RETURN_URL, deep_linking_launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def picker_url(demo_site, monkeypatch) -> tuple[str, str]:
    """A deep-linking launch made in this process (its platform is here); the browser gets
    the session it signed in. The picker's address and the session cookie."""
    call_command("createcachetable", "fuente_lti_cache", verbosity=0)
    lms = test_platform.TestPlatform()
    monkeypatch.setattr(lti_launch, "fetch_key_set", lms.key_set)
    platform = Platform.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        key_set_url=f"{ISSUER}/jwks",
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    CourseLink.objects.create(
        platform=platform, context_id="lms-course-1", course=Course.objects.get(slug="rivers")
    )
    client = Client()
    response = deep_linking_launch(client, lms)
    assert response.status_code == 302, response.content.decode()
    return demo_site + response["Location"], client.cookies[settings.SESSION_COOKIE_NAME].value


def lms_return(context) -> list[dict]:
    """The LMS's return address, answering the posted form with a page of its own."""
    posted: list[dict] = []

    def answer(route):
        posted.append(parse_qs(route.request.post_data or ""))
        route.fulfill(status=200, content_type="text/html", body="<p>LMS: content added</p>")

    context.route(f"{ISSUER}/**", answer)
    return posted


def open_in(browser, picker: tuple[str, str], **options):
    url, session = picker
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}])
    return context


def test_fuente_js_posts_the_picked_quiz_to_the_lms_at_once(browser, picker_url):
    context = open_in(browser, picker_url)
    posted = lms_return(context)
    page = context.new_page()
    page.goto(picker_url[0])
    expect(page.get_by_role("heading", name="Add Fuente material to the LMS")).to_be_visible()
    page.locator("input[name=item][value^='quiz:']").first.check()
    page.get_by_role("button", name="Add to the LMS").click()
    expect(page.get_by_text("LMS: content added")).to_be_visible()
    assert page.url == RETURN_URL
    assert len(posted) == 1
    body = jwt.decode(posted[0]["JWT"][0], options={"verify_signature": False})
    items = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert len(items) == 1 and "fuente_quiz" in items[0]["custom"]
    context.close()


def test_without_javascript_the_return_button_posts_the_answer(browser, picker_url):
    context = open_in(browser, picker_url, java_script_enabled=False)
    posted = lms_return(context)
    page = context.new_page()
    page.goto(picker_url[0])
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Nothing was added.")).to_be_visible()
    assert posted == []
    page.get_by_role("button", name="Return to the LMS").click()
    expect(page.get_by_text("LMS: content added")).to_be_visible()
    assert len(posted) == 1 and posted[0]["JWT"]
    context.close()
