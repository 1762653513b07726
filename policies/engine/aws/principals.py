"""Service principals and the identity providers a trust policy can name.

Sources:

- Service principals (``SERVICE.amazonaws.com``) and the web identity providers
  AWS names without an ARN, with the keys that carry their audience:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
  and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
- GitHub's OIDC issuer: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
- Services whose documentation asks for aws:SourceAccount / aws:SourceArn in the
  role they assume (confused deputy), each with that page.
"""

from __future__ import annotations

import re

from .actions import ASSUME, ASSUME_SAML, ASSUME_WEB
from .arns import SAML_PROVIDER_ARN, oidc_provider

#: A service principal: lowercase DNS labels ending in an AWS service domain.
SERVICE_PRINCIPAL = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?:amazonaws\.com(?:\.cn)?|amazon\.com|aws\.internal)"
)


def is_service_principal(text: str) -> bool:
    """Whether ``text`` is a service principal (:data:`SERVICE_PRINCIPAL`).

    The usual one, one lowercase label before ``.amazonaws.com``
    (``lambda.amazonaws.com``), is told by string methods in C: the pattern
    backtracks over every label.
    """
    name, _, domain = text.partition(".")
    if domain == "amazonaws.com" and name.isascii() and name.isalnum() and name.islower():
        return True  # [a-z0-9]+ with a letter: one label the pattern accepts
    return SERVICE_PRINCIPAL.fullmatch(text) is not None


#: The web identity providers AWS names without an ARN, with the condition key that
#: carries the audience (the application the token was issued to).
WEB_IDENTITY_PROVIDERS: dict[str, str] = {
    "cognito-identity.amazonaws.com": "cognito-identity.amazonaws.com:aud",
    "accounts.google.com": "accounts.google.com:aud",
    "graph.facebook.com": "graph.facebook.com:app_id",
    "www.amazon.com": "www.amazon.com:app_id",
}

GITHUB_HOST = "token.actions.githubusercontent.com"

#: Services whose documentation asks for aws:SourceAccount or aws:SourceArn in the
#: trust policy of the role they assume, each with that page.
CONFUSED_DEPUTY_SERVICES = {
    "config.amazonaws.com": (
        "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html"
    ),
    "logs.amazonaws.com": (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateDestination.html"
    ),
    "ssm.amazonaws.com": (
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
        "cloud-connector-gcp-automation-assume-role.html"
    ),
    "personalize.amazonaws.com": (
        "https://docs.aws.amazon.com/personalize/latest/dg/"
        "cross-service-confused-deputy-prevention.html"
    ),
    "iot.amazonaws.com": (
        "https://docs.aws.amazon.com/iot/latest/developerguide/"
        "cross-service-confused-deputy-prevention.html"
    ),
    "frauddetector.amazonaws.com": (
        "https://docs.aws.amazon.com/frauddetector/latest/ug/confused-deputy-prevention.html"
    ),
}

#: The kinds of principal a ``Principal`` element names.
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")


def assume_action_for_principal(kind: str, value: str) -> str | None:
    """The action a principal assumes a role with: sts:AssumeRole for an AWS or Service
    principal, sts:AssumeRoleWithSAML for a SAML provider, sts:AssumeRoleWithWebIdentity
    for an OIDC provider or a web identity provider AWS names
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html);
    ``None`` for anything else."""
    if kind in ("AWS", "Service"):
        return ASSUME
    if kind != "Federated":
        return None
    # The SAML pattern (case-sensitive) is tried only on text that holds its literal
    # part; no text matches both it and the OIDC pattern.
    if "saml-provider/" in value and SAML_PROVIDER_ARN.fullmatch(value):
        return ASSUME_SAML
    if value in WEB_IDENTITY_PROVIDERS or oidc_provider(value) is not None:
        return ASSUME_WEB
    return None
