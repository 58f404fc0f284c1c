"""The request a signed-in page receives, typed for what the middleware guarantees.

After `login_required`, `request.user` is a `User`, never `AnonymousUser`, and django-htmx's
middleware has set `request.htmx`. Views decorated with `login_required` take an
`AuthenticatedHttpRequest`; pages that also serve anonymous visitors keep `HttpRequest`, and
the admin's (Django's signatures) take `HttpRequest` and ask `staff_user` for the user.
(As healthchecks' `hc/accounts/http.py` does.)
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def staff_user(request: HttpRequest) -> User:
    """The signed-in user of an admin page. The admin lets in only active staff, so this is a
    User; the check tells the type checker so, and refuses anyone else all the same."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user
