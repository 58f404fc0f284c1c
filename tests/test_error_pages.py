"""Fuente's own error pages (DEBUG off, as in production and in these tests): 400, 403, the CSRF
failure, 404 and 500, each saying what happened with a way back; the 500 page needs neither
the database nor the request."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from config.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied("no")


def unreadable(request):
    raise BadRequest("no")


urlpatterns = [
    path("broken/", broken),
    path("forbidden/", forbidden),
    path("unreadable/", unreadable),
    *site_urls,
]


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def test_settings_are_those_of_production_here(settings):
    assert settings.DEBUG is False  # Django's debug pages would hide ours


def test_a_missing_page_is_fuentes_own_with_ways_back(student_client, course):
    response = student_client.get(reverse("reading_detail", args=[course.slug, "no-such"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page is not here" in html and 'class="site-header"' in html
    assert f'href="{reverse("home")}">Go to your courses</a>' in html
    assert "Log out" in html  # the signed-in header, as on every page
    assert "Not Found</h1>" not in html


def test_another_students_attempt_gets_the_same_404_page(student_client):
    response = student_client.get(reverse("attempt_result", args=[999_999]))
    assert response.status_code == 404 and "This page is not here" in response.content.decode()


def test_an_anonymous_visitor_is_offered_to_log_in(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert f'href="{reverse("login")}">Log in</a>' in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_forbidden_page_says_so_with_a_way_back(student_client):
    response = student_client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html and "Go to your courses" in html


@pytest.mark.urls(__name__)
def test_a_request_that_cannot_be_read_gets_fuentes_400_page(student_client):
    response = student_client.get("/unreadable/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This request could not be read" in html and "Go to your courses" in html


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do(student, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post(reverse("practice_start", args=[course.slug]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html and "reload the page" in html
    assert "Go to your courses" in html and "CSRF verification failed" not in html


@pytest.mark.urls(__name__)
def test_a_server_error_gets_fuentes_500_page(student):
    client = Client(raise_request_exception=False)
    client.force_login(student)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<a href="/">Go to your courses</a>' in html
    assert "a bug" not in html  # nothing of the error itself


def test_the_500_page_renders_without_a_request_or_the_database(
    django_assert_num_queries, monkeypatch
):
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", no_database)
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and "fuente.css" in html


@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/quizzes/question/"])
def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_one(client, teacher, url):
    # Without a <link rel="icon">, browsers ask for /favicon.ico: a 404 on every page.
    client.force_login(teacher)
    page = client.get(url)
    assert page.status_code == 200
    assert '<link rel="icon" href="data:,">' in page.content.decode()
