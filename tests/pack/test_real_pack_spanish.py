"""The real pack gives a Spanish version of its course, every objective and every reading (title
and summary), every reading note, every prompt (title, question, context, guiding questions),
every perspective (label, summary), every timeline period and every event (title, note, and its
date where it is more than a year); the words it quotes stay the source's in every version."""

from __future__ import annotations

import re

import pytest

from courseware.pack import load_pack
from tests.conftest import SEEDS

QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
PACK = load_pack(SEEDS)


def test_the_course_has_a_spanish_title_and_description():
    assert set(PACK.course.translations["es"]) == {"title", "description"}


@pytest.mark.parametrize("objective", PACK.objectives, ids=lambda o: o.code)
def test_every_objective_has_a_spanish_title(objective):
    spanish = objective.translations["es"]["title"]
    assert spanish and spanish != objective.title


@pytest.mark.parametrize("reading", PACK.readings, ids=lambda r: r.slug)
def test_every_reading_has_a_spanish_title_and_summary(reading):
    spanish = reading.translations["es"]
    assert spanish["title"] and spanish["title"] != reading.title
    assert spanish["summary"] and spanish["summary"] != reading.summary


def test_every_prompt_perspective_period_and_event_has_a_spanish_version():
    for prompt in PACK.prompts:
        spanish = prompt.translations["es"]
        assert {"title", "question", "context", "guiding_questions"} <= set(spanish), prompt.slug
        assert len(spanish["guiding_questions"]) == len(prompt.guiding_questions), prompt.slug
        for number, perspective in enumerate(prompt.perspectives, start=1):
            where = f"{prompt.slug}, perspective {number}"
            assert set(perspective.translations["es"]) == {"label", "summary"}, where
    for period in PACK.periods:
        assert period.translations["es"]["title"], period.title
    for event in PACK.events:
        spanish = event.translations["es"]
        assert spanish["title"] and spanish["title"] != event.title, event.slug
        assert ("note" in spanish) == bool(event.note), event.slug
        assert ("when" in spanish) == (not event.when.isdigit()), event.slug


def texts_with_versions():
    for reading in PACK.readings:
        yield f"reading {reading.slug}", reading.summary, reading.translations["es"]["summary"]
        for number, note in enumerate(reading.notes, start=1):
            where = f"reading {reading.slug}, note {number}"
            assert set(note.translations["es"]) == {"title", "text"}, where
            yield where, note.text, note.translations["es"]["text"]
    for prompt in PACK.prompts:
        spanish = prompt.translations["es"]
        yield f"prompt {prompt.slug}", prompt.question, spanish["question"]
        yield f"prompt {prompt.slug}, context", prompt.context, spanish["context"]
        for number, (english, version) in enumerate(
            zip(prompt.guiding_questions, spanish["guiding_questions"], strict=True), start=1
        ):
            if (prompt.slug, number) != ("weapons-responsibility", 2):  # “Responsible” is its own
                yield f"prompt {prompt.slug}, guiding question {number}", english, version
        for number, perspective in enumerate(prompt.perspectives, start=1):
            where = f"prompt {prompt.slug}, perspective {number}"
            yield where, perspective.summary, perspective.translations["es"]["summary"]
    for event in PACK.events:
        spanish = event.translations["es"]
        yield f"event {event.slug}", event.title, spanish["title"]
        if event.note:
            yield f"event {event.slug}, note", event.note, spanish["note"]


@pytest.mark.parametrize(("where", "english", "spanish"), list(texts_with_versions()))
def test_quoted_words_are_the_same_in_the_spanish_version(where, english, spanish):
    assert QUOTED.findall(spanish) == QUOTED.findall(english), where
