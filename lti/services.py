"""Writes of a launch: the person as a Fuente user, their enrolment, and where they land."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from courseware.models import Enrollment
from courseware.roles import make_teacher
from lti.launch import Launch, LaunchError
from lti.models import CourseLink, PlatformUser, ResourceLink

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TEACHING_ROLES = {"Instructor", "TeachingAssistant"}


def role_for(roles: tuple[str, ...]) -> str:
    """Instructor or teaching assistant (context roles, full or short form) → teacher; anyone
    else → student. Institution and system roles say nothing about this course."""
    names = {
        role.rsplit("#", 1)[-1]
        for role in roles
        if role.startswith(MEMBERSHIP) or ("/" not in role and "#" not in role)
    }
    return Enrollment.Role.TEACHER if names & TEACHING_ROLES else Enrollment.Role.STUDENT


def _user_for(launch: Launch) -> User:
    identity = (
        PlatformUser.objects.select_related("user")
        .filter(platform=launch.platform, sub=launch.sub)
        .first()
    )
    if identity is not None:
        return identity.user
    digest = hashlib.sha256(f"{launch.platform.pk}:{launch.sub}".encode()).hexdigest()[:20]
    user = User(
        username=f"lti-{digest}",
        first_name=launch.given_name[:150],
        last_name=launch.family_name[:150],
    )
    user.set_unusable_password()
    user.save()
    PlatformUser.objects.create(platform=launch.platform, sub=launch.sub, user=user)
    return user


@transaction.atomic
def sign_in_launch(*, launch: Launch) -> tuple[User, str]:
    """The launch's person as a Fuente user (tied to platform and sub, never to an e-mail),
    enrolled in the mapped course with the launch's role (a student is promoted to teacher,
    never the reverse), and the address of the linked quiz, reading or prompt."""
    link = (
        CourseLink.objects.select_related("course")
        .filter(platform=launch.platform, context_id=launch.context_id)
        .first()
    )
    if link is None:
        raise LaunchError(
            _("The LMS course “%(title)s” (context %(id)s) is not linked to a Fuente course yet.")
            % {"title": launch.context_title, "id": launch.context_id},
            _(
                "Ask a Fuente administrator to add a course link (LTI 1.3 → Course links) for "
                "this LMS course."
            ),
            status=404,
        )
    user = _user_for(launch)
    role = role_for(launch.roles)
    enrollment, created = Enrollment.objects.get_or_create(
        course=link.course, user=user, defaults={"role": role}
    )
    if not created and role == Enrollment.Role.TEACHER and enrollment.role != role:
        enrollment.role = role
        enrollment.save(update_fields=["role"])
    if role == Enrollment.Role.TEACHER:
        make_teacher(user)
    return user, _landing(link, launch.resource_link_id)


def _landing(link: CourseLink, resource_link_id: str) -> str:
    resource = (
        ResourceLink.objects.select_related("quiz__course", "reading", "prompt")
        .filter(course_link=link, resource_link_id=resource_link_id)
        .first()
    )
    if resource is not None and resource.quiz is not None:
        return resource.quiz.get_absolute_url()
    if resource is not None and resource.reading is not None:
        return reverse("reading_detail", args=[link.course.slug, resource.reading.slug])
    if resource is not None and resource.prompt is not None:
        return reverse("prompt_detail", args=[link.course.slug, resource.prompt.slug])
    return link.course.get_absolute_url()
