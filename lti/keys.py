"""The tool's RSA keys: made here, stored in the database, published as a JSON Web Key Set."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction

from lti.models import ToolKey

# The newest key signs; the one before stays published for platforms that cached the set.
PUBLISHED = 2


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(private_key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    numbers = private_key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": kid,
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
    }


@transaction.atomic
def rotate_keys(*, keep: int = PUBLISHED) -> ToolKey:
    """Make a new signing key and drop all but the `keep` newest (the previous one stays
    published until the next rotation)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_urlsafe(16)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    key = ToolKey.objects.create(
        kid=kid, private_key_pem=pem, public_jwk=public_jwk(private_key, kid)
    )
    stale = ToolKey.objects.values_list("pk", flat=True)[keep:]
    ToolKey.objects.filter(pk__in=list(stale)).delete()
    return key


def current_key() -> ToolKey:
    """The signing key, made on first use so a fresh site needs no command."""
    key = ToolKey.objects.first()
    return key if key is not None else rotate_keys()


def key_set() -> dict[str, Any]:
    current_key()
    return {"keys": [key.public_jwk for key in ToolKey.objects.all()[:PUBLISHED]]}
