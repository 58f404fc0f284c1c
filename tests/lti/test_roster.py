"""Names and Role Provisioning: a teacher syncs the course roster from the LMS, which here is
a real HTTP server the test starts (tests/lti/nrps_server.py)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from courseware.models import Enrollment
from lti import calls, roster
from lti.models import CourseLink, PlatformUser
from lti.roster import parse_members
from quizzes.models import Attempt
from tests.factories import EnrollmentFactory, UserFactory, make_question, make_quiz, take_quiz
from tests.lti.conftest import post_launch, start_launch
from tests.lti.nrps_server import NRPS_MEDIA_TYPE, NrpsServer, Running
from tests.lti.platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT

NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def member(sub, role=LEARNER, status="Active", **names):
    return {
        "user_id": sub,
        "roles": [role],
        "status": status,
        "given_name": names.get("given", sub.title()),
        "family_name": names.get("family", "Río"),
    }


@pytest.fixture
def nrps(client, linked):
    """The LMS's token and memberships endpoints, running; Fuente's course link points at
    them. The token endpoint knows Fuente's key set as Fuente publishes it."""
    server = NrpsServer(tool_key_set=client.get(reverse("lti_jwks")).json())
    running = Running(server)
    platform = linked.platform
    platform.token_url = server.token_url
    platform.save(update_fields=["token_url"])
    linked.memberships_url = server.memberships_url
    linked.save(update_fields=["memberships_url"])
    yield server
    running.close()


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(roster, "TIMEOUT", 0.5)
    monkeypatch.setattr(calls, "TIMEOUT", 0.5)


def url(course):
    return reverse("lti_roster_sync", args=[course.slug])


def sync(client, course):
    """Press "Sync roster"; the messages the page then shows."""
    response = client.post(url(course), follow=True)
    assert response.redirect_chain == [(url(course), 302)]
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    page = response.content.decode()
    assert all(html.escape(m) in page for m in messages)
    return messages


def enrolment(course, sub):
    return Enrollment.objects.get(course=course, user__lti_identities__sub=sub)


def three_pages():
    return [
        [member("ana"), member("prof", INSTRUCTOR, given="Teresa", family="Salinas")],
        [member("ben"), member("tom", TEACHING_ASSISTANT)],
        [member("cho")],
    ]


def test_sync_enrols_everyone_listed_with_their_roles_reading_every_page(client, teacher, nrps):
    nrps.pages = three_pages()
    client.force_login(teacher)
    page = client.get(url(teacher.enrollments.get().course)).content.decode()
    assert "Rivers 101" in page and "never" in page and "Sync roster" in page
    course = teacher.enrollments.get().course

    messages = sync(client, course)

    assert messages == [
        "Roster synced: 5 added, 0 back in the course, 0 made teachers, 0 marked inactive, "
        "0 unchanged."
    ]
    assert [number for number, _headers in nrps.page_requests] == ["1", "2", "3"]
    assert all(h["Accept"] == NRPS_MEDIA_TYPE for _n, h in nrps.page_requests)
    assert len(nrps.token_requests) == 1
    assert nrps.token_requests[0]["scope"] == roster.SCOPE
    roles = {sub: enrolment(course, sub).role for sub in ["ana", "prof", "ben", "tom", "cho"]}
    assert roles == {
        "ana": "student",
        "prof": "teacher",
        "ben": "student",
        "tom": "teacher",
        "cho": "student",
    }
    prof = PlatformUser.objects.get(sub="prof").user
    assert (prof.first_name, prof.last_name, prof.is_staff) == ("Teresa", "Salinas", True)
    assert not prof.has_usable_password()
    assert course.lti_links.get().roster_synced_at is not None

    # Again: nothing new, and the cached access token is reused.
    assert sync(client, course) == [
        "Roster synced: 0 added, 0 back in the course, 0 made teachers, 0 marked inactive, "
        "5 unchanged."
    ]
    assert len(nrps.token_requests) == 1


