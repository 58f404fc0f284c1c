"""Grade passback under races, on PostgreSQL (SQLite has no row locks; its writers queue)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from courseware.models import Enrollment
from lti import grades
from lti.models import CourseLink, Deployment, GradeSend, Platform, PlatformUser, ResourceLink
from quizzes.gradebook import grade_detail
from quizzes.services import build_pack
from tests.conftest import PACK
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    UserFactory,
    make_question,
    make_quiz,
    take_quiz,
)
from tests.lti import platform as lti_platform
from tests.lti.grade_lms import LmsServer
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER
from tests.quizzes.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def setup(transactional_db, client):
    build_pack(seeds_dir=PACK)
    course = CourseFactory()
    quiz = make_quiz(
        course, [make_question("race-ags1"), make_question("race-ags2")], attempts_allowed=9
    )
    server = LmsServer(
        platform=lti_platform.TestPlatform(), tool_key_set=client.get("/lti/jwks/").json()
    )
    server.start()
    platform = Platform.objects.create(
        name="LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/auth",
        token_url=server.token_url,
        key_set_url=f"{ISSUER}/jwks",
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    link = CourseLink.objects.create(platform=platform, context_id="c1", course=course)
    ResourceLink.objects.create(
        course_link=link, resource_link_id="r1", quiz=quiz, lineitem_url=server.lineitem_url(3)
    )
    student = UserFactory(username="racer")
    EnrollmentFactory(course=course, user=student, role=Enrollment.Role.STUDENT)
    PlatformUser.objects.create(platform=platform, sub="racer-sub", user=student)
    yield quiz, student, server
    server.stop()


def test_simultaneous_changes_make_one_row_with_every_version(setup):
    quiz, student, _server = setup
    take_quiz(student, quiz, {"race-ags1": "b"})  # the submit records version 1 on commit
    assert GradeSend.objects.get().version == 1
    results = race(6, lambda i: grades.record_grades(quiz.pk, [student.pk]))
    assert all(isinstance(r, list) and len(r) == 1 for r in results), results
    versions = sorted(r[0][1] for r in results)
    assert versions == [2, 3, 4, 5, 6, 7]
    row = GradeSend.objects.get()
    assert (row.version, row.score_given) == (7, Decimal("1.00"))


def test_simultaneous_sends_deliver_the_newest_grade_once(setup):
    quiz, student, server = setup
    take_quiz(student, quiz, {"race-ags1": "b"})
    queued = [grades.record_grades(quiz.pk, [student.pk])[0] for _ in range(5)]
    take_quiz(student, quiz, {"race-ags1": "b", "race-ags2": "b"})
    queued += grades.record_grades(quiz.pk, [student.pk])
    assert [version for _id, version in queued] == [2, 3, 4, 5, 6, 8]
    results = race(6, lambda i: grades.send_grade(*queued[i]))
    assert results.count("sent") == 1, results
    assert set(results) <= {"sent", "stale", "busy"}, results
    row = GradeSend.objects.get()
    assert (row.status, row.sent_version, row.version) == ("sent", 8, 8)  # 2 submits, 6 records
    assert [s["scoreGiven"] for s in server.received()] == [2.0]
    assert Decimal("2.00") == grade_detail(quiz, student).grade
