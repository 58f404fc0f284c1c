"""Teachers' grade overrides, and the reason every change to a grade keeps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from courseware.models import Enrollment
from courseware.services.citations import typed_text
from quizzes.grade_events import grades_changed
from quizzes.models import GradeOverride, Quiz
from quizzes.selectors import possible_points


def _grade_reason(reason: str) -> str:
    reason = typed_text(reason).strip()
    if not reason:
        raise ValidationError(
            {"reason": [gettext("Give a reason: it is kept in the grade's history.")]}
        )
    if len(reason) > 2000:
        raise ValidationError({"reason": [gettext("Keep the reason under 2,000 characters.")]})
    return reason


@transaction.atomic
def override_grade(
    *,
    quiz: Quiz,
    student: User,
    points: Decimal | None,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> GradeOverride:
    """Give a student a teacher's grade on a quiz in place of their kept attempt score, or,
    with `points` None, remove the override in force so the attempts count again. Either way a
    new row is added: the grade's history keeps who, when and why.

    Raises ValidationError keyed by "points", "reason" or "student", with a message a teacher
    can act on: points outside 0 to the quiz's possible points or finer than 0.01, no reason,
    no override to remove, or a student who is not a student of the quiz's course.
    """
    if not Enrollment.objects.filter(
        course_id=quiz.course_id, user_id=student.pk, role=Enrollment.Role.STUDENT
    ).exists():
        raise ValidationError(
            {"student": [gettext("This person is not a student of this course.")]}
        )
    errors: dict[str, list[str]] = {}
    if points is None:
        current = GradeOverride.objects.filter(quiz=quiz, student_id=student.pk).first()
        if current is None or current.points is None:
            errors["points"] = [gettext("There is no override to remove.")]
    else:
        possible = possible_points(quiz)
        if not points.is_finite() or not 0 <= points <= possible:
            errors["points"] = [
                gettext("Give points from 0 to %(possible)s.")
                % {"possible": f"{possible.normalize():f}"}
            ]
        elif points != points.quantize(Decimal("0.01")):
            errors["points"] = [gettext("Give points with at most two decimal places.")]
    try:
        reason = _grade_reason(reason)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    override = GradeOverride.objects.create(
        quiz=quiz,
        student=student,
        points=points,
        reason=reason,
        created_by=by,
        created_at=now or timezone.now(),
    )
    grades_changed(quiz_id=quiz.pk, student_ids=[student.pk])
    return override
