"""Names and Role Provisioning Services 2.0: a teacher syncs a course's roster from the LMS.

Every linked LMS course of the Fuente course that announced a memberships URL is read, all
pages of it, before anything changes: if one call fails, nothing changes. Then each listed
Active member is signed up and enrolled as a launch would do it (lti.services), and the
course's students from those platforms who are no longer listed Active are marked inactive
(`Enrollment.is_active`): never deleted, their work kept. Teachers are never demoted nor
marked inactive by a sync (the admin manages them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.models import Course, Enrollment
from lti.calls import TIMEOUT, SendError, lms_said, with_token
from lti.models import CourseLink, PlatformUser
from lti.services import ADDED, BACK, PROMOTED, enrol, role_for, user_for

SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200  # a page holds tens to hundreds of members; more pages is a broken LMS


class RosterError(Exception):
    """Reading a roster failed: what failed, with the LMS's own words when it gave any.
    Nothing has been changed in Fuente when this is raised."""


@dataclass(frozen=True)
class Member:
    sub: str
    roles: tuple[str, ...]
    given_name: str
    family_name: str
    is_active: bool  # status Active (the default); Inactive and Deleted are not


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    back: int = 0  # had left the course, listed Active again
    promoted: int = 0
    deactivated: int = 0
    unchanged: int = 0


def parse_members(body: Any) -> list[Member]:
    """The members of one page of a membership container; ValueError if it is not one."""
    members = body.get("members") if isinstance(body, dict) else None
    if not isinstance(members, list):
        raise ValueError(_("no members list"))
    parsed = []
    for member in members:
        if not isinstance(member, dict):
            raise ValueError(_("a member is not an object"))
        sub, roles, status = member.get("user_id"), member.get("roles", []), member.get("status")
        if not isinstance(sub, str) or not sub or "\x00" in sub or len(sub) > 255:
            raise ValueError(_("a member has no user_id"))
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ValueError(_("a member's roles are not a list of strings"))
        given, family = member.get("given_name"), member.get("family_name")
        parsed.append(
            Member(
                sub=sub,
                roles=tuple(roles),
                given_name=given.replace("\x00", "") if isinstance(given, str) else "",
                family_name=family.replace("\x00", "") if isinstance(family, str) else "",
                is_active=status in (None, "", "Active"),
            )
        )
    return parsed


def _get(link: CourseLink, url: str) -> requests.Response:
    """One page, with a token (a revoked one is renewed once: `with_token`)."""

    def send(token: str) -> requests.Response:
        try:
            return requests.get(
                url,
                headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise RosterError(
                _("The LMS did not answer in time at %(url)s.") % {"url": url}
            ) from error
        except requests.RequestException as error:
            raise RosterError(
                _("Fuente could not reach the LMS at %(url)s.") % {"url": url}
            ) from error

    try:
        response = with_token(link.platform, SCOPE, send)
    except SendError as error:
        raise RosterError(error.message) from error
    if not 200 <= response.status_code < 300:
        raise RosterError(
            _("The LMS refused the roster of “%(course)s” (%(said)s).")
            % {"course": _title(link), "said": lms_said(response)}
        )
    return response


def _title(link: CourseLink) -> str:
    return link.context_title or link.context_id


def fetch_members(link: CourseLink) -> list[Member]:
    """Every member the LMS lists for the linked course, following the `next` links page by
    page (same host only: the token goes nowhere else); a RosterError if any page fails."""
    url, seen, members = link.memberships_url, set(), []
    origin = urlsplit(url)[:2]
    for _page in range(MAX_PAGES):
        seen.add(url)
        response = _get(link, url)
        try:
            members.extend(parse_members(response.json()))
        except ValueError as error:
            raise RosterError(
                _(
                    "The LMS's roster of “%(course)s” at %(url)s is not a membership list "
                    "(%(why)s): %(said)s"
                )
                % {
                    "course": _title(link),
                    "url": url,
                    "why": error,
                    "said": lms_said(response, 120),
                }
            ) from error
        following = response.links.get("next", {}).get("url")
        if not following:
            return members
        url = urljoin(url, following)
        if urlsplit(url)[:2] != origin:
            raise RosterError(
                _("The LMS's roster of “%(course)s” continues at another address, %(url)s.")
                % {"course": _title(link), "url": url}
            )
        if url in seen:
            raise RosterError(
                _("The LMS's roster of “%(course)s” goes round in circles: page %(url)s again.")
                % {"course": _title(link), "url": url}
            )
    raise RosterError(
        _("The LMS's roster of “%(course)s” has more than %(n)s pages; Fuente stopped reading.")
        % {"course": _title(link), "n": MAX_PAGES}
    )


def links_with_roster(course: Course) -> list[CourseLink]:
    """The course's LMS links that announced a memberships URL (the ones a sync reads)."""
    return list(
        course.lti_links.exclude(memberships_url="").select_related("platform").order_by("pk")
    )


def links_without_roster_count(course: Course) -> int:
    return course.lti_links.filter(memberships_url="").count()


def students_who_left(course: Course) -> QuerySet[Enrollment]:
    """The course's inactive students (a sync marked them; their work is kept), by name."""
    return (
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT, is_active=False)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def sync_course_roster(*, course: Course) -> SyncResult:
    """Read every linked LMS course's roster, then apply them all at once (apply_rosters).
    A RosterError, and nothing changed, if any LMS call fails."""
    links = links_with_roster(course)
    if not links:
        raise RosterError(
            _(
                "No LMS course linked to this course has a roster service yet: launch Fuente "
                "once from the LMS course (with Names and Role Provisioning on in the LMS)."
            )
        )
    rosters = [(link, fetch_members(link)) for link in links]
    return apply_rosters(course=course, rosters=rosters)


@transaction.atomic
def apply_rosters(
    *, course: Course, rosters: Iterable[tuple[CourseLink, list[Member]]]
) -> SyncResult:
    """Enrol the listed Active members (made users as a launch would, role by their roles,
    teachers never demoted, returning people active again); mark the course's other active
    students tied to these platforms inactive. Students of a platform that also has a linked
    course without a roster service are left alone: Fuente cannot tell who is still there."""
    rosters = list(rosters)
    counts = {ADDED: 0, BACK: 0, PROMOTED: 0}
    present: set[int] = set()
    unchanged = 0
    for link, members in rosters:
        for member in members:
            if not member.is_active:
                continue
            user = user_for(
                platform=link.platform,
                sub=member.sub,
                given_name=member.given_name,
                family_name=member.family_name,
            )
            if user.pk in present:
                continue
            present.add(user.pk)
            outcome = enrol(course=course, user=user, role=role_for(member.roles))
            if outcome in counts:
                counts[outcome] += 1
            else:
                unchanged += 1
    platforms = {link.platform_id for link, _members in rosters}
    unsynced = set(
        course.lti_links.filter(memberships_url="").values_list("platform_id", flat=True)
    )
    leaving = Enrollment.objects.filter(
        course=course,
        role=Enrollment.Role.STUDENT,
        is_active=True,
        user__in=PlatformUser.objects.filter(platform_id__in=platforms - unsynced).values("user"),
    ).exclude(user__in=present)
    deactivated = leaving.update(is_active=False)
    now = timezone.now()
    CourseLink.objects.filter(pk__in=[link.pk for link, _members in rosters]).update(
        roster_synced_at=now
    )
    return SyncResult(
        added=counts[ADDED],
        back=counts[BACK],
        promoted=counts[PROMOTED],
        deactivated=deactivated,
        unchanged=unchanged,
    )
