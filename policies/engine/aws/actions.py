"""AWS STS actions, and those a role trust policy controls.

Source: "Actions defined by AWS Security Token Service",
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
"""

from __future__ import annotations

import re

#: Every action of AWS STS.
STS_ACTIONS = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetFederationToken",
    "GetServiceBearerToken",
    "GetSessionToken",
    "SetContext",
    "SetSourceIdentity",
    "TagSession",
)
#: The STS actions a role trust policy controls.
TRUST_ACTIONS = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "SetContext",
    "SetSourceIdentity",
    "TagSession",
)
#: The trust actions as the documentation spells them (``sts:AssumeRole``...).
TRUST_ACTION_NAMES = frozenset(f"sts:{name}" for name in TRUST_ACTIONS)
ASSUME = "sts:AssumeRole"
ASSUME_SAML = "sts:AssumeRoleWithSAML"
ASSUME_WEB = "sts:AssumeRoleWithWebIdentity"
#: The three ways to assume a role, in lower case (action names ignore case).
ASSUME_ACTIONS = frozenset(name.lower() for name in (ASSUME, ASSUME_SAML, ASSUME_WEB))
STS_BY_LOWER = {name.lower(): name for name in STS_ACTIONS}
ASSUME_BY_LOWER = {name.lower(): name for name in (ASSUME, ASSUME_SAML, ASSUME_WEB)}

#: An action name, ``service:Action`` with ``*``/``?`` wildcards allowed.
ACTION_NAME = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
