from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from courseware.models import Course, Post, Prompt
from courseware.services import Evidence, post_response
from tests.browser.conftest import log_in
from tests.browser.test_quiz_in_the_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_posts_with_evidence_from_the_picker_sees_peers_and_opens_progress(
    demo_site, page, artifacts
):
    prompt = Prompt.objects.get(slug="longest-river")
    course = Course.objects.get(slug="rivers")
    post_response(
        prompt=prompt,
        course=course,
        author=User.objects.get(username="student2"),
        body="Peer view: the survey is older.",
        evidence=[Evidence("delta-news", "if it is measured from a more distant source")],
    )
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/rivers/prompts/{prompt.slug}/")
    expect(
        page.get_by_text("1 response from classmates will appear once you post your own.")
    ).to_be_visible()
    expect(page.get_by_text("Peer view")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="Response").fill(
        "The news explainer says *some researchers* measure it another way."
    )
    page.get_by_label("Search passages").fill("distant source")
    result = page.locator("#evidence-results .result").first
    expect(result).to_contain_text("a more distant source")
    result.get_by_role("button", name="Use this passage").click()
    quote = page.get_by_label("The exact words you quote").first
    expect(quote).to_have_value(
        page.locator("#evidence-results [data-use-text]").first.get_attribute("data-use-text")
    )
    expect(page.get_by_label("Evidence 1: source")).to_have_value("delta-news")
    # Trim the passage to the words relied on, as a student would.
    quote.fill("Some researchers now say the Amazon is the longest river")
    page.screenshot(path=str(artifacts / "discussion-picker.png"))
    page.get_by_role("button", name="Post response").click()

    expect(page.get_by_text("Your response is posted.")).to_be_visible()
    expect(page.get_by_text("Peer view: the survey")).to_be_visible()  # peers appear once posted
    mine = Post.objects.get(author__username="student1")
    assert mine.evidence.get().exact == "Some researchers now say the Amazon is the longest river"
    expect(page.locator(f"#post-{mine.pk} em")).to_have_text("some researchers")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "discussion-thread.png"), full_page=True)

    page.goto(f"{demo_site}/courses/rivers/progress/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.locator("figure.chart svg[role=img]")).to_be_visible()
    expect(page.get_by_role("link", name="Which river is the longest?")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "progress.png"), full_page=True)
