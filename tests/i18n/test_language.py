"""Which language a page is in: the browser's Accept-Language by default, the switcher on every
page (a plain form), the choice kept for a signed-in person, and dates and numbers formatted
for the language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from courseware.language import SESSION_KEY
from courseware.models import Post, Profile, Prompt, Reading
from courseware.services import DEMO_PASSWORD
from tests.factories import UserFactory

SWITCH = "/language/"


def spanish(client: Client) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"


@pytest.mark.django_db
def test_a_page_follows_accept_language(client):
    english = client.get("/login/").content.decode()
    assert '<html lang="en">' in english and "<h1>Log in</h1>" in english
    spanish(client)
    page = client.get("/login/")
    html = page.content.decode()
    assert '<html lang="es">' in html and "<h1>Iniciar sesión</h1>" in html
    assert "Nombre de usuario" in html and "Contraseña" in html
    assert page["Content-Language"] == "es"
    assert "Accept-Language" in page["Vary"]


@pytest.mark.django_db
def test_a_language_the_site_lacks_falls_back_to_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,de;q=0.8"
    assert '<html lang="en">' in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_the_switcher_is_a_labelled_form_on_every_page(client, student, course):
    reading = Reading.objects.filter(courses=course).first()
    client.force_login(student)
    for url in [
        "/login/",
        reverse("home"),
        course.get_absolute_url(),
        reverse("reading_detail", args=[course.slug, reading.slug]),
        "/no-such-page/",
    ]:
        client.logout() if url == "/login/" else client.force_login(student)
        html = client.get(url).content.decode()
        assert f'<form method="post" action="{SWITCH}" class="language-switcher">' in html, url
        assert '<label for="language-select">Language</label>' in html, url
        assert '<option value="es" lang="es">Español</option>' in html, url
        assert 'name="csrfmiddlewaretoken"' in html.split(SWITCH, 1)[1].split("</form>")[0]


@pytest.mark.django_db
def test_switching_without_signing_in_sets_the_cookie_and_goes_back(client):
    response = client.post(SWITCH, {"language": "es", "next": "/login/?next=/x/"})
    assert response.status_code == 302 and response["Location"] == "/login/?next=/x/"
    assert response.cookies["django_language"].value == "es"
    assert "<h1>Iniciar sesión</h1>" in client.get("/login/").content.decode()
    assert not Profile.objects.exists()
    response = client.post(SWITCH, {"language": "en", "next": "/login/"})
    assert "<h1>Log in</h1>" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_a_signed_in_persons_choice_is_stored_and_applies_on_their_next_login(student):
    browser = Client()
    browser.force_login(student)
    browser.post(SWITCH, {"language": "es", "next": "/"})
    assert Profile.objects.get(user=student).language == "es"
    assert "Tus cursos" in browser.get("/").content.decode()

    # Another browser, which asks for English and has no cookie: the stored choice wins.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    student.set_password(DEMO_PASSWORD)
    student.save()
    response = other.post("/login/", {"username": student.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert other.session[SESSION_KEY] == "es"
    assert "Tus cursos" in other.get("/").content.decode()

    other.post(SWITCH, {"language": "en", "next": "/"})
    assert Profile.objects.get(user=student).language == "en"
    assert "Your courses" in other.get("/").content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_other_sites_and_unknown_languages(client, student):
    client.force_login(student)
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    response = client.post(SWITCH, {"language": "xx", "next": "/"})
    assert response.status_code == 302 and "django_language" not in response.cookies
    assert Profile.objects.get(user=student).language == "es"
    assert client.get(SWITCH).status_code == 405


@pytest.mark.django_db
def test_the_switcher_needs_the_csrf_token(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(SWITCH, {"language": "es", "next": "/"}).status_code == 403
    assert not Profile.objects.filter(user=student, language="es").exists()


@pytest.mark.django_db
def test_a_reading_in_spanish_formats_its_numbers_and_keeps_its_source_words(
    client, student, course
):
    reading = Reading.objects.filter(courses=course).exclude(grade_level=0).first()
    Reading.objects.filter(pk=reading.pk).update(grade_level=9.5)
    client.force_login(student)
    spanish(client)
    html = client.get(reverse("reading_detail", args=[course.slug, reading.slug])).content.decode()
    assert "Nivel de lectura: grado 9,5" in html
    assert "min de lectura" in html and "Marcar como leída" in html
    # The sources' words are never translated; a title is shown in Spanish only where the pack
    # gives a Spanish version (tests/i18n/test_pack_translations.py), else as written.
    assert reading.translations.get("es", {}).get("title", reading.title) in html
    passage = reading.ordered_passages()[0]
    assert passage.text.split()[0] in html


@pytest.mark.django_db
def test_a_post_date_is_written_the_spanish_way(client, student, course):
    prompt = Prompt.objects.filter(courses=course).first() or Prompt.objects.first()
    post = Post.objects.create(prompt=prompt, course=course, author=student, body="Mi aporte.")
    Post.objects.filter(pk=post.pk).update(created_at=datetime(2026, 3, 4, 17, 5, tzinfo=UTC))
    client.force_login(student)
    url = reverse("prompt_detail", args=[course.slug, prompt.slug])
    assert "March 4, 2026, 5:05 p.m." in client.get(url).content.decode()
    spanish(client)
    assert "4 de marzo de 2026 a las 17:05" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_students_form_error_comes_in_their_language(client, student, course):
    prompt = Prompt.objects.first()
    client.force_login(student)
    spanish(client)
    url = reverse("prompt_detail", args=[course.slug, prompt.slug])
    html = client.post(url, {"body": "", "action": "post"}).content.decode()
    assert "Escribe tu respuesta antes de publicarla." in html
    html = client.post(
        url, {"body": "x" * 5001, "evidence_source": "", "evidence_quote": "", "action": "post"}
    ).content.decode()
    # Spanish groups thousands with a (non-breaking) space.
    assert "No pases de 5\xa0000 caracteres (la tuya tiene 5\xa0001)." in html


@pytest.mark.django_db
def test_a_user_without_a_profile_is_fine(client):
    user = UserFactory()
    client.force_login(user)
    spanish(client)
    assert "Tus cursos" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_refused_login_says_so_in_the_students_spanish(client, student):
    spanish(client)
    html = client.post("/login/", {"username": student.username, "password": "wrong"}).content
    assert "Escribe un nombre de usuario y una contraseña correctos." in html.decode()
