"""The attempt page without JavaScript is one form: every button on it (Save, a page, Finish,
Check this answer, a report, the flag with any of them) saves every answer on the page first,
then does what it says. And the deadline applies to every action: saves on their way keep
their grace period, nothing else does."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.grading import MAX_NUMBER_TEXT
from quizzes.models import Attempt, QuestionReport, Quiz
from quizzes.services import GRACE, start_attempt
from tests.factories import answer_question, make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db

NUMERIC = {"answer": 137000, "tolerance": 0}


@pytest.fixture
def quiz(course):
    questions = [make_question(f"form-q{i}") for i in range(3)]
    questions.append(make_question("form-numeric", kind="numeric", data=NUMERIC))
    return make_quiz(course, questions, slug="one-form")


@pytest.fixture
def attempt(client, student, quiz):
    client.force_login(student)
    return start_attempt(quiz=quiz, student=student)


def page_post(attempt, answers, **extra):
    """The attempt page's form as a browser posts it: every question on it with its
    q<position>- fields (opaque ids), its sequence number as the page showed it, and
    `extra` fields (the pressed button's action, page)."""
    body: dict[str, list[str]] = {}
    for response in attempt.responses.order_by("position"):
        given = dict(answers.get(response.position, {}))
        data = {"seq": given.pop("seq", response.sequence), **given}
        for name, values in page_form(attempt, response.position, data).items():
            body[f"q{response.position}-{name}"] = values
    for name, value in extra.items():
        body[name] = [str(value)]
    return body


def post_page(client, attempt, answers, **extra):
    url = reverse("attempt_detail", args=[attempt.pk])
    return client.post(url, page_post(attempt, answers, **extra))


def answers_of(attempt):
    return {r.position: r.answer for r in attempt.responses.order_by("position")}


SEVERAL = {0: {"answer": "b"}, 1: {"answer": "a"}, 3: {"answer": "137,000"}}


@pytest.mark.parametrize(
    ("action", "goes_to"),
    [
        ("save", "attempt_detail"),
        ("save:1", "attempt_detail"),
        ("finish", "attempt_summary"),
        ("report:2", "attempt_detail"),
        ("", "attempt_detail"),  # Enter in a text field: the default button saves
        ("nonsense:5", "attempt_detail"),
    ],
)
def test_any_button_saves_every_answer_on_the_page_first(client, attempt, action, goes_to):
    response = post_page(client, attempt, SEVERAL, action=action, **{"report-2": "Typo."})
    assert response.status_code == 302
    assert response.url.startswith(reverse(goes_to, args=[attempt.pk]))
    assert answers_of(attempt) == {
        0: "b",
        1: "a",
        2: None,
        3: {"text": "137,000", "convention": "en"},
    }
    saved = attempt.responses.filter(answer__isnull=False)
    assert {r.sequence for r in saved} == {1}
    assert all(r.saved_at for r in saved)


def test_the_report_button_sends_the_report_after_saving(client, attempt):
    post_page(client, attempt, SEVERAL, action="report:2", **{"report-2": "Two options match."})
    report = QuestionReport.objects.get()
    assert report.text == "Two options match." and report.attempt_id == attempt.pk
    assert report.question == attempt.responses.get(position=2).version.question
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "your teacher will see your report" in page


def test_an_empty_report_is_refused_and_the_answers_are_saved_all_the_same(client, attempt):
    response = post_page(client, attempt, SEVERAL, action="report:1", **{"report-1": " "})
    page = client.get(response.url).content.decode()
    assert "Describe the problem" in page
    assert not QuestionReport.objects.exists()
    assert answers_of(attempt)[1] == "a"


def test_the_flag_is_saved_with_the_page(client, attempt):
    post_page(client, attempt, {0: {"answer": "b", "flag": "on"}, 2: {"flag": "on"}})
    flagged = {r.position: r.is_flagged for r in attempt.responses.all()}
    assert flagged == {0: True, 1: False, 2: True, 3: False}
    # Unticking is saved too: the box is simply not posted.
    post_page(client, attempt, {0: {"answer": "b"}, 2: {"flag": "on"}})
    assert not attempt.responses.get(position=0).is_flagged


def test_posting_an_unchanged_page_writes_nothing(client, attempt):
    post_page(client, attempt, SEVERAL)
    before = {r.position: (r.sequence, r.saved_at) for r in attempt.responses.all()}
    post_page(client, attempt, {p: dict(a, seq=1) for p, a in SEVERAL.items()}, action="save")
    after = {r.position: (r.sequence, r.saved_at) for r in attempt.responses.all()}
    assert before == after


def test_one_per_page_next_and_previous_save_the_page_then_turn_it(client, student, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(layout=Quiz.Layout.ONE_PER_PAGE)
    client.force_login(student)
    attempt = start_attempt(quiz=Quiz.objects.get(pk=quiz.pk), student=student)
    url = reverse("attempt_detail", args=[attempt.pk])
    page = client.get(url, {"page": 2}).content.decode()
    assert 'name="action" value="page:3"' in page and 'name="action" value="page:1"' in page
    assert 'name="q1-seq"' in page and 'name="q0-seq"' not in page  # only this page's question
    body = {f"q1-{name}": values for name, values in page_form(attempt, 1, {"answer": "c"}).items()}
    body |= {"q1-seq": ["0"], "page": ["2"], "action": ["page:3"]}
    response = client.post(url, body)
    assert response.url == f"{url}?page=3"
    assert answers_of(attempt)[1] == "c"
    body |= {"action": ["page:1"], "q1-seq": ["1"], "q1-answer": body["q1-answer"]}
    assert client.post(url, body).url == f"{url}?page=1"
    # The question buttons in the list are buttons of the same form.
    assert 'value="page:4"' in page and 'aria-current="page"' in page


def test_a_stale_answer_is_refused_the_others_are_saved_and_nothing_else_is_done(
    client, student, attempt
):
    answer_question(student=student, attempt_id=attempt.pk, position=1, form={"answer": ["c"]})
    response = post_page(
        client, attempt, {0: {"answer": "b"}, 1: {"answer": "a", "seq": 0}}, action="finish"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "another tab" in body and "Not saved:" in body
    assert 'id="status-1" class="save-status error"' in body
    assert answers_of(attempt)[0] == "b"
    assert answers_of(attempt)[1] == "c"  # the newer answer stands
    assert 'name="q1-seq" value="1"' in body  # the page now shows the latest


def test_a_stale_answer_that_is_already_the_stored_one_is_no_conflict(client, student, attempt):
    answer_question(student=student, attempt_id=attempt.pk, position=1, form={"answer": ["a"]})
    response = post_page(client, attempt, {1: {"answer": "a", "seq": 0}}, action="finish")
    assert response.status_code == 302 and response.url.endswith("/summary/")


def test_a_malformed_answer_is_shown_back_as_typed_and_the_button_waits(client, attempt):
    response = post_page(
        client, attempt, {0: {"answer": "b"}, 3: {"answer": "about a lot"}}, action="finish"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="about a lot"' in body and "Enter a number" in body
    assert "nothing else was done" in body
    assert answers_of(attempt) == {0: "b", 1: None, 2: None, 3: None}


def test_too_large_an_answer_is_refused_with_a_message(client, attempt):
    body = page_post(attempt, {0: {"answer": "b"}}, action="save")
    body |= {f"q2-field{i}": ["x"] for i in range(70)}
    response = client.post(reverse("attempt_detail", args=[attempt.pk]), body)
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert answers_of(attempt)[0] == "b"


def test_check_this_answer_saves_the_page_then_checks(client, student, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(
        review_correctness=Quiz.Review.IMMEDIATELY, review_feedback=Quiz.Review.IMMEDIATELY
    )
    client.force_login(student)
    attempt = start_attempt(quiz=Quiz.objects.get(pk=quiz.pk), student=student)
    response = post_page(client, attempt, SEVERAL, action="check:1")
    assert response.url.endswith("#q2")
    checked = {r.position: r.is_checked for r in attempt.responses.all()}
    assert checked == {0: False, 1: True, 2: False, 3: False}
    assert answers_of(attempt)[0] == "b"
    page = client.get(response.url).content.decode()
    assert 'name="q1-seq"' not in page  # a checked answer has nothing to post
    assert 'name="q0-seq"' in page


def test_every_button_and_field_of_the_page_is_in_one_form(client, attempt):
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    form = page.split('<form id="attempt-form"', 1)[1].split("</form>", 1)[0]
    assert "<form" not in form  # no nested form: the report is a button of the page's form
    for text in ("Save answer", "Finish attempt…", "Flag for review", "Send to the teacher"):
        assert text in form
    assert form.count('name="action" value="finish"') == 2  # the list's and the page's end
    # The page's, the log-out button's and the language switcher's.
    assert page.count("<form") == 3 and 'class="language-switcher"' in page


def test_posting_another_students_attempt_is_a_404(client, attempt, other_student):
    client.force_login(other_student)
    assert post_page(client, attempt, SEVERAL).status_code == 404
    assert answers_of(attempt)[0] is None


def test_posting_a_submitted_attempt_saves_nothing_and_shows_the_result(client, attempt):
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    response = post_page(client, attempt, SEVERAL, action="save")
    assert response.url == reverse("attempt_result", args=[attempt.pk])
    assert answers_of(attempt)[0] is None


def test_the_page_post_costs_the_same_for_3_or_30_questions(client, course, student):
    client.force_login(student)
    costs = []
    for n in (3, 30):
        quiz = make_quiz(course, [make_question(f"cost-{n}-{i}") for i in range(n)], slug=f"c{n}")
        attempt = start_attempt(quiz=quiz, student=student)
        body = page_post(attempt, {p: {"answer": "b"} for p in range(n)}, action="save")
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("attempt_detail", args=[attempt.pk]), body)
        costs.append(len(queries))
        assert all(a == "b" for a in answers_of(attempt).values())
    assert costs[0] == costs[1]


# --- The deadline, on every action ------------------------------------------------------------


def timed(quiz, **settings):
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=10, **settings)
    return Quiz.objects.get(pk=quiz.pk)


def move_deadline(attempt, delta):
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() + delta)


def test_a_page_posted_within_the_grace_period_saves_then_submits(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    move_deadline(attempt, -GRACE / 2)
    response = post_page(client, attempt, SEVERAL, action="page:2")
    assert response.url == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.is_auto_submitted
    assert attempt.points == Decimal("2.00")  # q0 and the number, saved on their way
    result = client.get(response.url).content.decode()
    assert "Time is up" in result


def test_a_page_posted_after_the_grace_period_saves_nothing(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    post_page(client, attempt, {0: {"answer": "b"}})
    move_deadline(attempt, -GRACE - timedelta(seconds=1))
    response = post_page(client, attempt, {0: {"answer": "b", "seq": 1}, 1: {"answer": "a"}})
    assert response.url == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.points == Decimal("1.00")
    assert answers_of(attempt)[1] is None


@pytest.mark.parametrize("grace", [timedelta(seconds=5), GRACE + timedelta(hours=2)])
def test_checking_after_the_deadline_submits_instead_of_grading(client, student, quiz, grace):
    """Even within the grace period: it is for saves on their way, not for checks."""
    quiz = timed(
        quiz,
        review_correctness=Quiz.Review.IMMEDIATELY,
        review_feedback=Quiz.Review.IMMEDIATELY,
    )
    client.force_login(student)
    attempt = start_attempt(quiz=quiz, student=student)
    answer_question(student=student, attempt_id=attempt.pk, position=0, form={"answer": ["b"]})
    move_deadline(attempt, -grace)
    for check in (
        lambda: client.post(reverse("attempt_check", args=[attempt.pk, 0])),
        lambda: post_page(client, attempt, {0: {"answer": "b", "seq": 1}}, action="check:0"),
    ):
        response = check()
        assert response.status_code == 302
        attempt.refresh_from_db()
        assert not attempt.is_open and attempt.is_auto_submitted
        assert not attempt.responses.get(position=0).is_checked
    assert attempt.points == Decimal("1.00")  # graded with the attempt


def test_a_flag_after_the_grace_period_is_not_saved(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    move_deadline(attempt, -GRACE - timedelta(seconds=1))
    url = reverse("attempt_save", args=[attempt.pk, 0])
    response = client.post(url, {"seq": "0", "flag": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Time is up" in response.content.decode()
    assert "data-closed" in response.content.decode()  # the script goes to the result
    assert not attempt.responses.get(position=0).is_flagged


def test_submitting_after_the_deadline_keeps_only_the_answers_saved_in_time(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    answer_question(student=student, attempt_id=attempt.pk, position=0, form={"answer": ["b"]})
    move_deadline(attempt, -GRACE / 3)
    answer_question(student=student, attempt_id=attempt.pk, position=1, form={"answer": ["b"]})
    move_deadline(attempt, -timedelta(hours=3))
    late = client.post(
        reverse("attempt_save", args=[attempt.pk, 2]),
        page_form(attempt, 2, {"seq": 0, "answer": "b"}),
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 409
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.is_auto_submitted and attempt.points == Decimal("2.00")
    assert answers_of(attempt) == {0: "b", 1: "b", 2: None, 3: None}


def test_submitting_within_the_grace_period_counts_as_the_time_running_out(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    move_deadline(attempt, -timedelta(seconds=3))
    response = client.post(reverse("attempt_submit", args=[attempt.pk]), follow=True)
    attempt.refresh_from_db()
    assert attempt.is_auto_submitted
    assert "Time is up" in response.content.decode()


def test_a_save_sent_again_after_its_reply_was_lost_is_taken_as_saved(client, attempt):
    url = reverse("attempt_save", args=[attempt.pk, 0])
    data = page_form(attempt, 0, {"seq": 0, "answer": "b"})
    first = client.post(url, data, HTTP_HX_REQUEST="true")
    again = client.post(url, data, HTTP_HX_REQUEST="true")
    assert first.status_code == again.status_code == 200
    assert 'name="seq" value="1"' in again.content.decode()
    other = client.post(url, page_form(attempt, 0, {"seq": 0, "answer": "c"}))
    assert other.status_code == 409  # a different answer from the old state is still refused


def test_the_save_endpoint_also_takes_the_pages_field_names(client, attempt):
    data = {f"q0-{k}": v for k, v in page_form(attempt, 0, {"seq": 0, "answer": "b"}).items()}
    response = client.post(
        reverse("attempt_save", args=[attempt.pk, 0]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert answers_of(attempt)[0] == "b"


# --- Timer and the confirmation before a timed quiz --------------------------------------------


def test_the_timer_shows_minutes_left_and_the_end_in_the_servers_time(client, student, quiz):
    client.force_login(student)
    attempt = start_attempt(quiz=timed(quiz), student=student)
    for name in ("attempt_detail", "attempt_summary"):
        page = client.get(reverse(name, args=[attempt.pk])).content.decode()
        assert 'role="timer"' in page and "10 minutes" in page
        end = timezone.localtime(attempt.deadline_at)
        assert f'datetime="{end.isoformat()}"' in page
        assert f">{end:%H:%M} UTC</time>" in page
        assert 'aria-live="polite"' in page and 'aria-live="assertive"' in page


def test_a_quiz_with_a_close_date_shows_its_closing_as_the_timer(client, student, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() + timedelta(minutes=90))
    client.force_login(student)
    attempt = start_attempt(quiz=Quiz.objects.get(pk=quiz.pk), student=student)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "Closes in:" in page and 'role="timer"' in page


def test_an_untimed_attempt_has_no_timer(client, attempt):
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert 'role="timer"' not in page


def test_a_timed_quiz_asks_before_its_clock_starts(client, course, student):
    client.force_login(student)
    quiz = Quiz.objects.get(course=course, slug="review")
    detail = client.get(quiz.get_absolute_url()).content.decode()
    start_url = reverse("attempt_start", args=[course.slug, quiz.slug])
    assert f'<form method="get" action="{start_url}">' in detail
    asked = client.get(start_url)
    body = asked.content.decode()
    assert "This quiz is timed: 40 minutes from when you start." in body
    assert "Start now?" in body and f'<form method="post" action="{start_url}"' in body
    assert not Attempt.objects.filter(quiz=quiz).exists()  # asking starts nothing
    started = client.post(start_url)
    attempt = Attempt.objects.get(quiz=quiz, student=student)
    assert started.url == attempt.get_absolute_url()
    # Once started, the question is not asked again: the attempt is already running.
    assert client.get(start_url).url == attempt.get_absolute_url()


def test_an_untimed_quiz_starts_with_one_post(client, course, student):
    client.force_login(student)
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    detail = client.get(quiz.get_absolute_url()).content.decode()
    assert "Start the quiz</button>" in detail and 'method="get"' not in detail


def test_the_confirmation_is_a_404_for_a_course_the_student_is_not_in(
    client, course, other_student
):
    client.force_login(other_student)
    assert client.get(reverse("attempt_start", args=[course.slug, "review"])).status_code == 404


def test_the_headers_language_switcher_and_log_out_belong_to_the_attempt_form(client, attempt):
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert '<select name="language" id="language-select" form="attempt-form">' in page
    assert 'form="attempt-form" name="action" value="language"' in page
    assert 'form="attempt-form" name="action" value="logout"' in page
    elsewhere = client.get(reverse("attempt_summary", args=[attempt.pk])).content.decode()
    assert 'form="attempt-form"' not in elsewhere  # a page with no answers: plain forms


def test_changing_language_on_the_attempt_page_saves_the_answers_first(client, attempt):
    here = reverse("attempt_detail", args=[attempt.pk]) + "?page=1"
    response = post_page(
        client, attempt, {0: {"answer": "b"}}, action="language", language="es", next=here
    )
    assert response.status_code == 302 and response["Location"] == here
    assert response.cookies["django_language"].value == "es"
    assert answers_of(attempt)[0] == "b"
    assert 'lang="es"' in client.get(here).content.decode()


def test_logging_out_from_the_attempt_page_saves_the_answers_first(client, attempt):
    response = post_page(client, attempt, {0: {"answer": "c"}}, action="logout")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert answers_of(attempt)[0] == "c"
    again = client.get(reverse("attempt_detail", args=[attempt.pk]))
    assert again.status_code == 302 and again["Location"].startswith(reverse("login"))


def test_the_numeric_box_allows_what_the_server_reads(client, attempt):
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    box = re.search(r'<input type="text" inputmode="decimal"[^>]*>', page)
    assert box and f'maxlength="{MAX_NUMBER_TEXT}"' in box[0]
