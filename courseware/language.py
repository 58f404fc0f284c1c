"""The interface language: which one a request gets, and how a person chooses it.

Django's LocaleMiddleware picks the language from the language cookie, else the browser's
Accept-Language. Two choices come before those, and both live in the session (which a signed-in
request loads anyway, so they cost no query): the language a signed-in person chose with the
switcher (stored in their Profile and copied into the session when they log in), and the locale
of the LMS that launched them (LTI). The switcher also sets the cookie, so the choice outlives
logging out on that browser and works for visitors who are not signed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from courseware.models import Profile
from courseware.params import local_path

SESSION_KEY = "fuente_language"


def supported_language(code: str) -> str | None:
    """The site's language for a browser's or an LMS's code ("es-MX" → "es"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.replace("_", "-").lower())
    except LookupError:
        return None


def use_language(request: HttpRequest, code: str) -> str | None:
    """Use this language for the rest of the session (and for this response); an unsupported
    or empty code changes nothing. Returns the language now used, or None."""
    language = supported_language(code)
    if language is None:
        return None
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


class SessionLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: the session's language, when it has
    one, wins over the cookie and Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = supported_language(request.session.get(SESSION_KEY, ""))
        if language is not None and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def use_launch_locale(request: HttpRequest, user: Any, locale: str) -> str | None:
    """An LMS launch's locale (LTI's launch_presentation.locale, e.g. "es-MX") is used for the
    session, unless the person chose a language in Fuente itself: that choice wins."""
    if Profile.objects.filter(user=user).exclude(language="").exists():
        return None
    return use_language(request, locale)


@receiver(user_logged_in, dispatch_uid="courseware.language.apply_stored_language")
def apply_stored_language(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """A signed-in person's stored choice applies from the moment they log in, on any browser."""
    if request is None or not hasattr(request, "session"):
        return
    stored = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    if stored:
        use_language(request, stored)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher (a plain form, so it works without JavaScript): use the chosen
    language from now on, remember it in a cookie and, for a signed-in person, in their
    profile; then go back to the page the form was on."""
    response = HttpResponseRedirect(local_path(request.POST.get("next")) or reverse("home"))
    language = supported_language(request.POST.get("language", ""))
    if language is None:
        return response
    if request.user.is_authenticated:
        use_language(request, language)
        Profile.objects.update_or_create(user=request.user, defaults={"language": language})
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