def test_people_who_left_are_marked_inactive_and_keep_their_work(client, teacher, nrps, course):
    nrps.pages = [[member("ana"), member("ben")], [member("cho")]]
    client.force_login(teacher)
    sync(client, course)
    ana = PlatformUser.objects.get(sub="ana").user
    quiz = make_quiz(course, [make_question("roster-q1")], attempts_allowed=3)
    take_quiz(ana, quiz, {"roster-q1": "b"})
    local = EnrollmentFactory(course=course, user=UserFactory(username="local")).user

    # Ana is gone from the LMS; Cho is listed Inactive; Ben stays.
    nrps.pages = [[member("ben")], [member("cho", status="Inactive")]]
    assert sync(client, course) == [
        "Roster synced: 0 added, 0 back in the course, 0 made teachers, 2 marked inactive, "
        "1 unchanged."
    ]

    assert not enrolment(course, "ana").is_active
    assert not enrolment(course, "cho").is_active
    assert enrolment(course, "ben").is_active
    assert Attempt.objects.filter(student=ana, quiz=quiz, state="submitted").count() == 1
    # Someone Fuente knows not through the LMS is not the LMS's to remove.
    assert Enrollment.objects.get(course=course, user=local).is_active
    page = client.get(url(course)).content.decode()
    assert "Students who left the course" in page and "Ana" in page
    gradebook = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert gradebook.count("left the course") == 2
    assert "Ana" in gradebook  # still in the book, with her grade


def test_a_person_who_comes_back_is_active_again(client, teacher, nrps, course):
    nrps.pages = [[member("ana"), member("ben")]]
    client.force_login(teacher)
    sync(client, course)
    nrps.pages = [[member("ben")]]
    sync(client, course)
    assert not enrolment(course, "ana").is_active

    nrps.pages = [[member("ana"), member("ben")]]
    assert sync(client, course) == [
        "Roster synced: 0 added, 1 back in the course, 0 made teachers, 0 marked inactive, "
        "1 unchanged."
    ]
    assert enrolment(course, "ana").is_active
    assert Enrollment.objects.filter(course=course, user__lti_identities__sub="ana").count() == 1


def test_a_sync_never_demotes_nor_removes_a_teacher(client, teacher, nrps, course):
    nrps.pages = [[member("prof", INSTRUCTOR)]]
    client.force_login(teacher)
    sync(client, course)
    nrps.pages = [[member("prof", LEARNER)]]
    sync(client, course)
    assert enrolment(course, "prof").role == Enrollment.Role.TEACHER
    nrps.pages = [[member("prof", INSTRUCTOR, status="Inactive")], [member("ben")]]
    sync(client, course)
    nrps.pages = [[member("ben")]]
    sync(client, course)
    prof = enrolment(course, "prof")
    assert (prof.role, prof.is_active) == (Enrollment.Role.TEACHER, True)


def test_a_student_listed_as_instructor_is_promoted(client, teacher, nrps, course):
    nrps.pages = [[member("ana")]]
    client.force_login(teacher)
    sync(client, course)
    nrps.pages = [[member("ana", INSTRUCTOR)]]
    assert "1 made teachers" in sync(client, course)[0]
    assert enrolment(course, "ana").role == Enrollment.Role.TEACHER


@pytest.mark.parametrize(
    ("fail", "fail_page", "said"),
    [
        ("500", 2, "(HTTP 500: The roster database is on fire)"),
        ("timeout", 3, "did not answer in time"),
        ("junk", 2, "is not a membership list"),
        ("loop", 3, "goes round in circles"),
        ("offsite", 1, "continues at another address, http://elsewhere.test/steal"),
    ],
)
def test_an_lms_failure_says_what_the_lms_said_and_changes_nothing(
    client, teacher, nrps, course, short_timeouts, fail, fail_page, said
):
    nrps.pages = [[member("ana")], [member("ben")], [member("cho")]]
    client.force_login(teacher)
    sync(client, course)
    nrps.pages = [[member("dan")], [member("ben")], [member("cho")]]
    nrps.fail, nrps.fail_page = fail, fail_page
    before = course.lti_links.get().roster_synced_at

    messages = sync(client, course)

    assert len(messages) == 1 and messages[0].startswith("Nothing was changed.")
    assert said in messages[0]
    assert not PlatformUser.objects.filter(sub="dan").exists()
    assert enrolment(course, "ana").is_active
    assert course.lti_links.get().roster_synced_at == before
    page = client.get(url(course))
    assert page.status_code == 200


