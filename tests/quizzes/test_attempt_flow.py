from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Enrollment
from quizzes.models import Attempt, Question, QuestionReport, Quiz, QuizPool
from quizzes.services import GRACE, QuizUnavailable, start_attempt, submit_attempt
from quizzes.services import attempts as attempts_service
from tests.factories import make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    questions = [make_question(f"flow-q{i}") for i in range(3)]
    return make_quiz(course, questions, attempts_allowed=2)


def start(client, quiz) -> Attempt:
    response = client.post(reverse("attempt_start", args=[quiz.course.slug, quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.filter(quiz=quiz).latest("pk")


def save(client, attempt, position, htmx=True, **data):
    response = attempt.responses.get(position=position)
    payload = page_form(attempt, position, {"seq": response.sequence, **data})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("attempt_save", args=[attempt.pk, position]), payload, **headers)


def test_student_takes_submits_and_reviews_a_quiz(client, student, quiz):
    client.force_login(student)
    page = client.get(reverse("quiz_detail", args=[quiz.course.slug, quiz.slug])).content.decode()
    assert "Start the quiz" in page and "Attempts allowed: 2" in page
    attempt = start(client, quiz)
    assert client.get(reverse("attempt_detail", args=[attempt.pk])).status_code == 200

    assert save(client, attempt, 0, answer="b").status_code == 200
    assert save(client, attempt, 1, answer="a").status_code == 200
    summary = client.get(reverse("attempt_summary", args=[attempt.pk])).content.decode()
    assert "1 question not answered" in summary

    response = client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.url == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert (attempt.points, attempt.max_points) == (Decimal("1.00"), Decimal("3.00"))
    result = client.get(response.url).content.decode()
    assert "1.00 / 3.00" in result
    assert "Right: dams trap the silt." in result  # per-choice feedback, after submitting
    assert "Read these passages again" in result
    assert f"/courses/{quiz.course.slug}/cite/delta-news/" in result


def test_a_plain_form_post_saves_and_returns_to_the_question(client, student, quiz):
    client.force_login(student)
    attempt = start(client, quiz)
    response = save(client, attempt, 2, htmx=False, answer="c", flag="on")
    assert response.status_code == 302
    assert response.url.endswith("#q3")
    saved = attempt.responses.get(position=2)
    assert (saved.answer, saved.is_flagged, saved.sequence) == ("c", True, 1)
    page = client.get(response.url).content.decode()
    assert "Saved your answer to question 3." in page
    assert "flagged" in page


def test_the_htmx_save_returns_the_status_new_sequence_and_nav_item_only(client, student, quiz):
    client.force_login(student)
    attempt = start(client, quiz)
    response = save(client, attempt, 0, answer="a")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="status-0"' in html
    assert 'name="seq" value="1"' in html and 'hx-swap-oob="true"' in html
    assert 'id="nav-0"' in html and "answered" in html


def test_the_list_of_questions_gives_each_ones_number_link_and_state(client, student, quiz):
    client.force_login(student)
    attempt = start(client, quiz)
    save(client, attempt, 0, answer="a", flag="on")
    reply = save(client, attempt, 1, answer="b").content.decode()
    assert (  # the save's reply swaps in its own question's item
        '<li id="nav-1" hx-swap-oob="true" class="answered"><a href="#q2">2<span class="nav-state">'
        '<span class="visually-hidden">: answered</span></span></a></li>'
    ) in reply
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert (
        '<li id="nav-0" class="answered flagged"><a href="#q1">1<span class="nav-state"><span '
        'class="visually-hidden">: answered, flagged</span> <span aria-hidden="true">⚑</span>'
        "</span></a></li>"
    ) in page
    assert '<li id="nav-2" class="unanswered"><a href="#q3">3' in page
    assert ": not answered</span>" in page and page.count('<li id="nav-') == 3


def test_on_a_one_per_page_quiz_a_save_swaps_in_the_questions_page_button(client, student, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(layout=Quiz.Layout.ONE_PER_PAGE)
    client.force_login(student)
    attempt = start(client, quiz)
    reply = save(client, attempt, 1, answer="b").content.decode()
    assert (
        '<li id="nav-1" hx-swap-oob="true" class="answered"><button type="submit" name="action" '
        'value="page:2" class="nav-button" aria-current="page">2<span class="nav-state">'
    ) in reply
    assert 'href="#q2"' not in reply


def test_starting_again_resumes_the_open_attempt_even_from_another_device(client, student, quiz):
    client.force_login(student)
    first = start(client, quiz)
    save(client, first, 0, answer="b")
    other_device = type(client)()
    other_device.force_login(student)
    second = start(other_device, quiz)
    assert second.pk == first.pk
    page = other_device.get(reverse("attempt_detail", args=[first.pk])).content.decode()
    b = page_form(first, 0, {"answer": "b"})["answer"][0]
    assert f'value="{b}" id="q0-{b}" checked' in page


def test_attempts_allowed_is_enforced(client, student, quiz):
    client.force_login(student)
    for _ in range(2):
        submit_attempt(attempt=start(client, quiz))
    response = client.post(
        reverse("attempt_start", args=[quiz.course.slug, quiz.slug]), follow=True
    )
    assert "You have used all 2 attempts" in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz, student=student).count() == 2


def another_tab_starts_while_this_start_plans(monkeypatch, *, then_submit: bool) -> None:
    """A start plans its attempt before taking the lock (quizzes.services.attempts._plan);
    here another tab's start lands in between, as it can under load."""
    plan = attempts_service._plan

    def planned_while_another_tab_starts(quiz, student, made):
        planned = plan(quiz, student, made)
        monkeypatch.setattr(attempts_service, "_plan", plan)  # the other tab plans normally
        other = start_attempt(quiz=quiz, student=student)
        if then_submit:
            submit_attempt(attempt=other)
        return planned

    monkeypatch.setattr(attempts_service, "_plan", planned_while_another_tab_starts)


def test_a_start_that_another_tab_overtook_resumes_that_tabs_attempt(monkeypatch, student, quiz):
    another_tab_starts_while_this_start_plans(monkeypatch, then_submit=False)
    attempt = start_attempt(quiz=quiz, student=student)
    assert list(Attempt.objects.filter(quiz=quiz, student=student)) == [attempt]
    assert attempt.number == 1 and attempt.is_open


def test_a_start_that_another_tab_overtook_counts_that_tabs_attempt(monkeypatch, student, quiz):
    submit_attempt(attempt=start_attempt(quiz=quiz, student=student))  # 1 of 2 used
    another_tab_starts_while_this_start_plans(monkeypatch, then_submit=True)  # 2 of 2
    with pytest.raises(QuizUnavailable, match="You have used all 2 attempts"):
        start_attempt(quiz=quiz, student=student)
    assert Attempt.objects.filter(quiz=quiz, student=student).count() == 2


def test_a_start_that_another_tab_overtook_draws_afresh_from_a_pool(monkeypatch, course, student):
    questions = [make_question(f"flow-pool-{i}") for i in range(6)]
    Question.objects.filter(pk__in=[q.pk for q in questions]).update(tags=["flow-pool"])
    quiz = Quiz.objects.create(course=course, slug="pooled", title="Pooled", attempts_allowed=3)
    QuizPool.objects.create(quiz=quiz, position=0, tag="flow-pool", count=3)
    another_tab_starts_while_this_start_plans(monkeypatch, then_submit=True)
    attempt = start_attempt(quiz=quiz, student=student)
    first, second = Attempt.objects.filter(quiz=quiz, student=student).order_by("number")
    assert second == attempt and attempt.number == 2
    drawn = [
        {r.slot.question_id for r in a.responses.select_related("slot")} for a in (first, second)
    ]
    assert len(drawn[0]) == len(drawn[1]) == 3 and not drawn[0] & drawn[1]  # no repeat


def test_a_quiz_cannot_be_started_before_it_opens_or_after_it_closes(client, student, quiz):
    client.force_login(student)
    quiz.opens_at = timezone.now() + timedelta(days=1)
    quiz.save()
    response = client.post(
        reverse("attempt_start", args=[quiz.course.slug, quiz.slug]), follow=True
    )
    assert "This quiz is not open yet." in response.content.decode()
    quiz.opens_at, quiz.closes_at = None, timezone.now() - timedelta(minutes=1)
    quiz.save()
    response = client.post(
        reverse("attempt_start", args=[quiz.course.slug, quiz.slug]), follow=True
    )
    assert "This quiz has closed" in response.content.decode()
    assert not Attempt.objects.filter(quiz=quiz).exists()


def test_draft_and_retired_questions_are_left_out_of_new_attempts(student, quiz):
    draft = quiz.questions.order_by("key").first()
    draft.status = Question.Status.DRAFT
    draft.save()
    attempt = start_attempt(quiz=quiz, student=student)
    assert attempt.responses.count() == 2
    assert attempt.max_points == Decimal("2.00")


def test_time_runs_out_and_the_attempt_is_submitted_with_what_was_saved(client, student, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=10)
    save(client, attempt, 0, answer="b")
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=20),
        deadline_at=timezone.now() - GRACE - timedelta(seconds=1),
    )
    late = save(client, attempt, 1, answer="b")
    assert late.status_code == 409
    assert "Time is up" in late.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.is_auto_submitted
    assert attempt.points == Decimal("1.00")  # only the answer saved in time counts
    assert attempt.responses.get(position=1).answer is None


