"""A teacher finds a near miss from the item analysis, accepts it after the confirmation, and
sees the student's grade change in the gradebook (Chromium, under the site's CSP)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from quizzes.models import Quiz
from tests.browser.conftest import log_in
from tests.factories import take_quiz

pytestmark = pytest.mark.browser


def grade_link(page, username):
    """The student's river-flow grade in the gradebook (its link: the grade, then a hidden
    ": name, details")."""
    user = User.objects.get(username=username)
    return page.locator(
        f'a[href="/courses/rivers/gradebook/quizzes/river-flow/students/{user.pk}/"]'
    )


def test_a_teacher_accepts_a_near_miss_and_the_gradebook_follows(demo_site, page, artifacts):
    quiz = Quiz.objects.get(slug="river-flow", practice_for__isnull=True)
    take_quiz(User.objects.get(username="student1"), quiz, {"flow-silt-trap": "slit"})
    take_quiz(User.objects.get(username="student2"), quiz, {"flow-silt-trap": "Slit."})
    log_in(page, demo_site, "teacher")
    page.goto(f"{demo_site}/courses/rivers/gradebook/")
    expect(grade_link(page, "student1")).to_have_text(re.compile(r"^0:"))

    page.goto(f"{demo_site}/courses/rivers/quizzes/river-flow/analysis/")
    page.get_by_role("link", name="Near misses").click()
    row = page.get_by_role("row").filter(has_text="slit")
    expect(row).to_contain_text("2 students (2 responses)")
    expect(row).to_contain_text("spelling, 75% alike")
    page.screenshot(path=str(artifacts / "near-misses.png"), full_page=True)
    row.get_by_role("button", name="Accept…").click()

    expect(page.get_by_role("heading", name="Accept “slit” for question 5?")).to_be_visible()
    expect(page.get_by_text("2 change score")).to_be_visible()
    students = page.get_by_role("table").first
    expect(students).to_contain_text("0.00")
    expect(students).to_contain_text("1.00")
    page.get_by_role("button", name="Accept and regrade 2 responses").click()

    expect(page.get_by_text("“slit” is now accepted for flow-silt-trap.")).to_be_visible()
    expect(page.get_by_text("2 students (2 responses)")).to_have_count(0)
    page.goto(f"{demo_site}/courses/rivers/gradebook/")
    expect(grade_link(page, "student1")).to_have_text(re.compile(r"^1:"))
