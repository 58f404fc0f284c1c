"""Generated drafts wait in a review queue: accept as they are, edit then publish, or reject
with a reason; the acceptance rate of each generator rule is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courseware.models import Objective, Source
from quizzes.models import Question
from quizzes.selectors import acceptance_by_rule
from quizzes.services import generate_drafts
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

URL = reverse("admin:quizzes_question_review")


@pytest.fixture
def drafts(db) -> list[Question]:
    return generate_drafts(sources=[Source.objects.get(slug="delta-news")], limit=4, seed=1)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def test_the_queue_lists_each_waiting_draft_with_its_answer_and_citation(teacher_client, drafts):
    listing = teacher_client.get(reverse("admin:quizzes_question_changelist"))
    assert URL in listing.content.decode()  # linked from the question list
    page = teacher_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for draft in drafts:
        version = draft.current_version()
        assert draft.key in html
        assert version.citations.get().exact in html
    assert f"Waiting for review: {len(drafts)}" in html


def test_accepting_a_draft_publishes_it_and_records_who(teacher_client, teacher, drafts):
    draft = drafts[0]
    response = teacher_client.post(URL, {"question": draft.pk, "decision": "accept"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.reviewed_by == teacher and draft.reviewed_at is not None


def test_rejecting_needs_a_reason_and_keeps_it(teacher_client, teacher, drafts):
    draft = drafts[1]
    refused = teacher_client.post(URL, {"question": draft.pk, "decision": "reject", "reason": " "})
    assert refused.status_code == 400
    assert "Say why the draft is rejected" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    reason = "The distractors are not plausible."
    response = teacher_client.post(
        URL, {"question": draft.pk, "decision": "reject", "reason": reason}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "rejected" and draft.rejection_reason == reason
    assert draft.reviewed_by == teacher


def test_a_question_that_is_not_a_waiting_draft_cannot_be_decided_here(teacher_client, drafts):
    pack = Question.objects.get(key="flow-longest")
    assert teacher_client.post(URL, {"question": pack.pk, "decision": "accept"}).status_code == 404
    assert teacher_client.post(URL, {"question": "x", "decision": "accept"}).status_code == 404
    bad = teacher_client.post(URL, {"question": drafts[0].pk, "decision": "maybe"})
    assert bad.status_code == 400 and "Choose accept or reject" in bad.content.decode()


def test_the_acceptance_rate_per_rule_counts_decisions(teacher_client, teacher, drafts):
    rule = drafts[0].generator_rule
    same_rule = [d for d in drafts if d.generator_rule == rule]
    teacher_client.post(URL, {"question": same_rule[0].pk, "decision": "accept"})
    records = {r.rule: r for r in acceptance_by_rule()}
    assert records[rule].accepted == 1 and records[rule].rejected == 0
    assert records[rule].pending == len(same_rule) - 1
    assert records[rule].acceptance == 1.0
    if len(same_rule) > 1:
        teacher_client.post(
            URL, {"question": same_rule[1].pk, "decision": "reject", "reason": "Too easy."}
        )
        records = {r.rule: r for r in acceptance_by_rule()}
        assert records[rule].acceptance == 0.5
    html = teacher_client.get(URL).content.decode()
    assert rule in html


def test_publishing_an_edited_draft_from_its_form_counts_as_accepting_it(
    teacher_client, teacher, drafts
):
    draft = drafts[0]
    url = reverse("admin:quizzes_question_change", args=[draft.pk])
    data = change_form_data(teacher_client.get(url))
    data["stem"] = data["stem"] + " (edited)"
    data["status"] = "published"
    data["objectives"] = []  # the teacher removes the proposed objectives
    refused = teacher_client.post(url, data)  # a published question needs an objective
    assert refused.status_code == 200 and "objectives" in refused.context["adminform"].form.errors
    data["objectives"] = [str(Objective.objects.get(code="river-flow").pk)]
    assert teacher_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.reviewed_by == teacher
    assert draft.current_version().stem.endswith("(edited)")
    records = {r.rule: r for r in acceptance_by_rule()}
    assert records[draft.generator_rule].accepted == 1


def test_students_cannot_open_the_queue(client, student):
    client.force_login(student)
    assert client.get(URL).status_code == 302
