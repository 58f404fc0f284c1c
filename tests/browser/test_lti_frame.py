"""An LTI launch inside an LMS's iframe, in Chromium: the "platform" is a page on another
origin (http://127.0.0.1:<port>, a tiny server in the test process built on lti1p3platform)
that frames Fuente (http://localhost:<port>, the live server). The two host names are two
sites, so Fuente's cookies in the frame are third-party; Chromium treats localhost as a secure
context, so Secure cookies work over plain HTTP there and Fuente sends SameSite=None; Secure;
Partitioned as it does over HTTPS. Chromium 156 keeps third-party cookies out of frames unless
they are Partitioned (CHIPS), which is what the first test relies on.

The second test blocks Fuente's cookies in the frame altogether, partitioned ones included
(Safari does; in Chromium a per-site cookie exception does, set in the profile's preferences
since no launch flag turns CHIPS off), and the person continues in a new window."""

from __future__ import annotations

import html
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lti import launch as lti_launch
from lti.models import CourseLink, Deployment, Platform, PlatformUser, ResourceLink
from quizzes.models import Attempt, Quiz
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _watch_context
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, LEARNER
from tests.lti.platform import TestPlatform as LtiPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUB = "frame-student-1"


class _PlatformPage(BaseHTTPRequestHandler):
    """The LMS: a course page framing Fuente, and the OIDC authorisation endpoint."""

    lms: LtiPlatform
    tool: str  # Fuente's origin
    frame_src: str = ""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path, query = urlsplit(self.path).path, dict(parse_qsl(urlsplit(self.path).query))
        if path == "/auth":  # Fuente's authorisation redirect: answer with a signed launch
            launch = self.lms.id_token(query, sub=query["login_hint"], roles=[LEARNER])
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(launch[name])}">'
                for name in ("id_token", "state")
            )
            action = html.escape(query["redirect_uri"])
            self._send(
                f'<form method="post" action="{action}">{fields}</form>'
                "<script>document.forms[0].submit()</script>"
            )
            return
        if path == "/framed":  # any Fuente page, framed by the LMS
            self._send(f'<iframe name="tool" title="Fuente" src="{html.escape(query["src"])}">')
            return
        login = self.lms.login_url(SUB)
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in parse_qsl(urlsplit(login).query)
        )
        self._send(
            "<h1>Rivers 101 in the LMS</h1>"
            f'<form method="post" action="{self.tool}/lti/login/" target="tool">{fields}'
            '<button type="submit">Open Fuente</button></form>'
            '<iframe name="tool" title="Fuente" width="1200" height="800"></iframe>'
        )


