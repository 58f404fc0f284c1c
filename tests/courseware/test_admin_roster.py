"""Enrolling a class from a CSV roster in the admin: upload → preview → confirm."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseware.models import Enrollment
from courseware.services import enrol_roster
from tests.admin_forms import change_form_data
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

ROSTER = (
    "Username,Email,First Name,Last Name,Section,SIS User ID,Role\n"
    "ana.flores,ana@school.example,Ana,Flores,Period 1,S-001,student\n"
    "ben.carter,ben@school.example,Ben,Carter,Period 2,S-002,\n"
    "mr.ortiz,ortiz@school.example,Luis,Ortiz,,T-9,teacher\n"
)


def url(course):
    return reverse("admin:courseware_course_roster", args=[course.pk])


def upload(client, course, text, name="roster.csv", encoding="utf-8"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return client.post(url(course), {"file": SimpleUploadedFile(name, data, "text/csv")})


def confirm(client, course, preview):
    html = preview.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    expected = re.search(r'name="expected" value="([^"]*)"', html).group(1)
    return client.post(url(course), {"token": token, "expected": expected}, follow=True)


def test_the_course_page_links_to_enrolling_from_a_roster(admin_client, course):
    page = admin_client.get(reverse("admin:courseware_course_change", args=[course.pk]))
    assert f'href="{url(course)}"' in page.content.decode()
    assert "Enrol from a roster" in page.content.decode()


def test_the_roster_page_looks_like_the_admin_and_explains_passwords(admin_client, course):
    page = admin_client.get(url(course))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="site-name"' in html  # the admin's own header, from admin/base_site.html
    course_link = reverse("admin:courseware_course_change", args=[course.pk])
    assert f'<a href="{course_link}">' in html  # breadcrumbs back to the course
    assert "without a usable password" in html
    assert "single sign-on" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_a_teacher_previews_then_confirms_a_roster(admin_client, course):
    users_before = User.objects.count()
    preview = upload(admin_client, course, ROSTER)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: nothing has changed yet" in html
    assert html.count("New user created and enrolled") == 4  # 3 rows + the summary line
    assert "Enrol 3 rows" in html
    assert User.objects.count() == users_before  # nothing written by the preview

    done = confirm(admin_client, course, preview)
    assert done.redirect_chain[-1][0] == reverse("admin:courseware_course_change", args=[course.pk])
    assert (
        "Roster enrolled: 3 new users created and enrolled, 0 existing users enrolled, "
        "0 enrolments updated, 0 already up to date, 0 rows with errors skipped."
    ) in done.content.decode()
    ana = User.objects.get(username="ana.flores")
    assert (ana.email, ana.first_name, ana.last_name) == ("ana@school.example", "Ana", "Flores")
    assert not ana.has_usable_password()
    assert not ana.is_staff
    enrolment = Enrollment.objects.get(course=course, user=ana)
    assert (enrolment.role, enrolment.section, enrolment.sis_user_id) == (
        "student",
        "Period 1",
        "S-001",
    )
    assert Enrollment.objects.get(course=course, user__username="ben.carter").role == "student"
    ortiz = Enrollment.objects.get(course=course, user__username="mr.ortiz")
    assert ortiz.role == "teacher"
    assert ortiz.user.is_staff and ortiz.user.groups.filter(name="Teachers").exists()


def test_each_bad_row_is_shown_with_its_number_and_what_to_fix(admin_client, course):
    UserFactory(username="taken", email="taken@school.example")
    text = (
        "username,email,role\n"
        "good.one,good@school.example,\n"
        "taken,someone@school.example,\n"
        ",,student\n"
        "bad.email,not-an-email,\n"
        "good.one,again@school.example,\n"
        "odd.role,odd@school.example,principal\n"
        "good.two,good2@school.example,student\n"
    )
    preview = upload(admin_client, course, text)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "5 rows cannot be enrolled" in html
    assert "Row 3</a>: The username “taken” is taken by a user with a different email" in html
    assert "Row 4</a>: No username, login ID or email" in html
    assert "Row 5</a>: “not-an-email” is not a valid email address." in html
    assert "Row 6</a>: The username “good.one” is also on row 2; each person once." in html
    assert "Row 7</a>: Unknown role “principal”: write student or teacher." in html
    assert "Enrol the 2 good rows and skip 5" in html

    done = confirm(admin_client, course, preview)
    assert "2 new users created and enrolled" in done.content.decode()
    assert "5 rows with errors skipped" in done.content.decode()
    assert set(
        course.enrollments.filter(user__username__in=["good.one", "good.two", "taken"]).values_list(
            "user__username", flat=True
        )
    ) == {"good.one", "good.two"}
    assert User.objects.get(username="taken").email == "taken@school.example"


def test_a_roster_where_no_row_can_be_enrolled_offers_no_confirm_button(admin_client, course):
    preview = upload(admin_client, course, "username,email\nana,nope\n")
    html = preview.content.decode()
    assert "No row can be enrolled as it is." in html
    assert 'name="token"' not in html


def test_existing_users_are_enrolled_and_members_updated_never_changed(admin_client, course):
    existing = UserFactory(username="dana", email="dana@school.example", first_name="Dana")
    member = EnrollmentFactory(course=course, user=UserFactory(username="eli"), section="P1").user
    text = "username,email,first name,section,canvas user id\ndana,,Renamed,P3,\neli,,,P2,77\n"
    preview = upload(admin_client, course, text)
    html = preview.content.decode()
    assert "Existing user enrolled" in html
    assert (
        "Already enrolled — enrolment updated: section: P1 → P2; Canvas user ID: (blank) → 77"
        in html
    )
    done = confirm(admin_client, course, preview)
    assert "1 existing user enrolled, 1 enrolment updated" in done.content.decode()
    existing.refresh_from_db()
    assert existing.first_name == "Dana"  # the roster never changes an account
    assert Enrollment.objects.get(course=course, user=existing).section == "P3"
    updated = Enrollment.objects.get(course=course, user=member)
    assert (updated.section, updated.canvas_user_id, updated.role) == ("P2", "77", "student")


def test_confirming_after_the_accounts_changed_shows_the_preview_again(admin_client, course):
    preview = upload(admin_client, course, ROSTER)
    UserFactory(username="ana.flores", email="ana@school.example")  # meanwhile
    again = confirm(admin_client, course, preview)
    html = again.content.decode()
    assert "has changed since the preview" in html
    assert "Existing user enrolled" in html
    assert not course.enrollments.filter(user__username="ben.carter").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"  \n\n", "The file is empty"),
        (b"PK\x03\x04\x14\x00", "spreadsheet workbook"),
        ("username\nLe\u00f3n\n".encode("latin-1"), "not UTF-8"),
        (b"first name,last name\nAna,Flores\n", "must name the columns"),
        (b"username,email\n", "no students"),
        (b"username\n" + b"x" * (1024 * 1024 + 1), "at most 1 MB"),
    ],
)
def test_a_bad_file_gets_a_form_error_not_a_server_error(admin_client, course, data, message):
    response = upload(admin_client, course, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "errorlist" in html
    assert "Preview: nothing has changed yet" not in html


def test_an_upload_without_a_file_asks_for_one(admin_client, course):
    response = admin_client.post(url(course), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_tampered_or_foreign_preview_is_refused(admin_client, course):
    preview = upload(admin_client, course, ROSTER)
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    tampered = admin_client.post(url(course), {"token": token[:-2] + "xx", "expected": ""})
    assert tampered.status_code == 400
    assert "expired or was altered" in tampered.content.decode()
    other = CourseFactory()
    foreign = admin_client.post(url(other), {"token": token, "expected": ""})
    assert foreign.status_code == 400
    assert (
        not other.enrollments.exists()
        and not course.enrollments.filter(user__username="ana.flores").exists()
    )


def test_a_teacher_of_the_course_can_enrol_a_roster(client, course, teacher):
    client.force_login(teacher)
    preview = upload(client, course, "username,email\nnew.kid,kid@school.example\n")
    assert preview.status_code == 200
    confirm(client, course, preview)
    assert course.enrollments.filter(user__username="new.kid", role="student").exists()


def test_a_student_cannot_open_the_roster_page(client, course, student):
    client.force_login(student)
    response = client.get(url(course))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_course_is_a_404(admin_client):
    assert (
        admin_client.get(reverse("admin:courseware_course_roster", args=[999999])).status_code
        == 404
    )


def test_the_preview_query_count_does_not_grow_with_the_roster(
    admin_client, course, django_assert_max_num_queries
):
    rows = "".join(f"kid{n},kid{n}@school.example,Kid,{n}\n" for n in range(300))
    with django_assert_max_num_queries(12):
        response = upload(admin_client, course, "username,email,first name,last name\n" + rows)
    assert response.content.decode().count("New user created and enrolled") == 301


def test_enrol_roster_applies_the_good_rows_in_one_go(course):
    from courseware.roster import parse_roster

    rows = parse_roster("username,email\nfresh,fresh@school.example\nbroken,@@\n").rows
    summary = enrol_roster(course=course, rows=rows)
    assert (summary.created, summary.enrolled, summary.updated, summary.skipped) == (1, 0, 0, 1)
    assert course.enrollments.filter(user__username="fresh").exists()
    again = enrol_roster(course=course, rows=rows)
    assert (again.created, again.unchanged, again.skipped) == (0, 1, 1)


def test_the_enrolment_admin_shows_and_edits_the_lms_ids(admin_client, course, student):
    enrolment = Enrollment.objects.get(course=course, user=student)
    enrolment.sis_user_id, enrolment.canvas_user_id = "S-77", "4242"
    enrolment.save(update_fields=["sis_user_id", "canvas_user_id"])
    listing = admin_client.get(reverse("admin:courseware_enrollment_changelist") + "?q=S-77")
    html = listing.content.decode()
    assert "S-77" in html and "4242" in html and student.email in html
    change = admin_client.get(reverse("admin:courseware_enrollment_change", args=[enrolment.pk]))
    for name in ("section", "sis_user_id", "sis_login_id", "canvas_user_id"):
        assert f'name="{name}"' in change.content.decode()
    course_page = admin_client.get(reverse("admin:courseware_course_change", args=[course.pk]))
    html = course_page.content.decode()
    assert 'name="enrollments-0-sis_user_id"' in html
    assert student.email in html


# -- a teacher's roster reaches only the teacher's own courses' people


@pytest.fixture
def other_course_student(db):
    """A student of a course the teacher does not teach, with an e-mail the teacher may know."""
    course = CourseFactory(slug="course-a", title="Course A")
    return EnrollmentFactory(
        course=course, user=UserFactory(username="student1", email="s1@school.example")
    ).user


def _untouched(user, before):
    user.refresh_from_db()
    assert (user.is_staff, user.password, user.email, user.get_full_name()) == before
    assert not user.groups.exists()


def test_a_teachers_roster_cannot_enrol_or_promote_another_courses_student(
    client, course, teacher, other_course_student
):
    user = other_course_student
    before = (user.is_staff, user.password, user.email, user.get_full_name())
    client.force_login(teacher)
    preview = upload(
        client, course, "username,email,first name,role\nstudent1,s1@school.example,Evil,teacher\n"
    )
    assert "No row can be enrolled as it is." in preview.content.decode()
    # Confirming a forged preview of the same file changes nothing either.
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    assert token is None
    plain = upload(client, course, "username,email\nstudent1,s1@school.example\n")
    assert "No row can be enrolled as it is." in plain.content.decode()
    _untouched(user, before)
    assert not course.enrollments.filter(user=user).exists()


def test_a_teachers_roster_preview_does_not_tell_whose_a_username_or_email_is(
    client, course, teacher, other_course_student
):
    client.force_login(teacher)

    def row_message(text):
        html = upload(client, course, text).content.decode()
        return re.search(r"Row 2</a>: ([^<]*)</li>", html).group(1)

    right = row_message("username,email\nstudent1,s1@school.example\n")
    wrong = row_message("username,email\nstudent1,guess@school.example\n")
    assert right == wrong  # the same words whether the e-mail matches the account or not
    assert "s1@school.example" not in right and "different email" not in right
    # An outsider's e-mail under a new username is no different from any unused e-mail.
    known = upload(client, course, "username,email\nnew.kid,s1@school.example\n")
    unknown = upload(client, course, "username,email\nnew.kid,nobody@school.example\n")

    def what(preview):
        return [(p.action, p.user, p.errors) for p in preview.context["planned"]]

    assert what(known) == what(unknown) == [("create", None, ())]


def test_only_an_administrator_makes_a_teacher_through_a_roster(client, course, teacher):
    client.force_login(teacher)
    html = upload(client, course, "username,email,role\nnew.boss,b@school.example,teacher\n")
    assert "Only an administrator can change who teaches a course" in html.content.decode()
    assert 'name="token"' not in html.content.decode()
    assert not User.objects.filter(username="new.boss").exists()


def test_a_teachers_roster_still_updates_their_own_students(client, course, teacher, student):
    client.force_login(teacher)
    preview = upload(client, course, f"username,section\n{student.username},P9\n")
    assert "Already enrolled — enrolment updated" in preview.content.decode()
    confirm(client, course, preview)
    assert Enrollment.objects.get(course=course, user=student).section == "P9"


def test_enrol_roster_by_a_teacher_refuses_to_make_teachers(course, teacher):
    from courseware.roster import parse_roster

    rows = parse_roster("username,role\nsomeone.new,teacher\n").rows
    summary = enrol_roster(course=course, rows=rows, by=teacher)
    assert summary.skipped == 1 and not User.objects.filter(username="someone.new").exists()


def test_a_teacher_cannot_make_a_student_a_teacher_in_the_course_form(
    client, course, teacher, student
):
    client.force_login(teacher)
    url = reverse("admin:courseware_course_change", args=[course.pk])
    page = client.get(url)
    data = change_form_data(page)
    for key, value in list(data.items()):
        if key.endswith("-id") and value == str(
            Enrollment.objects.get(course=course, user=student).pk
        ):
            data[key.replace("-id", "-role")] = "teacher"
    client.post(url, data)
    student.refresh_from_db()
    assert not student.is_staff
    assert Enrollment.objects.get(course=course, user=student).role == "student"
