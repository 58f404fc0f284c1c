"""What an attempt shows: the quiz's fixed questions and what its pools draw for it."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User

from quizzes.models import Question, Quiz, QuizPool, QuizQuestion, Response
from quizzes.pools import Pool, draw_pools, draw_seed
from quizzes.selectors import pool_questions


def attempt_slots(*, quiz: Quiz, student: User, number: int) -> list[tuple[QuizQuestion, Decimal]]:
    """The slots attempt `number` of the student at the quiz shows, each with its points, in
    the quiz's order.

    The fixed questions (published ones) keep their places; each pool's questions, drawn
    afresh (quizzes.pools.draw_pools: none twice, none of the fixed ones, unseen ones first),
    go at the pool's position, after a fixed question at the same position, in the order
    drawn. A drawn question's slot is the quiz's row for it (`pool` set), made on its first
    draw: the (quiz, question) unique constraint makes two simultaneous first draws share it.
    In the attempt it is worth the points of the pool that drew it.
    """
    fixed = list(quiz.slots.filter(pool__isnull=True).select_related("question"))
    places: list[tuple[int, int, QuizQuestion, Decimal]] = [
        (slot.position, 0, slot, slot.points)
        for slot in fixed
        if slot.question.status == Question.Status.PUBLISHED
    ]
    pools = list(quiz.pools.all())
    if pools:
        drawn = _drawn(quiz, student, number, pools, fixed={slot.question_id for slot in fixed})
        places += [
            (pool.position, 1, slot, pool.points) for pool in pools for slot in drawn[pool.pk]
        ]
    places.sort(key=lambda place: place[:2])  # stable: a pool's questions keep the draw order
    return [(slot, points) for _position, _kind, slot, points in places]


def _drawn(
    quiz: Quiz, student: User, number: int, pools: list[QuizPool], *, fixed: set[int]
) -> dict[int, list[QuizQuestion]]:
    """Each pool's draw for the attempt, as the quiz's slots for the drawn questions."""
    seen = Counter(
        Response.objects.filter(attempt__quiz=quiz, attempt__student=student).values_list(
            "slot__question_id", flat=True
        )
    )
    draw = draw_pools(
        [
            Pool(pool.pk, pool.count, tuple(pool_questions(pool).values_list("pk", flat=True)))
            for pool in pools
        ],
        seed=draw_seed(settings.SECRET_KEY, quiz_id=quiz.pk, student_id=student.pk, number=number),
        fixed=fixed,
        seen=seen,
    )
    drawing = {question: pool for pool in pools for question in draw[pool.pk]}
    slots = {
        s.question_id: s
        for s in quiz.slots.filter(question_id__in=list(drawing)).select_related("question")
    }
    missing = sorted(set(drawing) - set(slots))
    if missing:
        # A row another start made meanwhile is a conflict on (quiz, question), left alone;
        # both then read the one row. One insert, in question id order, so two starts making
        # rows for the same questions wait on each other in the same order: no deadlock.
        QuizQuestion.objects.bulk_create(
            [
                QuizQuestion(
                    quiz=quiz,
                    question_id=question_id,
                    pool=drawing[question_id],
                    position=drawing[question_id].position,
                    points=drawing[question_id].points,
                )
                for question_id in missing
            ],
            ignore_conflicts=True,
        )
        made = quiz.slots.filter(question_id__in=missing).select_related("question")
        slots |= {slot.question_id: slot for slot in made}
    return {pool.pk: [slots[q] for q in draw[pool.pk]] for pool in pools}
