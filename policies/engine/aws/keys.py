"""Condition keys that matter in role trust policies: their type and whether
they can hold several values.

Sources:

- global keys: "AWS global condition context keys",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- single- and multivalued keys:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- STS keys: "Actions, resources, and condition keys for AWS Security Token Service",
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
- web identity and SAML keys: "Available keys for AWS STS federation",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html

Key names are matched case-insensitively, as AWS does. ``multivalued`` is
``None`` where the documentation does not settle it, so that no check relies
on a guess.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "KEY_TYPES",
    "KeyInfo",
    "is_web_identity_key",
    "listed_key_names",
    "lookup",
    "sts_key_names",
]

#: The condition key types AWS documents.
KEY_TYPES = ("String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary")


class KeyInfo(NamedTuple):
    """What the engine knows about a condition key.

    ``types`` holds every type AWS lists for the key (``aws:EpochTime`` is
    both Date and Numeric). ``known`` is False for keys inferred from their
    shape (a claim of an OIDC provider) rather than listed. A named tuple: one is
    built for every key of a provider's claims or with a tag in it, on every
    keystroke of the editor (a tuple costs a third of a frozen dataclass).
    """

    name: str
    types: tuple[str, ...]
    multivalued: bool | None
    known: bool = True

    @property
    def type(self) -> str:
        """The main type of the key."""
        return self.types[0]


# A key's facts made with tuple.__new__, without the Python-level __new__ of a named
# tuple: one is made for every claim or tag key on each cold call.
_new = tuple.__new__


def _k(name: str, kind: str = "String", multivalued: bool | None = False) -> KeyInfo:
    return KeyInfo(name, tuple(kind.split("|")), multivalued)


_EXACT: tuple[KeyInfo, ...] = (
    # Global keys: properties of the principal.
    _k("aws:PrincipalArn", "ARN"),
    _k("aws:PrincipalAccount"),
    _k("aws:PrincipalOrgID"),
    _k("aws:PrincipalOrgPaths", multivalued=True),
    _k("aws:PrincipalIsAWSService", "Bool"),
    _k("aws:PrincipalServiceName"),
    _k("aws:PrincipalServiceNamesList", multivalued=True),
    _k("aws:PrincipalType"),
    _k("aws:userid"),
    _k("aws:username"),
    _k("aws:AssumedRoot", "Bool"),
    # Properties of the role session.
    _k("aws:FederatedProvider"),
    _k("aws:TokenIssueTime", "Date"),
    _k("aws:MultiFactorAuthAge", "Numeric"),
    _k("aws:MultiFactorAuthPresent", "Bool"),
    _k("aws:ChatbotSourceArn", "ARN"),
    _k("aws:Ec2InstanceSourceVpc"),
    _k("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    _k("aws:SourceIdentity"),
    # Properties of the network.
    _k("aws:SourceIp", "IPAddress"),
    _k("aws:SourceVpc"),
    _k("aws:SourceVpcArn", "ARN"),
    _k("aws:SourceVpce"),
    _k("aws:VpcSourceIp", "IPAddress"),
    _k("aws:VpceAccount"),
    _k("aws:VpceOrgID"),
    _k("aws:VpceOrgPaths", multivalued=True),
    # Properties of the resource.
    _k("aws:ResourceAccount"),
    _k("aws:ResourceOrgID"),
    _k("aws:ResourceOrgPaths", multivalued=True),
    # Properties of the request.
    _k("aws:CalledVia", multivalued=True),
    _k("aws:CalledViaFirst"),
    _k("aws:CalledViaLast"),
    _k("aws:ViaAWSService", "Bool"),
    _k("aws:CurrentTime", "Date"),
    _k("aws:EpochTime", "Date|Numeric"),
    _k("aws:referer"),
    _k("aws:RequestedRegion"),
    _k("aws:TagKeys", multivalued=True),
    _k("aws:SecureTransport", "Bool"),
    _k("aws:SourceArn", "ARN"),
    _k("aws:SourceAccount"),
    _k("aws:SourceOrgID"),
    _k("aws:SourceOrgPaths", multivalued=True),
    _k("aws:UserAgent"),
    # AWS STS keys.
    _k("sts:ExternalId"),
    _k("sts:RoleSessionName"),
    _k("sts:SourceIdentity"),
    _k("sts:TransitiveTagKeys", multivalued=True),
    _k("sts:DurationSeconds", "Numeric"),
    _k("sts:AWSServiceName", multivalued=True),
    _k("sts:RequestContext"),
    _k("sts:RequestContextProviders", "ARN", multivalued=True),
    _k("sts:TaskPolicyArn", "ARN"),
    # Web identity federation with the providers AWS names.
    _k("cognito-identity.amazonaws.com:aud"),
    _k("cognito-identity.amazonaws.com:sub"),
    _k("cognito-identity.amazonaws.com:amr", multivalued=True),
    _k("accounts.google.com:aud"),
    _k("accounts.google.com:oaud"),
    _k("accounts.google.com:sub"),
    _k("accounts.google.com:email"),
    _k("graph.facebook.com:app_id"),
    _k("graph.facebook.com:id"),
    _k("www.amazon.com:app_id"),
    _k("www.amazon.com:user_id"),
    # SAML federation.
    _k("SAML:aud"),
    _k("SAML:iss"),
    _k("SAML:sub"),
    _k("SAML:sub_type"),
    _k("SAML:doc"),
    _k("SAML:namequalifier"),
    _k("SAML:cn", multivalued=None),
    _k("SAML:commonName", multivalued=None),
    _k("SAML:givenName", multivalued=None),
    _k("SAML:surname", multivalued=None),
    _k("SAML:mail", multivalued=None),
    _k("SAML:name", multivalued=None),
    _k("SAML:uid", multivalued=None),
    _k("SAML:organizationStatus", multivalued=None),
    _k("SAML:primaryGroupSID", multivalued=None),
    _k("SAML:x500UniqueIdentifier", multivalued=None),
    _k("SAML:edupersonaffiliation", multivalued=True),
    _k("SAML:edupersonassurance", multivalued=True),
    _k("SAML:edupersonentitlement", multivalued=True),
    _k("SAML:edupersonnickname", multivalued=True),
    _k("SAML:edupersonorgdn", multivalued=None),
    _k("SAML:edupersonorgunitdn", multivalued=True),
    _k("SAML:edupersonprimaryaffiliation", multivalued=None),
    _k("SAML:edupersonprimaryorgunitdn", multivalued=None),
    _k("SAML:edupersonprincipalname", multivalued=None),
    _k("SAML:edupersonscopedaffiliation", multivalued=True),
    _k("SAML:edupersontargetedid", multivalued=True),
)

#: Keys whose name ends in a tag key or other free part: the prefix decides.
_PREFIXES: tuple[KeyInfo, ...] = (
    _k("aws:PrincipalTag/"),
    _k("aws:RequestTag/"),
    _k("aws:ResourceTag/"),
    _k("iam:ResourceTag/"),
)

#: Claims of any OIDC provider that AWS lets trust policies test.
_OIDC_CLAIMS: dict[str, bool | None] = {"aud": False, "sub": False, "azp": False, "amr": True}

#: Every listed key by its lowercased name, and by its documented spelling (the
#: usual one, found without lowercasing): tables built at import, not caches.
_BY_NAME: dict[str, KeyInfo] = {info.name.lower(): info for info in _EXACT}
_BY_SPELLING: dict[str, KeyInfo] = {info.name: info for info in _EXACT}
_LOWERED_PREFIXES = tuple((prefix.name.lower(), prefix) for prefix in _PREFIXES)


def is_web_identity_key(key: str) -> bool:
    """True for a key named after an identity provider (``host[/path]:claim``)."""
    return _provider_claim(key) is not None


def _provider_claim(key: str) -> str | None:
    """The claim of a key named after an identity provider, or ``None``."""
    service, _, claim = key.rpartition(":")
    return claim if claim and "." in service else None


def lookup(key: str) -> KeyInfo | None:
    """What is known about ``key`` (case-insensitive), or ``None`` if nothing is."""
    info = _BY_SPELLING.get(key)
    if info is not None:
        return info
    return _lookup_other(key)


@lru_cache(maxsize=4096)
def _lookup_other(key: str) -> KeyInfo | None:
    """:func:`lookup` for a key not written in its documented spelling: another case,
    a key with a free part (a tag key, an OIDC provider's claim), or an unknown key."""
    lowered = key.lower()
    info = _BY_NAME.get(lowered)
    if info is not None:
        return info
    if "/" in lowered:  # every prefix ends with one
        for name, prefix in _LOWERED_PREFIXES:
            if lowered.startswith(name) and len(lowered) > len(name):
                return _new(KeyInfo, (key, prefix.types, prefix.multivalued, True))
    claim = _provider_claim(key)
    if claim is not None:
        return _new(KeyInfo, (key, ("String",), _OIDC_CLAIMS.get(claim.lower()), False))
    return None


def listed_key_names() -> list[str]:
    """Every key listed here by name (not by prefix), in its documented spelling."""
    return [info.name for info in _EXACT]


def global_key_names() -> list[str]:
    """Every global (``aws:``) key listed here, in its documented spelling."""
    names = [info.name for info in _EXACT if info.name.startswith("aws:")]
    return names + [prefix.name for prefix in _PREFIXES if prefix.name.startswith("aws:")]


def sts_key_names() -> list[str]:
    """Every AWS STS (``sts:``) key listed here, in its documented spelling."""
    return [info.name for info in _EXACT if info.name.startswith("sts:")]