def test_a_save_within_the_grace_period_still_counts(client, student, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - GRACE / 2)
    assert save(client, attempt, 0, answer="b").status_code == 200


def test_an_overdue_attempt_is_submitted_when_it_is_next_opened(client, student, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("attempt_detail", args=[attempt.pk]))
    assert response.url == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.is_auto_submitted


def test_a_quiz_closing_cuts_an_attempt_short(student, quiz):
    quiz.time_limit_minutes = 60
    quiz.closes_at = timezone.now() + timedelta(minutes=5)
    quiz.save()
    attempt = start_attempt(quiz=quiz, student=student)
    assert attempt.deadline_at == quiz.closes_at


def test_one_question_per_page_pages_through_the_questions(client, student, quiz):
    quiz.layout = Quiz.Layout.ONE_PER_PAGE
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    url = reverse("attempt_detail", args=[attempt.pk])
    first = client.get(url).content.decode()
    assert first.count("<fieldset") == 1 and "Question 1" in first and "Next →" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert "Question 3" in last and "Finish attempt" in last and "Next →" not in last
    assert client.get(url, {"page": "junk"}).status_code == 200
    assert client.get(url, {"page": 99}).status_code == 200


def test_immediate_feedback_locks_a_checked_answer_and_shows_its_feedback(client, student, quiz):
    quiz.review_correctness = quiz.review_feedback = quiz.review_answer = Quiz.Review.IMMEDIATELY
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "Check this answer" in page and "Right: dams trap the silt." not in page
    save(client, attempt, 0, answer="b")
    client.post(reverse("attempt_check", args=[attempt.pk, 0]))
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "Right: dams trap the silt." in page
    assert "Correct" in page
    locked = save(client, attempt, 0, answer="a")
    assert locked.status_code == 409
    assert attempt.responses.get(position=0).answer == "b"


