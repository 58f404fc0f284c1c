"""An LMS launch's locale (launch_presentation.locale) sets the language Fuente speaks to the
person it launches, unless they chose a language in Fuente itself."""

from __future__ import annotations

from courseware.language import SESSION_KEY
from courseware.models import Profile
from lti.models import PlatformUser
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import LEARNER, fresh_sub

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def launch(client, lms, sub, locale=None):
    auth = start_launch(client, lms, sub)
    claims = {PRESENTATION: {"locale": locale}} if locale else None
    return post_launch(client, lms.id_token(auth, sub=sub, roles=[LEARNER], claims=claims))


def test_a_launch_in_mexican_spanish_opens_fuente_in_spanish(client, lms, linked):
    response = launch(client, lms, fresh_sub(), locale="es-MX")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "es"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page


def test_a_launch_without_a_locale_or_with_an_unknown_one_follows_the_browser(client, lms, linked):
    response = launch(client, lms, fresh_sub())
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    client.logout()
    response = launch(client, lms, fresh_sub(), locale="fr-CA")
    assert response.status_code == 302 and "_auth_user_id" in client.session  # signed in
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page


def test_a_language_chosen_in_fuente_wins_over_the_lms_locale(client, lms, linked):
    sub = fresh_sub()
    launch(client, lms, sub, locale="es-419")
    user = PlatformUser.objects.get(sub=sub).user
    Profile.objects.create(user=user, language="en")
    client.logout()
    response = launch(client, lms, sub, locale="es-MX")
    assert client.session[SESSION_KEY] == "en"
    assert '<html lang="en">' in client.get(response["Location"]).content.decode()
