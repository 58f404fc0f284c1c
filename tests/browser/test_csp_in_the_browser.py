"""The Content-Security-Policy in a real browser: it is enforced (an injected inline script does
not run, and the browser reports it), and the pages teachers and students use, the admin's
included, run under it with no violation (the conftest fails any test that has one)."""

from __future__ import annotations

import logging
import time

import pytest
from playwright.sync_api import expect

from courseware.models import Course, Enrollment
from quizzes.models import Quiz
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_an_injected_inline_script_and_style_are_refused_and_reported(
    demo_site, page, csp_violations, caplog
):
    log_in(page, demo_site, "student1")
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()
    with caplog.at_level(logging.WARNING, logger="fuente.csp"):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.__injected = true";
              document.body.appendChild(script);
              const div = document.createElement("div");
              div.innerHTML = '<p id="styled" style="color: red">x</p>'
                + '<img src="x" onerror="window.__handler = true">';
              document.body.appendChild(div);
            }"""
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__injected") is None
        assert page.evaluate("() => window.__handler") is None
        assert page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") != (
            "rgb(255, 0, 0)"
        )
        directives = {v["directive"] for v in csp_violations.violations}
        assert {"script-src-elem", "style-src-attr", "script-src-attr"} <= directives
        # The browser also posts each report to /csp-report/, which logs it.
        assert wait_for(lambda: "script-src-elem" in caplog.text), caplog.text
    csp_violations.clear()


def test_a_script_from_a_data_url_is_refused(demo_site, page, csp_violations):
    page.goto(f"{demo_site}/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.src = "data:text/javascript,window.__fromData = true";
          document.head.appendChild(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__fromData") is None
    assert csp_violations.violations
    csp_violations.clear()


def test_teachers_pages_and_the_admin_run_under_the_policy(demo_site, page):
    course = Course.objects.get(slug="rivers")
    quiz = Quiz.objects.filter(course=course).first()
    student = Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).first()
    log_in(page, demo_site, "teacher")
    urls = [
        f"/courses/{course.slug}/gradebook/",
        f"/courses/{course.slug}/quizzes/{quiz.slug}/analysis/",
        f"/courses/{course.slug}/students/{student.user_id}/password/",
        "/admin/",
    ]
    for url in urls:
        response = page.goto(demo_site + url)
        assert response.status < 400, url

    # Every admin list the teacher can open, its add form and its first row's form.
    page.goto(f"{demo_site}/admin/")
    lists = sorted(
        {
            href
            for href in page.locator("#content-main th[scope=row] a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
        }
    )
    assert len(lists) >= 8
    for href in lists:
        response = page.goto(demo_site + href)
        assert response.status < 400, href
        rows = page.locator("#result_list tbody th a, #result_list tbody td.field-__str__ a")
        first = rows.first.get_attribute("href") if rows.count() else None
        add = page.locator("a.addlink").first
        add_href = add.get_attribute("href") if add.count() else None
        for extra in (first, add_href):
            if extra:
                response = page.goto(demo_site + extra)
                assert response.status < 400, extra

    # Setting a student's password, with the new one shown once.
    page.goto(f"{demo_site}/courses/{course.slug}/students/{student.user_id}/password/")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator(".temporary-password code")).to_be_visible()


def test_the_lockout_and_password_reset_pages_run_under_the_policy(demo_site, page, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.goto(f"{demo_site}/login/")
    page.get_by_role("link", name="reset it by e-mail").click()
    page.get_by_label("E-mail address").fill("student1@example.edu")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    for _ in range(6):
        log_in(page, demo_site, "student2", "wrong-password")
    expect(page.get_by_role("heading", name="Logging in is paused")).to_be_visible()
    log_in(page, demo_site, "student2")
    expect(page.get_by_role("heading", name="Logging in is paused")).to_be_visible()
