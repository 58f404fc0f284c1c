"""A teacher adds a web page's text as a source: the preview shows what cleaning removes and
the passages, a ticked line is kept, and saving adds what was previewed — under the strict
Content-Security-Policy, and with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from courseware.models import Source
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEB_COPY = Path(__file__).parents[1] / "fixtures" / "texts" / "crs-r48859-mexico-web-copy.txt"


def _add_source(page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/courseware/source/add/")
    page.locator("#id_slug").fill("crs-web")
    page.locator("#id_title").fill("CRS report on Mexico (web copy)")
    page.locator("#id_kind").select_option("analysis")
    page.locator("#id_paste").fill(WEB_COPY.read_text("utf-8"))
    page.get_by_role("button", name="Preview the cleaning").click()

    preview = page.locator(".source-preview")
    expect(preview).to_contain_text("Preview: nothing is saved yet")
    expect(preview).to_contain_text("41 passages")
    expect(preview).to_contain_text("Hard-wrapped at 72 characters")
    expect(preview).to_contain_text("page furniture: cookie notice")

    page.get_by_label("Keep line 2", exact=True).check()
    page.get_by_role("button", name="Preview the cleaning").click()
    expect(page.locator(".source-preview")).to_contain_text("42 passages")
    expect(page.locator("#id_keep_lines")).to_have_value("The Policy Digest")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")


def test_a_teacher_previews_adjusts_and_adds_a_web_copy(demo_site, page):
    log_in(page, demo_site, "teacher")
    _add_source(page, demo_site)

    source = Source.objects.get(slug="crs-web")
    assert source.passages.count() == 42
    assert source.clean_rules == {"keep_lines": ["The\\ Policy\\ Digest"]}


def test_the_preview_works_with_javascript_off(demo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo_site, "teacher")
    _add_source(page, demo_site)
    context.close()

    assert Source.objects.get(slug="crs-web").passages.count() == 42
