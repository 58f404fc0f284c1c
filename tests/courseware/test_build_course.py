"""Building a course pack (on the fixture pack): idempotent, and every mistake stops the build
with the file, the item and what to fix. The real pack's own build: tests/pack/."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courseware.models import (
    Course,
    Enrollment,
    NoteCitation,
    Passage,
    Reading,
    ReadingPassage,
    Source,
)
from courseware.pack import PackError
from courseware.services import build_course
from tests.conftest import PACK
from tests.factories import EnrollmentFactory, assert_pack_cleaned

pytestmark = pytest.mark.django_db

# Page leftovers in the fixture pack's sources: none may survive in any passage.
LEFTOVERS = [
    "Posted 2024-05-02",
    "By Sam Reed",
    "Share this post",
    "No comments",
    "Related stories",
    "Ten facts about rivers",
]


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(PACK, target)
    return target


def test_every_raw_line_survives_and_no_known_leftover_does():
    assert_pack_cleaned(PACK, LEFTOVERS)


def test_removed_lines_are_reported_with_line_numbers_and_reasons():
    blog = Source.objects.get(slug="lake-blog")
    removed = {r["text"]: r for r in blog.removed_lines}
    assert removed["By Sam Reed"]["line_no"] == 2
    assert removed["No comments"]["line_no"] == 14
    assert all(r["reason"] for r in blog.removed_lines)


def test_passage_offsets_point_into_the_cleaned_text():
    for passage in Passage.objects.select_related("source"):
        assert passage.source.text[passage.start : passage.end] == passage.text


def test_a_second_build_changes_nothing_and_keeps_students(course):
    enrollment = EnrollmentFactory(course=course)
    before = {
        "passages": list(Passage.objects.order_by("pk").values_list("pk", "text")),
        "reading_passages": list(
            ReadingPassage.objects.order_by("pk").values_list("pk", "passage_id")
        ),
        "readings": list(Reading.objects.order_by("pk").values_list("pk", "slug")),
    }
    summary = build_course(seeds_dir=PACK)
    after = {
        "passages": list(Passage.objects.order_by("pk").values_list("pk", "text")),
        "reading_passages": list(
            ReadingPassage.objects.order_by("pk").values_list("pk", "passage_id")
        ),
        "readings": list(Reading.objects.order_by("pk").values_list("pk", "slug")),
    }
    assert after == before
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert Course.objects.filter(slug=course.slug).count() == 1
    assert summary.sources == 3 and summary.readings == Reading.objects.count()


def test_the_command_prints_progress_and_a_summary():
    out = StringIO()
    call_command("build_course", "--seeds", str(PACK), stdout=out)
    text = out.getvalue()
    assert "source lake-blog:" in text
    assert re.search(
        r"Built: 3 sources, \d+ passages, \d+ removed lines, 3 objectives, \d+ readings", text
    )


def test_a_changed_source_file_stops_the_build_with_its_sha256(seeds_copy):
    path = next((seeds_copy / "sources").glob("001-*"))
    path.write_bytes(path.read_bytes().replace(b"two centimetres", b"three centimetres"))
    with pytest.raises(CommandError) as error:
        call_command("build_course", "--seeds", str(seeds_copy), stdout=StringIO())
    message = str(error.value)
    assert "sources.toml, source 'delta-news'" in message
    assert path.name in message and "sha256" in message
    assert "Nothing was changed" in message


def test_a_reading_quote_that_does_not_anchor_names_file_item_and_nearest_text(seeds_copy):
    readings = seeds_copy / "course" / "readings.toml"
    readings.write_text(
        readings.read_text().replace(
            "Critics reply that their reservoirs", "Critics reply that thier reservoirs"
        )
    )
    with pytest.raises(PackError) as error:
        build_course(seeds_dir=seeds_copy)
    assert error.value.file == "course/readings.toml"
    assert error.value.item == "reading 'river-flow', part 1 (last)"
    assert "Critics reply that their reservoirs" in error.value.message


def test_a_failed_build_leaves_the_database_as_it_was(seeds_copy):
    titles = list(Reading.objects.values_list("title", flat=True))
    readings = seeds_copy / "course" / "readings.toml"
    text = readings.read_text().replace('title = "The water cycle"', 'title = "Renamed"')
    readings.write_text(
        text.replace('first = "Notes from the lake shore"', 'first = "Notes from the sea"')
    )
    with pytest.raises(PackError):
        build_course(seeds_dir=seeds_copy)
    assert list(Reading.objects.values_list("title", flat=True)) == titles


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "news"', 'kind = "rumour"', "kind 'rumour' is not one of"),
        ('slug = "delta-news"', 'slug = "river-survey"', "is defined twice"),
        ("unwrap = true", "unwrap = true\nsplit = 3", "split"),
        ('published = "2024-05-02"', 'published = "May 2024"', "YYYY"),
    ],
)
def test_bad_source_metadata_is_refused_with_a_message(seeds_copy, old, new, expected):
    sources = seeds_copy / "sources.toml"
    assert old in sources.read_text()
    sources.write_text(sources.read_text().replace(old, new, 1))
    with pytest.raises(PackError) as error:
        build_course(seeds_dir=seeds_copy)
    assert expected in str(error.value)


def test_invalid_toml_is_reported_with_the_file(seeds_copy):
    (seeds_copy / "course" / "objectives.toml").write_text("[[objective]\ncode = ")
    with pytest.raises(PackError) as error:
        build_course(seeds_dir=seeds_copy)
    assert str(error.value).startswith("course/objectives.toml, file: is not valid TOML")


def test_every_note_citation_anchors_exactly_in_its_source():
    citations = NoteCitation.objects.select_related("source")
    assert citations.count() >= 3
    for citation in citations:
        assert citation.source.text[citation.start : citation.end] == citation.exact
        citation.full_clean()
