from __future__ import annotations

from importlib.resources import files

import pytest
from playwright.sync_api import Page, expect

from courseware.models import Course, Reading
from quizzes.models import Attempt, Question
from tests.browser.conftest import log_in
from tests.factories import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def tab_to(page: Page, locator, limit: int = 120) -> None:
    """Press Tab until `locator` has focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def choose_with_arrows(page: Page, select, wanted_text: str) -> None:
    """Move a focused <select> to an option with the arrow keys."""
    tab_to(page, select)
    texts = select.evaluate("el => [...el.options].map(o => o.text)")
    current = select.evaluate("el => el.selectedIndex")
    target = texts.index(wanted_text)
    key = "ArrowDown" if target > current else "ArrowUp"
    for _ in range(abs(target - current)):
        page.keyboard.press(key)


@pytest.fixture
def quiz(demo_site):
    """A four-question quiz of the fixture pack's questions: one of each input kind."""
    keys = ["flow-longest", "flow-sinking-rate", "flow-dam-dates", "flow-who-said"]
    return make_quiz(
        Course.objects.get(slug="rivers"),
        [Question.objects.get(key=key) for key in keys],
        slug="keyboard-check",
        reading=Reading.objects.get(slug="river-flow"),
    )


def test_a_student_takes_a_whole_quiz_with_the_keyboard_and_follows_a_citation(
    demo_site, quiz, page, artifacts
):
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/rivers/quizzes/{quiz.slug}/")
    assert axe_violations(page) == []
    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    assert axe_violations(page) == []

    # Question 1 (single choice): arrow keys move through the radio group.
    group = page.locator("#q1 input[type=radio]")
    tab_to(page, group.first)
    for _ in range(group.count()):
        if page.locator("#q1 input[type=radio]:checked + label").count() and (
            page.locator("#q1 input[type=radio]:checked + label").inner_text() == "The Nile"
        ):
            break
        page.keyboard.press("ArrowDown")
    expect(page.locator("#status-0")).to_contain_text("Saved")

    # Question 2 (numeric): type, then leave the field.
    tab_to(page, page.locator("#q1-answer"))
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    expect(page.locator("#status-1")).to_contain_text("Saved")

    # Question 3 (ordering) and 4 (matching): each <select> is set with the arrow keys.
    order = [
        "The Aswan High Dam is finished",
        "The Three Gorges Dam generates power",
        "The Three Gorges Dam is completed",
        "The flood barrier on the delta opens",
    ]
    for place, text in enumerate(order, start=1):
        select = page.locator("#q3 li", has_text=text).locator("select")
        choose_with_arrows(page, select, str(place))
    page.keyboard.press("Tab")
    expect(page.locator("#status-2")).to_contain_text("Saved")
    matches = {
        "The survey (2021)": "The Nile is the longest",
        "The news explainer (2024)": "Some researchers now say the Amazon",
        "The blog (2023)": "It read both claims",
    }
    for left, right in matches.items():
        choose_with_arrows(page, page.locator("#q4 li", has_text=left).locator("select"), right)
    page.keyboard.press("Tab")
    expect(page.locator("#status-3")).to_contain_text("Saved")
    expect(page.locator(".question-nav li.answered")).to_have_count(4)
    page.locator("#q1").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "quiz-question.png"))

    tab_to(page, page.get_by_role("button", name="Finish attempt…").last)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
    assert axe_violations(page) == []
    tab_to(page, page.get_by_role("button", name="Submit all and finish"))
    page.keyboard.press("Enter")

    expect(page.locator(".score")).to_contain_text("Score: 4.00 / 4.00 (100.0%)")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "quiz-results.png"), full_page=True)
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.points == 4 and attempt.state == Attempt.State.SUBMITTED

    # The cited words are one key press away, folded under the question.
    tab_to(page, page.locator("#q1 details.cited summary"))
    page.keyboard.press("Enter")
    link = page.locator("#q1 .citations a").first
    tab_to(page, link)
    page.keyboard.press("Enter")
    mark = page.locator("mark#hl")
    expect(mark).to_have_text("so the Nile is the longest river in the world")
    expect(mark).to_be_focused()
    assert "/readings/river-flow/" in page.url
    # …and a way back to the question it was opened from.
    page.get_by_role("link", name="Back to where you were").click()
    assert page.url.endswith(f"/attempts/{attempt.pk}/result/#q1")


def test_reading_pages_have_no_serious_accessibility_violations(demo_site, page):
    log_in(page, demo_site, "student2")
    for path in (
        "/",
        "/courses/rivers/",
        "/courses/rivers/readings/river-flow/",
        "/courses/rivers/sources/river-survey/",
        "/courses/rivers/quizzes/",
    ):
        page.goto(demo_site + path)
        assert axe_violations(page) == [], path
