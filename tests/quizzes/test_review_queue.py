"""Generated drafts wait in a review queue: accept as they are, edit then publish, or reject
with a reason; the acceptance rate of each generator rule is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courseware.models import Objective, Source
from quizzes.models import Question, QuestionCitation
from quizzes.selectors import acceptance_by_rule
from quizzes.services import generate_drafts, reject_draft
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


def _rekeyed(question: Question) -> Question:
    # A draft of the same sentence under another key: what a later run proposes when another
    # rule (or pool) makes a blank of what was a choice, so the key check alone lets it in.
    Question.objects.filter(pk=question.pk).update(key=f"older-{question.key}")
    question.refresh_from_db()
    return question


def test_a_sentence_already_waiting_for_review_is_not_drafted_again(db):
    source = Source.objects.get(slug="delta-news")
    first = generate_drafts(sources=[source], limit=None, seed=1)
    assert len(first) >= 2
    key = first[0].key
    waiting = _rekeyed(first[0])
    again = generate_drafts(sources=[source], limit=None, seed=1)
    assert again == []  # the renamed draft still waits with that sentence: not drafted twice
    assert not Question.objects.filter(key=key).exists()
    assert Question.objects.get(pk=waiting.pk).status == Question.Status.DRAFT


def test_a_sentence_no_longer_waiting_may_be_drafted_again(db, teacher):
    source = Source.objects.get(slug="delta-news")
    first = generate_drafts(sources=[source], limit=None, seed=1)
    key = first[0].key
    reject_draft(question=_rekeyed(first[0]), reason="Ambiguous.", by=teacher)
    again = generate_drafts(sources=[source], limit=None, seed=1)
    assert [question.key for question in again] == [key]


def test_the_same_fact_waiting_in_another_wording_is_not_drafted_again(db):
    source = Source.objects.get(slug="delta-news")
    first = generate_drafts(sources=[source], limit=None, seed=1)
    key = first[0].key
    citation = _rekeyed(first[0]).current_version().citations.get()
    # The waiting draft cites the sentence as an earlier edition worded it: one word differs,
    # the answer is the same, so distinct_facts calls it the same fact.
    words = citation.exact.split(" ")
    reworded = " ".join([*words[:-1], "indeed", words[-1]])
    QuestionCitation.objects.filter(pk=citation.pk).update(exact=reworded)
    assert generate_drafts(sources=[source], limit=None, seed=1) == []
    assert not Question.objects.filter(key=key).exists()
