"""Discussion prompts and the timeline, on the fixture pack (the real pack's: tests/pack/)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from courseware.models import EventCitation, PerspectiveCitation, Prompt, TimelineEvent

pytestmark = pytest.mark.django_db


def test_every_prompt_has_perspectives_citing_two_sources():
    prompts = Prompt.objects.prefetch_related("perspectives__citations")
    assert prompts.count() >= 2
    for prompt in prompts:
        perspectives = list(prompt.perspectives.all())
        assert len(perspectives) >= 2, prompt.slug
        assert all(p.citations.exists() for p in perspectives), prompt.slug
        assert len({c.source_id for p in perspectives for c in p.citations.all()}) >= 2, prompt.slug
        assert 3 <= len(prompt.guiding_questions) <= 5, prompt.slug


def test_every_timeline_event_is_cited():
    events = TimelineEvent.objects.prefetch_related("citations")
    assert events.count() >= 4
    assert all(e.citations.exists() for e in events)


def test_every_prompt_and_event_citation_anchors_exactly():
    for citation in [
        *PerspectiveCitation.objects.select_related("source"),
        *EventCitation.objects.select_related("source"),
    ]:
        assert citation.source.text[citation.start : citation.end] == citation.exact


def test_a_prompt_page_shows_question_perspectives_and_linked_quotes(
    client, course, student, django_assert_max_num_queries
):
    prompt = Prompt.objects.first()
    client.force_login(student)
    with django_assert_max_num_queries(10):
        html = client.get(
            reverse("prompt_detail", args=[course.slug, prompt.slug])
        ).content.decode()
    assert escape(prompt.question) in html
    for perspective in prompt.perspectives.all():
        assert escape(perspective.label) in html
        for citation in perspective.citations.all():
            assert (
                reverse(
                    "cite", args=[course.slug, citation.source.slug, citation.start, citation.end]
                )
                in html
            )
    for question in prompt.guiding_questions:
        assert escape(question) in html


def test_the_course_home_lists_the_prompts(client, course, student):
    client.force_login(student)
    html = client.get(reverse("course_detail", args=[course.slug])).content.decode()
    for prompt in Prompt.objects.all():
        assert reverse("prompt_detail", args=[course.slug, prompt.slug]) in html


def test_the_timeline_page_shows_every_event_in_order_grouped_by_period(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("timeline", args=[course.slug])).content.decode()
    events = list(TimelineEvent.objects.order_by("sort", "slug"))
    positions = [html.index(f'id="event-{e.slug}"') for e in events]
    assert positions == sorted(positions)
    assert html.count('class="period"') >= 3
    for event in events:
        assert escape(event.when) in html


def test_prompt_and_timeline_pages_are_for_course_members_only(client, course, other_student):
    prompt = Prompt.objects.first()
    urls = [
        reverse("prompt_detail", args=[course.slug, prompt.slug]),
        reverse("timeline", args=[course.slug]),
    ]
    for url in urls:
        assert client.get(url).url.startswith(reverse("login"))
    client.force_login(other_student)
    for url in urls:
        assert client.get(url).status_code == 404
