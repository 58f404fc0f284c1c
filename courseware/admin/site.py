"""What the admin site adds as a whole: its "view on site" shortcut, cut down to what the user
reaches."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from courseware.roles import reachable


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """Django's "view on site" shortcut (/admin/r/<type>/<id>/), for what the user reaches in
    the admin only: any other object is the same 404 as one that does not exist, so the
    redirect never tells a teacher another course's address."""
    if not content_type_id.isdecimal() or len(content_type_id) > 9:
        raise Http404
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        reached = model is not None and (
            reachable(admin.site, request, model).filter(pk=object_id).exists()
        )
    except (ContentType.DoesNotExist, ValueError, ValidationError, OverflowError):
        reached = False
    if not reached:
        raise Http404(_("No such object."))
    return shortcut(request, content_type_id, object_id)
