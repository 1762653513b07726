"""The AWS facts behind Access Analyzer's checks on condition keys and service principals.

Each fact names the page that settles it. The checks themselves are in
:mod:`policies.engine.rules.analyzer`; the catalogue of their codes in
:mod:`policies.engine.codes`.

- Access Analyzer's policy check reference (the checks, their codes, severities):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
- The availability of each global key:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- IAM Roles Anywhere's trust model:
  https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html

Key names are lower case here, because AWS matches them case-insensitively.
"""

from __future__ import annotations

import re

from .keys import is_web_identity_key
from .principals import GITHUB_HOST

#: Global keys AWS does not support, with the keys to use instead ("Unsupported global
#: condition key": "The condition key aws:ARN is not supported. Use aws:PrincipalArn or
#: aws:SourceArn instead.", access-analyzer-reference-policy-checks.html).
UNSUPPORTED_GLOBAL_KEYS: dict[str, tuple[str, ...]] = {
    "aws:arn": ("aws:PrincipalArn", "aws:SourceArn"),
}

#: Keys that are more secure with a related key in the same condition block ("Missing
#: paired condition keys": aws:VpcSourceIp is paired with aws:SourceVpc, so that the
#: request must come from that VPC *and* that private address,
#: access-analyzer-reference-policy-checks.html).
PAIRED_KEYS: dict[str, tuple[str, ...]] = {
    "aws:vpcsourceip": ("aws:SourceVpc",),
}

#: Keys a service principal's request never carries: "This key is included in the
#: request context only if the principal is a member of an organization"
#: (reference_policies_condition-keys.html, aws:PrincipalOrgID and aws:PrincipalOrgPaths),
#: and a service principal belongs to no organization. Access Analyzer's "Unsupported
#: condition key for service principal" names aws:PrincipalOrgID as its example.
KEYS_ABSENT_FOR_SERVICE_PRINCIPALS = frozenset({"aws:principalorgid", "aws:principalorgpaths"})

#: The keys that say on whose behalf a service principal acts ("Recommended condition
#: key for service principal", "Restrict access to service principal",
#: access-analyzer-reference-policy-checks.html; confused-deputy.html).
SERVICE_SOURCE_KEYS = frozenset(
    {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"}
)

#: Keys people use to narrow a service principal that do not say on whose behalf it
#: acts, for which Access Analyzer recommends the source keys instead ("instead of other
#: condition keys, such as aws:Referer"): headers the caller writes, the network the
#: call comes from, and the keys that describe the calling principal rather than the
#: account or resource the service works for.
NOT_SERVICE_SOURCE_KEYS = frozenset(
    {
        "aws:referer",
        "aws:useragent",
        "aws:sourceip",
        "aws:vpcsourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:resourceaccount",
        "aws:userid",
        "aws:username",
    }
)

#: Keys whose value the caller writes itself, so they cannot control access ("Untrustworthy
#: condition key", access-analyzer-reference-policy-checks.html). The global keys page
#: warns about both: aws:referer ("It is dangerous to include a publicly known referer
#: header value") and aws:UserAgent ("unauthorized parties can use modified or custom
#: browsers to provide any aws:UserAgent value"), reference_policies_condition-keys.html.
SPOOFABLE_KEYS: dict[str, str] = {
    "aws:referer": "the HTTP Referer header",
    "aws:useragent": "the HTTP User-Agent header",
}

#: Condition values with a fixed format: for each key, what the value is, how it is
#: written, and its pattern.
#:
#: - aws:SourceVpc and aws:SourceVpce: the prefix, then 8 or 17 letters or digits ("Invalid
#:   vpc format", "Invalid vpce format", access-analyzer-reference-policy-checks.html);
#: - aws:RequestedRegion: a Region code ("Invalid Region"), lower case, as
#:   ``us-east-1``, ``us-gov-west-1`` or ``cn-north-1``
#:   (https://docs.aws.amazon.com/general/latest/gr/rande.html#region-names-codes). Only
#:   the shape is checked, so that a Region newer than this list is never called invalid.
VALUE_FORMATS: dict[str, tuple[str, str, re.Pattern[str]]] = {
    "aws:sourcevpc": (
        "VPC ID",
        'vpc- followed by 8 or 17 letters or digits, such as "vpc-1a2b3c4d"',
        re.compile(r"vpc-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})"),
    ),
    "aws:sourcevpce": (
        "VPC endpoint ID",
        'vpce- followed by 8 or 17 letters or digits, such as "vpce-0123456789abcdef0"',
        re.compile(r"vpce-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})"),
    ),
    "aws:requestedregion": (
        "Region code",
        'lower case, area-direction-number, such as "us-east-1" or "eu-central-2"',
        re.compile(r"[a-z]{2}(?:-(?:gov|iso[a-z]?))?-[a-z]+-[0-9]{1,2}"),
    ),
}

#: IAM Roles Anywhere's service principal and the actions its trust policy must allow
#: ("The IAM Roles Anywhere service principal requires the sts:AssumeRole,
#: sts:SetSourceIdentity, and sts:TagSession permissions to assume a role",
#: access-analyzer-reference-policy-checks.html; trust-model.html).
ROLES_ANYWHERE_SERVICE = "rolesanywhere.amazonaws.com"
ROLES_ANYWHERE_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")

#: The claim of a web identity token that names the application it was issued to. It
#: "can be multivalued or single-valued. If the claim is multivalued, use a ForAllValues or
#: ForAnyValue condition set operator. If the claim is single-valued, do not use a
#: condition set operator" ("Confirm audience claim type",
#: access-analyzer-reference-policy-checks.html).
AUDIENCE_CLAIM = "aud"

#: Amazon EKS cluster issuers: oidc.eks.REGION.amazonaws.com/id/ID
#: (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
EKS_ISSUER = re.compile(r"oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/id/[0-9a-z]+")

#: Issuers whose audience the AWS pages test as one value, with a plain StringEquals:
#: GitHub Actions ("sts.amazonaws.com", id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub),
#: Amazon EKS ("sts.amazonaws.com", associate-service-account-role.html), Amazon Cognito
#: (the identity pool ID, cognito/latest/developerguide/role-trust-and-permissions.html) and
#: Google (the client ID, id_roles_create_for-idp_oidc.html). For any other issuer the
#: claim's type is the provider's choice, which is what "Confirm audience claim type" asks
#: the author to check.
SINGLE_AUDIENCE_ISSUERS = frozenset(
    {GITHUB_HOST, "cognito-identity.amazonaws.com", "accounts.google.com"}
)


def audience_type_is_documented(issuer: str) -> bool:
    """Whether AWS documents ``issuer``'s audience claim as one value (case-insensitive)."""
    issuer = issuer.lower()
    return issuer in SINGLE_AUDIENCE_ISSUERS or EKS_ISSUER.fullmatch(issuer) is not None


def assume_action_for_key(key: str) -> str | None:
    """The one way of assuming a role whose requests carry ``key``, if only one does.

    sts:ExternalId is a parameter of AssumeRole alone
    (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html); SAML keys
    come with AssumeRoleWithSAML and token claims with AssumeRoleWithWebIdentity
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html).
    Access Analyzer's "Unsupported action for condition key" names the other actions of a
    statement that tests such a key.
    """
    lowered = key.lower()
    if lowered == "sts:externalid":
        return "sts:AssumeRole"
    if lowered.startswith("saml:"):
        return "sts:AssumeRoleWithSAML"
    if is_web_identity_key(key):
        return "sts:AssumeRoleWithWebIdentity"
    return None
