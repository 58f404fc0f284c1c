"""Nothing a student types is lost, in a real browser: a save that fails is retried until it
gets through, unsent answers survive a reload and are offered back, Finish waits for a save
still on its way, and with JavaScript off one button saves every answer on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Quiz, Response
from tests.browser.conftest import log_in
from tests.browser.test_timer_in_the_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/notes/shots")
SAVES = "**/attempts/*/q/*/save/"
# The river-flow quiz, all on one page, in the pack's order.
SINGLE, NUMERIC, SHORT, ORDERING = 0, 3, 4, 5


def start(page: Page, base: str, slug: str = "river-flow") -> Attempt:
    page.goto(f"{base}/courses/rivers/quizzes/{slug}/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#attempt-form")).to_be_visible()
    return Attempt.objects.filter(quiz__slug=slug).latest("pk")


def answer(attempt: Attempt, position: int):
    return Response.objects.get(attempt=attempt, position=position).answer


def choose_first_option(page: Page, position: int) -> None:
    page.locator(f"#q{position + 1} input[type=radio]").first.check()


@pytest.fixture
def student_page(demo_site, page):
    log_in(page, demo_site, "student1")
    return page


def test_a_save_cut_off_by_the_network_is_retried_until_it_is_saved(demo_site, student_page):
    page = student_page
    attempt = start(page, demo_site)
    page.route(SAVES, lambda route: route.abort())
    page.locator(f"#q{SHORT}-answer").fill("silt")
    page.locator(f"#q{SHORT}-answer").press("Tab")
    status = page.locator(f"#status-{SHORT}")
    expect(status).to_have_text("Not saved yet — retrying…")
    expect(page.locator("#save-state")).to_have_text("Not saved yet — retrying…")
    assert answer(attempt, SHORT) is None
    page.unroute(SAVES)
    expect(status).to_contain_text("Saved at", timeout=15_000)
    # "Saved at 10:42": the student's clock, hours and minutes.
    assert status.locator("time").inner_text().count(":") == 1
    expect(page.locator("#save-state")).to_contain_text("All answers saved at")
    assert answer(attempt, SHORT) == "silt"
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fuente:drafts'))") == []
    )


def test_unsent_answers_survive_a_reload_and_are_offered_back(demo_site, student_page):
    page = student_page
    attempt = start(page, demo_site)
    page.route(SAVES, lambda route: route.abort())
    choose_first_option(page, SINGLE)
    chosen = page.locator(f"#q{SINGLE + 1} input[type=radio]").first.get_attribute("value")
    page.locator(f"#q{NUMERIC}-answer").fill("2")
    page.locator(f"#q{NUMERIC}-answer").press("Tab")
    expect(page.locator(f"#status-{NUMERIC}")).to_have_text("Not saved yet — retrying…")
    # The page warns before leaving with answers unsaved; the student reloads anyway.
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    expect(page.locator(f"#q{NUMERIC}-answer")).to_have_value("")  # the server never got it
    offer = page.locator("#restore-offer")
    expect(offer).to_be_visible()
    restore = page.get_by_role("button", name="Restore 2 unsaved answers")
    expect(restore).to_be_visible()
    assert axe_violations(page) == []
    page.unroute(SAVES)
    restore.click()
    expect(offer).to_be_hidden()
    expect(page.locator(f"#q{NUMERIC}-answer")).to_have_value("2")
    expect(page.locator(f"#q{SINGLE}-{chosen}")).to_be_checked()
    expect(page.locator(f"#status-{NUMERIC}")).to_contain_text("Saved at", timeout=10_000)
    expect(page.locator(f"#status-{SINGLE}")).to_contain_text("Saved at")
    assert answer(attempt, NUMERIC) == {"text": "2", "convention": "en"}  # read the English way
    assert answer(attempt, SINGLE) is not None
    page.reload()
    expect(page.locator("#restore-offer")).to_be_hidden()  # saved: nothing left to offer


def test_discarded_answers_are_not_offered_again(demo_site, student_page):
    page = student_page
    start(page, demo_site)
    page.route(SAVES, lambda route: route.abort())
    page.locator(f"#q{SHORT}-answer").fill("gravel")
    page.locator(f"#q{SHORT}-answer").press("Tab")
    expect(page.locator(f"#status-{SHORT}")).to_have_text("Not saved yet — retrying…")
    # The summary says that this browser still holds an answer the server never got.
    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(page.url.split("#")[0] + "summary/")
    expect(page.locator("#drafts-warning")).to_be_visible()
    page.get_by_role("link", name="Return to the attempt to restore them").click()
    page.get_by_role("button", name="Discard them").click()
    page.unroute(SAVES)
    page.reload()
    expect(page.locator("#restore-offer")).to_be_hidden()


def test_finishing_right_after_typing_keeps_what_was_typed(demo_site, student_page):
    page = student_page
    attempt = start(page, demo_site)
    for n, typed in enumerate(["silt", "sand", "river silt", "mud", "silt and sand"]):
        field = page.locator(f"#q{SHORT}-answer")
        field.fill(typed)
        if n % 2:  # and once a choice, clicked just before
            page.locator(f"#q{SINGLE + 1} input[type=radio]").nth(n % 3).check()
        page.get_by_role("button", name="Finish attempt…").last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
        row = page.locator("tr", has_text=f"Question {SHORT + 1}")
        expect(row).to_contain_text("Answer saved")
        assert answer(attempt, SHORT) == typed, n
        page.get_by_role("link", name="← Return to the attempt").click()
        expect(page.locator(f"#q{SHORT}-answer")).to_have_value(typed)
    # The last one, with the save held back by a slow network: Finish waits for it.
    page.route(SAVES, lambda route: (page.wait_for_timeout(800), route.continue_()))
    page.locator(f"#q{SHORT}-answer").fill("slow silt")
    page.get_by_role("button", name="Finish attempt…").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
    assert answer(attempt, SHORT) == "slow silt"
    page.unroute(SAVES)
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fuente:drafts'))") == []
    )


def test_with_javascript_off_one_button_saves_every_answer_on_the_page(demo_site, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in(page, demo_site, "student2")
    attempt = start(page, demo_site)
    choose_first_option(page, SINGLE)
    page.locator(f"#q{NUMERIC}-answer").fill("2")
    page.locator(f"#q{SHORT}-answer").fill("silt")
    page.locator(f"#q{ORDERING + 1} select").first.select_option("2")
    page.locator(f"#q{SINGLE + 1} .flag input").check()
    # The Save button of another question (the last one) saves them all.
    page.locator("#q9").get_by_role("button", name="Save answer").click()
    expect(page.locator(".messages")).to_contain_text("Saved your answers.")
    assert answer(attempt, NUMERIC) == {"text": "2", "convention": "en"}
    assert answer(attempt, SHORT) == "silt"
    assert answer(attempt, SINGLE) is not None and answer(attempt, ORDERING)
    assert Response.objects.get(attempt=attempt, position=SINGLE).is_flagged
    expect(page.locator(f"#nav-{SINGLE}")).to_have_class("answered flagged")
    # Typed, then Finish: saved too.
    page.locator(f"#q{SHORT}-answer").fill("river silt")
    page.get_by_role("button", name="Finish attempt…").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
    assert answer(attempt, SHORT) == "river silt"
    page.screenshot(path=str(SHOTS / "attempt-summary-no-js-1280.png"))
    context.close()


def test_with_javascript_off_next_saves_the_page_of_a_one_per_page_quiz(demo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo_site, "student3")
    attempt = start(page, demo_site, "dates")
    assert Quiz.objects.get(slug="dates").layout == Quiz.Layout.ONE_PER_PAGE
    selects = page.locator("#q1 select")
    count = selects.count()
    for n in range(count):
        selects.nth(n).select_option(str(n + 1))
    page.get_by_role("button", name="Next →").click()
    expect(page.locator("#q2")).to_be_visible()
    assert sorted(answer(attempt, 0).values()) == list(range(1, count + 1))
    page.get_by_role("button", name="← Previous").click()
    expect(page.locator("#q1 select").first).to_have_value("1")
    context.close()


@pytest.fixture(params=[False, True], ids=["javascript off", "javascript on"])
def short_answer_typed(request, demo_site, browser):
    """An attempt at the river-flow quiz with "silt" typed in its short answer (not yet
    saved with JavaScript off), with JavaScript off and on."""
    javascript = request.param
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, demo_site, "student2" if javascript else "student3")
    attempt = start(page, demo_site)
    page.locator(f"#q{SHORT}-answer").fill("silt")
    yield page, attempt, javascript
    context.close()


def saved_in_time(page: Page, attempt: Attempt) -> str:
    for _ in range(50):  # with JavaScript, the save may still be on its way
        if answer(attempt, SHORT) == "silt":
            break
        page.wait_for_timeout(100)
    return answer(attempt, SHORT)


def test_changing_language_mid_attempt_keeps_what_was_typed(short_answer_typed):
    page, attempt, _javascript = short_answer_typed
    page.locator("#language-select").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(f"#q{SHORT}-answer")).to_have_value("silt")
    assert saved_in_time(page, attempt) == "silt"


def test_enter_in_an_answer_saves_it_and_does_nothing_else(short_answer_typed):
    # The header's Log out and language buttons belong to the page's form and come first in
    # the page: Enter must still press the form's default button, Save.
    page, attempt, javascript = short_answer_typed
    page.locator(f"#q{SHORT}-answer").press("Enter")
    if not javascript:
        expect(page.locator(".messages")).to_contain_text("Saved your answers.")
    expect(page.locator(f"#q{SHORT}-answer")).to_have_value("silt")
    expect(page.locator("#attempt-form")).to_be_visible()
    assert saved_in_time(page, attempt) == "silt"
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # still signed in
    expect(page.locator("html")).to_have_attribute("lang", "en")


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((e) => e.tagName + "." + e.className + "#" + e.id).slice(0, 8)"""


@pytest.mark.parametrize("width", [375, 1280])
def test_the_attempt_page_fits_the_screen(demo_site, browser, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, demo_site, "student1")
    start(page, demo_site)
    page.locator(f"#q{SHORT}-answer").fill("silt")
    page.locator(f"#q{SHORT}-answer").press("Tab")
    expect(page.locator(f"#status-{SHORT}")).to_contain_text("Saved at")
    page.screenshot(path=str(SHOTS / f"attempt-{width}.png"))
    page.screenshot(path=str(SHOTS / f"attempt-{width}-full.png"), full_page=True)
    wide = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    context.close()
