"""The item analysis page: real attempts through the services, numbers checked by hand."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment, Objective, Passage, Source
from quizzes.analysis import FIRST_ATTEMPTS, analysis_of
from quizzes.models import QuizQuestion
from quizzes.services import start_attempt
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db

SOURCE = "delta-news"
TRUE_FALSE = {"answer": True, "feedback_true": "Right.", "feedback_false": "It does."}
MULTIPLE = {
    "choices": [
        {"id": "a", "text": "Handguns", "correct": True, "feedback": ""},
        {"id": "b", "text": "Tanks", "correct": False, "feedback": ""},
        {"id": "c", "text": "Shotguns", "correct": True, "feedback": ""},
    ]
}
# Five students answer three questions: q1 single choice keyed "b" and q2 true/false keyed
# True (1 point each), q3 multiple response keyed {a, c} (2 points, partial credit: one right
# pick of two earns 1). The scores are those of tests/quizzes/test_statistics.py, so its hand
# arithmetic gives the numbers expected on the page.
#
#        q1       q2        q3         scores    total
#   A    b        true      a, c       1 1 2     4 (100 %)
#   B    b        true      a          1 1 1     3  (75 %)
#   C    b        false     c          1 0 1     2  (50 %)
#   D    a        true      b          0 1 0     1  (25 %)
#   E    c        (blank)   (blank)    0 0 0     0   (0 %)
ANSWERS = {
    "A": ("b", "true", ["a", "c"]),
    "B": ("b", "true", ["a"]),
    "C": ("b", "false", ["c"]),
    "D": ("a", "true", ["b"]),
    "E": ("c", None, None),
}


def enrol(course, username):
    return EnrollmentFactory(course=course, user=UserFactory(username=username)).user


@pytest.fixture
def quiz(course):
    """q1 and q2 cite one paragraph of the news explainer, q3 another; q1 and q3 serve
    one objective."""
    q1 = make_question("ia-single")  # cites "Dams upstream trap most of the silt"
    q2 = make_question(
        "ia-true-false",
        "true_false",
        TRUE_FALSE,
        quote="the river now carries less than a third of the silt",
    )
    q3 = make_question(
        "ia-multiple",
        "multiple",
        MULTIPLE,
        quote="The water board counts about 1,200 licensed wells",
    )
    objective = Objective.objects.create(code="ia-weapons", title="Trace the weapons")
    q1.objectives.add(objective)
    q3.objectives.add(objective)
    quiz = make_quiz(course, [q1, q2, q3], slug="ia-quiz", multiple_scoring="proportional")
    QuizQuestion.objects.filter(quiz=quiz, question=q3).update(points=2)
    return quiz


@pytest.fixture
def answered(course, quiz):
    for name, answers in ANSWERS.items():
        take_quiz(enrol(course, f"ia-{name}"), quiz, dict(enumerate(answers)))
    return quiz


def page(client, course, quiz, **params):
    return client.get(reverse("item_analysis", args=[course.slug, quiz.slug]), params)


def text_of(markup: str) -> str:
    """The page's visible text, one space between words."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def passage_of(quote: str) -> Passage:
    source = Source.objects.get(slug=SOURCE)
    start = source.text.index(quote)
    return source.passages.get(start__lte=start, end__gt=start)


def test_teacher_sees_the_quiz_figures_worked_out_by_hand(client, course, teacher, answered):
    client.force_login(teacher)
    response = page(client, course, answered)
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Attempts analysed 5 (by 5 students)" in text
    # Totals 100, 75, 50, 25, 0 %: mean and median 50, sample SD √1562.5 = 39.53, alpha 72.
    assert "Average score 50%" in text
    assert "Median score 50%" in text
    assert "Standard deviation 39.53%" in text
    assert "Internal consistency (Cronbach's alpha) 72% — Acceptable for a graded test" in text
    assert "Fewer than 10 complete attempts" in text


def test_each_question_shows_facility_sd_discrimination_and_efficiency(
    client, course, teacher, answered
):
    client.force_login(teacher)
    html = page(client, course, answered).content.decode()
    rows = {
        n: text_of(m)
        for n, m in re.findall(r'<tr id="item-(\d)">(.*?)</tr>', html, flags=re.DOTALL)
    }
    # q1: 3 of 5 right, SD √0.3 = 54.77, index r = 1.8 / √6.24 = 72.06, efficiency 100.
    assert rows["1"].endswith("Single choice 5 60% 54.77% 72.06% 100% none")
    # q2: 3 of 5, index 0.8 / √8.64 = 27.22, efficiency 0.8 / 2.8 = 28.57.
    assert rows["2"].endswith("True or false 5 60% 54.77% 27.22% 28.57% none")
    # q3 as a share of its 2 points: 1, .5, .5, 0, 0 → 40 %, SD √0.175 = 41.83; index 2.2 / 2.8.
    assert rows["3"].endswith("Multiple response 5 40% 41.83% 78.57% 100% none")
    q1 = answered.slots.get(position=0).question
    assert reverse("admin:quizzes_question_change", args=[q1.pk]) in html


