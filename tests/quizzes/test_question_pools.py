"""Question pools: what start_attempt draws, and everything that stays per question."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.models import Enrollment, Objective, Source
from quizzes.models import Attempt, Question, Quiz, QuizPool, QuizQuestion, Response
from quizzes.pools import attempts_without_repeats
from quizzes.selectors import pool_questions, possible_points, question_count
from quizzes.services import QuizUnavailable, start_attempt, submit_attempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    UserFactory,
    answer_question,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db

TAG = "pooltest"


def bank(n, *, tag=TAG, prefix="bank"):
    """n published questions (single choice, keyed "b", citing the news explainer), tagged."""
    questions = [make_question(f"{prefix}-{i:02d}") for i in range(n)]
    Question.objects.filter(pk__in=[q.pk for q in questions]).update(tags=[tag])
    return questions


def pool_quiz(course, *, fixed=(), slug="mixed", **pool):
    """A quiz with the `fixed` questions at positions 0, 2, 4… and one pool at position 1."""
    quiz = Quiz.objects.create(course=course, slug=slug, title="Mixed quiz")
    for i, question in enumerate(fixed):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=2 * i)
    QuizPool.objects.create(quiz=quiz, position=1, **({"tag": TAG, "count": 3} | pool))
    return quiz


def keys(attempt):
    return [
        r.slot.question.key
        for r in attempt.responses.select_related("slot__question").order_by("position")
    ]


def drawn(attempt):
    return [
        r.slot.question.key
        for r in attempt.responses.select_related("slot__question").filter(slot__pool__isnull=False)
    ]


def a_student(course, name):
    return EnrollmentFactory(
        course=course, user=UserFactory(username=name), role=Enrollment.Role.STUDENT
    ).user


# -- the draw


def test_an_attempt_draws_count_questions_at_the_pools_position(course, student):
    bank(12)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a"), make_question("fixed-b")])
    attempt = start_attempt(quiz=quiz, student=student)
    order = keys(attempt)
    assert len(order) == 5
    assert order[0] == "fixed-a" and order[4] == "fixed-b"
    assert all(key.startswith("bank-") for key in order[1:4])
    pool = quiz.pools.get()
    for response in attempt.responses.filter(position__in=[1, 2, 3]).select_related("slot"):
        assert response.slot.pool == pool
        assert response.slot.position == pool.position


def test_a_pool_never_draws_a_question_twice_or_one_fixed_in_the_quiz(course):
    questions = bank(6)
    quiz = pool_quiz(course, fixed=questions[:2], count=4)
    for i in range(8):
        attempt = start_attempt(quiz=quiz, student=a_student(course, f"s{i}"))
        order = keys(attempt)
        assert len(order) == len(set(order)) == 6
        assert set(drawn(attempt)) == {q.key for q in questions[2:]}


def test_a_fixed_question_at_the_pools_position_comes_before_the_pools(course, student):
    bank(3)
    quiz = pool_quiz(course, count=2)
    QuizQuestion.objects.create(quiz=quiz, question=make_question("same-place"), position=1)
    assert keys(start_attempt(quiz=quiz, student=student))[0] == "same-place"


def test_each_attempt_draws_questions_the_student_has_not_seen_first(course, student):
    bank(12)
    quiz = pool_quiz(course)
    attempts = [take_quiz(student, quiz) for _ in range(5)]
    first_four = [key for attempt in attempts[:4] for key in drawn(attempt)]
    assert len(first_four) == len(set(first_four)) == 12
    shown = Counter(key for attempt in attempts for key in drawn(attempt))
    assert sorted(shown.values()) == [1] * 9 + [2] * 3


def test_another_student_draws_afresh(course, student):
    bank(12)
    quiz = pool_quiz(course)
    for _ in range(4):
        take_quiz(student, quiz)
    # A newcomer's draws know nothing of the first student's: over 10 students, questions
    # differ (a draw of 3 of 12 repeats another's with probability 1/220).
    draws = {
        tuple(sorted(drawn(start_attempt(quiz=quiz, student=a_student(course, f"n{i}")))))
        for i in range(10)
    }
    assert len(draws) > 1


def test_resuming_an_open_attempt_keeps_its_draw(course, student):
    bank(12)
    quiz = pool_quiz(course)
    first = start_attempt(quiz=quiz, student=student)
    again = start_attempt(quiz=quiz, student=student)
    assert again.pk == first.pk and keys(again) == keys(first)


def test_every_attempt_shares_one_slot_per_drawn_question(course):
    bank(4)
    quiz = pool_quiz(course, count=4)
    for i in range(3):
        take_quiz(a_student(course, f"s{i}"), quiz)
    members = QuizQuestion.objects.filter(quiz=quiz, pool__isnull=False)
    assert members.count() == 4
    assert Response.objects.filter(attempt__quiz=quiz).count() == 12
    assert {r.slot_id for r in Response.objects.filter(attempt__quiz=quiz)} == {
        m.pk for m in members
    }


def test_the_draw_depends_on_the_secret_key(course, settings):
    from quizzes.services.pools import attempt_slots

    bank(12)
    quiz = pool_quiz(course)
    student = a_student(course, "secretive")
    draws = []
    for secret in ("one secret key " * 4, "another secret key " * 4):
        settings.SECRET_KEY = secret
        draws.append(
            [
                [s.question.key for s, _ in attempt_slots(quiz=quiz, student=student, number=n)]
                for n in range(1, 6)
            ]
        )
    assert draws[0] != draws[1]


def test_question_shuffle_mixes_drawn_and_fixed_questions(course):
    bank(6)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a"), make_question("fixed-b")])
    Quiz.objects.filter(pk=quiz.pk).update(shuffle_questions=True)
    quiz.refresh_from_db()
    orders = [keys(start_attempt(quiz=quiz, student=a_student(course, f"s{i}"))) for i in range(10)]
    assert any(order[0] != "fixed-a" or order[4] != "fixed-b" for order in orders)
    assert all(len(order) == 5 for order in orders)


# -- points and availability


def test_max_points_count_the_drawn_questions_at_the_pools_points(course, student):
    bank(12)
    fixed = make_question("fixed-a")
    quiz = pool_quiz(course, fixed=[fixed], points=Decimal("1.5"))
    QuizQuestion.objects.filter(quiz=quiz, question=fixed).update(points=2)
    attempt = start_attempt(quiz=quiz, student=student)
    assert attempt.max_points == Decimal("6.50")
    assert sorted(r.max_points for r in attempt.responses.all()) == [
        Decimal("1.5"),
        Decimal("1.5"),
        Decimal("1.5"),
        Decimal("2"),
    ]
    assert possible_points(quiz) == Decimal("6.50")
    assert question_count(quiz) == 4


def test_a_pool_short_of_questions_gives_what_it_has(course, student):
    bank(2)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a")], count=5)
    attempt = start_attempt(quiz=quiz, student=student)
    assert len(drawn(attempt)) == 2
    assert attempt.max_points == 3


def test_a_quiz_whose_only_pool_is_empty_cannot_be_started(client, course, student):
    quiz = pool_quiz(course, tag="nothing-has-this-tag")
    with pytest.raises(QuizUnavailable, match="no questions"):
        start_attempt(quiz=quiz, student=student)
    assert not Attempt.objects.filter(quiz=quiz).exists()
    client.force_login(student)
    response = client.post(reverse("attempt_start", args=[course.slug, quiz.slug]), follow=True)
    assert "This quiz has no questions yet." in response.content.decode()
    assert not Attempt.objects.filter(quiz=quiz).exists()


def test_draft_and_retired_questions_are_never_drawn(course, student):
    questions = bank(5)
    Question.objects.filter(pk=questions[0].pk).update(status=Question.Status.DRAFT)
    Question.objects.filter(pk=questions[1].pk).update(status=Question.Status.RETIRED)
    quiz = pool_quiz(course, count=5)
    assert set(drawn(start_attempt(quiz=quiz, student=student))) == {q.key for q in questions[2:]}


# -- which questions a pool may draw


def fixture_keys(pool):
    return set(pool_questions(pool).values_list("key", flat=True))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"objective": "river-flow"},
            {
                "flow-longest",
                "flow-dam-effects",
                "flow-amazon-water",
                "flow-sinking-rate",
                "flow-silt-trap",
                "flow-dam-dates",
                "flow-dams-rivers",
                "flow-wells",
            },
        ),
        ({"objective": "river-flow", "kind": "numeric"}, {"flow-sinking-rate", "flow-wells"}),
        ({"objective": "water-cycle", "difficulty": 2}, {"cycle-lake-end"}),
        ({"tag": "disagreement"}, {"flow-longest", "flow-who-said"}),
        ({"tag": "disagreement", "difficulty": 3}, {"flow-who-said"}),
        (
            {"source": "lake-blog"},
            {"cycle-lake-rise", "cycle-lake-end", "cycle-stream-colour", "flow-who-said"},
        ),
        ({"source": "delta-news", "kind": "short"}, {"flow-silt-trap"}),
        ({"kind": "true_false"}, {"flow-amazon-water", "cycle-lake-end"}),
        ({"tag": "timeline", "objective": "water-cycle"}, set()),
    ],
)
def test_a_pool_matches_the_published_questions_passing_every_filter(course, filters, expected):
    fields = dict(filters)
    if "objective" in fields:
        fields["objective"] = Objective.objects.get(code=fields["objective"])
    if "source" in fields:
        fields["source"] = Source.objects.get(slug=fields["source"])
    quiz = Quiz.objects.create(course=course, slug="filters", title="Filters")
    pool = QuizPool.objects.create(quiz=quiz, position=0, count=1, **fields)
    assert fixture_keys(pool) == expected


def test_a_pool_never_draws_a_question_only_another_course_uses(course, teacher):
    theirs, ours_too, unused, written = bank(4)
    other = CourseFactory()
    make_quiz(other, [theirs, ours_too], slug="theirs")
    QuizQuestion.objects.create(
        quiz=Quiz.objects.get(slug="river-flow"), question=ours_too, position=50
    )
    colleague = UserFactory(username="colleague")
    EnrollmentFactory(course=other, user=colleague, role=Enrollment.Role.TEACHER)
    Question.objects.filter(pk=written.pk).update(created_by=teacher)
    make_quiz(other, [written], slug="theirs-too")
    quiz = pool_quiz(course)
    # Used by a course quiz of ours, used by nobody, or written by one of our teachers.
    assert fixture_keys(quiz.pools.get()) == {ours_too.key, unused.key, written.key}


# -- measured: how many attempts a pool gives without a repeat


@pytest.mark.parametrize(("size", "count"), [(12, 3), (12, 4), (10, 3), (8, 2)])
def test_a_bank_built_pool_gives_size_div_count_attempts_without_a_repeat(
    course, student, size, count
):
    bank(size)
    quiz = pool_quiz(course, count=count)
    runs = attempts_without_repeats(size, count)
    attempts = [take_quiz(student, quiz) for _ in range(runs + 1)]
    seen = [key for attempt in attempts[:runs] for key in drawn(attempt)]
    assert len(seen) == len(set(seen)) == runs * count
    # The next attempt repeats only as many as it must.
    repeats = set(drawn(attempts[runs])) & set(seen)
    assert len(repeats) == count - (size - runs * count)


def test_the_fixture_packs_river_flow_objective_gives_four_attempts_of_two(course, student):
    quiz = Quiz.objects.create(course=course, slug="flow-pool", title="Flow pool")
    QuizPool.objects.create(
        quiz=quiz, position=0, count=2, objective=Objective.objects.get(code="river-flow")
    )
    assert pool_questions(quiz.pools.get()).count() == 8
    attempts = [take_quiz(student, quiz) for _ in range(4)]
    seen = [key for attempt in attempts for key in drawn(attempt)]
    assert len(seen) == len(set(seen)) == 8


def test_the_quiz_page_counts_each_pools_questions(client, course, student):
    bank(12)
    quiz = pool_quiz(course, fixed=[make_question("fixed-a")])
    client.force_login(student)
    page = client.get(reverse("quiz_detail", args=[course.slug, quiz.slug])).content.decode()
    assert "4 questions" in page


def test_the_attempt_page_shows_nothing_of_the_questions_not_drawn(client, course, student):
    questions = bank(12)
    quiz = pool_quiz(course)
    client.force_login(student)
    client.post(reverse("attempt_start", args=[course.slug, quiz.slug]))
    attempt = Attempt.objects.get(quiz=quiz, student=student)
    shown = set(drawn(attempt))
    urls = [
        reverse("attempt_detail", args=[attempt.pk]),
        reverse("attempt_summary", args=[attempt.pk]),
    ]
    pages = [
        client.get(url, **headers) for url in urls for headers in ({}, {"HTTP_HX_REQUEST": "true"})
    ]
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    pages.append(client.get(reverse("attempt_result", args=[attempt.pk])))
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        for question in questions:
            if question.key not in shown:
                assert f"Stem of {question.key}?" not in page and question.key not in page
        # As a word: the student may be called Poole (the factory's names are random).
        assert TAG not in page and not re.search(r"\bpools?\b", page, re.IGNORECASE)
    detail = pages[0].content.decode()
    assert all(f"Stem of {key}?" in detail for key in shown)


def test_submitting_grades_each_drawn_question_on_its_own(course, student):
    bank(12)
    quiz = pool_quiz(course, points=2)
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.get(slot__question__key=drawn(attempt)[0])
    answer_question(
        student=student, attempt_id=attempt.pk, position=response.position, form={"answer": ["b"]}
    )
    attempt = submit_attempt(attempt=attempt)
    assert (attempt.points, attempt.max_points) == (Decimal("2.00"), Decimal("6.00"))
