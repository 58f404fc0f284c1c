"""The result page, the progress page and the error pages as a student sees them in Chromium,
on a phone (375 px) and on a laptop (1280 px): no sideways scrolling, readable answers, and the
result page's height for a fully wrong attempt at the fixture "review" quiz (12 questions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from quizzes.models import Quiz
from tests.browser.conftest import log_in
from tests.browser.test_quiz_in_the_browser import axe_violations
from tests.factories import take_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/notes/shots")
WIDTHS = (375, 1280)
# Every question of the "review" quiz answered wrong, in the questions' own ids.
ALL_WRONG = {
    "flow-longest": "a",
    "flow-dam-effects": ["d"],
    "flow-amazon-water": "false",
    "flow-sinking-rate": "9",
    "flow-silt-trap": "sand",
    "flow-dam-dates": {
        "position-aswan": ["4"],
        "position-gorges-power": ["3"],
        "position-gorges-done": ["2"],
        "position-barrier": ["1"],
    },
    "flow-who-said": {
        "match-survey": ["yangtze"],
        "match-news": ["survey"],
        "match-blog": ["news"],
    },
    "cycle-basin": "b",
    "cycle-lake-rise": "5",
    "cycle-lake-end": "true",
    "cycle-stream-colour": "green",
    "flow-dams-rivers": {
        "match-nile": ["yangtze"],
        "match-yangtze": ["amazon"],
        "match-amazon": ["nile"],
    },
}


def wrong_attempt():
    student = User.objects.get(username="student1")
    return take_quiz(student, Quiz.objects.get(slug="review"), ALL_WRONG)


def page_at(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    return context.new_page()


def scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def shoot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_result_page_of_a_wrong_attempt_is_short_and_fits_the_screen(
    demo_site, browser, width, artifacts
):
    attempt = wrong_attempt()
    page = page_at(browser, width)
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/attempts/{attempt.pk}/result/")
    height = page.evaluate("document.documentElement.scrollHeight")
    (artifacts / f"result-height-{width}.json").write_text(json.dumps({"height": height}))
    # Before the page was rewritten (issue 13) it was 12,551 px at 375 and 8,692 px at 1280.
    assert height < {375: 9_000, 1280: 6_000}[width], height
    shoot(page, f"result-{width}.png")
    assert not scrolls_sideways(page)
    # The chosen answers are not greyed out as disabled inputs are.
    label = page.locator(".question-block label").first
    color = label.evaluate("el => getComputedStyle(el).color")
    assert color in ("rgb(29, 35, 39)", "rgb(0, 0, 0)"), color
    # A matching answer is shown whole, not cut at a fixed width.
    assert page.get_by_text("Some researchers now say the Amazon").first.is_visible()
    # The "read again" list comes after the questions.
    order = page.evaluate(
        "[...document.querySelectorAll('#missed-heading, .question-block')].map(el => el.id || 'q')"
    )
    assert order[-1] == "missed-heading"
    assert axe_violations(page) == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_unbroken_answer_wraps_for_the_student_and_the_teacher(demo_site, browser, width):
    # A pasted link, and a number of 40 digits: answers with nowhere to break.
    pasted = "https://example.org/" + "a-very-long-path-segment" * 18
    student = User.objects.get(username="student1")
    answers = {"flow-silt-trap": pasted, "flow-sinking-rate": "9" * 40}
    attempt = take_quiz(student, Quiz.objects.get(slug="review"), answers)
    for who, path in [
        ("student1", f"/attempts/{attempt.pk}/result/"),
        ("teacher", f"/courses/rivers/gradebook/attempts/{attempt.pk}/"),
    ]:
        page = page_at(browser, width)
        log_in(page, demo_site, who)
        page.goto(demo_site + path)
        assert page.get_by_text(pasted).first.is_visible(), who
        assert not scrolls_sideways(page), who
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_progress_page_fits_a_phone_and_shows_the_kept_score(demo_site, browser, width):
    wrong_attempt()
    page = page_at(browser, width)
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/rivers/progress/")
    shoot(page, f"progress-{width}.png")
    assert not scrolls_sideways(page)
    kept = page.get_by_role("row", name="Review").get_by_role("cell").first
    assert kept.inner_text() == "0.00 / 12.00"
    # The chart's labels are drawn at 12 px or more.
    sizes = page.evaluate(
        "[...document.querySelectorAll('.chart svg text')]"
        ".map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )
    assert sizes and min(sizes) >= 12, sizes
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_missing_page_is_fuentes_own_with_a_way_back(demo_site, browser, width):
    page = page_at(browser, width)
    log_in(page, demo_site, "student1")
    response = page.goto(f"{demo_site}/courses/rivers/readings/no-such-reading/")
    assert response.status == 404
    shoot(page, f"404-{width}.png")
    assert not scrolls_sideways(page)
    page.get_by_role("link", name="your courses").click()
    assert page.url.rstrip("/") == demo_site.rstrip("/")


# The text a <select> shows is cut at its own width: it must be as wide as its longest option
# (less the arrow), up to the width of the line.
SELECT_FITS = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const line = select.closest("li").clientWidth;
  return room >= widest || select.offsetWidth >= line - 1;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_matching_answers_are_not_cut_short_while_answering(demo_site, browser, width):
    page = page_at(browser, width)
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/rivers/quizzes/river-flow/")
    page.get_by_role("button", name="Start").first.click()
    selects = page.locator(".pairs select")
    assert selects.count() > 0
    for n in range(selects.count()):
        assert selects.nth(n).evaluate(SELECT_FITS), n
    assert not scrolls_sideways(page)
    page.context.close()
