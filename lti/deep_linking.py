"""Deep Linking 2.0: a teacher, launched from the LMS's "add content" dialog, picks material of
the linked Fuente course, and Fuente answers the LMS with links to it — a quiz as a graded
link (the LMS makes a grade column worth the quiz's points), a reading or a discussion prompt
as a plain one. Their custom parameters name the material; the links' first launch records
them (lti.services).

The request's settings stay on the server, in the session the launch signed in, under a random
id: the picker opens only there, for the teacher it signed in, while they teach the course."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courseware.http import AuthenticatedHttpRequest
from courseware.models import Course, Enrollment
from courseware.selectors import is_teacher
from lti.launch import ContentItem, Launch, LaunchError, deep_linking_response
from lti.models import CourseLink
from lti.services import CUSTOM_PROMPT, CUSTOM_QUIZ, CUSTOM_READING, role_for
from quizzes.models import Quiz
from quizzes.selectors import possible_points_of_quizzes

SESSION_KEY = "lti_deep_links"
TTL = 3600  # seconds a teacher has to pick, from the launch
KEEP = 5  # deep-linking dialogs one session may have open at once


def check_request(launch: Launch) -> None:
    """Refuse, before anyone is signed in, a deep-linking launch Fuente cannot answer."""
    if role_for(launch.roles) != Enrollment.Role.TEACHER:
        raise LaunchError(
            _("Only a teacher of the course can add Fuente material to the LMS."),
            _(
                "Students open the Fuente links their teacher added to the LMS course. If you "
                "teach it, the LMS must send you as Instructor or Teaching Assistant."
            ),
            status=403,
        )
    url = launch.deep_linking.get("deep_link_return_url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise LaunchError(
            _("The deep-linking launch names no address to return to (deep_link_return_url).")
        )


def begin(request: HttpRequest, launch: Launch) -> str:
    """Keep the launch's deep-linking settings in the session just signed in, under a new
    random id; the picker's address."""
    link = CourseLink.objects.get(platform=launch.platform, context_id=launch.context_id)
    settings = launch.deep_linking
    entry = {
        "user": request.user.pk,
        "course_link": link.pk,
        "deployment_id": launch.deployment_id,
        "return_url": str(settings["deep_link_return_url"]),
        "accept_multiple": settings.get("accept_multiple") in (True, "true"),
        "data": settings.get("data"),
        "expires_at": time.time() + TTL,
    }
    now = time.time()
    pending = _entries(request)
    kept = sorted(
        ((key, value) for key, value in pending.items() if value.get("expires_at", 0) > now),
        key=lambda item: float(item[1].get("expires_at", 0)),
    )[-(KEEP - 1) :]
    key = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {**dict(kept), key: entry}
    return reverse("lti_deep_link", args=[key])


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    return {str(k): v for k, v in stored.items() if isinstance(v, dict)}


@dataclass(frozen=True)
class Pending:
    """One open deep-linking request of this session."""

    key: str
    link: CourseLink
    deployment_id: str
    return_url: str
    accept_multiple: bool
    data: Any

    @property
    def course(self) -> Course:
        return self.link.course


def _pending(request: AuthenticatedHttpRequest, key: str) -> Pending:
    """The session's deep-linking request `key`; 404 when it is not this session's, has
    expired, or the signed-in person no longer teaches the course."""
    entry = _entries(request).get(key)
    if (
        entry is None
        or entry.get("user") != request.user.pk
        or float(entry.get("expires_at", 0)) <= time.time()
    ):
        raise Http404(_("This deep-linking request is not open any more: start again in the LMS."))
    link = (
        CourseLink.objects.select_related("course", "platform")
        .filter(pk=int(entry.get("course_link") or 0))
        .first()
    )
    if link is None or not is_teacher(request.user, link.course):
        raise Http404(_("This deep-linking request is not open any more: start again in the LMS."))
    return Pending(
        key=key,
        link=link,
        deployment_id=str(entry.get("deployment_id", "")),
        return_url=str(entry.get("return_url", "")),
        accept_multiple=bool(entry.get("accept_multiple")),
        data=entry.get("data"),
    )