def test_a_review_policy_of_never_shows_no_score_or_key_after_submitting(client, student, quiz):
    for aspect in ("correctness", "points", "feedback", "answer", "citations"):
        setattr(quiz, f"review_{aspect}", Quiz.Review.NEVER)
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    save(client, attempt, 0, answer="b")
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    result = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert "Score:" not in result and "Right answer" not in result and "Right: DCAM" not in result
    assert "show scores and feedback later" in result
    listing = client.get(
        reverse("quiz_detail", args=[quiz.course.slug, quiz.slug])
    ).content.decode()
    assert "Kept score" not in listing


def test_after_close_shows_the_answer_only_once_the_quiz_has_closed(client, student, quiz):
    quiz.review_answer = Quiz.Review.AFTER_CLOSE
    quiz.closes_at = timezone.now() + timedelta(days=1)
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    url = reverse("attempt_result", args=[attempt.pk])
    assert "Right answer" not in client.get(url).content.decode()
    Quiz.objects.filter(pk=quiz.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(days=1)
    )
    assert "Right answer:</strong> Silt" in client.get(url).content.decode()


def test_a_student_can_report_a_problem_and_the_report_reaches_the_question(client, student, quiz):
    client.force_login(student)
    attempt = start(client, quiz)
    url = reverse("question_report", args=[attempt.pk, 1])
    response = client.post(url, {"text": "Two choices look the same to me."}, follow=True)
    assert "your teacher will see your report" in response.content.decode()
    report = QuestionReport.objects.get()
    assert report.question == attempt.responses.get(position=1).version.question
    assert report.student == student and report.attempt == attempt
    empty = client.post(url, {"text": "  "}, follow=True)
    assert "Describe the problem" in empty.content.decode()
    assert QuestionReport.objects.count() == 1


