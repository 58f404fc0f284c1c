"""The roster reader and planner (courseware.roster): plain data, no database."""

from __future__ import annotations

import codecs

import pytest
from django.contrib.auth.models import User

from courseware.models import Enrollment
from courseware.roster import (
    CREATE,
    ENROL,
    ERROR,
    LIMITS,
    MAX_BYTES,
    UNCHANGED,
    UPDATE,
    Account,
    Membership,
    RosterFileError,
    RosterRow,
    decode_roster,
    parse_roster,
    plan_roster,
    split_name,
)


def rows(text: str) -> list[RosterRow]:
    return list(parse_roster(text).rows)


def only(text: str) -> RosterRow:
    [row] = rows(text)
    return row


# ---------------------------------------------------------------------------------------------
# Decoding the file


def test_it_reads_utf8_with_or_without_a_byte_order_mark():
    text = "username,email\nana,ana@example.edu\n"
    assert decode_roster(text.encode()) == text
    assert decode_roster(codecs.BOM_UTF8 + text.encode()) == text
    assert only(decode_roster(codecs.BOM_UTF8 + text.encode())).username == "ana"


def test_it_reads_utf16_with_a_byte_order_mark_as_excel_saves_unicode_text():
    text = "username\temail\nnúñez\tn@example.edu\n"
    assert only(decode_roster(text.encode("utf-16"))).username == "núñez"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b" \r\n\r\n", "empty"),
        ("username\nLe\u00f3n\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "spreadsheet workbook"),
        (b"username\x00,email\n", "not a text file"),
        (b"username\n" + b"a" * MAX_BYTES, "at most 1 MB"),
    ],
)
def test_it_refuses_files_that_are_not_a_utf8_csv_with_a_message_to_act_on(data, message):
    with pytest.raises(RosterFileError) as error:
        decode_roster(data)
    assert message in str(error.value)


# ---------------------------------------------------------------------------------------------
# Headers


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Username", "username"),
        ("USER_NAME", "username"),
        ("login", "username"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("First Name", "first_name"),
        ("given_name", "first_name"),
        ("firstname", "first_name"),
        ("Last Name", "last_name"),
        ("Surname", "last_name"),
        ("Family name", "last_name"),
        ("SIS User ID", "sis_user_id"),
        ("ID number", "sis_user_id"),
        ("idnumber", "sis_user_id"),
        ("Student ID", "sis_user_id"),
        ("SIS Login ID", "sis_login_id"),
        ("login_id", "sis_login_id"),
        ("Canvas User ID", "canvas_user_id"),
        ("ID", "canvas_user_id"),
        ("Section", "section"),
        ("ROLE", "role"),
    ],
)
def test_it_reads_header_names_liberally(heading, field):
    other = "email" if field == "sis_login_id" else "sis login id"
    value = {"email": "x1@example.edu", "role": "teacher"}.get(field, "X1")
    roster = parse_roster(f"{heading},{other}\n{value},z@example.edu\n")
    assert roster.columns[field] == heading
    assert getattr(roster.rows[0], field) == value


def test_it_lists_the_columns_it_does_not_use_and_uses_the_first_of_two_for_one_field():
    roster = parse_roster("Email,Favourite colour,Mail,\nana@example.edu,blue,other@example.edu,\n")
    assert roster.columns == {"email": "Email"}
    assert roster.ignored_columns == ("Favourite colour", "Mail", "(column 4, no heading)")
    assert roster.rows[0].email == "ana@example.edu"


@pytest.mark.parametrize(
    "text",
    [
        "first name,last name\nAna,Flores\n",
        "ana@example.edu,Ana\nben@example.edu,Ben\n",
        "Student,Section\nFlores, Ana,A\n",
    ],
)
def test_it_refuses_a_file_without_a_header_naming_a_username_email_or_login(text):
    with pytest.raises(RosterFileError) as error:
        parse_roster(text)
    assert "must name the columns" in str(error.value)
    assert "username" in str(error.value)


def test_it_refuses_a_header_with_nobody_under_it():
    with pytest.raises(RosterFileError) as error:
        parse_roster("username,email\n\n\n")
    assert "no students" in str(error.value)


# ---------------------------------------------------------------------------------------------
# Rows


