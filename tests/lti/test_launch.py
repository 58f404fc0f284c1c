from __future__ import annotations

from courseware.models import Enrollment
from lti.models import PlatformUser, ResourceLink
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import (
    CLIENT_ID,
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    fresh_sub,
    tamper,
)


def launch_as(client, lms, sub, roles, **kwargs):
    auth = start_launch(client, lms, sub)
    return post_launch(client, lms.id_token(auth, sub=sub, roles=roles, **kwargs))


def test_learner_launch_signs_in_enrols_as_student_and_opens_the_course(client, lms, linked):
    sub = fresh_sub()
    response = launch_as(client, lms, sub, [LEARNER])
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == linked.course.get_absolute_url()
    identity = PlatformUser.objects.get(platform=linked.platform, sub=sub)
    enrollment = Enrollment.objects.get(course=linked.course, user=identity.user)
    assert enrollment.role == Enrollment.Role.STUDENT
    assert not identity.user.is_staff
    assert client.get(response["Location"]).wsgi_request.user == identity.user


def test_instructor_launch_enrols_as_teacher_through_make_teacher(client, lms, linked):
    sub = fresh_sub()
    response = launch_as(client, lms, sub, [INSTRUCTOR])
    assert response.status_code == 302
    user = PlatformUser.objects.get(sub=sub).user
    assert Enrollment.objects.get(course=linked.course, user=user).role == Enrollment.Role.TEACHER
    assert user.is_staff
    assert user.groups.filter(name="Teachers").exists()


def test_teaching_assistant_launch_enrols_as_teacher(client, lms, linked):
    sub = fresh_sub()
    assert launch_as(client, lms, sub, [TEACHING_ASSISTANT]).status_code == 302
    user = PlatformUser.objects.get(sub=sub).user
    assert Enrollment.objects.get(course=linked.course, user=user).role == Enrollment.Role.TEACHER


def test_a_second_launch_signs_in_the_same_user_and_keeps_one_enrolment(client, lms, linked):
    sub = fresh_sub()
    launch_as(client, lms, sub, [LEARNER])
    client.logout()
    assert launch_as(client, lms, sub, [LEARNER]).status_code == 302
    assert PlatformUser.objects.filter(sub=sub).count() == 1
    user = PlatformUser.objects.get(sub=sub).user
    assert Enrollment.objects.filter(course=linked.course, user=user).count() == 1


def test_a_person_is_never_matched_by_email(client, lms, linked, student):
    student.email = "ada@example.test"
    student.save(update_fields=["email"])
    sub = fresh_sub()
    launch_as(client, lms, sub, [LEARNER], claims={"email": "ada@example.test"})
    assert PlatformUser.objects.get(sub=sub).user != student


def test_a_learner_launched_later_as_instructor_is_promoted_never_demoted(client, lms, linked):
    sub = fresh_sub()
    launch_as(client, lms, sub, [LEARNER])
    launch_as(client, lms, sub, [INSTRUCTOR])
    launch_as(client, lms, sub, [LEARNER])
    user = PlatformUser.objects.get(sub=sub).user
    assert Enrollment.objects.get(course=linked.course, user=user).role == Enrollment.Role.TEACHER


def test_a_linked_resource_opens_its_quiz(client, lms, linked):
    quiz = linked.course.quizzes.get(slug="river-flow")
    ResourceLink.objects.create(course_link=linked, resource_link_id="resource-1", quiz=quiz)
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response["Location"] == quiz.get_absolute_url()


def test_a_linked_resource_opens_its_reading(client, lms, linked):
    reading = linked.course.readings.first()
    ResourceLink.objects.create(course_link=linked, resource_link_id="resource-1", reading=reading)
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response["Location"] == f"/courses/{linked.course.slug}/readings/{reading.slug}/"


def test_a_linked_resource_opens_its_prompt(client, lms, linked):
    prompt = linked.course.prompts.first()
    ResourceLink.objects.create(course_link=linked, resource_link_id="resource-1", prompt=prompt)
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response["Location"] == f"/courses/{linked.course.slug}/prompts/{prompt.slug}/"
    assert client.get(response["Location"]).status_code == 200


def test_an_lms_course_not_linked_yet_is_a_clear_404(client, lms, registered):
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response.status_code == 404
    assert "is not linked to a Fuente course yet" in response.content.decode()
    assert "What to tell the LMS administrator" in response.content.decode()


def test_the_platform_key_set_is_cached_between_launches(client, lms, linked):
    launch_as(client, lms, fresh_sub(), [LEARNER])
    launch_as(client, lms, fresh_sub(), [LEARNER])
    assert len(lms.key_set_fetches) == 1


def test_a_platform_that_rotated_its_key_is_fetched_again_and_launches(client, lms, linked):
    launch_as(client, lms, fresh_sub(), [LEARNER])
    lms.rotate()
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response.status_code == 302
    assert len(lms.key_set_fetches) == 2


def test_an_unknown_key_id_fetches_the_key_set_again_at_most_once_a_minute(client, lms, linked):
    launch_as(client, lms, fresh_sub(), [LEARNER])
    old_key = lms.private_pem
    lms.rotate()
    assert launch_as(client, lms, fresh_sub(), [LEARNER]).status_code == 302
    lms.private_pem = old_key  # a key id the cached set does not hold, a minute has not passed
    response = launch_as(client, lms, fresh_sub(), [LEARNER])
    assert response.status_code == 400
    assert len(lms.key_set_fetches) == 2


def test_several_audiences_with_fuente_as_azp_launch(client, lms, linked):
    sub = fresh_sub()
    data = lms.id_token(start_launch(client, lms, sub), sub=sub, roles=[LEARNER])
    data["id_token"] = tamper(
        data["id_token"], platform=lms, aud=["other", CLIENT_ID], azp=CLIENT_ID
    )
    assert post_launch(client, data).status_code == 302
