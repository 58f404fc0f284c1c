"""Response headers: a strict Content-Security-Policy on every page (the admin's and htmx
fragments included), Permissions-Policy, Cross-Origin-Opener-Policy, Referrer-Policy, and
`Cache-Control: private, no-store` on everything a signed-in person gets and on every download.
The browser tests (tests/browser) check that the pages really run under the policy."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import SecurityHeadersMiddleware
from courseware.models import Reading
from tests.factories import UserFactory

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def assert_strict_csp(response) -> None:
    assert "Content-Security-Policy" in response, response.request["PATH_INFO"]
    found = directives(response)
    for part in STRICT_CSP.split("; "):
        name, _, value = part.partition(" ")
        assert found.get(name) == value, (name, found.get(name))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert found["report-uri"] == reverse("csp_report")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def student_pages(course):
    reading = Reading.objects.filter(courses=course).first()
    return [
        reverse("home"),
        reverse("course_detail", args=[course.slug]),
        reverse("reading_detail", args=[course.slug, reading.slug]),
        reverse("timeline", args=[course.slug]),
        reverse("progress", args=[course.slug]),
    ]


def test_it_sends_the_strict_policy_on_the_login_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_csp(response)


def test_it_sends_the_strict_policy_on_students_pages_and_their_htmx_fragments(
    client, course, student
):
    client.force_login(student)
    for url in student_pages(course):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
    reading = Reading.objects.filter(courses=course).first()
    fragment = client.post(
        reverse("reading_progress", args=[course.slug, reading.slug]),
        {"seconds": "30"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert_strict_csp(fragment)


def test_it_sends_the_strict_policy_on_the_admin_pages(client, superuser, teacher):
    for user in (superuser, teacher):
        client.force_login(user)
        for url in (
            reverse("admin:login"),
            reverse("admin:index"),
            reverse("admin:quizzes_question_changelist"),
            reverse("admin:quizzes_question_add"),
            reverse("admin:courseware_enrollment_changelist"),
        ):
            response = client.get(url)
            assert response.status_code in (200, 302), url
            assert_strict_csp(response)


def test_the_pages_need_no_eval_and_no_inline_style_from_htmx(client, course, student):
    client.force_login(student)
    reading = Reading.objects.filter(courses=course).first()
    html = client.get(reverse("reading_detail", args=[course.slug, reading.slug])).content.decode()
    config = html.split('name="htmx-config" content=\'', 1)[1].split("'>", 1)[0]
    assert json.loads(config)["includeIndicatorStyles"] is False
    assert json.loads(config)["allowEval"] is False
    assert "visibilityState" not in html  # the old trigger filter was eval'd
    assert " style=" not in html
    assert "<script>" not in html


def test_it_sends_permissions_referrer_and_opener_policies(client, db):
    response = client.get(reverse("login"))
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_never_stored(client, course, student, superuser):
    client.force_login(student)
    for url in student_pages(course):
        assert client.get(url)["Cache-Control"] == "private, no-store", url
    client.force_login(superuser)
    assert client.get(reverse("admin:index"))["Cache-Control"] == "private, no-store"


def test_grade_downloads_are_never_stored(client, course, teacher):
    client.force_login(teacher)
    response = client.get(reverse("gradebook_export", args=[course.slug, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_question_exports_from_the_admin_are_never_stored(client, superuser):
    from quizzes.models import Question

    client.force_login(superuser)
    ids = list(Question.objects.values_list("pk", flat=True)[:3])
    response = client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_gift", "_selected_action": ids},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_a_download_is_not_stored_even_without_a_signed_in_user():
    request = RequestFactory().get("/anything/")
    request.user = AnonymousUser()

    def download(request):
        response = HttpResponse("a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        response["Cache-Control"] = "public, max-age=3600"
        return response

    assert SecurityHeadersMiddleware(download)(request)["Cache-Control"] == "private, no-store"


def test_anonymous_pages_and_static_files_keep_their_caching(client, db):
    assert "no-store" not in client.get(reverse("healthz")).get("Cache-Control", "")
    request = RequestFactory().get("/static/courseware/fuente.css")
    request.user = AnonymousUser()
    public = HttpResponse("body{}", content_type="text/css")
    public["Cache-Control"] = "max-age=60, public"
    assert SecurityHeadersMiddleware(lambda r: public)(request)["Cache-Control"] == (
        "max-age=60, public"
    )


def test_a_csp_report_is_logged(client, db, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://x.edu/courses/a/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="fuente.csp"):
        response = client.post(
            reverse("csp_report"), json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "script-src-elem" in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'{"csp-report": 3}', b"\xff\xfe", b"[" * 100_000],
)
def test_a_junk_csp_report_gets_a_400_not_a_500(client, db, body):
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code in (400, 413)


def test_a_huge_csp_report_is_refused_unread(client, db):
    body = json.dumps({"csp-report": {"blocked-uri": "x" * 100_000}})
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 413


def test_the_csp_report_endpoint_takes_only_posts(client, db):
    assert client.get(reverse("csp_report")).status_code == 405
