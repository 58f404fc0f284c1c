"""The real pack (seeds/) builds: every source, every line, every note; and building twice changes
nothing. How a build fails is tested on the fixture pack (tests/courseware/test_build_course.py)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

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
from courseware.pack import load_pack
from courseware.services import build_course
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.services import build_pack, start_attempt
from tests.conftest import SEEDS
from tests.factories import EnrollmentFactory, assert_pack_cleaned

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_pack")]

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


def real_sources():
    return Source.objects.filter(slug__in=[spec.slug for spec in load_pack(SEEDS).sources])


def test_the_real_seeds_give_passages_for_all_five_sources():
    counts = {s.slug: s.passages.count() for s in real_sources()}
    assert len(counts) == 5
    assert all(n >= 10 for n in counts.values()), counts


def test_every_raw_line_survives_and_no_known_leftover_does():
    assert_pack_cleaned(SEEDS, LEFTOVERS)


def test_removed_lines_are_reported_with_line_numbers_and_reasons():
    ellis = Source.objects.get(slug="ellis-organized-crime")
    removed = {r["text"]: r for r in ellis.removed_lines}
    assert removed["Scroll to Top"]["line_no"] == 162
    assert removed["Author"]["line_no"] == 5
    assert all(r["reason"] for r in ellis.removed_lines)


def test_passage_offsets_point_into_the_cleaned_text():
    for passage in Passage.objects.filter(source__in=real_sources()).select_related("source"):
        assert passage.source.text[passage.start : passage.end] == passage.text


def test_readings_cover_all_five_sources_and_every_objective(course):
    readings = Reading.objects.filter(courses=course)
    sources = set(
        ReadingPassage.objects.filter(reading__in=readings).values_list(
            "passage__source__slug", flat=True
        )
    )
    assert sources == set(real_sources().values_list("slug", flat=True))
    used = set(readings.values_list("objectives__code", flat=True))
    codes = {o.code for o in load_pack(SEEDS).objectives}
    assert (
        used
        == codes
        == set(Objective.objects.filter(code__in=codes).values_list("code", flat=True))
    )
    assert len(codes) >= 8


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
    assert Course.objects.filter(slug="mexico-cartels").count() == 1
    assert (
        summary.sources == 5 and summary.readings == Reading.objects.filter(courses=course).count()
    )


def test_the_command_prints_progress_and_a_summary():
    out = StringIO()
    call_command("build_course", "--seeds", str(SEEDS), stdout=out)
    text = out.getvalue()
    assert "source ellis-organized-crime:" in text
    assert re.search(
        r"Built: 5 sources, \d+ passages, \d+ removed lines, 8 objectives, \d+ readings", text
    )


def test_sources_toml_records_the_sha256_of_every_file_byte_for_byte():
    import hashlib

    for spec in load_pack(SEEDS).sources:
        assert hashlib.sha256((SEEDS / spec.file).read_bytes()).hexdigest() == spec.sha256


def test_every_note_citation_anchors_exactly_in_its_source():
    citations = NoteCitation.objects.filter(note__reading__courses__slug="mexico-cartels")
    citations = citations.select_related("source")
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


def test_the_real_bank_has_published_questions_of_every_type_each_citing_words_that_anchor(
    course,
):
    questions = Question.objects.filter(quizzes__course=course).distinct()
    questions = questions.prefetch_related("versions__citations__source")
    assert {q.kind for q in questions} == {k for k, _ in Question.Kind.choices}
    for question in questions:
        assert question.status == Question.Status.PUBLISHED, question.key
        version = question.current_version()
        assert version.explanation and version.citations.exists(), question.key
        for citation in version.citations.all():
            assert citation.source.text[citation.start : citation.end] == citation.exact


def test_every_real_reading_with_questions_has_a_quiz_and_there_is_a_unit_review(course):
    quizzes = Quiz.objects.filter(course=course).select_related("reading")
    assert {q.reading.slug for q in quizzes if q.reading} >= {
        "weapons-flow",
        "militarization",
        "us-drug-policy",
    }
    unit = quizzes.get(slug="unit-review")
    covered = set(unit.questions.values_list("objectives__code", flat=True))
    assert covered == {o.code for o in load_pack(SEEDS).objectives}
    assert unit.time_limit_minutes


def test_rebuilding_the_real_pack_changes_no_question_or_version():
    before = list(
        QuestionVersion.objects.order_by("pk").values_list("pk", "question__key", "number")
    )
    build_pack(seeds_dir=SEEDS)
    after = QuestionVersion.objects.order_by("pk").values_list("pk", "question__key", "number")
    assert list(after) == before


def test_every_real_quiz_can_be_taken_and_its_result_opens_the_cited_words(client, course, student):
    client.force_login(student)
    quizzes = list(course.quizzes.all())
    assert len(quizzes) >= 9
    for quiz in quizzes:
        attempt = start_attempt(quiz=quiz, student=student)
        assert client.get(reverse("attempt_detail", args=[attempt.pk])).status_code == 200
        client.post(reverse("attempt_submit", args=[attempt.pk]))
        result = client.get(reverse("attempt_result", args=[attempt.pk]))
        assert result.status_code == 200, quiz.slug
        assert "open at these words" in result.content.decode()


def test_every_student_page_of_the_real_course_opens(client, course, student):
    client.force_login(student)
    slug = course.slug
    paths = [
        reverse("course_detail", args=[slug]),
        reverse("progress", args=[slug]),
        reverse("quiz_list", args=[slug]),
        reverse("timeline", args=[slug]),
        *(reverse("reading_detail", args=[slug, r.slug]) for r in course.readings.all()),
        *(reverse("source_detail", args=[slug, s.slug]) for s in load_pack(SEEDS).sources),
        *(reverse("prompt_detail", args=[slug, p.slug]) for p in course.prompts.all()),
    ]
    assert len(paths) >= 4 + 10 + 5
    for path in paths:
        assert client.get(path).status_code == 200, path
