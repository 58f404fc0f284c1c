from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from quizzes.models import Question, Quiz
from tests.browser.conftest import log_in
from tests.factories import take_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_writes_a_cited_question_previews_publishes_and_exports_grades(
    demo_site, page, artifacts
):
    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/admin/quizzes/question/add/")
    page.get_by_role("link", name="Single choice").click()

    page.locator("#id_key").fill("teacher-yangtze-dam")
    page.locator("#id_stem").fill("According to the survey, which dam is on the Yangtze?")
    page.locator("#id_choice_1_text").fill("The Three Gorges Dam")
    page.locator("#id_choice_1_correct").check()
    page.locator("#id_choice_2_text").fill("The Aswan High Dam")
    page.locator("#id_choice_3_text").fill("The Hoover Dam")
    page.locator("#id_explanation").fill("The survey names the Three Gorges Dam on the Yangtze.")

    # Pick the words through the picker: search the passages, use one.
    page.get_by_text("Find the words in a source").first.click()
    page.get_by_label("Search the passages for").first.fill("Three Gorges Yangtze")
    result = page.locator("#passage-results-1 li").first
    expect(result).to_contain_text("Three Gorges Dam on the Yangtze")
    result.get_by_role("button").click()
    check = page.locator("#citation-1-check")
    expect(check).to_contain_text("✓ Found")

    # A wrong quote is refused, with the nearest text offered.
    quote = page.locator("#id_citation_1_quote")
    quote.fill("The Three Gorge Dam on the Yangtse")
    expect(check).to_contain_text("✗ Not in this source")
    expect(check).to_contain_text("Nearest text")
    page.screenshot(path=str(artifacts / "teacher-citation-refused.png"))
    check.get_by_role("button", name="Use the nearest text").click()
    expect(check).to_contain_text("✓ Found")
    expect(quote).to_have_value("The Three Gorges Dam on the Yangtze")
    page.screenshot(path=str(artifacts / "teacher-citation-found.png"))

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    question = Question.objects.get(key="teacher-yangtze-dam")
    assert question.status == "draft"
    citation = question.current_version().citations.get()
    assert citation.exact.endswith("on the Yangtze")

    # Preview as a student, answer, see the feedback and the citation.
    page.get_by_role("link", name="Preview as a student").click()
    expect(page.get_by_text("exactly as a student sees it")).to_be_visible()
    page.get_by_label("The Three Gorges Dam").check()
    page.get_by_role("button", name="Check the answer and see the feedback").click()
    expect(page.locator(".review")).to_contain_text("names the Three Gorges Dam")
    expect(page.locator(".review blockquote")).to_contain_text("Three Gorges Dam on the Yangtze")
    page.screenshot(path=str(artifacts / "teacher-preview.png"), full_page=True)

    # Publish it: that needs an objective, which the form shows in plain view.
    page.get_by_role("link", name="Back to editing").click()
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Choose at least one objective")).to_be_visible()
    # Choose it as a teacher does, and wait until the admin's widget shows it chosen (under
    # load a double click can land before the widget's script is ready).
    page.locator("#id_objectives_from").select_option(
        label="Compare rivers by length and flow, and explain how dams change them."
    )
    page.get_by_role("button", name="Choose selected objectives").click()
    expect(page.locator("#id_objectives_to option", has_text="Compare rivers")).to_have_count(1)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    question.refresh_from_db()
    assert question.status == "published"

    # The gradebook, and its Canvas export.
    take_quiz(
        User.objects.get(username="student1"),
        Quiz.objects.get(slug="river-flow", practice_for__isnull=True),
    )
    page.goto(f"{demo_site}/courses/rivers/gradebook/")
    expect(page.get_by_role("heading", name="Gradebook", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "teacher-gradebook.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Canvas import files (zip)").click()
    students = set()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert archive.namelist()
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
            assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
            assert rows[1][0].strip() == "Points Possible"
            students |= {row[0] for row in rows[2:]}
    # Only students Fuente has a grade for: the others' Canvas grades are left alone.
    assert students == {"Flores, Ana"}
