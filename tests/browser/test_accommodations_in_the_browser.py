"""Accommodations in the browser: a teacher gives student1 extra time on the timed quiz
"review" from the gradebook while student1 has an attempt open; student1 sees "extended" and
the later deadline on the next request. And the gradebook's layout: no sideways scrolling of
the page at 375 px or 1280 px (the wide table scrolls in its own labelled, focusable region)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Accommodation, Attempt
from tests.browser.conftest import log_in
from tests.browser.test_quiz_in_the_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/notes/shots"

# Elements that stick out of the page on the right, outside any scroller of their own.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !e.closest('.table-scroll');
  });
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    out: out.slice(0, 5).map(e => e.tagName + '.' + e.className),
  };
}"""


def deadline_on(page: Page) -> datetime:
    return datetime.fromisoformat(page.locator("#timer").get_attribute("data-deadline"))


def start_review(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/courses/rivers/quizzes/review/")
    expect(page.locator(".facts")).to_contain_text("40 minutes, from when you start")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("#timer")).to_be_visible()


def test_a_teacher_gives_student1_extra_time_and_the_open_attempt_gets_it_at_once(
    demo_site, browser, page
):
    student = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    log_in(student, demo_site, "student1")
    start_review(student, demo_site)
    before = deadline_on(student)
    attempt = Attempt.objects.get(student__username="student1", quiz__slug="review")
    assert before == attempt.started_at + timedelta(minutes=40)
    expect(student.locator("#attempt-bar")).not_to_contain_text("extended")

    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/courses/rivers/gradebook/")
    expect(page.locator("#accommodations")).to_contain_text("No accommodations yet.")
    page.get_by_role("link", name="Add an accommodation").click()
    page.get_by_label("Ana Flores (student1)").check()
    page.get_by_label("Quiz").select_option(label="Review")
    page.get_by_label("Extra minutes").fill("20")
    page.get_by_label("Label").fill("Extended time")
    page.get_by_label("Note for teachers").fill("Counsellor's letter of March 3")
    assert not axe_violations(page)
    page.screenshot(path=f"{SHOTS}/accommodation-form-1280.png", full_page=True)
    page.get_by_role("button", name="Save the accommodation").click()

    expect(page.locator(".messages")).to_contain_text(
        "Accommodation saved for Ana Flores. 1 attempt in progress has its new deadline."
    )
    table = page.locator("#accommodations table")
    expect(table).to_contain_text("Extended time")
    expect(table).to_contain_text("20 extra minutes")
    expect(table).to_contain_text("Review")
    marker = page.locator("table.gradebook tr", has_text="student1").locator(".accommodated")
    expect(marker).to_be_visible()
    assert Accommodation.objects.get().extra_minutes == 20

    # student1's next request shows the new time; the note never reaches them.
    student.reload()
    assert deadline_on(student) == before + timedelta(minutes=20)
    expect(student.locator("#attempt-bar")).to_contain_text("Your time: 60 minutes, extended.")
    student.screenshot(path=f"{SHOTS}/attempt-extended-375.png")
    student.goto(f"{demo_site}/courses/rivers/quizzes/review/")
    expect(student.locator(".facts")).to_contain_text("60 minutes, extended")
    expect(student.locator("main")).not_to_contain_text("Counsellor")
    student.screenshot(path=f"{SHOTS}/quiz-extended-375.png", full_page=True)
    student.context.close()

    # The teacher takes it back: the open attempt goes back to 40 minutes from its start.
    page.get_by_role("link", name="Change or remove Extended time").click()
    page.get_by_role("button", name="Remove this accommodation").click()
    expect(page.locator(".messages")).to_contain_text("Accommodation removed.")
    attempt.refresh_from_db()
    assert attempt.deadline_at == before
    assert not Accommodation.objects.exists()


def test_junk_in_the_form_is_shown_next_to_its_field(demo_site, page):
    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/courses/rivers/gradebook/accommodations/new/")
    page.get_by_label("Time multiplier").fill("9")
    page.get_by_role("button", name="Save the accommodation").click()
    expect(page.get_by_role("alert")).to_contain_text("Not saved")
    expect(page.locator("#id_students_error")).to_contain_text("Choose at least one student.")
    expect(page.locator("#id_time_multiplier_error")).to_contain_text("from 1 to 5")
    expect(page.get_by_label("Time multiplier")).to_have_attribute("aria-invalid", "true")
    assert not axe_violations(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_gradebook_page_never_scrolls_sideways(demo_site, browser, width):
    Accommodation.objects.all().delete()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/courses/rivers/gradebook/")
    page.screenshot(path=f"{SHOTS}/gradebook-{width}.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/gradebook-{width}-top.png")
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["width"], found
    assert not found["out"], found
    scroller = page.get_by_role("region", name="Grades of each student, by quiz and discussion")
    expect(scroller).to_have_attribute("tabindex", "0")
    scroller.focus()
    if width == 375:  # the table is wider than the phone: the keyboard scrolls its region
        page.keyboard.press("ArrowRight")
        # Keyboard scrolling is animated: wait for it to move.
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    else:  # at 1280 the whole table fits: nothing to scroll at all
        assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert not axe_violations(page)
    context.close()


def test_the_admin_form_offers_the_courses_students_under_the_csp(demo_site, page):
    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/admin/quizzes/accommodation/add/")
    expect(page.locator("#id_students_from")).to_contain_text("student1")
    expect(page.locator("#id_students_from")).not_to_contain_text("teacher")
