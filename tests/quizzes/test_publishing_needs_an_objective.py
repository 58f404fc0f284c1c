"""A published question counts toward mastery, so every way of publishing one needs an
objective; generated drafts arrive with the objectives of the readings they come from."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courseware.models import Objective, Passage, ReadingPassage, Source
from quizzes.models import Question
from quizzes.services import accept_draft, generate_drafts, set_question_status

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:quizzes_question_review")
RIVER_FLOW = {"river-flow", "judging-sources"}  # the "river-flow" reading's objectives


def codes(question: Question) -> set[str]:
    return set(question.objectives.values_list("code", flat=True))


def cited_passage(question: Question) -> Passage:
    citation = question.current_version().citations.get()
    return Passage.objects.get(
        source=citation.source, start__lte=citation.start, end__gte=citation.end
    )


@pytest.fixture
def drafts(db) -> list[Question]:
    return generate_drafts(sources=[Source.objects.get(slug="delta-news")], limit=4, seed=1)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def test_a_draft_is_proposed_the_objectives_of_the_readings_that_include_its_passage():
    survey = Source.objects.get(slug="river-survey")
    # Both readings read the survey, "water-cycle" other passages of it than the drafts cite.
    assert set(
        ReadingPassage.objects.filter(passage__source=survey).values_list(
            "reading__slug", flat=True
        )
    ) == {"river-flow", "water-cycle"}
    drafts = generate_drafts(sources=[survey], limit=None, seed=1)
    assert drafts
    for draft in drafts:
        readings = ReadingPassage.objects.filter(passage=cited_passage(draft))
        assert set(readings.values_list("reading__slug", flat=True)) == {"river-flow"}
        assert codes(draft) == RIVER_FLOW  # not "water-cycle": that reading skips the passage


def test_a_draft_whose_passage_no_reading_includes_gets_the_objectives_of_its_sources_readings():
    survey = Source.objects.get(slug="river-survey")
    passages = {cited_passage(d).pk for d in generate_drafts(sources=[survey], limit=None, seed=1)}
    Question.objects.filter(origin=Question.Origin.GENERATED).delete()
    ReadingPassage.objects.filter(passage__in=passages).delete()
    drafts = generate_drafts(sources=[survey], limit=None, seed=1)
    assert drafts and {cited_passage(d).pk for d in drafts} == passages
    for draft in drafts:
        assert codes(draft) == RIVER_FLOW | {"water-cycle"}  # both readings use the survey

    Question.objects.filter(origin=Question.Origin.GENERATED).delete()
    ReadingPassage.objects.filter(passage__source=survey).delete()  # no reading uses it now
    drafts = generate_drafts(sources=[survey], limit=None, seed=1)
    assert drafts and all(not d.objectives.exists() for d in drafts)


def test_a_question_without_an_objective_cannot_be_published(drafts):
    draft = drafts[0]
    draft.objectives.clear()
    with pytest.raises(ValidationError) as refused:
        set_question_status(draft, Question.Status.PUBLISHED)
    assert refused.value.messages == [
        f"{draft.key} cannot be published: choose at least one objective, so it counts "
        "toward mastery."
    ]
    draft.refresh_from_db()
    assert draft.status == Question.Status.DRAFT


def test_the_bulk_publish_action_reports_each_question_without_an_objective(teacher_client, drafts):
    bare, proposed = drafts[0], drafts[1]
    bare.objectives.clear()
    response = teacher_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "publish", "_selected_action": [bare.pk, proposed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    bare.refresh_from_db()
    proposed.refresh_from_db()
    assert bare.status == "draft" and proposed.status == "published"
    messages = [str(m) for m in response.context["messages"]]
    assert "1 question now published." in messages
    assert (
        f"{bare.key} cannot be published: choose at least one objective, so it counts "
        "toward mastery." in messages
    )


def test_the_queue_refuses_to_accept_a_draft_without_an_objective_until_it_has_one(
    teacher_client, teacher, drafts
):
    draft = drafts[0]
    draft.objectives.clear()
    refused = teacher_client.post(QUEUE, {"question": draft.pk, "decision": "accept"})
    assert refused.status_code == 400
    assert "choose at least one objective, so it counts toward mastery" in (
        refused.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.reviewed_at is None
    draft.objectives.add(Objective.objects.get(code="river-flow"))
    accepted = teacher_client.post(QUEUE, {"question": draft.pk, "decision": "accept"})
    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.reviewed_by == teacher


def test_accepting_a_generated_draft_keeps_its_proposed_objectives(teacher, drafts):
    draft = drafts[0]
    assert codes(draft) == RIVER_FLOW
    accept_draft(question=draft, by=teacher)
    draft.refresh_from_db()
    assert draft.status == "published" and codes(draft) == RIVER_FLOW