def test_a_refused_client_assertion_shows_the_lms_error(client, teacher, nrps, course):
    nrps.tool_key_set = {"keys": []}  # the LMS does not know Fuente's key
    nrps.pages = [[member("ana")]]
    client.force_login(teacher)
    messages = sync(client, course)
    assert messages[0].startswith("Nothing was changed. The LMS refused an access token")
    assert "invalid_client" in messages[0]
    assert not PlatformUser.objects.filter(sub="ana").exists()


def test_a_course_with_no_roster_service_says_so(client, teacher, linked, course):
    client.force_login(teacher)
    assert "offers its roster yet" in client.get(url(course)).content.decode()
    assert sync(client, course)[0].startswith("Nothing was changed. No LMS course linked")


@pytest.mark.parametrize("who", ["student", "other_teacher"])
def test_only_the_courses_teachers_reach_the_page(client, nrps, course, student, who):
    nrps.pages = [[member("ana")]]
    if who == "other_teacher":
        other = EnrollmentFactory(role=Enrollment.Role.TEACHER)
        user = other.user
    else:
        user = student
    client.force_login(user)
    assert client.get(url(course)).status_code == 404
    assert client.post(url(course)).status_code == 404
    assert nrps.token_requests == [] and nrps.page_requests == []


def test_anonymous_is_sent_to_sign_in(client, nrps, course):
    for response in (client.get(url(course)), client.post(url(course))):
        assert response.status_code == 302 and "/login" in response["Location"]
    assert nrps.token_requests == []


def test_an_inactive_student_cannot_start_an_attempt(client, course, student):
    quiz = make_quiz(course, [make_question("left-q1")], attempts_allowed=3)
    Enrollment.objects.filter(user=student).update(is_active=False)
    client.force_login(student)
    start = reverse("attempt_start", args=[course.slug, quiz.slug])
    response = client.post(start, follow=True)
    assert "You are no longer enrolled in this course" in response.content.decode()
    assert not Attempt.objects.filter(student=student).exists()


def test_a_launch_brings_a_student_back_and_announces_the_roster(
    client, teacher, nrps, lms, course
):
    nrps.pages = [[member("ana")]]
    client.force_login(teacher)
    sync(client, course)
    nrps.pages = [[member("ben")]]
    sync(client, course)
    assert not enrolment(course, "ana").is_active
    CourseLink.objects.filter(course=course).update(memberships_url="")
    client.logout()

    auth = start_launch(client, lms, "ana")
    claims = {
        NRPS_CLAIM: {
            "context_memberships_url": nrps.memberships_url,
            "service_versions": ["2.0"],
        }
    }
    token = lms.id_token(auth, sub="ana", roles=[LEARNER], claims=claims)
    assert post_launch(client, token).status_code == 302

    assert enrolment(course, "ana").is_active
    assert course.lti_links.get().memberships_url == nrps.memberships_url


def test_members_pages_are_read_strictly():
    assert parse_members({"members": [{"user_id": "a", "roles": []}]})[0].is_active
    assert not parse_members({"members": [{"user_id": "a", "status": "Deleted"}]})[0].is_active
    for bad in (
        [],
        {"members": {}},
        {"members": ["a"]},
        {"members": [{"roles": [LEARNER]}]},
        {"members": [{"user_id": 7, "roles": [LEARNER]}]},
        {"members": [{"user_id": "", "roles": [LEARNER]}]},
        {"members": [{"user_id": "a", "roles": LEARNER}]},
        {"members": [{"user_id": "a", "roles": [1]}]},
        {"members": [{"user_id": "a\x00", "roles": []}]},
    ):
        with pytest.raises(ValueError):
            parse_members(bad)


def test_the_roster_page_lists_who_left_in_a_few_queries(
    client, teacher, nrps, course, django_assert_max_num_queries
):
    for number in range(30):
        EnrollmentFactory(
            course=course, user=UserFactory(username=f"gone{number}"), is_active=False
        )
    client.force_login(teacher)
    with django_assert_max_num_queries(10):
        page = client.get(url(course)).content.decode()
    assert all(f"gone{number}" in page for number in range(30))


def test_the_gradebook_links_its_teacher_to_the_roster_page(client, teacher, course):
    client.force_login(teacher)
    page = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert f'href="{url(course)}"' in page
    assert client.get(url(course)).status_code == 200