def test_the_course_pack_quizzes_can_be_taken_on_every_reading_with_questions(
    client, course, student
):
    client.force_login(student)
    quizzes = list(course.quizzes.all())
    assert len(quizzes) >= 4
    for quiz in quizzes:
        attempt = start(client, quiz)
        assert client.get(reverse("attempt_detail", args=[attempt.pk])).status_code == 200
        client.post(reverse("attempt_submit", args=[attempt.pk]))
        result = client.get(reverse("attempt_result", args=[attempt.pk]))
        assert result.status_code == 200, quiz.slug
        assert "open at these words" in result.content.decode()


def test_a_report_with_nul_characters_is_stored_without_them(client, student, quiz):
    client.force_login(student)
    attempt = start(client, quiz)
    client.post(reverse("question_report", args=[attempt.pk, 0]), {"text": "bad\x00 choice"})
    assert QuestionReport.objects.get().text == "bad choice"


def test_checking_an_answer_after_the_deadline_submits_the_attempt_instead(client, student, quiz):
    quiz.review_correctness = quiz.review_feedback = quiz.review_answer = Quiz.Review.IMMEDIATELY
    quiz.time_limit_minutes = 5
    quiz.save()
    client.force_login(student)
    attempt = start(client, quiz)
    save(client, attempt, 0, answer="b")
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=2))
    client.post(reverse("attempt_check", args=[attempt.pk, 0]))
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.is_auto_submitted
    response = attempt.responses.get(position=0)
    assert not response.is_checked  # graded with the attempt, not checked hours late


def test_a_student_removed_from_the_course_can_no_longer_reach_their_attempts(
    client, student, quiz
):
    client.force_login(student)
    attempt = start(client, quiz)
    save(client, attempt, 0, answer="b")
    Enrollment.objects.filter(user=student, course=quiz.course).delete()
    for url in (
        reverse("attempt_detail", args=[attempt.pk]),
        reverse("attempt_summary", args=[attempt.pk]),
        reverse("attempt_result", args=[attempt.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("attempt_save", args=[attempt.pk, 0]), {"seq": "1", "answer": "a"}),
        (reverse("attempt_check", args=[attempt.pk, 0]), {}),
        (reverse("attempt_submit", args=[attempt.pk]), {}),
        (reverse("question_report", args=[attempt.pk, 0]), {"text": "hello"}),
    ):
        assert client.post(url, data).status_code == 404, url
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.responses.get(position=0).sequence == 1


def test_the_summary_says_when_an_ordering_or_matching_answer_leaves_items_out(
    client, course, student
):
    attempt = start_attempt(quiz=Quiz.objects.get(course=course, slug="review"), student=student)
    ordering = attempt.responses.get(slot__question__key="flow-dam-dates")  # 4 items
    client.force_login(student)
    form = page_form(
        attempt, ordering.position, {"seq": 0, "position-aswan": "1", "position-barrier": "1"}
    )
    saved = client.post(reverse("attempt_save", args=[attempt.pk, ordering.position]), form)
    assert saved.status_code == 302
    summary = client.get(reverse("attempt_summary", args=[attempt.pk])).content.decode()
    assert "Partly answered: 2 of 4 items answered" in summary
    assert "1 question is only partly answered." in summary
    form = page_form(
        attempt,
        ordering.position,
        {
            f"position-{item}": str(n)
            for n, item in enumerate(["aswan", "barrier", "gorges-power", "gorges-done"], start=1)
        }
        | {"seq": 1},
    )
    client.post(reverse("attempt_save", args=[attempt.pk, ordering.position]), form)
    summary = client.get(reverse("attempt_summary", args=[attempt.pk])).content.decode()
    assert "Partly answered" not in summary and "partly answered." not in summary
    matching = attempt.responses.get(slot__question__key="flow-who-said")  # 3 pairs
    form = page_form(attempt, matching.position, {"seq": 0, "match-survey": "survey"})
    client.post(reverse("attempt_save", args=[attempt.pk, matching.position]), form)
    summary = client.get(reverse("attempt_summary", args=[attempt.pk])).content.decode()
    assert "Partly answered: 1 of 3 items answered" in summary
