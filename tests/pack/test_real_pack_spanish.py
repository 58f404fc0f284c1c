"""The real pack gives a Spanish version of its course, every objective and every reading (title
and summary), every reading note, every prompt's title and question, every perspective's label
and every timeline period; the words it quotes stay the source's in every version."""

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


def test_every_prompt_perspective_and_period_has_a_spanish_version():
    for prompt in PACK.prompts:
        assert {"title", "question"} <= set(prompt.translations["es"]), prompt.slug
        for number, perspective in enumerate(prompt.perspectives, start=1):
            assert perspective.translations["es"]["label"], f"{prompt.slug}, perspective {number}"
    for period in PACK.periods:
        assert period.translations["es"]["title"], period.title


def texts_with_versions():
    for reading in PACK.readings:
        yield f"reading {reading.slug}", reading.summary, reading.translations["es"]["summary"]
        for number, note in enumerate(reading.notes, start=1):
            where = f"reading {reading.slug}, note {number}"
            assert set(note.translations["es"]) == {"title", "text"}, where
            yield where, note.text, note.translations["es"]["text"]
    for prompt in PACK.prompts:
        yield f"prompt {prompt.slug}", prompt.question, prompt.translations["es"]["question"]


@pytest.mark.parametrize(("where", "english", "spanish"), list(texts_with_versions()))
def test_quoted_words_are_the_same_in_the_spanish_version(where, english, spanish):
    assert QUOTED.findall(spanish) == QUOTED.findall(english), where
