"""Teachers link their own LMS courses. An Instructor launching from an LMS course that no
Fuente course is linked to yet, who teaches Fuente courses, chooses one of them; the launch
then continues into it. The launch itself is the proof that they teach the LMS course, and
their Fuente enrolments say which Fuente courses are theirs. Learners still see the "not
linked yet" page; an Instructor who teaches no Fuente course sees what to ask for."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from courseware.language import use_launch_locale
from courseware.models import Course, Enrollment
from lti.launch import CACHE, Launch, LaunchError
from lti.middleware import FRAME_ORIGINS
from lti.models import CourseLink
from lti.services import known_user, role_for

PENDING = "lti_pending_link"  # the session's key of the launch waiting for a course link
PENDING_TTL = 30 * 60


def taught_courses(user: User) -> QuerySet[Course]:
    """The Fuente courses the user teaches (an active teacher's enrolment)."""
    return Course.objects.filter(
        enrollments__user=user,
        enrollments__role=Enrollment.Role.TEACHER,
        enrollments__is_active=True,
    ).order_by("title", "pk")


def needs_course_link(launch: Launch) -> bool:
    """An Instructor's launch from an LMS course not linked to any Fuente course."""
    return (
        role_for(launch.roles) == Enrollment.Role.TEACHER
        and not CourseLink.objects.filter(
            platform=launch.platform, context_id=launch.context_id
        ).exists()
    )


def sign_in_from_launch(request: HttpRequest, user: User, launch: Launch, *, framed: bool) -> None:
    """Sign the launch's person in, in the language the LMS asked for; a session launched in
    the LMS's frame (`framed`) may be framed by the platform's origins (lti.middleware)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    use_launch_locale(request, user, launch.locale)
    if framed:
        request.session[FRAME_ORIGINS] = launch.platform.frame_origins


def begin(request: HttpRequest, launch: Launch, *, framed: bool) -> HttpResponse:
    """Sign the Instructor in and ask which of their courses the LMS course is; or, when they
    teach none, say so (a LaunchError)."""
    # Someone Fuente has never met teaches no Fuente course: refused before any account is made.
    user = known_user(platform=launch.platform, sub=launch.sub)
    if user is None or not taught_courses(user).exists():
        raise LaunchError(
            _(
                "The LMS course “%(title)s” (context %(id)s) is not linked to a Fuente course "
                "yet, and you teach no Fuente course to link it to."
            )
            % {"title": launch.context_title, "id": launch.context_id},
            _(
                "Ask a Fuente administrator to add a course link (LTI 1.3 → Course links) for "
                "this LMS course, or to make you a teacher of its Fuente course; then launch "
                "again."
            ),
            status=404,
        )
    sign_in_from_launch(request, user, launch, framed=framed)
    key = secrets.token_urlsafe(24)
    caches[CACHE].set(
        "lti-pending-link-" + key,
        {"launch": launch, "user": user.pk, "framed": framed},
        PENDING_TTL,
    )
    request.session[PENDING] = key
    return HttpResponseRedirect(reverse("lti_link_course"))


def pending_launch(request: HttpRequest) -> tuple[Launch, bool] | None:
    """The signed-in person's launch waiting for a course link, and whether it is framed."""
    key = request.session.get(PENDING)
    held: Any = caches[CACHE].get("lti-pending-link-" + key) if isinstance(key, str) else None
    if (
        not isinstance(held, dict)
        or held.get("user") != request.user.pk
        or not isinstance(held.get("launch"), Launch)
    ):
        return None
    return held["launch"], bool(held.get("framed"))


def forget_pending(request: HttpRequest) -> None:
    key = request.session.pop(PENDING, None)
    if isinstance(key, str):
        caches[CACHE].delete("lti-pending-link-" + key)


@transaction.atomic
def link_course(*, launch: Launch, course: Course, user: User) -> CourseLink:
    """Link the launch's LMS course to `course`, which the user must teach. If someone linked
    the LMS course meanwhile, that link stands."""
    if not taught_courses(user).filter(pk=course.pk).exists():
        raise PermissionDenied
    link, _created = CourseLink.objects.get_or_create(
        platform=launch.platform,
        context_id=launch.context_id,
        defaults={"course": course, "context_title": launch.context_title[:255]},
    )
    return link