@pytest.fixture
def lms_site(demo_site, monkeypatch):
    """The platform's server on 127.0.0.1, registered in Fuente, the pack's course linked and
    the LMS link opening the quiz "river-flow"."""
    call_command("createcachetable", "fuente_lti_cache", verbosity=0)
    lms = LtiPlatform(base=demo_site)
    monkeypatch.setattr(lti_launch, "fetch_key_set", lms.key_set)
    handler = type("Handler", (_PlatformPage,), {"lms": lms, "tool": demo_site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    platform = Platform.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{origin}/auth",
        token_url=f"{origin}/token",
        key_set_url=f"{origin}/jwks",
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    quiz = Quiz.objects.get(course__slug="rivers", slug="river-flow")
    link = CourseLink.objects.create(
        platform=platform, context_id="lms-course-1", context_title="Rivers 101", course=quiz.course
    )
    ResourceLink.objects.create(course_link=link, resource_link_id="resource-1", quiz=quiz)
    yield origin, quiz
    server.shutdown()
    server.server_close()


def take_and_submit(page, quiz) -> None:
    """Start the quiz, answer the first question (saved by htmx: a POST with the CSRF cookie),
    and submit."""
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    page.get_by_role("button", name="Start the quiz").click()
    page.locator("#q1 label", has_text="The Nile").click()
    expect(page.locator("#status-0")).to_contain_text("Saved")
    page.get_by_role("button", name="Finish attempt…").last.click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_contain_text("Score:")


def submitted_attempt(quiz) -> Attempt:
    student = PlatformUser.objects.get(sub=SUB).user
    return Attempt.objects.get(quiz=quiz, student=student, state=Attempt.State.SUBMITTED)


def test_a_student_launched_in_the_lms_frame_takes_and_submits_a_quiz_there(
    lms_site, demo_site, browser, artifacts
):
    origin, quiz = lms_site
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    framed_documents = []
    page.on(
        "response",
        lambda response: (
            framed_documents.append(response)
            if response.request.resource_type == "document" and response.frame.parent_frame
            else None
        ),
    )
    page.goto(f"{origin}/")
    page.get_by_role("button", name="Open Fuente").click()
    frame = page.frame_locator("iframe[name=tool]")
    take_and_submit(frame, quiz)
    page.screenshot(path=str(artifacts / "lti-frame-result.png"))
    assert submitted_attempt(quiz).quiz == quiz
    assert page.url == f"{origin}/"  # everything happened inside the frame

    # The launched pages named the platform as the one origin that may frame them.
    pages = [r for r in framed_documents if r.url.startswith(demo_site) and r.status == 200]
    assert pages
    for response in pages:
        policy = response.headers["content-security-policy"]
        assert f"frame-ancestors {ISSUER} {origin};" in policy, (response.url, policy)
        assert "x-frame-options" not in response.headers
    context.close()


def test_a_page_not_launched_refuses_the_lms_frame(lms_site, demo_site, browser, csp_violations):
    origin, _quiz = lms_site
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on(
        "response",
        lambda response: refused.append(response) if response.url.startswith(demo_site) else None,
    )
    page.goto(f"{origin}/framed?{urlencode({'src': demo_site + '/login/'})}")
    page.wait_for_load_state("load")
    # Chromium's report of the refusal is the point of this test, not a violation of Fuente's;
    # it may come a moment after the page's load (and the refused frame may lose its name).
    for _ in range(100):
        if any("frame-ancestors 'none'" in text for text in csp_violations.console):
            break
        page.wait_for_timeout(100)
    assert any("frame-ancestors 'none'" in text for text in csp_violations.console)
    csp_violations.clear()
    # Chromium blocks the document: the frame never shows Fuente's sign-in form.
    expect(page.frame_locator("iframe").locator("input[name=username]")).to_have_count(0)
    assert refused and "frame-ancestors 'none'" in refused[0].headers["content-security-policy"]
    context.close()


def _cookies_blocked_in_frames(tmp_path, lms_origin: str, tool: str) -> str:
    """A Chromium profile that blocks Fuente's cookies, partitioned ones too, when framed by the
    LMS; Fuente in a window of its own keeps them."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    pattern = f"{tool},{lms_origin}"
    prefs = {
        "profile": {"content_settings": {"exceptions": {"cookies": {pattern: {"setting": 2}}}}}
    }
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    return str(profile)


def test_with_cookies_blocked_in_the_frame_the_student_continues_in_a_new_window(
    lms_site, demo_site, browser, tmp_path, artifacts
):
    origin, quiz = lms_site
    profile = _cookies_blocked_in_frames(tmp_path, origin, demo_site)
    # A browser of its own: a profile's preferences are read at launch.
    context = _watch_context(
        browser.browser_type.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])],
            viewport={"width": 1280, "height": 1000},
        )
    )
    page = context.new_page()
    page.goto(f"{origin}/")
    page.get_by_role("button", name="Open Fuente").click()
    frame = page.frame_locator("iframe[name=tool]")
    button = frame.get_by_role("link", name="Open Fuente in a new window")
    expect(button).to_be_visible()
    page.screenshot(path=str(artifacts / "lti-frame-new-window-step.png"))
    assert not PlatformUser.objects.filter(sub=SUB).exists()  # nobody signed in in the frame
    assert button.get_attribute("target") == "_blank"
    with page.expect_popup() as opened:
        button.click()
    window = opened.value
    window.wait_for_load_state()
    assert window.url == f"{demo_site}{quiz.get_absolute_url()}"
    take_and_submit(window, quiz)
    window.screenshot(path=str(artifacts / "lti-new-window-result.png"))
    assert submitted_attempt(quiz).quiz == quiz
    context.close()
