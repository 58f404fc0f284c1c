"""Course-pack text in the interface's language: a page shows the pack's Spanish version of an
objective, a reading, a note, a prompt, a perspective, the course and the timeline when the
interface is Spanish (Accept-Language or the language cookie) and the pack gives one, else the
English as written; quoted words are the source's and never change. (The fixture pack gives
Spanish versions for some entries only: tests/fixtures/pack/course/.)"""

from __future__ import annotations

import html as htmllib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courseware.models import Objective, Reading
from courseware.translated import translated

pytestmark = pytest.mark.django_db

NILE = "so the Nile is the longest river in the world"


@pytest.fixture(autouse=True)
def _back_to_english():
    """A Spanish request leaves Spanish active in this thread; later tests expect English."""
    yield
    translation.deactivate()


def page(client: Client, url: str, language: str | None = None) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return htmllib.unescape(response.content.decode())


def test_the_course_home_shows_the_spanish_versions_and_english_where_there_is_none(
    client, student, course
):
    client.force_login(student)
    url = reverse("course_detail", args=[course.slug])
    spanish = page(client, url, "es-MX,es;q=0.9")
    assert "<h1>Ríos y deltas</h1>" in spanish and "<title>Ríos y deltas" in spanish
    assert "Longitud, caudal y presas" in spanish and "Length, flow and dams" not in spanish
    assert "cuál lleva más agua y qué les hacen las presas a los deltas" in spanish
    assert "Describir el ciclo del agua y cómo se forman los ríos." in spanish
    assert "¿Valen la pena las grandes presas?" in spanish
    assert "¿Debe un país construir grandes presas en sus ríos?" in spanish
    # No Spanish version in the pack: the English as written.
    assert course.description.split()[0] in spanish and "The water cycle" in spanish
    assert "Compare rivers by length and flow" in spanish

    english = page(client, url, "en")
    assert "<h1>Rivers and Deltas</h1>" in english and "Length, flow and dams" in english
    assert "Describe the water cycle and how rivers form." in english
    for word in ("Ríos y deltas", "Longitud, caudal", "Describir el ciclo", "¿Valen la pena"):
        assert word not in english


def test_the_language_cookie_alone_is_enough(client, student, course):
    client.force_login(student)
    client.cookies["django_language"] = "es"
    html = page(client, reverse("course_detail", args=[course.slug]))
    assert "<h1>Ríos y deltas</h1>" in html and "Longitud, caudal y presas" in html


def test_a_reading_shows_its_spanish_title_and_notes_and_its_quotes_unchanged(
    client, student, course
):
    client.force_login(student)
    url = reverse("reading_detail", args=[course.slug, "river-flow"])
    html = page(client, url, "es")
    assert "<h1>Longitud, caudal y presas</h1>" in html
    assert "<title>Longitud, caudal y presas" in html
    assert "Las fuentes no coinciden: ¿cuál es el río más largo?" in html
    # The note's text has no Spanish version: as written. Quoted words: the source's.
    assert "The survey (2021) says the Nile" in html
    assert NILE in html
    reading = Reading.objects.get(slug="river-flow")
    passage = reading.ordered_passages()[0]
    assert passage.text in html
    english = page(client, url, "en")
    assert "<h1>Length, flow and dams</h1>" in english and "¿cuál es el río" not in english
    assert NILE in english and passage.text in english


def test_a_reading_without_a_spanish_version_stays_in_english(client, student, course):
    client.force_login(student)
    html = page(client, reverse("reading_detail", args=[course.slug, "water-cycle"]), "es")
    assert "<h1>The water cycle</h1>" in html and "A blog is not a survey" in html


def test_a_prompt_shows_its_spanish_question_guiding_questions_and_labels(client, student, course):
    client.force_login(student)
    url = reverse("prompt_detail", args=[course.slug, "dams-debate"])
    html = page(client, url, "es")
    assert "<h1>¿Valen la pena las grandes presas?</h1>" in html
    assert "¿Debe un país construir grandes presas en sus ríos?" in html
    assert "<li>¿Quién paga los costos y quién recibe los beneficios?</li>" in html
    assert "<h3>Sí: energía limpia y barata</h3>" in html
    assert "<h3>No: the costs fall downstream</h3>" in html  # no version: as written
    assert "The survey describes what the Aswan" in html  # context: as written
    assert "Supporters say large dams give a country cheap power that burns no fuel." in html
    assert "Compare rivers by length and flow" in html  # objective: no version
    english = page(client, url, "en")
    assert "<h1>Are big dams worth it?</h1>" in english
    assert "<li>Who pays the costs, and who gets the benefits?</li>" in english
    assert "¿" not in english


def test_the_timeline_shows_spanish_periods_and_events(client, student, course):
    client.force_login(student)
    url = reverse("timeline", args=[course.slug])
    html = page(client, url, "es")
    assert "La era de las grandes presas (hasta 1999)" in html
    assert "Se termina la presa alta de Asuán" in html
    assert "A new century (2000–2009)" in html  # no version: as written
    assert "The Aswan High Dam on the Nile was finished in 1970." in html  # quoted words
    assert "Ríos y deltas" in html
    english = page(client, url, "en")
    assert "The Aswan High Dam is finished" in english and "Asuán" not in english


def test_progress_names_the_course_and_objectives_in_spanish_and_so_does_home(
    client, student, course
):
    client.force_login(student)
    progress = page(client, reverse("progress", args=[course.slug]), "es")
    assert "Ríos y deltas" in progress
    assert '<th scope="row">Describir el ciclo del agua y cómo se forman los ríos.</th>' in progress
    assert "Compare rivers by length and flow" in progress  # no version: as written
    assert "Ríos y deltas" in page(client, reverse("home"), "es")
    assert "Rivers and Deltas" in page(client, reverse("home"), "en")


# The helper itself, exhaustively.


class Item:
    def __init__(self, translations: object, **fields: object) -> None:
        self.translations = translations
        self.__dict__.update(fields)


@pytest.mark.parametrize(
    ("language", "versions", "expected"),
    [
        ("es", {"es": {"title": "Título"}}, "Título"),
        ("es-mx", {"es": {"title": "Título"}}, "Título"),
        ("en", {"es": {"title": "Título"}}, "Title"),
        ("es", {}, "Title"),
        ("es", {"es": {"summary": "Resumen"}}, "Title"),
        ("es", {"es": {"title": ""}}, "Title"),
        ("es", {"es": {"title": 3}}, "Title"),
        ("es", {"es": "Título"}, "Title"),
        ("es", None, "Title"),
        ("es", [], "Title"),
    ],
)
def test_translated_picks_the_active_languages_version_else_the_original(
    language, versions, expected
):
    with translation.override(language):
        assert translated(Item(versions, title="Title"), "title") == expected


def test_a_list_version_must_match_the_original_length():
    item = Item({"es": {"guiding_questions": ["¿Uno?"]}}, guiding_questions=["One?", "Two?"])
    with translation.override("es"):
        assert translated(item, "guiding_questions") == ["One?", "Two?"]
        item.translations = {"es": {"guiding_questions": ["¿Uno?", "¿Dos?"]}}
        assert translated(item, "guiding_questions") == ["¿Uno?", "¿Dos?"]


def test_a_model_without_translations_or_the_field_gives_the_original():
    objective = Objective(code="x", title="Title")
    with translation.override("es"):
        assert translated(objective, "title") == "Title"
        assert translated(object(), "title") == ""
