from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_student_opens_a_reading_and_follows_a_citation_to_the_highlighted_words(
    demo_site, page, artifacts
):
    log_in(page, demo_site, "student1")
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()

    page.get_by_role("link", name="Rivers and Deltas").click()
    page.get_by_role("link", name="Length, flow and dams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Length, flow and dams")
    expect(page.locator("mark")).to_have_count(0)
    page.screenshot(path=str(artifacts / "reading.png"))

    note = page.locator(".note", has_text="which river is the longest")
    note.get_by_role("link", name="open at these words").nth(1).click()

    mark = page.locator("mark#hl")
    expect(mark).to_have_text("Some researchers now say the Amazon is the longest river")
    expect(mark).to_be_focused()
    expect(mark).to_be_in_viewport()
    assert page.url.endswith("#hl") and "/readings/river-flow/" in page.url
    page.screenshot(path=str(artifacts / "reading-cited.png"))


def test_the_reading_is_usable_at_375_pixels(demo_site, browser, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    log_in(page, demo_site, "student2")
    page.goto(f"{demo_site}/courses/rivers/readings/river-flow/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(path=str(artifacts / "reading-375.png"), full_page=False)
    context.close()


def test_keyboard_users_can_skip_to_content_and_see_focus(demo_site, page):
    log_in(page, demo_site, "student3")
    page.goto(f"{demo_site}/courses/rivers/", wait_until="networkidle")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")


def test_citation_link_works_with_javascript_off(demo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/rivers/readings/river-flow/")
    page.locator(".note", has_text="which river is the longest").get_by_role("link").first.click()
    expect(page.locator("mark#hl")).to_have_text("so the Nile is the longest river in the world")
    expect(page.locator("mark#hl")).to_be_in_viewport()
    context.close()