@dataclass(frozen=True)
class Material:
    """A quiz, reading or prompt the teacher may pick; `value` is what the form posts."""

    value: str
    title: str
    custom: dict[str, str]
    points: Decimal | None = None


@dataclass
class Group:
    label: str
    items: list[Material] = field(default_factory=list)


def material_of(course: Course) -> list[Group]:
    """What the picker offers: the course's published quizzes that are worth points (a line
    item's scoreMaximum must be above 0), its readings, its discussion prompts."""
    quizzes = (
        Quiz.objects.filter(course=course, is_published=True, practice_for__isnull=True)
        .annotate(possible=possible_points_of_quizzes())
        .order_by("position", "slug")
    )
    return [
        Group(
            _("Quizzes (graded)"),
            [
                Material(f"quiz:{q.pk}", q.title, {CUSTOM_QUIZ: str(q.pk)}, q.possible)
                for q in quizzes
                if q.possible and q.possible > 0
            ],
        ),
        Group(
            _("Readings"),
            [
                Material(f"reading:{r.pk}", r.title, {CUSTOM_READING: str(r.pk)})
                for r in course.readings.order_by("position", "slug")
            ],
        ),
        Group(
            _("Discussion prompts"),
            [
                Material(f"prompt:{p.pk}", p.title, {CUSTOM_PROMPT: str(p.pk)})
                for p in course.prompts.order_by("position", "slug")
            ],
        ),
    ]


def _content_item(material: Material, launch_url: str) -> ContentItem:
    if material.points is None:
        return ContentItem(title=material.title, url=launch_url, custom=material.custom)
    points = material.points
    maximum = int(points) if points == points.to_integral_value() else float(points)
    return ContentItem(
        title=material.title,
        url=launch_url,
        custom=material.custom,
        score_maximum=maximum,
        resource_id="fuente-" + material.value.replace(":", "-"),
    )


def _return_to_lms(
    request: AuthenticatedHttpRequest, pending: Pending, items: list[ContentItem]
) -> HttpResponse:
    """The signed response, posted to the LMS by a form: at once by fuente.js, or by its
    button without JavaScript. The request is spent."""
    token = deep_linking_response(
        platform=pending.link.platform,
        deployment_id=pending.deployment_id,
        data=pending.data,
        items=items,
    )
    entries = _entries(request)
    entries.pop(pending.key, None)
    request.session[SESSION_KEY] = entries
    response = render(
        request,
        "lti/deep_linking_return.html",
        {"course": pending.course, "return_url": pending.return_url, "jwt": token, "items": items},
    )
    parts = urlsplit(pending.return_url)
    # The strict policy lets forms post only to Fuente; this one posts to the LMS.
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}  # type: ignore[attr-defined]
    return response


@require_http_methods(["GET", "POST"])
@login_required
def picker(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """The teacher picks the course's material to add to the LMS, or cancels (an empty
    response, so the LMS closes its dialog)."""
    pending = _pending(request, key)
    groups = material_of(pending.course)
    by_value = {m.value: m for group in groups for m in group.items}
    chosen: list[str] = []
    error = ""
    if request.method == "POST":
        if "cancel" in request.POST:
            return _return_to_lms(request, pending, [])
        chosen = list(dict.fromkeys(request.POST.getlist("item")))
        if not chosen:
            error = _("Pick what to add, or cancel.")
        elif any(value not in by_value for value in chosen):
            error = _("Pick only material of this course from the list.")
        elif len(chosen) > 1 and not pending.accept_multiple:
            error = _("Pick only one: the LMS takes one item here.")
        else:
            launch_url = request.build_absolute_uri(reverse("lti_launch"))
            items = [_content_item(by_value[value], launch_url) for value in chosen]
            return _return_to_lms(request, pending, items)
    return render(
        request,
        "lti/deep_linking_picker.html",
        {
            "course": pending.course,
            "pending": pending,
            "groups": [group for group in groups if group.items],
            "chosen": chosen,
            "error": error,
        },
        status=400 if error else 200,
    )
