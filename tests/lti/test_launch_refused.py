"""Every refused login or launch is a clear 4xx page: what failed, what to tell the LMS
administrator. Never a 500, and nobody signed in."""

from __future__ import annotations

import pytest

from lti.models import PlatformUser
from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import CLIENT_ID, LEARNER, fresh_sub, new_rsa_pem, path_of, query, tamper

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def assert_refused(response, words: str, status: int = 400) -> None:
    page = response.content.decode()
    assert response.status_code == status, page
    assert words in page
    assert "What to tell the LMS administrator" in page
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not PlatformUser.objects.exists()


def launch_data(client, lms, **kwargs):
    sub = fresh_sub()
    return lms.id_token(start_launch(client, lms, sub), sub=sub, roles=[LEARNER], **kwargs)


def test_a_bad_signature_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    data["id_token"] = tamper(data["id_token"], platform=lms, key_pem=new_rsa_pem()[0])
    assert_refused(post_launch(client, data), "signature does not match")


def test_a_launch_for_another_tool_is_refused(client, lms, linked):
    data = launch_data(client, lms, claims={"aud": "someone-else", "azp": "someone-else"})
    assert_refused(post_launch(client, data), "client id someone-else")


def test_several_audiences_without_azp_are_refused(client, lms, linked):
    data = launch_data(client, lms)
    data["id_token"] = tamper(
        data["id_token"], platform=lms, aud=[CLIENT_ID, "other"], drop=("azp",)
    )
    assert_refused(post_launch(client, data), "authorised party (azp)")


def test_a_wrong_azp_is_refused(client, lms, linked):
    # azp names the client the launch is for: here no registered one
    data = launch_data(client, lms, claims={"azp": "other"})
    assert_refused(post_launch(client, data), "client id other")


def test_an_expired_launch_is_refused(client, lms, linked):
    data = launch_data(client, lms, expires_in=-600)
    assert_refused(post_launch(client, data), "has expired")


def test_a_launch_just_past_expiry_passes_within_the_clock_skew_leeway(client, lms, linked):
    data = launch_data(client, lms, expires_in=-20)
    assert post_launch(client, data).status_code == 302


def test_a_launch_issued_in_the_future_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    body_iat = 10**10
    data["id_token"] = tamper(data["id_token"], platform=lms, iat=body_iat, exp=body_iat + 300)
    assert_refused(post_launch(client, data), "clock is ahead")


def test_a_replayed_launch_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    assert post_launch(client, data).status_code == 302
    client.logout()
    PlatformUser.objects.all().delete()
    assert_refused(post_launch(client, data), "already used")


def test_a_nonce_fuente_did_not_issue_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    data["id_token"] = tamper(data["id_token"], platform=lms, nonce="made-up")
    assert_refused(post_launch(client, data), "nonce is not one Fuente issued")


def test_a_wrong_state_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    data["state"] = "state-of-another-login"
    assert_refused(post_launch(client, data), "state does not match")


def test_an_unknown_deployment_is_refused(client, lms, linked):
    data = launch_data(client, lms, claims={CLAIM + "deployment_id": "deployment-2"})
    assert_refused(post_launch(client, data), "deployment id is not one registered")


def test_an_unregistered_platform_is_refused(client, lms, linked):
    linked.platform.delete()
    login = lms.login_url(fresh_sub())
    assert_refused(client.get(path_of(login), query(login)), "is registered")


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        ("sub", "Must have a user (sub)"),
        (CLAIM + "roles", "Missing Roles Claim"),
        (CLAIM + "resource_link", "Missing Resource Link Id"),
        (CLAIM + "context", "names no LMS course"),
        (CLAIM + "message_type", "Invalid message type"),
        (CLAIM + "version", "Incorrect version"),
        (CLAIM + "deployment_id", "deployment id"),
        ("exp", "exp"),
        ("nonce", "nonce"),
    ],
)
def test_a_launch_missing_a_claim_is_refused(client, lms, linked, claim, words):
    data = launch_data(client, lms)
    data["id_token"] = tamper(data["id_token"], platform=lms, drop=(claim,))
    assert_refused(post_launch(client, data), words)


def test_a_deep_linking_launch_is_refused_for_now(client, lms, linked):
    data = launch_data(client, lms)
    data["id_token"] = tamper(
        data["id_token"], platform=lms, **{CLAIM + "message_type": "LtiDeepLinkingRequest"}
    )
    response = post_launch(client, data)
    assert response.status_code == 400


def test_a_launch_that_is_not_a_jwt_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    data["id_token"] = "not-a-token"
    assert_refused(post_launch(client, data), "JWT")


def test_a_launch_without_an_id_token_is_refused(client, lms, linked):
    data = launch_data(client, lms)
    response = client.post(path_of(data["launch_url"]), {"state": data["state"]})
    assert response.status_code == 400


def test_a_login_without_a_target_is_refused(client, lms, linked):
    login = query(lms.login_url(fresh_sub()))
    del login["target_link_uri"]
    assert_refused(client.get("/lti/login/", login), "target_link_uri")


def test_the_launch_url_refuses_get(client, db):
    assert client.get("/lti/launch/").status_code == 405


def test_a_platform_key_set_that_cannot_be_read_is_a_clear_502(client, lms, linked, monkeypatch):
    import requests

    from lti import launch

    def unreachable(url):
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(launch, "fetch_key_set", unreachable)
    data = launch_data(client, lms)
    assert_refused(
        post_launch(client, data), "public key set at https://lms.example.test/jwks", 502
    )


@pytest.mark.parametrize("key_set", [[], {"keys": "none"}, {"keys": [{"kid": "x"}]}, "text"])
def test_a_platform_key_set_that_is_not_a_jwks_is_a_clear_page(
    client, lms, linked, monkeypatch, key_set
):
    from lti import launch

    monkeypatch.setattr(launch, "fetch_key_set", lambda url: key_set)
    response = post_launch(client, launch_data(client, lms))
    assert response.status_code in (400, 502)
    assert "What to tell the LMS administrator" in response.content.decode()


def test_a_platform_key_that_is_not_rsa_is_a_clear_400(client, lms, linked, monkeypatch):
    import jwt as pyjwt

    from lti import launch

    data = launch_data(client, lms)
    kid = pyjwt.get_unverified_header(data["id_token"])["kid"]
    monkeypatch.setattr(launch, "fetch_key_set", lambda url: {"keys": [{"kid": kid, "kty": "RSA"}]})
    assert_refused(post_launch(client, data), "is not an RSA key")
