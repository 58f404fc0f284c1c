"""Teachers write questions in the admin: one form per type, citations that must anchor,
a preview as students see it, and the draft → published → retired workflow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.models import Source
from quizzes.grading import grade
from quizzes.models import Question, Quiz
from quizzes.services import save_question_version, start_attempt, submit_attempt
from tests.admin_forms import change_form_data
from tests.factories import SINGLE, field_for, make_question, make_quiz

pytestmark = pytest.mark.django_db

QUOTE = "Dams upstream trap most of the silt. Hydrologist Marta Lind"


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def add_url(kind: str) -> str:
    return reverse("admin:quizzes_question_add") + f"?kind={kind}"


def common(key: str, **extra) -> dict[str, str]:
    source = Source.objects.get(slug="delta-news")
    return {
        "key": key,
        "stem": "According to the news explainer, what do dams upstream trap?",
        "explanation": "The news explainer: most of the silt.",
        "status": "draft",
        "difficulty": "2",
        "tags": "",
        "citation_1_source": str(source.pk),
        "citation_1_quote": QUOTE,
        **extra,
    }


def test_the_add_page_first_asks_for_the_question_type(teacher_client):
    page = teacher_client.get(reverse("admin:quizzes_question_add"))
    assert page.status_code == 200
    html = page.content.decode()
    for kind, label in Question.Kind.choices:
        assert f"?kind={kind}" in html and str(label) in html


def test_an_unknown_type_is_a_404_not_a_500(teacher_client):
    assert teacher_client.get(add_url("essay")).status_code == 200  # asks again
    assert teacher_client.post(add_url("essay"), {}).status_code == 200


@pytest.mark.parametrize(
    "kind, answer_fields, answers",
    [
        (
            "single",
            {
                "choice_1_text": "One",
                "choice_2_text": "Two",
                "choice_2_correct": "on",
                "choice_2_feedback": "Right: dams trap the silt.",
                "choice_3_text": "Three",
            },
            [("b", "1.00"), ("a", "0.00")],
        ),
        (
            "multiple",
            {
                "choice_1_text": "DCAM",
                "choice_1_correct": "on",
                "choice_2_text": "OTCA",
                "choice_2_correct": "on",
                "choice_3_text": "Walmart",
            },
            [(["a", "b"], "1.00"), (["a"], "0.50"), (["c"], "0.00")],
        ),
        (
            "true_false",
            {"answer": "true", "feedback_false": "The news explainer says silt."},
            [(True, "1.00"), (False, "0.00")],
        ),
        ("numeric", {"answer": "2", "unit": "stores"}, [("2", "1.00"), ("3", "0.00")]),
        ("numeric", {"min": "1.5", "max": "2.5"}, [("2", "1.00"), ("2.6", "0.00")]),
        ("short", {"accepted": "two\n2\n"}, [("Two", "1.00"), ("three", "0.00")]),
        (
            "ordering",
            {"item_1_text": "First", "item_2_text": "Second", "item_3_text": "Third"},
            [({"a": 1, "b": 2, "c": 3}, "1.00")],
        ),
        (
            "matching",
            {
                "pair_1_left": "DCAM",
                "pair_1_right": "Mexico City",
                "pair_2_left": "OTCA",
                "pair_2_right": "Apodaca",
                "distractor_1_text": "Tijuana",
            },
            [({"a": "a", "b": "b"}, "1.00"), ({"a": "b", "b": "a"}, "0.00")],
        ),
    ],
)
def test_a_teacher_writes_each_type_of_question_and_it_grades_as_written(
    teacher_client, teacher, kind, answer_fields, answers
):
    key = f"new-{kind}-{len(answer_fields)}"
    response = teacher_client.post(add_url(kind), common(key, **answer_fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    question = Question.objects.get(key=key)
    assert question.kind == kind
    assert question.origin == Question.Origin.TEACHER and question.created_by == teacher
    version = question.current_version()
    citation = version.citations.get()
    assert citation.source.text[citation.start : citation.end] == QUOTE
    for answer, points in answers:
        assert grade(kind, version.data, answer).points == Decimal(points), answer


def test_the_change_form_shows_the_answer_data_and_saving_it_unchanged_changes_nothing(
    teacher_client,
):
    question = Question.objects.get(key="flow-longest")
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    version = question.current_version()
    data = change_form_data(teacher_client.get(url))
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert question.current_version() == version
    assert question.current_version().data == version.data
    choice_texts = [c["text"] for c in version.data["choices"]]
    page = teacher_client.get(url).content.decode()
    assert all(text in page for text in choice_texts)


def test_a_quote_that_does_not_anchor_is_refused_with_the_nearest_text(teacher_client):
    data = common(
        "typo-question",
        choice_1_text="One",
        choice_2_text="Two",
        choice_2_correct="on",
        citation_1_quote="Dams up stream trap most of silt. Hydrologist Marta",
    )
    response = teacher_client.post(add_url("single"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["citation_1_quote"]
    assert errors == ["These words are not in the source (see below)."]
    html = response.content.decode()
    # The nearest text once, under the box with the button that uses it (no JavaScript
    # needed), and nothing of the build's message ("score 97").
    nearest = html.split('<q class="nearest">')
    assert len(nearest) == 2 and nearest[1].startswith("Dams upstream trap most of the silt")
    assert "Use the nearest text" in html and "(score" not in html
    assert not Question.objects.filter(key="typo-question").exists()
    # the teacher's words are still in the form
    assert "Dams up stream trap" in response.content.decode()


def test_rejecting_is_not_a_status_a_form_can_set(teacher_client):
    data = common("rejected-here", choice_1_text="One", choice_2_text="Two", choice_2_correct="on")
    response = teacher_client.post(add_url("single"), data | {"status": "rejected"})
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Question.objects.filter(key="rejected-here").exists()


def test_a_published_question_needs_a_citation(teacher_client):
    data = common("no-citation", choice_1_text="One", choice_2_text="Two", choice_2_correct="on")
    data.update(status="published", citation_1_quote="", citation_1_source="")
    response = teacher_client.post(add_url("single"), data)
    assert response.status_code == 200
    assert "needs at least one citation" in response.content.decode()
    data["status"] = "draft"
    assert teacher_client.post(add_url("single"), data).status_code == 302


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        ("single", {"choice_1_text": "One", "choice_2_text": "Two"}, "exactly one correct"),
        ("single", {"choice_1_text": "Only", "choice_1_correct": "on"}, "at least 2 choices"),
        (
            "multiple",
            {
                "choice_1_text": "A",
                "choice_1_correct": "on",
                "choice_2_text": "B",
                "choice_2_correct": "on",
            },
            "at least one incorrect",
        ),
        ("numeric", {"answer": "2", "min": "1", "max": "3"}, "not both"),
        ("numeric", {"min": "3", "max": "1"}, "greater than"),
        ("numeric", {"answer": "two"}, "Enter a number"),
        ("short", {"accepted": "?!\n"}, "empty once"),
        ("ordering", {"item_1_text": "Alone"}, "at least 2 items"),
        ("matching", {"pair_1_left": "A", "pair_1_right": "x", "pair_2_left": "B"}, "right"),
    ],
)
def test_answer_data_a_student_could_not_answer_fairly_is_refused_with_a_reason(
    teacher_client, kind, fields, message
):
    response = teacher_client.post(add_url(kind), common("bad-one", **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(key="bad-one").exists()


def test_editing_an_answered_question_makes_a_new_version_and_keeps_choice_ids(
    teacher_client, course, student
):
    question = make_question(
        "answered-q",
        kind="single",
        data={
            "choices": [
                {"id": "x", "text": "One", "correct": False},
                {"id": "y", "text": "Two", "correct": True},
            ]
        },
    )
    quiz = make_quiz(course, [question])
    attempt = start_attempt(quiz=quiz, student=student)
    submit_attempt(attempt=attempt)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = change_form_data(teacher_client.get(url)) | common(
        "answered-q",
        choice_1_id="x",
        choice_1_text="Sand",
        choice_2_id="y",
        choice_2_text="Silt",
        choice_2_correct="on",
        choice_3_text="Gravel",
    )
    del data["key"]
    assert teacher_client.post(url, data).status_code == 302
    assert question.versions.count() == 2
    new = question.current_version().data["choices"]
    assert [(c["id"], c["text"]) for c in new] == [
        ("x", "Sand"),
        ("y", "Silt"),
        ("a", "Gravel"),
    ]
    assert attempt.responses.get().version.number == 1


def test_the_citation_check_says_where_the_words_are_or_offers_the_nearest(teacher_client):
    source = Source.objects.get(slug="delta-news")
    url = reverse("admin:quizzes_question_check")
    found = teacher_client.post(
        url, {"row": "1", "citation_1_source": source.pk, "citation_1_quote": QUOTE}
    )
    assert found.status_code == 200
    assert "✓ Found" in found.content.decode() and "<mark>" in found.content.decode()
    near = teacher_client.post(
        url,
        {"row": "1", "citation_1_source": source.pk, "citation_1_quote": "dams trap silt mostly"},
    )
    html = near.content.decode()
    assert "✗ Not in this source" in html and "Use the nearest text" in html
    assert teacher_client.post(url, {"row": "9"}).status_code == 400
    junk = teacher_client.post(url, {"row": "1", "citation_1_source": "x", "citation_1_quote": "a"})
    assert junk.status_code == 200 and "Choose the source" in junk.content.decode()
    assert teacher_client.get(url).status_code == 403


def test_the_passage_search_finds_passages_with_every_word(teacher_client):
    source = Source.objects.get(slug="delta-news")
    url = reverse("admin:quizzes_question_passages")
    html = teacher_client.get(
        url, {"q": "hydrologist century", "row": "2", "citation_2_source": source.pk}
    ).content.decode()
    assert "Marta Lind of the coastal university" in html and 'data-row="2"' in html
    assert "No passage contains" in teacher_client.get(url, {"q": "zzzz qqqq"}).content.decode()


def test_the_preview_shows_the_question_as_a_student_sees_it_then_the_feedback(teacher_client):
    question = Question.objects.get(key="flow-longest")
    url = reverse("admin:quizzes_question_preview", args=[question.pk])
    page = teacher_client.get(url).content.decode()
    assert question.current_version().stem in page
    assert "Right: about 6,650 kilometres." not in page  # no feedback before answering
    choice = field_for(page, "The Nile")
    answered = teacher_client.post(url, {"answer": choice}).content.decode()
    assert "Right: about 6,650 kilometres." in answered
    assert "so the Nile is the longest river in the world" in answered  # the citation
    bad = teacher_client.post(url, {"answer": "zz"})
    assert bad.status_code == 400


def test_bulk_actions_publish_retire_and_refuse_what_cannot_be_published(teacher_client):
    with_citation = Question.objects.get(key="flow-longest")
    without = Question.objects.create(key="uncited", kind="single")
    save_question_version(without, stem="Uncited?", data=SINGLE, explanation="", citations=[])
    url = reverse("admin:quizzes_question_changelist")
    response = teacher_client.post(
        url,
        {"action": "retire", "_selected_action": [with_citation.pk]},
        follow=True,
    )
    with_citation.refresh_from_db()
    assert with_citation.status == "retired"
    response = teacher_client.post(
        url,
        {"action": "publish", "_selected_action": [with_citation.pk, without.pk]},
        follow=True,
    )
    with_citation.refresh_from_db()
    without.refresh_from_db()
    assert with_citation.status == "published" and without.status == "draft"
    assert "uncited cannot be published: it has no citation." in [
        str(m) for m in response.context["messages"]
    ]


def test_duplicate_makes_a_draft_copy_the_teacher_owns(teacher_client, teacher):
    original = Question.objects.get(key="flow-longest")
    response = teacher_client.post(reverse("admin:quizzes_question_duplicate", args=[original.pk]))
    copy = Question.objects.get(key="flow-longest-copy")
    assert response.url == reverse("admin:quizzes_question_change", args=[copy.pk])
    assert copy.status == "draft" and copy.created_by == teacher
    assert copy.current_version().data == original.current_version().data
    assert [c.exact for c in copy.current_version().citations.all()] == [
        c.exact for c in original.current_version().citations.all()
    ]
    teacher_client.post(reverse("admin:quizzes_question_duplicate", args=[original.pk]))
    assert Question.objects.filter(key="flow-longest-copy-2").exists()


@pytest.mark.parametrize(
    "params, check",
    [
        (
            {"source": "lake-blog"},
            lambda q: "lake-blog" in {c.source.slug for c in q.current_version().citations.all()},
        ),
        ({"kind__exact": "numeric"}, lambda q: q.kind == "numeric"),
        ({"status__exact": "published"}, lambda q: q.status == "published"),
        ({"origin__exact": "pack"}, lambda q: q.origin == "pack"),
        ({"difficulty__exact": "3"}, lambda q: q.difficulty == 3),
    ],
)
def test_the_question_list_filters(teacher_client, params, check):
    draft = make_question("a-teachers-draft")  # neither from the pack nor published
    draft.status = Question.Status.DRAFT
    draft.save(update_fields=["status"])
    response = teacher_client.get(reverse("admin:quizzes_question_changelist"), params)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    total = response.context["cl"].full_result_count
    assert shown and len(shown) < total
    assert all(check(q) for q in shown)


def test_selected_questions_download_as_moodle_xml_with_their_citations(teacher_client):
    question = Question.objects.get(key="flow-longest")
    response = teacher_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_moodle", "_selected_action": [question.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.xml"'
    xml = response.content.decode()
    assert xml.count("<question type=") == 2  # the category and the question
    assert "so the Nile is the longest river in the world" in xml
    assert "http://testserver/" in xml


def test_a_quiz_downloads_as_gift_and_ordering_questions_are_reported_not_lost(teacher_client):
    quiz = Quiz.objects.get(slug="review")
    url = reverse("admin:quizzes_quiz_changelist")
    response = teacher_client.post(url, {"action": "export_gift", "_selected_action": [quiz.pk]})
    assert response["Content-Disposition"] == 'attachment; filename="review.txt"'
    orderings = quiz.questions.filter(kind="ordering")
    assert orderings.exists()
    listing = teacher_client.get(url)
    shown = [str(m) for m in listing.context["messages"]]
    assert all(any(q.key in m for m in shown) for q in orderings)
    two = teacher_client.post(
        url,
        {
            "action": "export_gift",
            "_selected_action": list(Quiz.objects.values_list("pk", flat=True)[:2]),
        },
        follow=True,
    )
    assert "Choose one quiz to export at a time." in two.content.decode()
