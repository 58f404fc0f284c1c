from __future__ import annotations

import jwt
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from jwt.algorithms import RSAAlgorithm

from lti.keys import current_key, rotate_keys
from lti.models import ToolKey


def test_the_key_set_publishes_a_key_on_a_fresh_site(client, db):
    response = client.get("/lti/jwks/")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [ToolKey.objects.get().kid]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"


def test_the_key_set_holds_no_private_part(client, db):
    rotate_keys()
    for key in client.get("/lti/jwks/").json()["keys"]:
        assert set(key) == {"kty", "alg", "use", "kid", "n", "e"}


def test_a_token_signed_with_the_current_key_verifies_against_the_published_set(client, db):
    key = current_key()
    private = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
    token = jwt.encode({"iss": "fuente"}, private, algorithm="RS256", headers={"kid": key.kid})
    published = {k["kid"]: k for k in client.get("/lti/jwks/").json()["keys"]}
    public = RSAAlgorithm.from_jwk(published[jwt.get_unverified_header(token)["kid"]])
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"iss": "fuente"}


def test_rotating_publishes_the_new_and_the_previous_key_and_drops_older_ones(client, db, capsys):
    first = rotate_keys()
    second = rotate_keys()
    call_command("rotate_lti_keys")
    third = current_key()
    assert third.kid not in (first.kid, second.kid)
    assert "previous key stays published" in capsys.readouterr().out
    kids = [key["kid"] for key in client.get("/lti/jwks/").json()["keys"]]
    assert kids == [third.kid, second.kid]
    assert not ToolKey.objects.filter(pk=first.pk).exists()
