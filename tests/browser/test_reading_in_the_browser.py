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

    page.get_by_role("link", name="Mexico's Cartels and the U.S.–Mexico Policy Debate").click()
    page.get_by_role("link", name="The iron river: U.S. guns flowing south").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The iron river: U.S. guns flowing south"
    )
    expect(page.locator("mark")).to_have_count(0)
    page.screenshot(path=str(artifacts / "reading.png"))

    note = page.locator(".note", has_text="how many gun stores")
    note.get_by_role("link", name="open at these words").nth(1).click()

    mark = page.locator("mark#hl")
    expect(mark).to_have_text(
        "only through two military-run stores: DCAM in Mexico City and OTCA in Apodaca, Nuevo Leon"
    )
    expect(mark).to_be_focused()
    expect(mark).to_be_in_viewport()
    assert page.url.endswith("#hl") and "/readings/weapons-flow/" in page.url
    page.screenshot(path=str(artifacts / "reading-cited.png"))


def test_the_reading_is_usable_at_375_pixels(demo_site, browser, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    log_in(page, demo_site, "student2")
    page.goto(f"{demo_site}/courses/mexico-cartels/readings/formation-and-fragmentation/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(path=str(artifacts / "reading-375.png"), full_page=False)
    context.close()


def test_keyboard_users_can_skip_to_content_and_see_focus(demo_site, page):
    log_in(page, demo_site, "student3")
    page.goto(f"{demo_site}/courses/mexico-cartels/", wait_until="networkidle")
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
    page.goto(f"{demo_site}/courses/mexico-cartels/readings/formation-and-fragmentation/")
    page.locator(".note", has_text="El Mencho alive").get_by_role("link").nth(1).click()
    expect(page.locator("mark#hl")).to_have_text(
        "After the raid that killed El Mencho on February 22"
    )
    expect(page.locator("mark#hl")).to_be_in_viewport()
    context.close()