def test_choice_questions_show_counts_shares_and_point_biserials(client, course, teacher, answered):
    client.force_login(teacher)
    text = text_of(page(client, course, answered).content.decode())
    # q1 against the rest of the test 3, 2, 1, 1, 0 (mean 1.4, Σdy² = 5.2):
    # "b" is the item's own score: 72.06; "a" (D only): Σdxdy = −0.4, Σdx² = 0.8,
    # r = −0.4 / √4.16 = −19.61; "c" (E only): Σdxdy = −1.4, r = −1.4 / √4.16 = −68.64.
    assert "a. Sand 1 20% -19.61%" in text
    assert "b. Silt (correct) 3 60% 72.06%" in text
    assert "c. Gravel 1 20% -68.64%" in text
    # q2 against 3, 2, 2, 0, 0 (mean 1.4, Σdy² = 7.2): "True" is the item's score, 27.22;
    # "False" (C only): Σdxdy = 0.6, Σdx² = 0.8, r = 0.6 / √5.76 = 25. E left it blank.
    assert "True (correct) 3 60% 27.22%" in text
    assert "False 1 20% 25%" in text
    assert "Left blank: 1." in text
    # q3 counts the combinations picked; only A picked the right one.
    assert "a. Handguns + c. Shotguns (correct) 1 20%" in text
    assert "b. Tanks 1 20%" in text


def test_rollups_by_passage_and_objective_put_the_weakest_first(client, course, teacher, answered):
    client.force_login(teacher)
    html = page(client, course, answered).content.decode()
    text = text_of(html)
    stores = passage_of("Dams upstream trap most of the silt")
    rifles = passage_of("The water board counts about 1,200 licensed wells")
    title = Source.objects.get(slug=SOURCE).title
    # The rifles paragraph rests on q3 alone (40 %); the stores paragraph on q1 and q2:
    # 6 of 10 points = 60 %, discrimination (72.058 + 27.217) / 2 = 49.64.
    rifles_row = f"{title} ¶{rifles.position + 1}"
    stores_row = f"{title} ¶{stores.position + 1}"
    by_passage = text.split("By cited passage", 1)[1].split("By objective", 1)[0]
    assert 0 <= by_passage.index(rifles_row) < by_passage.index(stores_row)
    assert "40% 78.57% 1 question, 5 responses" in text
    assert "60% 49.64% 2 questions, 10 responses" in text
    # The objective pools q1 and q3: 3 + 4 of 5 + 10 points = 46.67 %; (72.06 + 78.57) / 2.
    assert "Trace the weapons 46.67% 75.31% 2 questions, 10 responses" in text
    cite = reverse("cite", args=[course.slug, SOURCE, rifles.start, rifles.end])
    assert f'href="{cite}"' in html
    # The link opens the reading with the whole paragraph highlighted.
    assert f"hl={SOURCE}:{rifles.start}-{rifles.end}" in client.get(cite).url


def test_the_attempts_filter_switches_between_first_last_and_all(client, course, teacher, answered):
    # B tries again and leaves everything blank: the first attempts are unchanged.
    take_quiz(UserFactory(username="ia-B"), answered, {0: None, 1: None, 2: None})
    client.force_login(teacher)
    first = text_of(page(client, course, answered).content.decode())
    assert "Attempts analysed 5 (by 5 students)" in first
    assert "Average score 50%" in first
    # Last attempts: B scores 0 instead of 75 %: totals 100, 0, 50, 25, 0 → mean 35.
    last = text_of(page(client, course, answered, attempts="last").content.decode())
    assert "Attempts analysed 5 (by 5 students)" in last
    assert "Average score 35%" in last
    # All: six attempts, 250 / 6 = 41.67 %.
    every = text_of(page(client, course, answered, attempts="all").content.decode())
    assert "Attempts analysed 6 (by 5 students)" in every
    assert "Average score 41.67%" in every


def test_an_unknown_attempts_choice_is_a_clear_400(client, course, teacher, answered):
    client.force_login(teacher)
    response = page(client, course, answered, attempts="best")
    assert response.status_code == 400
    assert "use first, last or all" in response.content.decode()


def test_a_quiz_nobody_has_submitted_says_so(client, course, teacher, quiz):
    start_attempt(quiz=quiz, student=enrol(course, "ia-still-working"))
    client.force_login(teacher)
    response = page(client, course, quiz)
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "No submitted attempts yet" in text
    assert "The quiz as a whole" not in text and "Facility" in text  # the measures, explained


def test_the_gradebook_links_each_quiz_to_its_analysis(client, course, teacher, answered):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert reverse("item_analysis", args=[course.slug, answered.slug]) in html


def test_students_and_other_courses_teachers_get_a_404(client, course, student, answered):
    client.force_login(student)
    assert page(client, course, answered).status_code == 404
    outsider = UserFactory(username="ia-other-teacher", is_staff=True)
    EnrollmentFactory(user=outsider, role=Enrollment.Role.TEACHER)
    client.force_login(outsider)
    assert page(client, course, answered).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, course, answered):
    response = page(client, course, answered)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_costs_the_same_queries_for_5_or_25_students(
    client, course, teacher, answered, django_assert_num_queries
):
    client.force_login(teacher)
    # Session, user, course, teacher check, quiz; then the analysis's six reads.
    with django_assert_num_queries(11):
        page(client, course, answered)
    for n in range(20):
        take_quiz(enrol(course, f"ia-more-{n}"), answered, dict(enumerate(ANSWERS["ABCDE"[n % 5]])))
    with CaptureQueriesContext(connection) as queries:
        response = page(client, course, answered)
    assert "Attempts analysed 25 (by 25 students)" in text_of(response.content.decode())
    assert len(queries) == 11


def test_the_analysis_refuses_an_unknown_choice_of_attempts(course, answered):
    analysis = analysis_of(answered, which=FIRST_ATTEMPTS)
    assert (analysis.attempts, analysis.students, analysis.test.attempts) == (5, 5, 5)
    assert [row.number for row in analysis.items] == [1, 2, 3]
    with pytest.raises(ValueError, match="Unknown choice of attempts"):
        analysis_of(answered, which="best")
