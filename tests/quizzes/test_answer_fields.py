"""Answer fields in a student's page reveal nothing about the key: not their names, values, ids
or order. The attack this guards against read the key of every ordering and matching question
from the HTML (field "match-a" was answered by option "a"; fields "position-a"… "position-e"
in alphabetical order were the right order)."""

from __future__ import annotations

import math
import re
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from quizzes.answer_fields import CHOICE, ITEM, LEFT, TARGET, AnswerFields
from quizzes.grading import AnswerError, parse_answer, shuffled
from quizzes.models import Question
from quizzes.services import start_attempt, submit_attempt
from tests.factories import make_quiz

SECRET = "tests-only-secret"
ORDERING = {"items": [{"id": i, "text": f"Event {i}"} for i in "abcde"]}
MATCHING = {
    "pairs": [{"id": i, "left": f"L{i}", "right": f"R{i}"} for i in "abc"],
    "distractors": [{"id": "x", "text": "Rx"}],
}
CHOICES = {"choices": [{"id": i, "text": i, "correct": i == "a"} for i in "abcd"]}


def fields(seed: str = "7:3") -> AnswerFields:
    return AnswerFields(secret=SECRET, seed=seed)


# --- The pure core --------------------------------------------------------------------------


def test_a_token_is_a_valid_html_id_and_not_the_question_id():
    token = fields().token(ITEM, "a")
    assert re.fullmatch(r"f[a-z2-7]{13}", token)
    assert token != "a"


def test_tokens_differ_between_attempts_questions_and_roles():
    one, other_attempt = fields("7:3"), fields("8:3")
    assert one.token(ITEM, "a") != other_attempt.token(ITEM, "a")
    assert one.token(ITEM, "a") != fields("7:4").token(ITEM, "a")
    # A matching pair's left side and its right-hand option must not share a token.
    assert one.token(LEFT, "a") != one.token(TARGET, "a")


def test_tokens_depend_on_the_secret():
    assert fields().token(CHOICE, "a") != AnswerFields(secret="other", seed="7:3").token(
        CHOICE, "a"
    )


def test_the_order_shown_is_not_the_public_shuffle_of_the_seed():
    # Knowing how `shuffled` works and the attempt's ids must not give back the written order.
    ids = [f"i{n}" for n in range(12)]
    assert fields().order(ITEM, ids) != shuffled(ids, "7:3")
    assert sorted(fields().order(ITEM, ids)) == sorted(ids)
    assert fields().order(ITEM, ids) == fields().order(ITEM, ids)  # stable for the attempt


@given(
    positions=st.dictionaries(st.sampled_from("abcde"), st.integers(1, 5)),
    seed=st.text(min_size=1, max_size=20),
)
def test_revealing_a_concealed_ordering_answer_gives_it_back(positions, seed):
    form = {f"position-{i}": [str(p)] for i, p in positions.items()}
    masked = fields(seed).conceal("ordering", ORDERING, form)
    assert not any(name[len("position-") :] in "abcde" for name in masked)
    assert fields(seed).reveal("ordering", ORDERING, masked) == form
    assert parse_answer(
        "ordering", ORDERING, fields(seed).reveal("ordering", ORDERING, masked)
    ) == (positions or None)


@given(
    matches=st.dictionaries(st.sampled_from("abc"), st.sampled_from("abcx")),
    seed=st.text(min_size=1, max_size=20),
)
def test_revealing_a_concealed_matching_answer_gives_it_back(matches, seed):
    form = {f"match-{left}": [right] for left, right in matches.items()}
    masked = fields(seed).conceal("matching", MATCHING, form)
    revealed = fields(seed).reveal("matching", MATCHING, masked)
    assert revealed == form
    assert parse_answer("matching", MATCHING, revealed) == (matches or None)


@given(picked=st.sets(st.sampled_from("abcd")), seed=st.text(min_size=1, max_size=20))
def test_revealing_a_concealed_choice_answer_gives_it_back(picked, seed):
    form = {"answer": sorted(picked), "seq": ["3"]}
    masked = fields(seed).conceal("multiple", CHOICES, form)
    assert masked["seq"] == ["3"]
    assert fields(seed).reveal("multiple", CHOICES, masked) == form


@pytest.mark.parametrize(
    ("kind", "data", "form"),
    [
        # The question's own ids, posted as a page would post tokens: refused, never read.
        ("ordering", ORDERING, {"position-a": ["1"]}),
        ("matching", MATCHING, {"match-a": ["a"]}),
        ("single", CHOICES, {"answer": ["a"]}),
        ("multiple", CHOICES, {"answer": ["a", "b"]}),
        # Another attempt's tokens are unknown here.
        ("ordering", ORDERING, {f"position-{fields('9:9').token(ITEM, 'a')}": ["1"]}),
        ("single", CHOICES, {"answer": [fields("9:9").token(CHOICE, "a")]}),
        # A left token used as an option, or an option token used as a field.
        ("matching", MATCHING, {f"match-{fields().token(LEFT, 'a')}": [fields().token(LEFT, "a")]}),
        (
            "matching",
            MATCHING,
            {f"match-{fields().token(TARGET, 'a')}": [fields().token(TARGET, "a")]},
        ),
    ],
)
def test_ids_this_attempt_never_showed_are_refused(kind, data, form):
    with pytest.raises(AnswerError):
        parse_answer(kind, data, fields().reveal(kind, data, form))


def test_blank_values_stay_blank_so_clearing_an_answer_still_works():
    left = fields().token(LEFT, "a")
    revealed = fields().reveal("matching", MATCHING, {f"match-{left}": [""]})
    assert parse_answer("matching", MATCHING, revealed) is None