def test_it_reads_a_plain_roster():
    [ana, ben] = rows(
        "username,email,first name,last name,section,role\n"
        "ana,ana@example.edu,Ana,Flores,P1,student\n"
        "  ben , ben@example.edu ,Ben,Carter,P2,Teacher\n"
    )
    assert ana == RosterRow(
        number=2,
        username="ana",
        email="ana@example.edu",
        first_name="Ana",
        last_name="Flores",
        section="P1",
        role="student",
    )
    assert (ben.number, ben.username, ben.email, ben.role) == (
        3,
        "ben",
        "ben@example.edu",
        "teacher",
    )


def test_it_reads_a_canvas_gradebook_export_and_leaves_out_the_points_possible_row():
    roster = parse_roster(
        "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (123)\n"
        "    Points Possible,,,,,10\n"
        '"Flores, Ana",1001,S-1,aflores,Period 1,8\n'
        '"Carter, Ben",1002,S-2,bcarter,Period 2,\n'
    )
    assert roster.ignored_rows == ((2, "Canvas “Points Possible” row, not a student"),)
    assert roster.ignored_columns == ("Quiz 1 (123)",)
    ana = roster.rows[0]
    assert (ana.number, ana.username, ana.first_name, ana.last_name) == (
        3,
        "aflores",
        "Ana",
        "Flores",
    )
    assert (ana.canvas_user_id, ana.sis_user_id, ana.sis_login_id, ana.section) == (
        "1001",
        "S-1",
        "aflores",
        "Period 1",
    )


def test_it_reads_a_moodle_upload_file():
    row = only(
        "username,firstname,lastname,email,idnumber\nanaf,Ana,Flores,ana@example.edu,20250001\n"
    )
    assert (row.username, row.first_name, row.last_name, row.email, row.sis_user_id) == (
        "anaf",
        "Ana",
        "Flores",
        "ana@example.edu",
        "20250001",
    )


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_it_reads_semicolon_and_tab_separated_files(delimiter):
    row = only(f"username{delimiter}email\nana{delimiter}ana@example.edu\n")
    assert (row.username, row.email) == ("ana", "ana@example.edu")


def test_it_reads_quoted_cells_with_commas_and_line_breaks_and_numbers_rows_as_a_spreadsheet():
    [ana, ben] = rows(
        'username,name,section\n\nana,"Flores, Ana","Period 1,\nroom 4"\n\nben,Ben Carter,P2\n'
    )
    assert (ana.number, ana.first_name, ana.last_name) == (3, "Ana", "Flores")
    assert ana.section == "Period 1,\nroom 4"
    assert ben.number == 5  # a cell's line break does not make a spreadsheet row


def test_short_rows_leave_the_missing_cells_blank():
    row = only("username,email,section\nana\n")
    assert (row.username, row.email, row.section, row.errors) == ("ana", "", "", ())


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Flores, Ana", "Ana", "Flores"),
        ("Ana Flores", "Ana", "Flores"),
        ("Mary Ann  Smith", "Mary Ann", "Smith"),
        ("de la Cruz, María José", "María José", "de la Cruz"),
        ("Cher", "Cher", ""),
        ("", "", ""),
    ],
)
def test_it_splits_a_name_written_last_comma_first_or_first_last(name, first, last):
    assert split_name(name) == (first, last)


def test_first_and_last_name_columns_win_over_a_name_column():
    row = only("username,name,first name,last name\nana,Someone Else,Ana,Flores\n")
    assert (row.first_name, row.last_name) == ("Ana", "Flores")


