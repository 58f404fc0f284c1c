"""The teacher's page for syncing a course's roster from the LMS (lti/roster.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courseware import selectors
from courseware.http import AuthenticatedHttpRequest
from lti.roster import (
    RosterError,
    links_with_roster,
    links_without_roster_count,
    students_who_left,
    sync_course_roster,
)


@require_http_methods(["GET", "POST"])
@login_required
def roster_sync(request: AuthenticatedHttpRequest, course_slug: str) -> HttpResponse:
    """The course's linked LMS courses, when each was last synced, and the sync button; only
    the course's teachers (404 for anyone else)."""
    course = selectors.taught_course_for(request.user, course_slug)
    if request.method == "POST":
        try:
            result = sync_course_roster(course=course)
        except RosterError as error:
            messages.error(request, _("Nothing was changed. %(why)s") % {"why": error})
        else:
            messages.success(
                request,
                _(
                    "Roster synced: %(added)s added, %(back)s back in the course, %(promoted)s "
                    "made teachers, %(left)s marked inactive, %(unchanged)s unchanged."
                )
                % {
                    "added": result.added,
                    "back": result.back,
                    "promoted": result.promoted,
                    "left": result.deactivated,
                    "unchanged": result.unchanged,
                },
            )
        return HttpResponseRedirect(reverse("lti_roster_sync", args=[course.slug]))
    return render(
        request,
        "lti/roster_sync.html",
        {
            "course": course,
            "links": links_with_roster(course),
            "unlinked": links_without_roster_count(course),
            "left": students_who_left(course),
        },
    )
