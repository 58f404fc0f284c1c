"""Writes of a launch: the person as a Fuente user, their enrolment, and where they land."""

from __future__ import annotations

import hashlib
import re

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from courseware.models import Course, Enrollment
from courseware.roles import make_teacher
from lti.launch import RESOURCE_LINK, Launch, LaunchError
from lti.models import CourseLink, Platform, PlatformUser, ResourceLink
from quizzes.models import Quiz

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TEACHING_ROLES = {"Instructor", "TeachingAssistant"}
# Custom parameters of a deep-linked LMS link (lti/deep_linking.py): the material's id.
CUSTOM_QUIZ, CUSTOM_READING, CUSTOM_PROMPT = "fuente_quiz", "fuente_reading", "fuente_prompt"


def role_for(roles: tuple[str, ...]) -> str:
    """Instructor or teaching assistant (context roles, full or short form) → teacher; anyone
    else → student. Institution and system roles say nothing about this course."""
    names = {
        role.rsplit("#", 1)[-1]
        for role in roles
        if role.startswith(MEMBERSHIP) or ("/" not in role and "#" not in role)
    }
    return Enrollment.Role.TEACHER if names & TEACHING_ROLES else Enrollment.Role.STUDENT


def known_user(*, platform: Platform, sub: str) -> User | None:
    """The Fuente user tied to the platform's `sub`, if Fuente has met them."""
    identity = (
        PlatformUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    )
    return None if identity is None else identity.user


def user_for(*, platform: Platform, sub: str, given_name: str = "", family_name: str = "") -> User:
    """The Fuente user tied to the platform's `sub` (never matched by e-mail), made with the
    names the platform sends the first time it names them (a launch or a roster sync)."""
    known = known_user(platform=platform, sub=sub)
    if known is not None:
        return known
    digest = hashlib.sha256(f"{platform.pk}:{sub}".encode()).hexdigest()[:20]
    user = User(
        username=f"lti-{digest}",
        first_name=given_name[:150],
        last_name=family_name[:150],
    )
    user.set_unusable_password()
    user.save()
    PlatformUser.objects.create(platform=platform, sub=sub, user=user)
    return user


ADDED, BACK, PROMOTED, UNCHANGED = "added", "back", "promoted", "unchanged"


def enrol(*, course: Course, user: User, role: str) -> str:
    """Enrol the user with the platform's role, active: a student is promoted to teacher,
    never the reverse, and someone who had left the course is active again. Says what
    changed: ADDED, BACK (was inactive), PROMOTED or UNCHANGED."""
    enrollment, created = Enrollment.objects.get_or_create(
        course=course, user=user, defaults={"role": role}
    )
    outcome = ADDED if created else UNCHANGED
    changed = []
    if not enrollment.is_active:
        enrollment.is_active, outcome = True, BACK
        changed.append("is_active")
    if role == Enrollment.Role.TEACHER and enrollment.role != role:
        enrollment.role = role
        outcome = PROMOTED if outcome == UNCHANGED else outcome
        changed.append("role")
    if changed:
        enrollment.save(update_fields=changed)
    if role == Enrollment.Role.TEACHER:
        make_teacher(user)
    return outcome


@transaction.atomic
def sign_in_launch(*, launch: Launch) -> tuple[User, str]:
    """The launch's person as a Fuente user (tied to platform and sub, never to an e-mail),
    enrolled in the mapped course with the launch's role (a student is promoted to teacher,
    never the reverse; someone who had left the course is active again), and the address of
    the linked quiz, reading or prompt."""
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
    user = user_for(
        platform=launch.platform,
        sub=launch.sub,
        given_name=launch.given_name,
        family_name=launch.family_name,
    )
    enrol(course=link.course, user=user, role=role_for(launch.roles))
    _adopt_deep_link(link, launch)
    _record_endpoints(link, launch)
    return user, _landing(link, launch.resource_link_id)


def _service_url(value: object) -> str | None:
    """A service endpoint from a claim, or None when the value is not one Fuente can store."""
    if isinstance(value, str) and len(value) <= 500 and re.match(r"https?://[^\s]+\Z", value):
        return value
    return None


def _record_endpoints(link: CourseLink, launch: Launch) -> None:
    """Keep the service endpoints the platform announced in this launch: the context's line
    items URL, grade scopes and memberships URL on the course link, and the launched link's
    own grade column (AGS `lineitem`) on its resource link when it opens a quiz. A link whose
    AGS claim names no line item has none any more (its grades stop being sent); a launch
    without the claim changes nothing."""
    changed = []
    if launch.ags:
        lineitems = _service_url(launch.ags.get("lineitems")) or ""
        scopes = launch.ags.get("scope")
        scopes = [s for s in scopes if isinstance(s, str)][:20] if isinstance(scopes, list) else []
        if (link.lineitems_url, link.ags_scopes) != (lineitems, scopes):
            link.lineitems_url, link.ags_scopes = lineitems, scopes
            changed += ["lineitems_url", "ags_scopes"]
    memberships = _service_url(launch.memberships_url)
    if memberships and memberships != link.memberships_url:
        link.memberships_url = memberships
        changed.append("memberships_url")
    if changed:
        link.save(update_fields=changed)
    if launch.message_type != RESOURCE_LINK or not launch.resource_link_id or not launch.ags:
        return
    lineitem = _service_url(launch.ags.get("lineitem")) or ""
    ResourceLink.objects.filter(
        course_link=link, resource_link_id=launch.resource_link_id, quiz__isnull=False
    ).exclude(lineitem_url=lineitem).update(lineitem_url=lineitem)


def _adopt_deep_link(link: CourseLink, launch: Launch) -> None:
    """The first launch of a link a teacher made by deep linking records where it goes: its
    custom parameter names the material. The id comes from the LMS, where anyone editing the
    link can change it, so only material of the linked course counts; any other id is ignored
    (the launch lands on the course home)."""
    rid = launch.resource_link_id
    if launch.message_type != RESOURCE_LINK or not rid or len(rid) > 255:
        return
    if ResourceLink.objects.filter(course_link=link, resource_link_id=rid).exists():
        return
    course = link.course
    candidates = (
        (
            "quiz",
            CUSTOM_QUIZ,
            Quiz.objects.filter(course=course, is_published=True, practice_for__isnull=True),
        ),
        ("reading", CUSTOM_READING, course.readings.all()),
        ("prompt", CUSTOM_PROMPT, course.prompts.all()),
    )
    for field, param, rows in candidates:
        value = launch.custom.get(param, "")
        found = rows.filter(pk=int(value)).first() if re.fullmatch(r"[0-9]{1,18}", value) else None
        if found is not None:
            ResourceLink.objects.get_or_create(
                course_link=link, resource_link_id=rid, defaults={field: found}
            )
            return


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
