"""Reading a class roster (CSV) and deciding what enrolling it would do. No database.

`decode_roster` and `parse_roster` turn an uploaded file into rows, each with the problems a
teacher can fix in the file (missing identity, bad email, duplicates within the file, unknown
role, values too long). `plan_roster` compares the rows with the accounts and enrolments that
already exist, given as plain data, and says per row what enrolling would do.

Header names are matched liberally (case, spaces, underscores and punctuation do not count), so
exports from Canvas (gradebook, SIS import), Moodle (user upload, participants) and
hand-made spreadsheets are read as they are.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

MAX_BYTES = 1024 * 1024
# The database's limits (auth.User and courseware.Enrollment), checked by a test.
LIMITS = {
    "username": 150,
    "email": 254,
    "first_name": 150,
    "last_name": 150,
    "section": 100,
    "sis_user_id": 100,
    "sis_login_id": 100,
    "canvas_user_id": 40,
}
LABELS = {
    "username": gettext_lazy("username"),
    "email": gettext_lazy("email"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    # Django's own "name" (a group's, a permission's) is "nombre"; this is a person's full name.
    "name": pgettext_lazy("a person's full name", "name"),
    "section": gettext_lazy("section"),
    "sis_user_id": gettext_lazy("SIS user ID"),
    "sis_login_id": gettext_lazy("SIS login ID"),
    "canvas_user_id": gettext_lazy("Canvas user ID"),
    "role": gettext_lazy("role"),
}
# Normalised header (lower case, runs of anything but letters and digits as one space) → field.
HEADERS = {
    **dict.fromkeys(["username", "user name", "login", "login name", "userid"], "username"),
    **dict.fromkeys(["email", "email address", "e mail", "e mail address", "mail"], "email"),
    **dict.fromkeys(["first name", "firstname", "given name", "givenname", "first"], "first_name"),
    **dict.fromkeys(
        ["last name", "lastname", "surname", "family name", "familyname", "last"], "last_name"
    ),
    **dict.fromkeys(
        ["name", "full name", "fullname", "student", "student name", "sortable name"], "name"
    ),
    **dict.fromkeys(
        ["sis user id", "sis id", "id number", "idnumber", "student id", "student number",
         "user id"],
        "sis_user_id",
    ),
    **dict.fromkeys(["sis login id", "login id"], "sis_login_id"),
    **dict.fromkeys(["canvas user id", "canvas id", "id"], "canvas_user_id"),
    **dict.fromkeys(["section", "sections", "section name", "course section"], "section"),
    **dict.fromkeys(["role", "course role", "enrollment role", "enrolment role"], "role"),
}  # fmt: skip
IDENTITY_FIELDS = ("username", "email", "sis_login_id")
ROLES = {
    **dict.fromkeys(["student", "students", "learner", "studentenrollment"], "student"),
    **dict.fromkeys(
        ["teacher", "teachers", "instructor", "editingteacher", "teacherenrollment"], "teacher"
    ),
}
# Django's own rule for usernames (UnicodeUsernameValidator).
USERNAME = re.compile(r"^[\w.@+-]+\Z")
# Canvas gradebook exports carry a second row of points, not a student.
CANVAS_POINTS_ROW = re.compile(r"^\s*points possible\s*$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


class RosterFileError(ValueError):
    """The file cannot be read as a roster at all; str(error) says what to do."""


@dataclass(frozen=True)
class RosterRow:
    """One person of the roster. `number` is the row in the file, the header being row 1."""

    number: int
    username: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    canvas_user_id: str = ""
    role: str = ""  # "" when the file does not say: new enrolments are students
    errors: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Roster:
    rows: tuple[RosterRow, ...]
    columns: dict[str, str]  # field → the header it was read from
    ignored_columns: tuple[str, ...] = ()
    ignored_rows: tuple[tuple[int, str], ...] = ()  # (row number, why)


def decode_roster(data: bytes) -> str:
    """The text of an uploaded roster, or RosterFileError saying why it cannot be one."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            _(
                "The file is %(size)s MB; a roster must be at most 1 MB. Split it into several "
                "files."
            )
            % {"size": number_format(len(data) / 1024 / 1024, 1)}
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise RosterFileError(
            _(
                "This is a spreadsheet workbook, not a CSV file. In Excel choose File → Save As "
                "→ “CSV UTF-8 (Comma delimited)”; in LibreOffice or Google Sheets, download as "
                "CSV."
            )
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data:
            raise RosterFileError(
                _("The file is not a text file (it contains NUL bytes). Upload the roster as CSV.")
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RosterFileError(
                _(
                    "The file is not UTF-8 text (byte %(byte)d cannot be read). Save it again as "
                    "“CSV UTF-8”; in LibreOffice choose the character set UTF-8."
                )
                % {"byte": error.start + 1}
            ) from error
    if not text.strip():
        raise RosterFileError(_("The file is empty. Upload the CSV export of the class roster."))
    return text


def parse_roster(text: str) -> Roster:
    """Read the roster's rows; per-row problems are in each row's `errors`.

    Raises RosterFileError when the file has no header naming a username, email or login
    column, or is not readable as CSV.
    """
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    try:
        # Numbered as a spreadsheet shows them: blank rows count, the header is row 1.
        records = [
            (number, [cell.replace("\x00", "").strip() for cell in record])
            for number, record in enumerate(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
            )
            if any(cell.strip() for cell in record)
        ]
    except csv.Error as error:
        raise RosterFileError(
            _("The file cannot be read as CSV: %(error)s.") % {"error": error}
        ) from error
    if not records:
        raise RosterFileError(_("The file is empty. Upload the CSV export of the class roster."))
    header = records[0][1]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(header):
        key = HEADERS.get(_NOT_ALNUM.sub(" ", heading.lower()).strip())
        if key is None or key in columns:
            ignored.append(heading or _("(column %(number)d, no heading)") % {"number": index + 1})
        else:
            columns[key] = index
    if not any(key in columns for key in IDENTITY_FIELDS):
        shown = ", ".join(f"“{h}”" for h in header[:6]) or _("nothing")
        raise RosterFileError(
            _(
                "The first row must name the columns, and one of them must be a username, email "
                "or login ID (e.g. “username,email,first name,last name”). It reads %(shown)s."
            )
            % {"shown": shown}
        )
    rows: list[RosterRow] = []
    skipped: list[tuple[int, str]] = []
    for number, record in records[1:]:
        cells = {key: record[i] if i < len(record) else "" for key, i in columns.items()}
        if CANVAS_POINTS_ROW.match(cells.get("name", "")) and not _identity(cells):
            skipped.append((number, _("Canvas “Points Possible” row, not a student")))
            continue
        rows.append(_read_row(number, cells))
    if not rows:
        raise RosterFileError(_("The file has a header row but no students under it."))
    return Roster(
        rows=tuple(_mark_duplicates(rows)),
        columns={key: header[i] for key, i in columns.items()},
        ignored_columns=tuple(ignored),
        ignored_rows=tuple(skipped),
    )


def _identity(cells: Mapping[str, str]) -> bool:
    return any(cells.get(key) for key in IDENTITY_FIELDS)


def split_name(name: str) -> tuple[str, str]:
    """("First", "Last") from "Last, First" or "First Middle Last"."""
    name = " ".join(name.split())
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        return first, last
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, "")


def _read_row(number: int, cells: Mapping[str, str]) -> RosterRow:
    errors: list[str] = []
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    if not first and not last and cells.get("name"):
        first, last = split_name(cells["name"])
    email = cells.get("email", "")
    login = cells.get("sis_login_id", "")
    username = cells.get("username", "") or login or email.lower()
    role_text = cells.get("role", "")
    role = ROLES.get(_NOT_ALNUM.sub("", role_text.lower()), "") if role_text else ""
    if role_text and not role:
        errors.append(_("Unknown role “%(role)s”: write student or teacher.") % {"role": role_text})
    if not username:
        errors.append(_("No username, login ID or email: add one so the person can be identified."))
    elif not USERNAME.match(username):
        where = LABELS[
            "username" if cells.get("username") else ("sis_login_id" if login else "email")
        ]
        errors.append(
            _(
                "The %(field)s “%(value)s” cannot be a username: use only letters, digits and "
                "@ . + - _ (no spaces)."
            )
            % {"field": where, "value": username}
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid email address.") % {"email": email})
    row = RosterRow(
        number=number,
        username=username,
        email=email,
        first_name=first,
        last_name=last,
        section=cells.get("section", ""),
        sis_user_id=cells.get("sis_user_id", ""),
        sis_login_id=login,
        canvas_user_id=cells.get("canvas_user_id", ""),
        role=role,
    )
    for key, limit in LIMITS.items():
        value = getattr(row, key)
        if len(value) > limit:
            errors.append(
                _("The %(field)s is %(length)d characters long; at most %(limit)d fit.")
                % {"field": LABELS[key], "length": len(value), "limit": limit}
            )
    return replace(row, errors=tuple(errors))


def _mark_duplicates(rows: Sequence[RosterRow]) -> list[RosterRow]:
    """A person twice in one file is an error on the later row, naming the earlier one."""
    seen: dict[tuple[str, str], int] = {}
    marked = []
    for row in rows:
        errors = list(row.errors)
        for key in ("username", "email", "sis_user_id", "canvas_user_id"):
            value = getattr(row, key).lower()
            if not value:
                continue
            earlier = seen.setdefault((key, value), row.number)
            if earlier != row.number:
                errors.append(
                    _("The %(field)s “%(value)s” is also on row %(row)d; each person once.")
                    % {"field": LABELS[key], "value": getattr(row, key), "row": earlier}
                )
        marked.append(replace(row, errors=tuple(errors)))
    return marked


# ---------------------------------------------------------------------------------------------
# What enrolling would do


CREATE, ENROL, UPDATE, UNCHANGED, ERROR = "create", "enrol", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("New user created and enrolled"),
    ENROL: gettext_lazy("Existing user enrolled"),
    UPDATE: gettext_lazy("Already enrolled — enrolment updated"),
    UNCHANGED: gettext_lazy("Already enrolled — nothing to change"),
    ERROR: gettext_lazy("Error — will be skipped"),
}
TEACHER = "teacher"
ENROLMENT_FIELDS = ("role", "section", "sis_user_id", "sis_login_id", "canvas_user_id")


@dataclass(frozen=True)
class Account:
    """An existing user account, as plain data."""

    id: int
    username: str
    email: str = ""


@dataclass(frozen=True)
class Membership:
    """An existing enrolment in the course, as plain data."""

    user_id: int
    role: str = "student"
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    canvas_user_id: str = ""


@dataclass(frozen=True)
class PlannedRow:
    row: RosterRow
    action: str
    user: Account | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (old, new)
    errors: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def described_changes(self) -> list[str]:
        return [
            f"{LABELS[k]}: {old or _('(blank)')} → {new}" for k, (old, new) in self.changes.items()
        ]

    @property
    def role_shown(self) -> str:
        if self.row.role or self.action == ERROR:
            return self.row.role
        return _("(kept)") if self.action in (UPDATE, UNCHANGED) else _("student")


def plan_roster(
    rows: Iterable[RosterRow],
    *,
    accounts: Iterable[Account],
    memberships: Iterable[Membership],
    taken: Iterable[str] = (),
    may_make_teachers: bool = True,
) -> list[PlannedRow]:
    """What enrolling each row would do, given the accounts the rows may name (whose username
    or email they name) and the course's current enrolments.

    A row names an account by username (any capitalisation, an exact match preferred); a row
    whose username came from its email may also name one by email. Existing accounts are never
    changed, and a blank cell never erases an enrolment's value.

    `taken` holds usernames (lower case) of accounts the rows may not name: those outside the
    uploading teacher's courses. A row that would create one of them is an error worded as
    every unusable new username is, saying nothing of whose it is. Without
    `may_make_teachers`, no row may make someone a teacher or change a teacher's enrolment.
    """
    unavailable = {name.lower() for name in taken}
    by_username, by_email = _by_username_and_email(accounts)
    members = {m.user_id: m for m in memberships}
    claimed: dict[tuple[str, str], int] = {
        (key, getattr(m, key)): m.user_id
        for m in members.values()
        for key in ("sis_user_id", "canvas_user_id")
        if getattr(m, key)
    }
    planned: list[PlannedRow] = []
    rows_of_user: dict[int, int] = {}
    for row in rows:
        if row.errors:
            planned.append(PlannedRow(row, ERROR, errors=row.errors))
            continue
        user, found = _find_account(row, by_username, by_email)
        errors = _row_errors(
            row,
            user,
            found,
            members=members,
            claimed=claimed,
            unavailable=unavailable,
            may_make_teachers=may_make_teachers,
            rows_of_user=rows_of_user,
        )
        if errors:
            planned.append(PlannedRow(row, ERROR, user=user, errors=tuple(errors)))
        elif user is None:
            planned.append(PlannedRow(row, CREATE))
        elif user.id not in members:
            planned.append(PlannedRow(row, ENROL, user=user))
        else:
            changes = _changes(members[user.id], row)
            planned.append(PlannedRow(row, UPDATE if changes else UNCHANGED, user, changes))
    return planned


def _by_username_and_email(
    accounts: Iterable[Account],
) -> tuple[dict[str, list[Account]], dict[str, list[Account]]]:
    """The accounts by lower-case username, and those with an email by lower-case email."""
    by_username: dict[str, list[Account]] = {}
    by_email: dict[str, list[Account]] = {}
    for account in accounts:
        by_username.setdefault(account.username.lower(), []).append(account)
        if account.email:
            by_email.setdefault(account.email.lower(), []).append(account)
    return by_username, by_email


def _row_errors(
    row: RosterRow,
    user: Account | None,
    found: list[str],
    *,
    members: Mapping[int, Membership],
    claimed: Mapping[tuple[str, str], int],
    unavailable: set[str],
    may_make_teachers: bool,
    rows_of_user: dict[int, int],
) -> list[str]:
    """`found` (the errors of finding the row's account) and what else stops the row: a new
    username that is unavailable, a role change only an administrator may make, a user an
    earlier row already names (`rows_of_user`, user id → first row number, is filled in as rows
    go), or an SIS or Canvas user id that another member of the course holds (`claimed`)."""
    errors = list(found)
    if user is None and not errors and row.username.lower() in unavailable:
        errors.append(
            _(
                "The username “%(username)s” cannot be given to a new account. If this "
                "person already has one, ask an administrator to enrol them; otherwise "
                "choose another username."
            )
            % {"username": row.username}
        )
    was = members[user.id].role if user is not None and user.id in members else ""
    if not may_make_teachers and row.role and TEACHER in (row.role, was) and row.role != was:
        errors.append(
            _(
                "Only an administrator can change who teaches a course: leave this row's "
                "role blank (a new person becomes a student)."
            )
        )
    if user is not None:
        earlier = rows_of_user.setdefault(user.id, row.number)
        if earlier != row.number:
            errors.append(
                _("This is the same user (%(username)s) as row %(row)d.")
                % {"username": user.username, "row": earlier}
            )
    for key in ("sis_user_id", "canvas_user_id"):
        value = getattr(row, key)
        owner = claimed.get((key, value)) if value else None
        if owner is not None and (user is None or owner != user.id):
            errors.append(
                _(
                    "The %(field)s “%(value)s” belongs to another member of this course; check the "
                    "row."
                )
                % {"field": LABELS[key], "value": value}
            )
    return errors


def _find_account(
    row: RosterRow, by_username: Mapping[str, list[Account]], by_email: Mapping[str, list[Account]]
) -> tuple[Account | None, list[str]]:
    matches = by_username.get(row.username.lower(), [])
    exact = [a for a in matches if a.username == row.username]
    if len(exact) == 1 or len(matches) == 1:
        user = (exact or matches)[0]
        if row.email and user.email and user.email.lower() != row.email.lower():
            return None, [
                _(
                    "The username “%(username)s” is taken by a user with a different email "
                    "address: check the username and the email."
                )
                % {"username": row.username}
            ]
        return user, []
    if matches:
        return None, [
            _(
                "Several users are called “%(username)s” in different capitals; write the "
                "username exactly."
            )
            % {"username": row.username}
        ]
    if not row.email:
        return None, []
    owners = by_email.get(row.email.lower(), [])
    if len(owners) > 1:
        return None, [
            _("Several users have the email “%(email)s”; add a username column to choose one.")
            % {"email": row.email}
        ]
    if owners and row.username.lower() != row.email.lower():
        return None, [
            _(
                "The email “%(email)s” belongs to the existing user “%(username)s”: write that "
                "username, or correct the email."
            )
            % {"email": row.email, "username": owners[0].username}
        ]
    return (owners[0] if owners else None), []


def _changes(member: Membership, row: RosterRow) -> dict[str, tuple[str, str]]:
    return {
        key: (getattr(member, key), getattr(row, key))
        for key in ENROLMENT_FIELDS
        if getattr(row, key) and getattr(row, key) != getattr(member, key)
    }
