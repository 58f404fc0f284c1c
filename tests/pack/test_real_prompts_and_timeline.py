"""The real pack's discussion prompts and timeline: how many, and what they span."""

from __future__ import annotations

import pytest

from courseware.models import Prompt, TimelineEvent
from courseware.pack import load_pack
from tests.conftest import SEEDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_pack")]


def test_the_pack_has_twelve_prompts_each_with_perspectives_citing_two_sources(course):
    prompts = Prompt.objects.filter(courses=course).prefetch_related("perspectives__citations")
    assert prompts.count() >= 12
    for prompt in prompts:
        perspectives = list(prompt.perspectives.all())
        assert len(perspectives) >= 2, prompt.slug
        assert all(p.citations.exists() for p in perspectives), prompt.slug
        assert len({c.source_id for p in perspectives for c in p.citations.all()}) >= 2, prompt.slug
        assert 3 <= len(prompt.guiding_questions) <= 5, prompt.slug


def test_the_timeline_has_thirty_cited_events_from_the_1980s_to_2026(course):
    real = [spec.slug for spec in load_pack(SEEDS).sources]
    events = TimelineEvent.objects.filter(citations__source__slug__in=real).distinct()
    events = events.prefetch_related("citations")
    assert events.count() >= 30
    assert all(e.citations.exists() for e in events)
    sorts = sorted(e.sort for e in events)
    assert sorts[0] < "1990" and sorts[-1] >= "2026"
