"""A source's publication date (recorded as "2026", "2026-03" or "2026-03-03") is written in the
reader's language wherever a page shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from courseware.models import Source
from courseware.templatetags.courseware import publication_date


@pytest.mark.parametrize(
    ("language", "published", "shown"),
    [
        ("en", "2026", "2026"),
        ("es", "2026", "2026"),
        ("en", "2026-03", "March 2026"),
        ("es", "2026-03", "marzo de 2026"),
        ("en", "2026-03-03", "March 3, 2026"),
        ("es", "2026-03-03", "3 de marzo de 2026"),
        ("es", "2026-02-30", "2026-02-30"),  # not a date: as recorded
        ("es", "2026-13", "2026-13"),
        ("es", "spring 2026", "spring 2026"),
        ("es", "", ""),
    ],
)
def test_a_publication_date_in_the_readers_language(language, published, shown):
    with translation.override(language):
        assert publication_date(published) == shown


@pytest.mark.django_db
def test_the_source_page_gives_the_date_in_spanish(client, course, student):
    source = Source.objects.get(slug="delta-news")
    Source.objects.filter(pk=source.pk).update(published="2024-05-02")
    client.force_login(student)
    page = client.get(
        reverse("source_detail", args=[course.slug, source.slug]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "2 de mayo de 2024" in page.content.decode()
    assert "2024-05-02" not in page.content.decode()
