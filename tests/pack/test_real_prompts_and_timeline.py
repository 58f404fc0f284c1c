"""The real pack's discussion prompts and timeline: how many, what they span, and how they treat
the one source that names no sources of its own (a search engine's AI overview, reposted)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from courseware.models import Prompt, TimelineEvent
from courseware.pack import EventSpec, PromptSpec, load_pack
from tests.conftest import SEEDS

AI_OVERVIEW = "leahy-ai-overview"

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


def ai_overview_perspective_problems(prompts: Sequence[PromptSpec]) -> list[str]:
    """A perspective never rests on the AI overview alone, and one that cites it says so."""
    problems = []
    for prompt in prompts:
        for perspective in prompt.perspectives:
            sources = {c.source for c in perspective.citations}
            where = f"{prompt.slug}: {perspective.label!r}"
            if sources == {AI_OVERVIEW}:
                problems.append(f"{where} rests on the AI overview alone")
            elif AI_OVERVIEW in sources and "AI overview" not in perspective.summary:
                problems.append(f"{where} cites the AI overview without naming it")
    return problems


def ai_overview_event_problems(events: Sequence[EventSpec]) -> list[str]:
    """An event whose only source is the AI overview is titled as its report, not as a fact."""
    return [
        event.slug
        for event in events
        if {c.source for c in event.citations} == {AI_OVERVIEW} and "AI overview" not in event.title
    ]


def test_no_perspective_rests_on_the_ai_overview_alone_or_cites_it_unnamed():
    assert ai_overview_perspective_problems(load_pack(SEEDS).prompts) == []


def test_events_resting_on_the_ai_overview_alone_say_so_in_their_title():
    assert ai_overview_event_problems(load_pack(SEEDS).events) == []
