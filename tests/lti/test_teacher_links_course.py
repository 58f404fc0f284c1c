"""A teacher links their own LMS course: an Instructor launching from an LMS course that is not
linked yet chooses one of the Fuente courses they teach, and the launch continues there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from courseware.models import Enrollment
from courseware.roles import make_teacher
from lti.models import CourseLink, PlatformUser
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import INSTRUCTOR, LEARNER, fresh_sub

CONTEXT = "lms-course-new"


def launch_from_unlinked_course(client, lms, sub, roles):
    auth = start_launch(client, lms, sub)
    return post_launch(client, lms.id_token(auth, sub=sub, roles=roles, context_id=CONTEXT))


@pytest.fixture
def lms_teacher(registered, teacher, course):
    """The pack course's teacher, known to the LMS as `sub`, who teaches a second course too."""
    second = CourseFactory(title="Deltas 201")
    EnrollmentFactory(course=second, user=teacher, role=Enrollment.Role.TEACHER)
    PlatformUser.objects.create(platform=registered, sub="teacher-sub", user=teacher)
    return teacher


@pytest.fixture
def someone_elses_course(db):
    other = UserFactory(username="other-teacher")
    theirs = CourseFactory(title="Not yours")
    EnrollmentFactory(course=theirs, user=other, role=Enrollment.Role.TEACHER)
    make_teacher(other)
    return theirs


def test_a_teacher_chooses_among_their_own_courses_only(
    client, lms, lms_teacher, course, someone_elses_course
):
    response = launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    assert response.status_code == 302
    assert response["Location"] == "/lti/link-course/"
    page = client.get("/lti/link-course/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Link this LMS course to one of your Fuente courses" in html
    assert course.title in html and "Deltas 201" in html
    assert "Not yours" not in html
    assert f'value="{someone_elses_course.pk}"' not in html
    # Framed by the launching platform, like every launched page.
    assert "frame-ancestors https://lms.example.test" in page["Content-Security-Policy"]


def test_the_choice_links_the_lms_course_and_continues_the_launch(client, lms, lms_teacher, course):
    launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    response = client.post("/lti/link-course/", {"course": course.pk})
    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    link = CourseLink.objects.get(context_id=CONTEXT)
    assert link.course == course and link.context_title == "Rivers 101"
    assert client.get(response["Location"]).wsgi_request.user == lms_teacher
    # The next launch from that LMS course goes straight in; a student's too.
    client.logout()
    again = launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    assert again["Location"] == course.get_absolute_url()
    client.logout()
    student_sub = fresh_sub()
    assert launch_from_unlinked_course(client, lms, student_sub, [LEARNER]).status_code == 302
    student = PlatformUser.objects.get(sub=student_sub).user
    assert Enrollment.objects.get(course=course, user=student).role == Enrollment.Role.STUDENT


def test_a_forged_choice_of_another_teachers_course_is_refused(
    client, lms, lms_teacher, someone_elses_course
):
    launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    for forged in (someone_elses_course.pk, 999999, "x", ""):
        response = client.post("/lti/link-course/", {"course": forged})
        assert response.status_code == 400
        assert not CourseLink.objects.filter(context_id=CONTEXT).exists()
        if forged != "":
            assert "Choose one of the courses you teach." in response.content.decode()
    assert not Enrollment.objects.filter(course=someone_elses_course, user=lms_teacher).exists()


def test_a_course_the_teacher_was_only_a_student_of_is_refused(
    client, lms, lms_teacher, someone_elses_course
):
    EnrollmentFactory(course=someone_elses_course, user=lms_teacher)
    launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    response = client.post("/lti/link-course/", {"course": someone_elses_course.pk})
    assert response.status_code == 400
    assert not CourseLink.objects.exists()


def test_a_learner_still_sees_the_not_linked_yet_page(client, lms, registered, course):
    response = launch_from_unlinked_course(client, lms, fresh_sub(), [LEARNER])
    assert response.status_code == 404
    assert "is not linked to a Fuente course yet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not CourseLink.objects.exists()


def test_an_instructor_who_teaches_no_fuente_course_gets_a_clear_page(client, lms, registered):
    staff = UserFactory(username="staff-no-courses", is_staff=True)
    PlatformUser.objects.create(platform=registered, sub="staff-sub", user=staff)
    response = launch_from_unlinked_course(client, lms, "staff-sub", [INSTRUCTOR])
    assert response.status_code == 404
    html = response.content.decode()
    assert "you teach no Fuente course to link it to" in html
    assert "_auth_user_id" not in client.session
    # A new LMS instructor (no Fuente account yet) gets the same page, and no account.
    users, identities = User.objects.count(), PlatformUser.objects.count()
    response = launch_from_unlinked_course(client, lms, fresh_sub(), [INSTRUCTOR])
    assert "you teach no Fuente course to link it to" in response.content.decode()
    assert (User.objects.count(), PlatformUser.objects.count()) == (users, identities)
    assert "_auth_user_id" not in client.session


def test_the_link_page_without_a_waiting_launch_is_a_404(client, teacher, course):
    client.force_login(teacher)
    assert client.get("/lti/link-course/").status_code == 404
    response = client.post("/lti/link-course/", {"course": course.pk})
    assert response.status_code == 404
    assert not CourseLink.objects.exists()


def test_another_person_in_the_same_browser_cannot_use_the_waiting_launch(
    client, lms, lms_teacher, course, student
):
    launch_from_unlinked_course(client, lms, "teacher-sub", [INSTRUCTOR])
    pending = client.session["lti_pending_link"]
    client.force_login(student)  # a new session: copy the waiting launch's key into it
    session = client.session
    session["lti_pending_link"] = pending
    session.save()
    assert client.post("/lti/link-course/", {"course": course.pk}).status_code == 404
    assert not CourseLink.objects.exists()


def test_the_link_page_asks_anonymous_people_to_sign_in(client, db):
    assert client.get("/lti/link-course/").status_code == 302


def test_a_teacher_sees_their_courses_links_in_the_admin_but_not_others(
    client, registered, teacher, course, someone_elses_course
):
    mine = CourseLink.objects.create(
        platform=registered, context_id="ctx-mine", context_title="My LMS course", course=course
    )
    theirs = CourseLink.objects.create(
        platform=registered,
        context_id="ctx-theirs",
        context_title="Their LMS course",
        course=someone_elses_course,
    )
    make_teacher(teacher)
    client.force_login(teacher)
    listing = client.get("/admin/lti/courselink/")
    assert listing.status_code == 200
    assert "My LMS course" in listing.content.decode()
    assert "Their LMS course" not in listing.content.decode()
    assert client.get(f"/admin/lti/courselink/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/lti/courselink/{theirs.pk}/change/").status_code in (302, 404)
    # Seeing is all: a teacher cannot re-point a link, nor add one.
    client.post(
        f"/admin/lti/courselink/{mine.pk}/change/",
        {"context_id": "ctx-hijacked", "course": course.pk, "platform": registered.pk},
    )
    mine.refresh_from_db()
    assert mine.context_id == "ctx-mine"
    assert client.get("/admin/lti/courselink/add/").status_code == 403
