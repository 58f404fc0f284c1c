"""The question admin as a teacher meets it: the question's text in the list, objectives in
plain view and required to publish, the type named on the add page, and one clean message when
a citation's words are not in the source."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from courseware.models import Objective, Source
from quizzes.models import Question
from tests.factories import make_question

pytestmark = pytest.mark.django_db

QUOTE = "Dams upstream trap most of the silt. Hydrologist Marta Lind"
LIST = reverse("admin:quizzes_question_changelist")


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def single(key: str, **extra) -> dict[str, object]:
    return {
        "key": key,
        "stem": "According to the news explainer, what do dams upstream trap?",
        "explanation": "",
        "status": "published",
        "difficulty": "2",
        "tags": "",
        "citation_1_source": str(Source.objects.get(slug="delta-news").pk),
        "citation_1_quote": QUOTE,
        "choice_1_text": "Silt",
        "choice_1_correct": "on",
        "choice_2_text": "Sand",
        **extra,
    }


def add_url(kind: str) -> str:
    return reverse("admin:quizzes_question_add") + f"?kind={kind}"


def test_the_list_shows_what_each_question_asks(admin_client):
    html = admin_client.get(LIST).content.decode()
    assert "According to the survey (2021), which river is the longest?" in html
    assert "<th" in html and "Question</a>" in html  # its column, sortable


def test_a_long_question_is_cut_in_the_list_and_the_newest_version_is_shown(admin_client):
    question = make_question("admin-long")
    version = question.current_version()
    version.pk, version.number = None, 2
    version.stem = "Which of these " + "very " * 40 + "long words?"
    version.save()
    html = admin_client.get(LIST, {"q": "admin-long"}).content.decode()
    assert "Which of these very" in html and "…" in html
    assert "long words?" not in html and "Stem of admin-long?" not in html


def test_the_list_costs_the_same_however_many_questions(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        admin_client.get(LIST)
    for n in range(15):
        make_question(f"admin-many-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(LIST)


@pytest.mark.parametrize("kind, label", Question.Kind.choices)
def test_the_add_page_names_the_type_being_written(teacher_client, kind, label):
    html = teacher_client.get(add_url(kind)).content.decode()
    shown = re.search(r"<label>Type:</label>\s*<div class=\"readonly\">([^<]*)</div>", html)
    assert shown is not None and shown.group(1) == label


def test_the_objectives_are_in_plain_view_not_folded_away(teacher_client):
    html = teacher_client.get(add_url("single")).content.decode()
    fieldset = html[: html.index('name="objectives"')].rsplit("<fieldset", 1)[1]
    assert "collapse" not in fieldset.split(">", 1)[0]
    assert "A published question needs at least one" in html


def test_a_question_cannot_be_published_without_an_objective(teacher_client):
    response = teacher_client.post(add_url("single"), single("admin-no-objective"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "objective" in errors["objectives"][0]
    assert not Question.objects.filter(key="admin-no-objective").exists()


def test_a_draft_may_wait_for_its_objectives_and_a_published_one_keeps_them(teacher_client):
    draft = teacher_client.post(add_url("single"), single("admin-draft", status="draft"))
    assert draft.status_code == 302
    objective = Objective.objects.get(code="river-flow")
    published = teacher_client.post(
        add_url("single"), single("admin-published", objectives=[str(objective.pk)])
    )
    assert published.status_code == 302, published.context["adminform"].form.errors
    assert list(Question.objects.get(key="admin-published").objectives.all()) == [objective]


def test_the_citation_check_says_once_what_is_wrong_without_internal_scores(teacher_client):
    source = Source.objects.get(slug="delta-news")
    url = reverse("admin:quizzes_question_check")
    near = teacher_client.post(
        url,
        {"row": "1", "citation_1_source": source.pk, "citation_1_quote": "dams trap silt mostly"},
    ).content.decode()
    assert near.count('<q class="nearest">') == 1 and "score" not in near
    assert near.count("Not in this source") == 1
    twice = teacher_client.post(
        url, {"row": "1", "citation_1_source": source.pk, "citation_1_quote": "the delta"}
    ).content.decode()
    assert "times in the source; quote a few more words" in twice and "score" not in twice


def test_tags_are_typed_as_words_separated_by_commas(teacher_client):
    response = teacher_client.post(
        add_url("single"),
        single("tagged", status="draft", tags=" disagreement, as-of-date,,disagreement "),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(key="tagged")
    assert question.tags == ["disagreement", "as-of-date"]
    page = teacher_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert 'value="disagreement, as-of-date"' in page.content.decode()


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ("x" * 61, "Keep each tag under 60 characters."),
        (",".join(f"t{i}" for i in range(21)), "Give at most 20 tags."),
        (",".join(f"tag-{i}" for i in range(10_000)), "Give at most 20 tags."),
    ],
)
def test_too_many_or_too_long_tags_are_refused_with_a_reason(teacher_client, tags, reason):
    response = teacher_client.post(add_url("single"), single("bad-tags", status="draft", tags=tags))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Question.objects.filter(key="bad-tags").exists()