def test_a_row_without_username_takes_its_login_id_then_its_email():
    [by_login, by_email] = rows("sis login id,email\naflores,ana@example.edu\n,ben@example.edu\n")
    assert by_login.username == "aflores"
    assert by_email.username == "ben@example.edu"
    assert only("email\nBen.Carter@Example.edu\n").username == "ben.carter@example.edu"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("username,email,first name\n,,Ana\n", "No username, login ID or email"),
        ("username,email\nana,not-an-email\n", "“not-an-email” is not a valid email address."),
        ("username,email\nana flores,a@example.edu\n", "“ana flores” cannot be a username"),
        ("email\no'brien@example.edu\n", "email “o'brien@example.edu” cannot be a username"),
        ("username,role\nana,ta\n", "Unknown role “ta”: write student or teacher."),
        ("username\n" + "a" * 151 + "\n", "The username is 151 characters long; at most 150 fit."),
        (
            "username,id\nana," + "9" * 41 + "\n",
            "The Canvas user ID is 41 characters long; at most 40 fit.",
        ),
        (
            "username,section\nana," + "s" * 101 + "\n",
            "The section is 101 characters long; at most 100 fit.",
        ),
    ],
)
def test_it_reports_each_problem_of_a_row_with_what_to_fix(text, message):
    row = only(text)
    assert message in " ".join(row.errors)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("student", "student"),
        ("Student", "student"),
        ("StudentEnrollment", "student"),
        ("learner", "student"),
        ("TEACHER", "teacher"),
        ("editingteacher", "teacher"),
        ("TeacherEnrollment", "teacher"),
        ("instructor", "teacher"),
        ("", ""),
    ],
)
def test_it_reads_the_role_names_of_canvas_and_moodle(role, expected):
    row = only(f"username,role\nana,{role}\n")
    assert (row.role, row.errors) == (expected, ())


def test_it_marks_a_person_listed_twice_on_the_later_row_naming_the_earlier_one():
    [first, second, third, fourth] = rows(
        "username,email,sis user id\n"
        "ana,ana@example.edu,S1\n"
        "ANA,other@example.edu,S2\n"
        "ben,Ana@Example.edu,S3\n"
        "cy,cy@example.edu,S1\n"
    )
    assert first.errors == ()
    assert second.errors == ("The username “ANA” is also on row 2; each person once.",)
    assert third.errors == ("The email “Ana@Example.edu” is also on row 2; each person once.",)
    assert fourth.errors == ("The SIS user ID “S1” is also on row 2; each person once.",)


def test_the_limits_are_the_databases():
    user_fields = ("username", "email", "first_name", "last_name")
    enrolment_fields = ("section", "sis_user_id", "sis_login_id", "canvas_user_id")
    database = {f: User._meta.get_field(f).max_length for f in user_fields} | {
        f: Enrollment._meta.get_field(f).max_length for f in enrolment_fields
    }
    assert database == LIMITS


# ---------------------------------------------------------------------------------------------
# Planning against existing accounts and enrolments


ANA = Account(1, "ana", "ana@example.edu")
BEN = Account(2, "ben", "")


def plan(text: str, accounts=(ANA, BEN), memberships=()):
    return plan_roster(rows(text), accounts=accounts, memberships=memberships)


def test_a_new_person_gets_an_account():
    [item] = plan("username,email\ncy,cy@example.edu\n")
    assert (item.action, item.user, item.errors) == (CREATE, None, ())
    assert item.role_shown == "student"


def test_an_existing_account_is_enrolled_whatever_the_capitals_of_its_username():
    [item] = plan("username,email\nAna,ANA@example.edu\n")
    assert (item.action, item.user) == (ENROL, ANA)


def test_an_account_without_email_is_enrolled_by_its_username():
    [item] = plan("username,email\nben,ben@example.edu\n")
    assert (item.action, item.user) == (ENROL, BEN)


def test_an_exact_username_is_preferred_when_capitals_differ_between_accounts():
    upper = Account(3, "Ana", "")
    [item] = plan("username\nAna\n", accounts=(ANA, upper))
    assert item.user == upper
    [item] = plan("username\nANA\n", accounts=(ANA, upper))
    assert item.action == ERROR and "different capitals" in item.errors[0]


def test_a_username_taken_by_someone_with_another_email_is_an_error():
    [item] = plan("username,email\nana,someone.else@example.edu\n")
    assert item.action == ERROR
    assert item.errors == (
        "The username “ana” is taken by a user with a different email address: check the "
        "username and the email.",
    )


def test_a_row_with_only_an_email_finds_the_account_with_that_email():
    [item] = plan("email\nANA@example.edu\n")
    assert (item.action, item.user) == (ENROL, ANA)


def test_a_new_username_with_the_email_of_an_existing_account_is_an_error_naming_the_account():
    [item] = plan("username,email\nanaflores,ana@example.edu\n")
    assert item.action == ERROR
    assert "belongs to the existing user “ana”" in item.errors[0]


