"""The timer of a timed quiz, in a real browser: the quiz asks before its clock starts; the
timer stays on screen at 375 px and 1280 px, shows the end in the student's own time zone,
is announced at 5 minutes and at 1 minute left, and submits the attempt when the time is up."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Quiz, Response
from tests.browser.conftest import log_in

AXE = (files("axe_playwright_python") / "axe.min.js").read_text()


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/notes/shots")
STUDENT_ZONE = "America/Mexico_City"


def start_review(page: Page, base: str, *, check_axe: bool = True) -> Attempt:
    """Start the fixture pack's timed quiz (40 minutes, one question per page)."""
    page.goto(f"{base}/courses/rivers/quizzes/review/")
    page.get_by_role("button", name="Start the quiz…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start Review?")
    expect(page.locator("#start-question")).to_contain_text(
        "This quiz is timed: 40 minutes from when you start. Start now?"
    )
    assert not Attempt.objects.filter(quiz__slug="review").exists()
    assert not check_axe or axe_violations(page) == []
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("#timer")).to_be_visible()
    assert not check_axe or axe_violations(page) == []
    return Attempt.objects.get(quiz__slug="review")


def move_deadline(attempt: Attempt, left: timedelta) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() + left)


@pytest.fixture
def student_page(demo_site, browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id=STUDENT_ZONE, locale="en-US"
    )
    page = context.new_page()
    log_in(page, demo_site, "student1")
    yield page
    context.close()


def test_a_timed_quiz_asks_first_and_not_now_starts_nothing(demo_site, student_page):
    page = student_page
    page.goto(f"{demo_site}/courses/rivers/quizzes/review/")
    page.get_by_role("button", name="Start the quiz…").click()
    not_now = page.get_by_role("link", name="Not now")
    expect(not_now).to_be_visible()  # the confirmation has loaded: nothing is navigating
    page.screenshot(path=str(SHOTS / "start-confirmation-1280.png"))
    not_now.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    assert not Attempt.objects.filter(quiz__slug="review").exists()


def test_the_timer_counts_down_and_shows_the_end_in_the_students_time_zone(demo_site, student_page):
    page = student_page
    attempt = start_review(page, demo_site)
    countdown = page.locator("#timer .countdown")
    expect(countdown).to_have_text(re.compile(r"^(39|40):\d\d$"))
    first = countdown.inner_text()
    page.wait_for_timeout(2100)
    assert countdown.inner_text() != first  # it counts down
    end = attempt.deadline_at.astimezone(ZoneInfo(STUDENT_ZONE))
    expected = f"{end:%I:%M}".lstrip("0")
    expect(page.locator("#timer time.ends-at")).to_contain_text(expected)
    expect(page.locator("#timer time.ends-at")).to_contain_text("CST")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_timer_stays_on_screen_while_the_page_scrolls(demo_site, browser, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    Quiz.objects.filter(slug="review").update(layout=Quiz.Layout.ALL_ON_ONE)  # a long page
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    log_in(page, demo_site, "student2")
    start_review(page, demo_site)
    bar = page.locator("#attempt-bar")
    top = bar.bounding_box()["y"]
    page.get_by_role("button", name="Finish attempt…").last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > top + 1000
    box = bar.bounding_box()
    assert box is not None and 0 <= box["y"] <= 2, box
    # The question list (beside the questions at 1280 px) is not hidden under the bar.
    if width == 1280:
        page.locator("#q5").scroll_into_view_if_needed()
        nav = page.locator(".question-nav").bounding_box()
        assert nav["y"] >= box["y"] + box["height"], (nav, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"timer-{width}.png"))
    page.goto(page.url.split("?")[0] + "summary/")
    expect(page.locator("#timer")).to_be_visible()
    context.close()


def test_five_minutes_and_one_minute_left_are_announced(demo_site, student_page):
    page = student_page
    attempt = start_review(page, demo_site)
    polite = page.locator("#timer-polite")
    assertive = page.locator("#timer-assertive")
    expect(polite).to_be_empty()
    move_deadline(attempt, timedelta(minutes=5, seconds=3))
    page.reload()
    expect(polite).to_be_empty()  # 5:02 left: not yet
    expect(polite).to_have_text(
        "Less than 5 minutes left. Your answers are saved as you go.", timeout=8000
    )
    expect(page.locator("#timer-warning")).to_contain_text("Less than 5 minutes left")
    expect(assertive).to_be_empty()
    page.screenshot(path=str(SHOTS / "timer-five-minutes-1280.png"))
    page.reload()  # a new page does not say it again (it still shows it)
    expect(page.locator("#timer-warning")).to_contain_text("Less than 5 minutes left")
    expect(polite).to_be_empty()
    move_deadline(attempt, timedelta(seconds=62))
    page.reload()
    expect(assertive).to_contain_text("Less than 1 minute left", timeout=8000)
    expect(polite).to_be_empty()


def test_when_the_time_is_up_the_page_submits_what_was_given(demo_site, student_page):
    page = student_page
    attempt = start_review(page, demo_site)
    move_deadline(attempt, timedelta(seconds=6))
    page.reload()
    question = page.locator(".question-block fieldset.question")
    field = question.locator("input[type=text]")
    if field.count():
        number = field.first.get_attribute("inputmode") == "decimal"
        field.first.fill("2" if number else "silt")
    elif question.locator("input[type=radio], input[type=checkbox]").count():
        question.locator("input[type=radio], input[type=checkbox]").first.check()
    else:
        question.locator("select").first.select_option(index=1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results", timeout=15_000)
    expect(page.locator(".messages")).to_contain_text("Time is up")
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.is_auto_submitted
    assert Response.objects.get(attempt=attempt, position=0).answer is not None


def test_without_javascript_the_quiz_asks_first_and_the_timer_shows_minutes_left(
    demo_site, browser
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 700})
    page = context.new_page()
    log_in(page, demo_site, "student3")
    attempt = start_review(page, demo_site, check_axe=False)
    expect(page.locator("#timer .countdown")).to_have_text(re.compile(r"^(39|40) minutes$"))
    end = timezone.localtime(attempt.deadline_at)
    expect(page.locator("#timer time.ends-at")).to_have_text(f"{end:%H:%M} UTC")
    page.screenshot(path=str(SHOTS / "timer-no-js-375.png"))
    context.close()


def test_the_summary_page_submits_too_when_the_time_is_up(demo_site, student_page):
    page = student_page
    attempt = start_review(page, demo_site)
    move_deadline(attempt, timedelta(seconds=4))
    page.get_by_role("button", name="Finish attempt…").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
    expect(page.locator("#timer")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results", timeout=15_000)
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.is_auto_submitted
