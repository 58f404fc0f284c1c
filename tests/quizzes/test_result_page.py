"""The result page a student can read: each answer in words, the right answer and feedback
labelled by option where the review policy allows, the cited words one click away (and a way
back from them), and one "read these passages again" list after the questions."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from quizzes.display import Review, plain_number
from quizzes.models import Quiz
from quizzes.review import Visibility
from tests.factories import make_question, make_quiz, take_quiz

pytestmark = pytest.mark.django_db

MULTIPLE = {
    "choices": [
        {"id": "a", "text": "Armed wings of the groups.", "correct": True, "feedback": "Yes."},
        {"id": "b", "text": "Farmers' groups.", "correct": True},
        {"id": "c", "text": "Water boards.", "correct": False, "feedback": "They pump."},
    ]
}


def result_of(client, student, quiz, answers) -> str:
    attempt = take_quiz(student, quiz, answers)
    client.force_login(student)
    return unescape(client.get(reverse("attempt_result", args=[attempt.pk])).content.decode())


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_answer_the_right_answer_and_labelled_feedback_are_shown_in_words(
    client, course, student
):
    quiz = make_quiz(
        course, [make_question("rp-single"), make_question("rp-multi", "multiple", MULTIPLE)]
    )
    html = result_of(client, student, quiz, {"rp-single": "a", "rp-multi": ["a", "c"]})
    first = between(html, 'id="q1"', "</section>")
    assert "Your answer:</strong> Sand" in first and "not right" in first
    assert "Right answer:</strong> Silt" in first
    assert "On “Sand”:</span> Sand is not what dams trap." in first
    assert "0 of 1 point" in first and "0% of 1 points" not in first
    second = between(html, 'id="q2"', "</section>")
    # Several right answers are a list, never "groups.; Farmers'…" run together.
    assert "<li>Armed wings of the groups.</li>" in second
    assert "<li>Farmers' groups.</li>" in second and "groups.;" not in second
    assert "On “Armed wings of the groups.”:</span> Yes." in second
    assert "On “Water boards.”:</span> They pump." in second


def test_the_answers_are_words_not_disabled_form_fields(client, course, student):
    quiz = Quiz.objects.get(course=course, slug="review")
    html = result_of(
        client,
        student,
        quiz,
        {
            "flow-dam-dates": {
                "position-aswan": ["2"],
                "position-gorges-power": ["1"],
                "position-gorges-done": ["3"],
                "position-barrier": ["4"],
            },
            "flow-who-said": {"match-survey": ["yangtze"], "match-news": ["news"]},
            "flow-silt-trap": "gravel",
            "flow-sinking-rate": "9",
            "cycle-lake-end": "true",
        },
    )
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the header has the language <select>
    assert "<select" not in main and "<fieldset" not in main and "disabled" not in main
    assert "1. The Three Gorges Dam generates power" in html
    assert "The survey (2021) → The Yangtze is the longest" in html
    assert "The news explainer (2024) → Some researchers now say the Amazon" in html
    assert "Your answer:</strong> gravel" in html
    assert "Your answer:</strong> 9 centimetres a year" in html
    assert "Your answer:</strong> True" in html
    assert "On “True”:</span> The blog says it is a stage, not the end." in html
    assert html.count("Your answer:</strong> <em>not answered</em>") == 7


def test_the_cited_words_are_folded_under_each_question_and_listed_once_after_them(
    client, course, student
):
    quiz = make_quiz(course, [make_question(f"rp-cite{i}") for i in range(3)])
    html = result_of(client, student, quiz, {0: "a", 1: "a", 2: "b"})
    assert html.count('<details class="cited">') == 3
    assert html.index('id="q3"') < html.index("Read these passages again")
    read_again = html[html.index("Read these passages again") :]
    # The two missed questions cite the same passage: it is listed once, for both.
    assert read_again.count("/cite/delta-news/") == 1
    assert 'questions <a href="#q1">1</a>, <a href="#q2">2</a>' in read_again


def test_a_citation_link_comes_back_to_the_question_it_was_opened_from(client, course, student):
    quiz = make_quiz(course, [make_question("rp-back")])
    attempt = take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    html = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    link = unescape(html[html.index('<details class="cited">') :].split('href="')[1].split('"')[0])
    assert parse_qs(urlsplit(link).query)["from"] == [f"/attempts/{attempt.pk}/result/#q1"]
    reading = client.get(link)
    assert reading.status_code == 302 and "from=" in reading.url
    page = client.get(reading.url).content.decode()
    assert f'<a href="/attempts/{attempt.pk}/result/#q1">← Back to where you were</a>' in page


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/path with space",
        "/" + "a" * 600,
    ],
)
def test_a_back_link_leads_only_to_a_page_of_this_site(client, course, student, elsewhere):
    client.force_login(student)
    url = reverse("reading_detail", args=[course.slug, "river-flow"])
    page = client.get(url, {"from": elsewhere}).content.decode()
    assert "Back to where you were" not in page
    cite = reverse("cite", args=[course.slug, "delta-news", 0, 10])
    assert "from=" not in client.get(cite, {"from": elsewhere}).url


@pytest.mark.parametrize(
    "aspects, shown",
    [
        ({"correctness": "after_submit"}, {"Incorrect"}),
        ({"answer": "after_submit"}, {"Right answer"}),
        ({"feedback": "after_submit"}, {"On “Sand”", "The news explainer says dams trap"}),
        ({"citations": "after_submit"}, {'<details class="cited">'}),
        (
            {"correctness": "after_submit", "citations": "after_submit"},
            {"Incorrect", '<details class="cited">', "Read these passages"},
        ),
        ({}, set()),
    ],
)
def test_each_new_piece_waits_for_the_review_policy(client, course, student, aspects, shown):
    policy = {f"review_{a}": "never" for a in ("correctness", "points", "feedback", "answer")}
    policy["review_citations"] = "never"
    policy |= {f"review_{a}": moment for a, moment in aspects.items()}
    quiz = make_quiz(course, [make_question("rp-policy")], **policy)
    html = result_of(client, student, quiz, {0: "a"})
    pieces = {
        "Incorrect",
        "Right answer",
        "On “Sand”",
        "The news explainer says dams trap",
        '<details class="cited">',
        "Dams upstream trap most of the silt",
        "Read these passages",
    }
    if '<details class="cited">' in shown:
        shown = shown | {"Dams upstream trap most of the silt"}
    assert {p for p in pieces if p in html} == shown
    assert "Your answer:</strong> Sand" in html  # their own answer is always theirs to see


def test_nothing_is_shown_before_a_quiz_that_reviews_after_closing_has_closed(
    client, course, student
):
    from datetime import timedelta

    from django.utils import timezone

    quiz = make_quiz(
        course,
        [make_question("rp-later")],
        closes_at=timezone.now() + timedelta(days=1),
        **{f"review_{a}": "after_close" for a in ("correctness", "feedback", "answer")},
        review_citations="after_close",
    )
    html = result_of(client, student, quiz, {0: "a"})
    for hidden in ("Right answer", "On “", "Incorrect", "cited", "Read these passages"):
        assert hidden not in html


@pytest.mark.parametrize(
    "points, max_points, text",
    [
        ("0.00", "1.00", "0 of 1 point"),
        ("1.00", "1.00", "1 of 1 point"),
        ("0.50", "2.00", "0.5 of 2 points"),
        ("1.25", "1.50", "1.25 of 1.5 points"),
        ("0.00", "0.00", "0 of 0 points"),
        ("10.00", "10.00", "10 of 10 points"),
    ],
)
def test_points_are_written_as_people_write_them(points, max_points, text):
    review = Review(Visibility(points=True), points=Decimal(points), max_points=Decimal(max_points))
    assert review.points_text == text


def test_plain_numbers_keep_their_tens_and_drop_trailing_zeros():
    assert [plain_number(Decimal(v)) for v in ("100", "100.00", "0.10", "2.5")] == [
        "100",
        "100",
        "0.1",
        "2.5",
    ]


def test_plain_numbers_are_written_as_the_language_writes_them():
    with translation.override("es"):
        assert [plain_number(Decimal(v)) for v in ("100.00", "0.50", "2.25")] == [
            "100",
            "0,5",
            "2,25",
        ]
        review = Review(Visibility(points=True), points=Decimal("0.5"), max_points=Decimal(1))
        assert review.points_text == "0,5 de 1 punto"
