from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from lti import launch as lti_launch
from lti.models import CourseLink, Deployment, Platform
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, TestPlatform, path_of, query


@pytest.fixture(autouse=True)
def _lti_cache_table(db):
    # The LTI cache is a database table (`make setup` runs createcachetable); the test
    # database is made by migrations, so make it here, inside the test's transaction.
    call_command("createcachetable", "fuente_lti_cache", verbosity=0)


@pytest.fixture
def lms(monkeypatch) -> TestPlatform:
    platform = TestPlatform()
    # Fuente fetches the platform's key set over HTTP; here it reaches the platform directly.
    monkeypatch.setattr(lti_launch, "fetch_key_set", platform.key_set)
    return platform


@pytest.fixture
def registered(db) -> Platform:
    platform = Platform.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        key_set_url=f"{ISSUER}/jwks",
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    return platform


@pytest.fixture
def linked(registered, course) -> CourseLink:
    return CourseLink.objects.create(
        platform=registered, context_id="lms-course-1", context_title="Rivers 101", course=course
    )


def start_launch(client, lms: TestPlatform, sub: str, secure: bool = False) -> dict[str, str]:
    """The platform starts the login; Fuente answers with a redirect to the platform's
    authorisation URL, whose parameters the platform reads."""
    login = lms.login_url(sub)
    response = client.get(path_of(login), query(login), secure=secure)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"{ISSUER}/auth?")
    return query(response["Location"])


def post_launch(client, data: dict[str, Any], secure: bool = False):
    return client.post(
        path_of(data["launch_url"]),
        {"id_token": data["id_token"], "state": data["state"]},
        secure=secure,
    )
