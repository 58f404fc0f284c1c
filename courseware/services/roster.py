"""Who is in a course: enrolling a class roster, and the demo class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import ngettext

from courseware import roster
from courseware.models import Course, Enrollment
from courseware.pack import load_pack
from courseware.roles import courses_taught, make_teacher


@dataclass(frozen=True)
class RosterSummary:
    created: int
    enrolled: int
    updated: int
    unchanged: int
    skipped: int

    def __str__(self) -> str:
        parts = [
            ngettext(
                "%(n)d new user created and enrolled",
                "%(n)d new users created and enrolled",
                self.created,
            ),
            ngettext(
                "%(n)d existing user enrolled", "%(n)d existing users enrolled", self.enrolled
            ),
            ngettext("%(n)d enrolment updated", "%(n)d enrolments updated", self.updated),
            ngettext("%(n)d already up to date", "%(n)d already up to date", self.unchanged),
            ngettext(
                "%(n)d row with errors skipped", "%(n)d rows with errors skipped", self.skipped
            ),
        ]
        counts = (self.created, self.enrolled, self.updated, self.unchanged, self.skipped)
        return ", ".join(part % {"n": n} for part, n in zip(parts, counts, strict=True)) + "."


def _is_administrator(by: User | None) -> bool:
    return by is None or by.is_superuser


def plan_course_roster(
    *, course: Course, rows: Sequence[roster.RosterRow], by: User | None = None
) -> list[roster.PlannedRow]:
    """What enrol_roster would do with each row now (reads only; the rules are in
    courseware.roster.plan_roster).

    `by` is who uploads the roster (None: an administrator's import). For anyone but a
    superuser, rows name only accounts enrolled in a course `by` teaches: every other account
    is out of reach (never enrolled, never changed) and the plan says no more of it than that
    its username cannot be given to a new account; nobody is made a teacher."""
    usernames = {row.username.lower() for row in rows if row.username}
    emails = {row.email.lower() for row in rows if row.email}
    users = User.objects.annotate(lower_username=Lower("username"), lower_email=Lower("email"))
    if by is not None and not _is_administrator(by):
        own = Enrollment.objects.filter(course__in=courses_taught(by)).values("user_id")
        users = users.filter(pk__in=own)
    accounts = [
        roster.Account(user.pk, user.username, user.email)
        for user in users.filter(Q(lower_username__in=usernames) | Q(lower_email__in=emails))
    ]
    taken: list[str] = []
    if not _is_administrator(by):
        taken = list(
            User.objects.annotate(lower_username=Lower("username"))
            .filter(lower_username__in=usernames)
            .exclude(pk__in=[a.id for a in accounts])
            .values_list("lower_username", flat=True)
        )
    memberships = [
        roster.Membership(
            e.user_id, e.role, e.section, e.sis_user_id, e.sis_login_id, e.canvas_user_id
        )
        for e in course.enrollments.all()
    ]
    return roster.plan_roster(
        rows,
        accounts=accounts,
        memberships=memberships,
        taken=taken,
        may_make_teachers=_is_administrator(by),
    )


@transaction.atomic
def enrol_roster(
    *, course: Course, rows: Sequence[roster.RosterRow], by: User | None = None
) -> RosterSummary:
    """Enrol every row of a roster that has no error, in one transaction, as uploaded by `by`
    (see plan_course_roster: a teacher's roster reaches only their own courses' people).

    New people get an account with an unusable password (they sign in through the school's
    single sign-on, or a teacher sets a password); existing accounts are enrolled as they are,
    never changed. An enrolment already there gets the row's role, section and ids, but a blank
    cell erases nothing. Rows with errors are skipped and counted.
    """
    planned = plan_course_roster(course=course, rows=rows, by=by)
    enrolments = _enrol_new(course, planned)
    changed = _update_enrolments(course, planned)
    teacher_ids = {e.user_id for e in [*enrolments, *changed] if e.role == Enrollment.Role.TEACHER}
    if teacher_ids and not _is_administrator(by):
        raise PermissionDenied("Only an administrator can make someone a teacher.")
    for teacher in User.objects.filter(pk__in=teacher_ids):
        make_teacher(teacher)

    def count(action: str) -> int:
        return sum(1 for item in planned if item.action == action)

    return RosterSummary(
        created=count(roster.CREATE),
        enrolled=count(roster.ENROL),
        updated=count(roster.UPDATE),
        unchanged=count(roster.UNCHANGED),
        skipped=count(roster.ERROR),
    )


def _enrol_new(course: Course, planned: list[roster.PlannedRow]) -> list[Enrollment]:
    """Create the planned accounts (with an unusable password), then enrol them and the
    planned existing accounts."""
    new_users = []
    for item in planned:
        if item.action == roster.CREATE:
            row = item.row
            user = User(
                username=row.username,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
            )
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users)
    created = iter(new_users)
    enrolments = []
    for item in planned:
        if item.action == roster.CREATE:
            user_id = next(created).pk
        elif item.action == roster.ENROL and item.user is not None:
            user_id = item.user.id
        else:
            continue
        row = item.row
        enrolments.append(
            Enrollment(
                course=course,
                user_id=user_id,
                role=row.role or Enrollment.Role.STUDENT,
                section=row.section,
                sis_user_id=row.sis_user_id,
                sis_login_id=row.sis_login_id,
                canvas_user_id=row.canvas_user_id,
            )
        )
    Enrollment.objects.bulk_create(enrolments)
    return enrolments


def _update_enrolments(course: Course, planned: list[roster.PlannedRow]) -> list[Enrollment]:
    """Apply the planned changes to enrolments already there."""
    updates = {
        item.user.id: item.changes for item in planned if item.action == roster.UPDATE and item.user
    }
    changed = list(course.enrollments.filter(user_id__in=updates))
    for enrolment in changed:
        for key, (_, new) in updates[enrolment.user_id].items():
            setattr(enrolment, key, new)
    Enrollment.objects.bulk_update(
        changed, ["role", "section", "sis_user_id", "sis_login_id", "canvas_user_id"]
    )
    return changed


DEMO_PASSWORD = "fuente-demo"
DEMO_USERS = (
    ("teacher", "Teresa", "Salinas", Enrollment.Role.TEACHER),
    ("student1", "Ana", "Flores", Enrollment.Role.STUDENT),
    ("student2", "Ben", "Carter", Enrollment.Role.STUDENT),
    ("student3", "Chloe", "Nguyen", Enrollment.Role.STUDENT),
)


@transaction.atomic
def setup_demo(*, seeds_dir: Path | None = None) -> tuple[Course, list[tuple[User, str]]]:
    """Create the demo teacher and students (once) and enrol them in the pack's course.

    Existing accounts keep their passwords, so running it again changes nothing.
    Raises Course.DoesNotExist when the course has not been built yet.
    """
    course = Course.objects.get(slug=load_pack(seeds_dir or settings.SEEDS_DIR).course.slug)
    users: list[tuple[User, str]] = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.edu"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role == Enrollment.Role.TEACHER:
                make_teacher(user)
        Enrollment.objects.get_or_create(course=course, user=user, defaults={"role": role})
        users.append((user, role))
    return course, users
