"""generate_drafts (the generate_questions command's service) on the real pack: a short source
of claims gets "which source is this sentence from?" drafts whose choices are the sources its
course reads, never another course's."""

from __future__ import annotations

from courseware.ingest import anchor
from courseware.models import Source
from quizzes.generator import source_label
from quizzes.models import Question
from quizzes.services import generate_drafts


def test_a_short_source_gets_which_source_drafts_naming_only_its_course_s_sources(course):
    factually = Source.objects.get(slug="factually-drug-policy")
    drafts = generate_drafts(sources=[factually], limit=None, seed=1)
    asked = [q for q in drafts if q.generator_rule == "choice-source"]
    assert len(drafts) == 4 and len(asked) == 3
    read = {
        source_label(s.publisher, s.author, s.title, s.kind)
        for s in Source.objects.filter(passages__readings__courses=course).distinct()
    }
    assert len(read) == 5
    for question in asked:
        version = question.versions.get()
        choices = version.data["choices"]
        assert {c["text"] for c in choices} <= read and len(choices) == 4
        assert [c["text"] for c in choices if c["correct"]] == ["Factually"]
        (citation,) = version.citations.all()
        assert anchor(factually.text, citation.exact).start == citation.start
        assert question.status == Question.Status.DRAFT and question.objectives.exists()
