"""The admin in Spanish names Fuente's models and fields in Spanish: they come from the models'
verbose names, which go through gettext like every other word of Fuente's own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.models import Question

pytestmark = pytest.mark.django_db


def column_headers(html: str) -> dict[str, str]:
    """The changelist's column headers: the field's name (from the th's class) → its text."""
    headers = {}
    for name, cell in re.findall(
        r'<th scope="col" class="[^"]*column-(\w+)[^"]*">(.*?)</th>', html, re.S
    ):
        headers[name] = " ".join(re.sub(r"<[^>]+>", " ", cell).split())
    return headers


def labels(html: str) -> dict[str, str]:
    """The change form's labels: the field's name (from the label's `for`) → its text."""
    return {
        name: " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for name, text in re.findall(r'<label[^>]* for="id_(\w+)"[^>]*>(.*?)</label>', html, re.S)
    }


@pytest.fixture
def spanish_teacher(client, teacher):
    client.force_login(teacher)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    return client


def test_the_questions_list_names_the_model_and_its_columns_in_spanish(spanish_teacher):
    page = spanish_teacher.get(reverse("admin:quizzes_question_changelist"))
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="es"' in html
    assert "<title>Seleccione pregunta a modificar" in html
    headers = column_headers(html)
    assert headers["key"] == "Identificador"
    assert headers["kind"] == "Tipo"
    assert headers["status"] == "Estado"
    assert headers["origin"] == "Origen"
    assert headers["difficulty"] == "Dificultad"
    # The filters are titled with the same names.
    assert "Por dificultad" in html and "Por origen" in html
    for english in ("Difficulty", "Origin", "By difficulty", "Select question to change"):
        assert english not in html
    # The questions no rule proposed are a named choice of the generator rule's filter.
    assert '<a href="?generator_rule=-">Sin regla (escrita a mano)</a>' in html


def test_a_question_form_labels_its_fields_in_spanish(spanish_teacher, course):
    question = Question.objects.filter(slots__quiz__course=course).first()
    page = spanish_teacher.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    # The breadcrumbs name the model in the plural.
    assert ">Preguntas</a>" in html
    found = labels(html)
    assert found["difficulty"] == "Dificultad:"
    assert found["objectives"] == "Objetivos:"
    assert found["tags"] == "Etiquetas:"
    assert found["status"] == "Estado:"
    # The history's read-only fields are labelled with the models' names too.
    assert "Regla del generador" in html and "Motivo del rechazo" in html
    assert ">Historial<" in html
    for english in (
        ">Difficulty:",
        ">Objectives:",
        ">Tags:",
        "Generator rule",
        "Rejection reason",
        ">History<",
    ):
        assert english not in html


def test_the_same_pages_stay_english_in_english(client, teacher):
    client.force_login(teacher)
    html = client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    headers = column_headers(html)
    assert headers["key"] == "Key" and headers["difficulty"] == "Difficulty"
    assert "<title>Select question to change" in html