# --- Through the pages ----------------------------------------------------------------------

FIELD = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"")
OPTION = re.compile(r'<option value="([^"]*)"')


def answer_fields_in(html: str) -> list[tuple[str, list[str]]]:
    """(name, values) of every answer field in a page: inputs' and selects' names with their
    values or option values, in page order. Names lose the attempt page's q<position>- prefix
    (one form holds every question), so they are the question's own field names."""
    found = []
    for match in re.finditer(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", html, re.S):
        name = re.sub(r"^q\d+-", "", match.group(1))
        found.append((name, [v for v in OPTION.findall(match.group(2)) if v]))
    for match in re.finditer(r"<input\b[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'\bname="(?:q\d+-)?([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and name.group(1) == "answer" and value:
            found.append(("answer", [unescape(value.group(1))]))
    return found


@pytest.fixture
def every_ordering_and_matching_question(course):
    """All the pack's ordering and matching questions in one quiz."""
    questions = list(
        Question.objects.filter(
            kind__in=["ordering", "matching"], status=Question.Status.PUBLISHED
        ).order_by("key")
    )
    assert len(questions) >= 4  # the fixture pack has two of each
    return make_quiz(course, questions, slug="attack", review_answer="never")


@pytest.fixture
def every_kind(course):
    """The pack's unit review (all seven kinds of question), on one page."""
    unit = Question.objects.filter(quizzes__slug="review").order_by("key")
    assert set(unit.values_list("kind", flat=True)) >= {
        "single",
        "multiple",
        "ordering",
        "matching",
    }
    return make_quiz(course, list(unit), slug="every-kind")


@pytest.mark.parametrize("quiz_fixture", ["every_ordering_and_matching_question", "every_kind"])
def test_no_field_name_or_value_in_the_page_is_a_question_id(
    client, student, request, quiz_fixture
):
    quiz = request.getfixturevalue(quiz_fixture)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    html = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    own_ids = {
        row["id"]
        for r in attempt.responses.select_related("version")
        for key in ("items", "pairs", "distractors", "choices")
        for row in r.version.data.get(key, [])
    }
    fields_seen = answer_fields_in(html)
    assert len(fields_seen) >= 12  # every ordering position and matching select
    for name, values in fields_seen:
        suffix = name.split("-", 1)[-1]
        assert suffix not in own_ids, name
        assert not set(values) & own_ids, (name, values)
        # Matching: no left field is answered by the option that shares its id.
        assert suffix not in values


def test_answering_from_the_html_alone_no_longer_scores(
    client, student, every_ordering_and_matching_question
):
    """The reported attack: option whose value is the field's id; alphabetical order of the
    fields is the right order. Before opaque ids it scored full marks on every question."""
    quiz = every_ordering_and_matching_question
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    url = reverse("attempt_detail", args=[attempt.pk])
    for response in attempt.responses.order_by("position"):
        html = client.get(url).content.decode()
        section = html.split(f'id="q{response.position + 1}"', 1)[1]
        section = section.split("</fieldset>", 1)[0]
        names = [name for name, _ in answer_fields_in(section)]
        form = {"seq": str(response.sequence)}
        options = OPTION.findall(section)
        for n, name in enumerate(sorted(names), start=1):
            if name.startswith("position-"):
                form[name] = str(n)
            else:
                suffix = name.split("-", 1)[1]
                form[name] = suffix if suffix in options else next(o for o in options if o)
        saved = client.post(
            reverse("attempt_save", args=[attempt.pk, response.position]),
            form,
            HTTP_HX_REQUEST="true",
        )
        assert saved.status_code == 200, saved.content.decode()[:300]
    submit_attempt(attempt=attempt)
    full = attempt.responses.filter(outcome="correct").count()
    total = attempt.responses.count()
    # Chance alone gets a few right (3-item orderings are 1 in 6); the leak got every one.
    assert full <= total // 4, f"{full} of {total} answered right from the HTML alone"


def test_a_saved_matching_answer_shows_selected_again(client, student, course):
    question = Question.objects.filter(kind="matching", status="published").order_by("key")[0]
    quiz = make_quiz(course, [question], slug="one-matching")
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    section = page.split('id="q1"', 1)[1].split("</fieldset>", 1)[0]
    first_field = FIELD.search(section).group(1)
    first_option = next(v for v in OPTION.findall(section) if v)
    saved = client.post(
        reverse("attempt_save", args=[attempt.pk, 0]), {"seq": "0", first_field: first_option}
    )
    assert saved.status_code == 302
    response = attempt.responses.get()
    assert len(response.answer) == 1  # stored in the question's own ids
    ((left, right),) = response.answer.items()
    ids = {p["id"] for p in response.version.data["pairs"]}
    assert left in ids and right in ids | {
        d["id"] for d in response.version.data.get("distractors", [])
    }
    again = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert f'<option value="{first_option}" selected>' in again


def test_an_ordering_question_is_never_shown_in_its_answer_order():
    # With two items, one attempt in two would shuffle them into the right order; with n
    # items, one in n!: the page must never list the answer itself.
    from quizzes.display import _ordering_options

    for n in (2, 3, 4):
        data = {"items": [{"id": f"i{k}", "text": f"item {k}"} for k in range(n)]}
        key = [f"item {k}" for k in range(n)]
        shown = [
            [o.text for o in _ordering_options(data, None, AnswerFields(secret="s", seed=str(a)))]
            for a in range(200)
        ]
        assert key not in shown
        assert len({tuple(order) for order in shown}) == math.factorial(n) - 1  # still varied
