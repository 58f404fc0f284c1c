"""Whatever reaches the login and launch URLs, the answer is a clear 4xx page, never a 500."""

from __future__ import annotations

import base64
import json

import pytest

from tests.lti.conftest import post_launch, start_launch
from tests.lti.platform import CLIENT_ID, ISSUER, LEARNER, tamper


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"iss": ISSUER},
        {"iss": ISSUER, "login_hint": "x"},
        {"iss": ISSUER, "login_hint": "x", "target_link_uri": "http://testserver/lti/launch/"},
        {
            "login_hint": "x",
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": CLIENT_ID,
        },
        {"iss": "\x00", "login_hint": "x", "target_link_uri": "t", "client_id": "c"},
    ],
)
def test_a_broken_login_request_is_a_4xx(client, registered, params):
    for method in (client.get, client.post):
        response = method("/lti/login/", params)
        assert 400 <= response.status_code < 500, response.content.decode()[:500]


@pytest.mark.parametrize(
    "id_token",
    [
        "",
        "a.b.c",
        "x" * 5000,
        f"{b64({'alg': 'RS256'})}.{b64({'iss': ISSUER, 'aud': CLIENT_ID, 'nonce': 'n'})}.sig",
        f"{b64({'alg': 'none', 'kid': 'k'})}.{b64({'iss': ISSUER, 'aud': CLIENT_ID, 'nonce': 'n'})}.",
        f"{b64({'alg': 'RS256', 'kid': 'k'})}.{b64({'iss': ISSUER, 'aud': [], 'nonce': 'n'})}.sig",
        f"{b64({'alg': 'RS256', 'kid': 'k'})}.{b64(['not', 'an', 'object'])}.sig",
        f"{b64({'alg': 'RS256', 'kid': 'k'})}.{b64({'iss': chr(0), 'aud': CLIENT_ID, 'nonce': 'n'})}.sig",
        "a\x00b",
    ],
)
def test_a_broken_launch_is_a_4xx(client, registered, id_token):
    response = client.post("/lti/launch/", {"id_token": id_token, "state": "s"})
    assert 400 <= response.status_code < 500, response.content.decode()[:500]


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ({"alg": "RS256"}, {"iss": ISSUER, "aud": CLIENT_ID}),
        ({"alg": "none", "kid": "k"}, {"iss": ISSUER, "aud": CLIENT_ID}),
        ({"alg": "HS256", "kid": "k"}, {"iss": ISSUER, "aud": CLIENT_ID}),
        ({"alg": "RS256", "kid": "k"}, {"iss": ISSUER, "aud": []}),
        ({"alg": "RS256", "kid": "k"}, {"iss": ISSUER, "aud": CLIENT_ID, "nonce": ["x"]}),
        ({"alg": "RS256", "kid": "k"}, {"iss": ISSUER, "aud": {"x": 1}}),
        ({"alg": "RS256", "kid": "k"}, {"iss": ["x"], "aud": CLIENT_ID}),
        ({"alg": "RS256", "kid": "k"}, ["not", "an", "object"]),
        (["header"], {"iss": ISSUER}),
    ],
)
def test_a_forged_launch_after_a_real_login_is_a_4xx(client, lms, linked, header, body):
    auth = start_launch(client, lms, "someone")
    if isinstance(body, dict):
        body = {"nonce": auth["nonce"], **body}
    id_token = f"{b64(header)}.{b64(body)}.c2ln"
    response = client.post("/lti/launch/", {"id_token": id_token, "state": auth["state"]})
    assert 400 <= response.status_code < 500, response.content.decode()[:500]


CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


@pytest.mark.parametrize(
    "claims",
    [
        {CLAIM + "resource_link": "resource-1"},
        {CLAIM + "context": "lms-course-1"},
        {CLAIM + "roles": "Learner"},
        {CLAIM + "context": ["lms-course-1"]},
        {"sub": {"id": 1}},
        {CLAIM + "deployment_id": ["deployment-1"]},
    ],
)
def test_a_signed_launch_with_a_claim_of_the_wrong_type_is_a_4xx(client, lms, linked, claims):
    data = lms.id_token(start_launch(client, lms, "someone"), sub="someone", roles=[LEARNER])
    data["id_token"] = tamper(data["id_token"], platform=lms, **claims)
    response = post_launch(client, data)
    assert 400 <= response.status_code < 500, response.content.decode()[:500]
