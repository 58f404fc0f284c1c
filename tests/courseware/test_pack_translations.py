"""Per-language versions of a pack's own text (`es.title = "…"`): which shapes the loader takes,
each shape it refuses with the file and the item, and how a build stores them (and a rebuild
updates them). The pages that show them: tests/i18n/test_pack_translations.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.models import (
    Course,
    Objective,
    Perspective,
    Prompt,
    Reading,
    ReadingNote,
    TimelineEvent,
    TimelinePeriod,
)
from courseware.pack import PackError, load_pack
from courseware.services import build_course
from tests.conftest import PACK

OBJECTIVES = "course/objectives.toml"
OBJECTIVE_TITLE = 'title = "Describe the water cycle and how rivers form."\n'


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(PACK, target)
    return target


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_fixture_pack_gives_spanish_versions_of_each_kind_of_text():
    pack = load_pack(PACK)
    assert pack.course.translations == {"es": {"title": "Ríos y deltas"}}
    by_code = {o.code: o for o in pack.objectives}
    assert by_code["water-cycle"].translations == {
        "es": {"title": "Describir el ciclo del agua y cómo se forman los ríos."}
    }
    assert by_code["river-flow"].translations == {}
    readings = {r.slug: r for r in pack.readings}
    assert readings["river-flow"].translations["es"] == {
        "title": "Longitud, caudal y presas",
        "summary": "Qué río es el más largo, cuál lleva más agua y qué les hacen las presas a "
        "los deltas.",
    }
    assert readings["river-flow"].notes[0].translations == {
        "es": {"title": "Las fuentes no coinciden: ¿cuál es el río más largo?"}
    }
    assert readings["water-cycle"].translations == {}
    prompt = next(p for p in pack.prompts if p.slug == "dams-debate")
    assert prompt.translations["es"]["title"] == "¿Valen la pena las grandes presas?"
    assert len(prompt.translations["es"]["guiding_questions"]) == len(prompt.guiding_questions)
    assert prompt.perspectives[0].translations == {"es": {"label": "Sí: energía limpia y barata"}}
    assert prompt.perspectives[1].translations == {}
    assert pack.periods[0].translations == {
        "es": {"title": "La era de las grandes presas (hasta 1999)"}
    }
    assert pack.events[0].translations == {"es": {"title": "Se termina la presa alta de Asuán"}}
    # The quoted words stay the source's: a translation never reaches a citation.
    assert pack.readings[0].notes[0].citations[0].quote == (
        "so the Nile is the longest river in the world"
    )


def test_the_table_form_gives_the_same_version(pack_copy):
    edit(
        pack_copy,
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        '[objective.es]\ntitle = "  Describir   el ciclo. "\n',
    )
    assert load_pack(pack_copy).objectives[0].translations == {
        "es": {"title": "Describir el ciclo."}
    }


def test_multiline_versions_are_joined_like_the_english_text(pack_copy):
    edit(
        pack_copy,
        "course/course.toml",
        'es.title = "Ríos y deltas"\n',
        'es.description = """\nCómo se forman \\\n   los ríos."""\n',
    )
    assert load_pack(pack_copy).course.translations == {
        "es": {"description": "Cómo se forman los ríos."}
    }


def test_an_event_may_translate_its_date_label_and_note(pack_copy):
    edit(
        pack_copy,
        "course/timeline.toml",
        'es.title = "Se termina la presa alta de Asuán"\n',
        'es.when = "En 1970"\nes.note = "Una nota."\n',
    )
    assert load_pack(pack_copy).events[0].translations == {
        "es": {"when": "En 1970", "note": "Una nota."}
    }


REFUSED = [
    (
        OBJECTIVES,
        OBJECTIVE_TITLE,
        OBJECTIVE_TITLE + 'fr.title = "Décrire"\n',
        "course/objectives.toml, objective 'water-cycle': 'fr' is not one of the site's "
        "languages; a version may be given in: es.",
    ),
    (
        OBJECTIVES,
        OBJECTIVE_TITLE,
        OBJECTIVE_TITLE + 'en.title = "Describe"\n',
        "course/objectives.toml, objective 'water-cycle': 'en' is the pack's own language: "
        "write that text in the fields themselves (title).",
    ),
    (
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        'es.titel = "Describir"\n',
        "course/objectives.toml, objective 'water-cycle': es.titel is not a text of this "
        "item; es may give: title.",
    ),
    (
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        "es.title = 3\n",
        "course/objectives.toml, objective 'water-cycle': es.title must be a string.",
    ),
    (
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        'es.title = "   "\n',
        "course/objectives.toml, objective 'water-cycle': es.title is empty.",
    ),
    (
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        'es = "Describir"\n',
        "course/objectives.toml, objective 'water-cycle': 'es' must be a table, e.g. "
        'es.title = "…".',
    ),
    (
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        'title_es = "Describir"\n',
        "course/objectives.toml, objective #1: unknown key(s) title_es.",
    ),
    (
        "course/readings.toml",
        'es.title = "Longitud, caudal y presas"\n',
        'es.title = "Longitud"\nes.objectives = ["río"]\n',
        "course/readings.toml, reading 'river-flow': es.objectives is not a text of this item; "
        "es may give: title, summary.",
    ),
    (
        "course/readings.toml",
        'es.title = "Las fuentes no coinciden: ¿cuál es el río más largo?"\n',
        'es.citations = "x"\n',
        "course/readings.toml, reading 'river-flow', note 1: es.citations is not a text of "
        "this item; es may give: title, text.",
    ),
    (
        "course/prompts.toml",
        '  "¿Quién paga los costos y quién recibe los beneficios?",\n',
        "",
        "course/prompts.toml, prompt 'dams-debate': es.guiding_questions must be a list of 3 "
        "non-empty strings, one for each of guiding_questions.",
    ),
    (
        "course/prompts.toml",
        'es.question = "¿Debe un país construir grandes presas en sus ríos?"\n',
        'es.question = ["¿Debe?"]\n',
        "course/prompts.toml, prompt 'dams-debate': es.question must be a string.",
    ),
    (
        "course/prompts.toml",
        'es.label = "Sí: energía limpia y barata"\n',
        'es.quote = "Dicen"\n',
        "course/prompts.toml, prompt 'dams-debate', perspective 1: es.quote is not a text of "
        "this item; es may give: label, summary.",
    ),
    (
        "course/timeline.toml",
        'es.title = "Se termina la presa alta de Asuán"\n',
        'es.sort = "1971"\n',
        "course/timeline.toml, event 'aswan-finished': es.sort is not a text of this item; es "
        "may give: when, title, note.",
    ),
    (
        "course/timeline.toml",
        'es.title = "La era de las grandes presas (hasta 1999)"\n',
        'de.title = "Das Zeitalter"\n',
        "course/timeline.toml, period #1: 'de' is not one of the site's languages; a version "
        "may be given in: es.",
    ),
    (
        "course/course.toml",
        'es.title = "Ríos y deltas"\n',
        'es.slug = "rios"\n',
        "course/course.toml, [course]: es.slug is not a text of this item; es may give: title, "
        "description.",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), REFUSED)
def test_a_bad_version_is_refused_with_the_file_and_the_item(pack_copy, name, old, new, expected):
    edit(pack_copy, name, old, new)
    with pytest.raises(PackError) as error:
        load_pack(pack_copy)
    assert str(error.value) == expected


@pytest.mark.django_db
def test_the_build_stores_every_version():
    # The session's build of the fixture pack (tests/conftest.py).
    assert Course.objects.get(slug="rivers").translations == {"es": {"title": "Ríos y deltas"}}
    assert (
        Objective.objects.get(code="water-cycle")
        .translations["es"]["title"]
        .startswith("Describir el ciclo")
    )
    reading = Reading.objects.get(slug="river-flow")
    assert reading.translations["es"]["title"] == "Longitud, caudal y presas"
    assert ReadingNote.objects.get(reading=reading, position=0).translations == {
        "es": {"title": "Las fuentes no coinciden: ¿cuál es el río más largo?"}
    }
    prompt = Prompt.objects.get(slug="dams-debate")
    assert prompt.translations["es"]["guiding_questions"][2] == (
        "¿Quién paga los costos y quién recibe los beneficios?"
    )
    assert Perspective.objects.get(prompt=prompt, position=0).translations["es"] == {
        "label": "Sí: energía limpia y barata"
    }
    assert Perspective.objects.get(prompt=prompt, position=1).translations == {}
    assert TimelinePeriod.objects.get(position=0).translations["es"]["title"].startswith("La era")
    assert TimelineEvent.objects.get(slug="aswan-finished").translations["es"]["title"] == (
        "Se termina la presa alta de Asuán"
    )
    assert Reading.objects.get(slug="water-cycle").translations == {}


@pytest.mark.django_db
def test_a_rebuild_updates_changed_and_removed_versions(pack_copy):
    edit(pack_copy, "course/course.toml", 'es.title = "Ríos y deltas"\n', 'es.title = "Ríos"\n')
    edit(
        pack_copy,
        OBJECTIVES,
        'es.title = "Describir el ciclo del agua y cómo se forman los ríos."\n',
        "",
    )
    edit(
        pack_copy,
        "course/readings.toml",
        'es.title = "Las fuentes no coinciden: ¿cuál es el río más largo?"\n',
        'es.text = "El estudio dice que el Nilo."\n',
    )
    edit(
        pack_copy,
        "course/timeline.toml",
        'es.title = "La era de las grandes presas (hasta 1999)"\n',
        'es.title = "Las grandes presas"\n',
    )
    build_course(seeds_dir=pack_copy)
    assert Course.objects.get(slug="rivers").translations == {"es": {"title": "Ríos"}}
    assert Objective.objects.get(code="water-cycle").translations == {}
    note = ReadingNote.objects.get(reading__slug="river-flow", position=0)
    assert note.translations == {"es": {"text": "El estudio dice que el Nilo."}}
    assert TimelinePeriod.objects.get(position=0).translations == {
        "es": {"title": "Las grandes presas"}
    }