def test_an_email_shared_by_several_accounts_needs_a_username():
    twin = Account(3, "ana2", "ana@example.edu")
    [item] = plan("email\nana@example.edu\n", accounts=(ANA, twin))
    assert item.action == ERROR and "Several users have the email" in item.errors[0]


def test_two_rows_that_name_the_same_account_are_an_error_on_the_second():
    [first, second] = plan("username,email\nana,\n,ana@example.edu\n")
    assert first.action == ENROL
    assert second.action == ERROR
    assert second.errors == ("This is the same user (ana) as row 2.",)


def test_an_enrolled_member_with_nothing_new_is_unchanged_and_blank_cells_erase_nothing():
    member = Membership(1, "student", "P1", "S-1", "ana", "1001")
    [item] = plan("username,section,sis user id\nana,,\n", memberships=[member])
    assert (item.action, item.changes) == (UNCHANGED, {})
    assert item.role_shown == "(kept)"


def test_an_enrolled_member_gets_the_new_section_ids_and_role():
    member = Membership(1, "student", "P1", "", "", "")
    [item] = plan(
        "username,section,sis user id,canvas user id,role\nana,P2,S-1,1001,teacher\n",
        memberships=[member],
    )
    assert item.action == UPDATE
    assert item.changes == {
        "role": ("student", "teacher"),
        "section": ("P1", "P2"),
        "sis_user_id": ("", "S-1"),
        "canvas_user_id": ("", "1001"),
    }
    assert item.described_changes == [
        "role: student → teacher",
        "section: P1 → P2",
        "SIS user ID: (blank) → S-1",
        "Canvas user ID: (blank) → 1001",
    ]


def test_a_blank_role_keeps_a_teachers_role():
    member = Membership(1, "teacher")
    [item] = plan("username,role\nana,\n", memberships=[member])
    assert item.action == UNCHANGED


def test_an_id_of_another_member_of_the_course_is_an_error_but_ones_own_is_not():
    members = [Membership(1, sis_user_id="S-1", canvas_user_id="1001")]
    header = "username,sis user id,canvas user id\n"
    [own] = plan(header + "ana,S-1,1001\n", memberships=members)
    assert own.action == UNCHANGED
    [other, new] = plan(header + "ben,S-1,\ncy,,1001\n", memberships=members)
    assert other.action == ERROR
    assert other.errors == (
        "The SIS user ID “S-1” belongs to another member of this course; check the row.",
    )
    assert new.action == ERROR and "Canvas user ID “1001”" in new.errors[0]


def test_rows_with_errors_from_the_file_are_planned_as_errors():
    [item] = plan("username,email\nana,broken\n")
    assert (item.action, item.errors) == (ERROR, ("“broken” is not a valid email address.",))
    assert item.label == "Error — will be skipped"


def test_a_username_out_of_reach_cannot_be_created_and_the_row_says_nothing_of_whose_it_is():
    [taken] = plan_roster(
        rows("username,email\nCyd,cy@example.edu\n"), accounts=(), memberships=(), taken=["cyd"]
    )
    [free] = plan_roster(rows("username,email\ncyd,cy@example.edu\n"), accounts=(), memberships=())
    assert taken.action == ERROR and free.action == CREATE
    assert taken.errors == (
        "The username “Cyd” cannot be given to a new account. If this person already has one, "
        "ask an administrator to enrol them; otherwise choose another username.",
    )


def test_without_the_right_to_make_teachers_no_row_changes_who_teaches():
    teacher = Membership(ANA.id, role="teacher")
    student = Membership(BEN.id, role="student")
    planned = plan_roster(
        rows("username,role\nana,student\nben,teacher\nnew,teacher\nana2,\n"),
        accounts=(ANA, BEN),
        memberships=(teacher, student),
        may_make_teachers=False,
    )
    assert [p.action for p in planned] == [ERROR, ERROR, ERROR, CREATE]
    assert all("Only an administrator" in p.errors[0] for p in planned[:3])
    [kept] = plan_roster(
        rows("username,role\nana,teacher\n"),
        accounts=(ANA,),
        memberships=(teacher,),
        may_make_teachers=False,
    )
    assert kept.action == UNCHANGED  # a teacher listed as one changes nothing
