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
    prompt = Prompt.objects.get(slug="insurgency-frame")
    course = Course.objects.get(slug="mexico-cartels")
    post_response(
        prompt=prompt,
        course=course,
        author=User.objects.get(username="student2"),
        body="Peer view: the word *insurgency* overstates it.",
        evidence=[Evidence("new-lines-militarization", "those capabilities are rudimentary")],
    )
    log_in(page, demo_site, "student1")
    page.goto(f"{demo_site}/courses/mexico-cartels/prompts/{prompt.slug}/")
    expect(
        page.get_by_text("1 response from classmates will appear once you post your own.")
    ).to_be_visible()
    expect(page.get_by_text("Peer view")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="Response").fill(
        "New Lines calls them *insurgent-like*, and gives reasons."
    )
    page.get_by_label("Search passages").fill("insurgent groups")
    result = page.locator("#evidence-results .result").first
    expect(result).to_contain_text("more like insurgent groups")
    result.get_by_role("button", name="Use this passage").click()
    quote = page.get_by_label("The exact words you quote").first
    expect(quote).to_have_value(
        page.locator("#evidence-results [data-use-text]").first.get_attribute("data-use-text")
    )
    expect(page.get_by_label("Evidence 1: source")).to_have_value("new-lines-militarization")
    # Trim the passage to the words relied on, as a student would.
    quote.fill("Cartels now operate more like insurgent groups than purely criminal organizations")
    page.screenshot(path=str(artifacts / "discussion-picker.png"))
    page.get_by_role("button", name="Post response").click()

    expect(page.get_by_text("Your response is posted.")).to_be_visible()
    expect(page.get_by_text("Peer view: the word")).to_be_visible()  # peers appear once posted
    mine = Post.objects.get(author__username="student1")
    assert mine.evidence.get().exact.startswith("Cartels now operate more like insurgent groups")
    expect(page.locator(f"#post-{mine.pk} em")).to_have_text("insurgent-like")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "discussion-thread.png"), full_page=True)

    page.goto(f"{demo_site}/courses/mexico-cartels/progress/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.locator("figure.chart svg[role=img]")).to_be_visible()
    expect(page.get_by_role("link", name="Are the cartels insurgents?")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "progress.png"), full_page=True)
