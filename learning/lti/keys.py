"""The tool's RSA key pair: generated once, published as a JSON Web Key Set, rotated on demand."""

from __future__ import annotations

import json
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

from learning.lti.models import ToolKey

# A retired key stays in the key set this long, so a platform that cached it can
# still verify what was signed just before the rotation.
RETIRED_KEY_PUBLISHED_FOR = timedelta(days=7)


def _key_new() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    kid = jwk.thumbprint()
    public = json.loads(jwk.export_public())
    public |= {"kid": kid, "alg": "RS256", "use": "sig"}
    return ToolKey.objects.create(kid=kid, private_pem=pem, public_jwk=public)


@transaction.atomic
def signing_key() -> ToolKey:
    """The key RoleCall signs with; the first call generates and stores it."""
    key = ToolKey.objects.select_for_update().filter(retired__isnull=True).first()
    return key or _key_new()


@transaction.atomic
def key_rotate() -> ToolKey:
    """Retire the signing key and make a new one; the old one stays published a while."""
    ToolKey.objects.select_for_update().filter(retired__isnull=True).update(retired=timezone.now())
    return _key_new()


def jwks() -> dict[str, list[dict]]:
    """The public key set platforms fetch from ``jwks_url``."""
    signing_key()
    since = timezone.now() - RETIRED_KEY_PUBLISHED_FOR
    keys = ToolKey.objects.filter(retired__isnull=True) | ToolKey.objects.filter(retired__gte=since)
    return {"keys": [key.public_jwk for key in keys.order_by("-created", "-id")]}
