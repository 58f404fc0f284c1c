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
    Objective,
    Passage,
    Reading,
    ReadingNote,
    ReadingPassage,
    Source,
)
from courseware.pack import PackError, load_pack
from courseware.services import build_course
from tests.conftest import SEEDS
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

# Leftovers the seeds README lists: none may survive in any passage.
LEFTOVERS = [
    "Keep Factually independent",
    "even a $5 donation helps us",
    "Loading...",
    "Want to dive deeper?",
    "How did US demand for opioids and heroin shape",
    "Could alternative US approaches (decriminalization",
    "More Commentary",
    "Read more",
    "Scroll to Top",
    "The Leftist Experiment in Bolivia",
    "The Economy Doomed Harris",
    "No, Mexico Is Not Returning",
    "No comments",
    "Post a Comment",
    "https://www.google.com/search",
]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_the_real_seeds_give_passages_for_all_five_sources():
    counts = {s.slug: s.passages.count() for s in Source.objects.all()}
    assert len(counts) == 5
    assert all(n >= 10 for n in counts.values()), counts


def test_no_known_leftover_survives_in_any_passage():
    for leftover in LEFTOVERS:
        assert not Passage.objects.filter(text__contains=leftover).exists(), leftover


def test_every_real_line_of_every_source_survives_in_its_passages():
    pack = load_pack(SEEDS)
    for spec in pack.sources:
        source = Source.objects.get(slug=spec.slug)
        removed = {r["line_no"] for r in source.removed_lines}
        kept = " ".join(words(source.text))
        raw_lines = pack.raw_bytes(spec).decode("utf-8").splitlines()
        for number, line in enumerate(raw_lines, start=1):
            if number in removed or not line.strip():
                continue
            assert " ".join(words(line)) in kept, f"{spec.slug} line {number}: {line[:60]}"


def test_removed_lines_are_reported_with_line_numbers_and_reasons():
    ellis = Source.objects.get(slug="ellis-organized-crime")
    removed = {r["text"]: r for r in ellis.removed_lines}
    assert removed["Scroll to Top"]["line_no"] == 162
    assert removed["Author"]["line_no"] == 5
    assert all(r["reason"] for r in ellis.removed_lines)


def test_passage_offsets_point_into_the_cleaned_text():
    for passage in Passage.objects.select_related("source"):
        assert passage.source.text[passage.start : passage.end] == passage.text


def test_readings_cover_all_five_sources_and_every_objective():
    sources = set(ReadingPassage.objects.values_list("passage__source__slug", flat=True))
    assert sources == set(Source.objects.values_list("slug", flat=True))
    used = set(Reading.objects.values_list("objectives__code", flat=True))
    assert used == set(Objective.objects.values_list("code", flat=True))
    assert Objective.objects.count() >= 8


def test_a_second_build_changes_nothing_and_keeps_students(course):
    enrollment = EnrollmentFactory(course=course)
    before = {
        "passages": list(Passage.objects.order_by("pk").values_list("pk", "text")),
        "reading_passages": list(
            ReadingPassage.objects.order_by("pk").values_list("pk", "passage_id")
        ),
        "readings": list(Reading.objects.order_by("pk").values_list("pk", "slug")),
    }
    summary = build_course(seeds_dir=SEEDS)
    after = {
        "passages": list(Passage.objects.order_by("pk").values_list("pk", "text")),
        "reading_passages": list(
            ReadingPassage.objects.order_by("pk").values_list("pk", "passage_id")
        ),
        "readings": list(Reading.objects.order_by("pk").values_list("pk", "slug")),
    }
    assert after == before
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert Course.objects.count() == 1
    assert summary.sources == 5 and summary.readings == Reading.objects.count()


def test_the_command_prints_progress_and_a_summary():
    out = StringIO()
    call_command("build_course", stdout=out)
    text = out.getvalue()
    assert "source ellis-organized-crime:" in text
    assert re.search(
        r"Built: 5 sources, \d+ passages, \d+ removed lines, 8 objectives, \d+ readings", text
    )


def test_a_changed_source_file_stops_the_build_with_its_sha256(seeds_copy):
    path = next((seeds_copy / "sources").glob("003-*"))
    path.write_bytes(path.read_bytes().replace(b"Eighty", b"Ninety"))
    with pytest.raises(CommandError) as error:
        call_command("build_course", "--seeds", str(seeds_copy), stdout=StringIO())
    message = str(error.value)
    assert "sources.toml, source 'al-jazeera-guns'" in message
    assert path.name in message and "sha256" in message
    assert "Nothing was changed" in message


def test_a_reading_quote_that_does_not_anchor_names_file_item_and_nearest_text(seeds_copy):
    readings = seeds_copy / "course" / "readings.toml"
    readings.write_text(
        readings.read_text().replace(
            "These capabilities, while formidable", "These capabilites, while formidable"
        )
    )
    with pytest.raises(PackError) as error:
        build_course(seeds_dir=seeds_copy)
    assert error.value.file == "course/readings.toml"
    assert error.value.item == "reading 'militarization', part 1 (last)"
    assert "These capabilities, while formidable" in error.value.message


def test_a_failed_build_leaves_the_database_as_it_was(seeds_copy):
    titles = list(Reading.objects.values_list("title", flat=True))
    readings = seeds_copy / "course" / "readings.toml"
    text = readings.read_text().replace('title = "Weighing the sources"', 'title = "Renamed"')
    readings.write_text(text.replace('first = "date 2026-03-03"', 'first = "date 2099-01-01"'))
    with pytest.raises(PackError):
        build_course(seeds_dir=seeds_copy)
    assert list(Reading.objects.values_list("title", flat=True)) == titles


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "news"', 'kind = "rumour"', "kind 'rumour' is not one of"),
        ('slug = "al-jazeera-guns"', 'slug = "ellis-organized-crime"', "is defined twice"),
        ("[source.clean]\nunwrap = true", "[source.clean]\nunwrap = true\nsplit = 3", "split"),
        ('published = "2026-03-03"', 'published = "March 2026"', "YYYY"),
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


def test_sources_toml_records_the_sha256_of_every_file_byte_for_byte():
    import hashlib

    for spec in load_pack(SEEDS).sources:
        assert hashlib.sha256((SEEDS / spec.file).read_bytes()).hexdigest() == spec.sha256


def test_every_note_citation_anchors_exactly_in_its_source():
    citations = NoteCitation.objects.select_related("source")
    assert citations.count() >= 10
    for citation in citations:
        assert citation.source.text[citation.start : citation.end] == citation.exact
        citation.full_clean()


def test_a_disagreement_note_cites_both_sides():
    note = ReadingNote.objects.get(title__startswith="The sources disagree: how many gun stores")
    assert {c.source.slug for c in note.citations.all()} == {
        "new-lines-militarization",
        "al-jazeera-guns",
    }
