"""Students' accounts: a teacher sets a new password for a student of their course.

Schools often run Fuente without e-mail, so a student who forgets a password asks their
teacher, as they would for a locker key. The teacher's power is exactly that: a student enrolled
in a course they teach, never a staff account (another teacher, an administrator)."""

from __future__ import annotations

import secrets

from axes.utils import reset as reset_login_failures
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from courseware.models import Course, Enrollment
from courseware.selectors import is_teacher

# No 0/O, 1/l/I: read aloud or copied from a screen by a student.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 3
TEMPORARY_GROUP_LENGTH = 4


def temporary_password() -> str:
    """Like `kq7m-x2fp-9tzr`: 12 random characters, about 59 bits, easy to type."""
    return "-".join(
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_LENGTH))
        for _ in range(TEMPORARY_GROUPS)
    )


@transaction.atomic
def reset_student_password(
    *, teacher: User, student: User, course: Course, password: str = ""
) -> str:
    """Give `student` a new password (the one typed, or a temporary one) and return it, to be
    shown once to the teacher; Fuente keeps only its hash. The student's other sessions end
    (their session hash no longer matches) and a login lockout on their username is lifted.

    Raises PermissionDenied unless `teacher` teaches `course`, `student` is enrolled in it as a
    student and is not staff; ValidationError when a typed password is too weak."""
    if not is_teacher(teacher, course):
        raise PermissionDenied(_("Only a teacher of the course can reset its students' passwords."))
    if student.is_staff or student.is_superuser or student.pk == teacher.pk:
        raise PermissionDenied(_("A teacher can reset only a student's password."))
    if not Enrollment.objects.filter(
        course=course, user=student, role=Enrollment.Role.STUDENT
    ).exists():
        raise PermissionDenied(_("This person is not a student of the course."))
    password = password or temporary_password()
    validate_password(password, user=student)
    student.set_password(password)
    student.save(update_fields=["password"])
    reset_login_failures(username=student.get_username())
    return password
