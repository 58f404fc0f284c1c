"""Practice quizzes of the questions a student missed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from courseware.models import Course
from quizzes.models import Attempt, Question, Quiz, QuizQuestion
from quizzes.review import ASPECTS
from quizzes.services.attempts import QuizUnavailable, start_attempt


@transaction.atomic
def start_practice(
    *, course: Course, student: User, keys: list[str], policy: Mapping[str, str]
) -> Attempt:
    """An ungraded practice quiz of the given questions (the ones the student missed), started.
    `policy` is its review policy by aspect (selectors.StudentAnswers.practice_policy): never
    more than the quizzes the questions were answered in show.

    Raises QuizUnavailable when none of them can be practised.
    """
    by_key = {
        q.key: q for q in Question.objects.filter(key__in=keys, status=Question.Status.PUBLISHED)
    }
    questions = [by_key[key] for key in keys if key in by_key]
    if not questions:
        raise QuizUnavailable(
            gettext("Nothing to practise: you have no missed questions right now.")
        )
    quiz = Quiz.objects.create(
        course=course,
        practice_for=student,
        slug=f"practice-{student.pk}-{uuid.uuid4().hex[:10]}",
        title=gettext("Practice: the questions you missed"),
        description=gettext("Not graded: practise as often as you like."),
        **{f"review_{aspect}": policy.get(aspect, Quiz.Review.NEVER) for aspect in ASPECTS},
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=question, position=i)
        for i, question in enumerate(questions)
    )
    return start_attempt(quiz=quiz, student=student)
