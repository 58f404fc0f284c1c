"""A reading's word count, minutes and grade level are stored when its text changes (the pack
build, a source's re-import, the reading's admin page, the migration for existing rows), so the
course home reads them instead of measuring every passage on every request."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from courseware.ingest import count_words, flesch_kincaid_grade, reading_minutes
from courseware.models import Passage, Reading
from courseware.services import reimport_source
from quizzes.services import build_pack
from tests.admin_forms import change_form_data
from tests.conftest import PACK

pytestmark = pytest.mark.django_db

MEASURES = ("word_count", "minutes", "grade_level")


def measured_now(reading: Reading) -> tuple[int, int, float]:
    """The measures of the reading's passages as they are in the database now."""
    text = "\n\n".join(
        rp.passage.text
        for rp in reading.reading_passages.select_related("passage").order_by("position")
        if rp.passage.kind != Passage.Kind.HEADING
    )
    words = count_words(text)
    return words, reading_minutes(words), flesch_kincaid_grade(text)


def stored(reading: Reading) -> tuple[int, int, float]:
    reading.refresh_from_db()
    return (reading.word_count, reading.minutes, reading.grade_level)


def test_the_pack_build_stores_every_readings_measures(course):
    for reading in Reading.objects.all():
        assert stored(reading) == measured_now(reading)
        assert reading.word_count > 0 and reading.minutes >= 1


def test_a_rebuild_measures_again(course):
    Reading.objects.update(word_count=0, minutes=0, grade_level=0)
    build_pack(seeds_dir=PACK)
    for reading in Reading.objects.all():
        assert stored(reading) == measured_now(reading) != (0, 0, 0)


def test_the_course_home_measures_nothing(client, course, student, monkeypatch):
    def no_measuring(*args, **kwargs):
        raise AssertionError("measured during a request")

    for name in ("count_words", "flesch_kincaid_grade", "reading_minutes"):
        monkeypatch.setattr(f"courseware.models.readings.{name}", no_measuring)
    monkeypatch.setattr("courseware.models.sources.count_words", no_measuring)
    Reading.objects.filter(slug="river-flow").update(minutes=7, grade_level=9.5)
    client.force_login(student)
    html = client.get(reverse("course_detail", args=[course.slug])).content.decode()
    assert "7 min read" in html and "grade 9.5" in html
    reading_page = client.get(reverse("reading_detail", args=[course.slug, "river-flow"]))
    assert "7 min read · Reading level: grade 9.5" in reading_page.content.decode()


def test_the_course_home_costs_the_same_however_many_readings(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    url = reverse("course_detail", args=[course.slug])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(8):
        extra = Reading.objects.create(slug=f"extra-{n}", title=f"Extra {n}", position=50 + n)
        extra.reading_passages.create(passage=Passage.objects.first(), position=0)
        course.readings.add(extra)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Extra 7" in html


def test_editing_a_readings_passages_in_the_admin_measures_it_again(admin_client):
    reading = Reading.objects.get(slug="water-cycle")
    before = stored(reading)
    url = reverse("admin:courseware_reading_change", args=[reading.pk])
    data = change_form_data(admin_client.get(url))
    rows = int(data["reading_passages-TOTAL_FORMS"])
    assert rows > 2
    for row in range(1, rows):  # keep only the first passage
        data[f"reading_passages-{row}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    after = stored(reading)
    assert after == measured_now(reading) and after[0] < before[0]


def test_the_admin_shows_the_measures_but_cannot_set_them(admin_client):
    reading = Reading.objects.get(slug="water-cycle")
    url = reverse("admin:courseware_reading_change", args=[reading.pk])
    data = change_form_data(admin_client.get(url)) | {"word_count": "1", "grade_level": "99"}
    assert admin_client.post(url, data).status_code == 302
    assert stored(reading) == measured_now(reading)


def test_a_re_imported_source_measures_its_readings_again(course):
    source = Passage.objects.get(text__startswith="Towns on the delta").source
    raw = source.raw_text
    longer = raw.replace(
        "Towns on the delta are sinking",
        "Towns on the low, flat and crowded delta, home to farmers and fishers, are sinking",
    )
    reimport_source(source=source, data=longer.encode("utf-8"))
    for reading in Reading.objects.filter(reading_passages__passage__source=source).distinct():
        assert stored(reading) == measured_now(reading)


def test_the_migration_measures_the_readings_that_exist(course):
    Reading.objects.update(word_count=0, minutes=0, grade_level=0)
    migration = import_module("courseware.migrations.0009_reading_levels")
    migration.measure_readings(apps, None)
    for reading in Reading.objects.all():
        assert stored(reading) == measured_now(reading)
