"""ARN grammar and the identifiers that appear in trust policies.

Sources (IAM User Guide unless noted):

- ARN format, ``arn:partition:service:region:account:resource``:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
- IAM and STS resource ARNs (users, roles with paths, role sessions, providers)
  and unique ids (``AIDA`` users, ``AROA`` roles, the other prefixes):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
- Each AWS account is scoped to one partition (``aws``, ``aws-cn``,
  ``aws-us-gov``, ...): Access Analyzer's "Invalid partition" check,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: The partitions a role can live in.
PARTITION = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"

ACCOUNT_ID = re.compile(r"\d{12}")
#: An IAM or STS ARN of a principal: (partition, service, account, resource).
PRINCIPAL_ARN = re.compile(rf"arn:({PARTITION}):(iam|sts)::(\d{{12}}):(.+)", re.DOTALL)
#: Any IAM or STS ARN shape, for reading a request's principal (any partition name).
ANY_IAM_ARN = re.compile(r"arn:([a-z][a-z0-9-]*):(iam|sts)::(\d{12}):(.+)", re.DOTALL)
#: An account's root ARN (a PRINCIPAL_ARN of service iam, resource root), capturing the account.
ROOT_ARN = re.compile(rf"arn:{PARTITION}:iam::(\d{{12}}):root")
IAM_RESOURCE = re.compile(r"root|(user|role)(/[\x21-\x7e]*)?/[\w+=,.@-]+")
STS_RESOURCE = re.compile(r"assumed-role/[\w+=,.@-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+")
#: A valid IAM or STS principal ARN: a PRINCIPAL_ARN whose resource is an IAM_RESOURCE
#: (service iam) or an STS_RESOURCE (service sts), in one pattern.
VALID_PRINCIPAL_ARN = re.compile(
    rf"arn:{PARTITION}:(?:iam::\d{{12}}:(?:{IAM_RESOURCE.pattern})"
    rf"|sts::\d{{12}}:(?:{STS_RESOURCE.pattern}))"
)
#: A role ARN, capturing (partition, account, name) without the path.
ROLE_ARN = re.compile(r"arn:([a-z-]+):iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)")
#: A role session ARN, capturing (partition, account, role name).
SESSION_ARN = re.compile(r"arn:([a-z-]+):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/[\w+=,.@-]+")
#: An IAM OIDC provider ARN; its provider part is the issuer URL without its scheme.
OIDC_PROVIDER_ARN = re.compile(
    rf"arn:{PARTITION}:iam::\d{{12}}:oidc-provider/(?!https?://)([^\s/]+(?:/\S+)?)", re.I
)
#: An OIDC provider ARN written with the scheme, which names no provider.
OIDC_PROVIDER_ARN_WITH_SCHEME = re.compile(
    r"arn:[a-z-]+:iam::\d{12}:oidc-provider/(https?://)(\S*)", re.I
)
SAML_PROVIDER_ARN = re.compile(rf"arn:{PARTITION}:iam::\d{{12}}:saml-provider/[\w+=,.@-]+")
#: An Amazon S3 canonical user id.
CANONICAL_USER = re.compile(r"[0-9a-f]{64}")

#: IAM unique ids, by their documented prefixes.
UNIQUE_ID = re.compile(r"A(?:IDA|ROA|GPA|NPA|NVA|SIA|KIA|CCA|PKA|BIA|3T|IPA)[A-Z0-9]{12,}")
#: What the prefixes that can stand in a trust policy (a deleted user or role) name.
UNIQUE_ID_KINDS = {"AIDA": "user", "AROA": "role"}


@lru_cache(maxsize=256)
def oidc_provider(text: str) -> str | None:
    """The provider an IAM OIDC provider ARN names (its URL without the scheme), or
    ``None`` for other text.

    Cached (and emptied with every engine cache by ``clear_caches``): three rules read
    each federated principal of a statement, and the case-blind pattern is slow.
    """
    match = OIDC_PROVIDER_ARN.fullmatch(text)
    return None if match is None else match.group(1)


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN split into its six parts."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def text(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def arn_parts(text: str) -> list[str] | None:
    """The six colon-separated parts of an ARN ("arn", partition, service, region,
    account, resource), or ``None`` when ``text`` is not ARN-shaped."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return parts


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its parts, or ``None`` when it is not ARN-shaped."""
    parts = arn_parts(text)
    return None if parts is None else Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def is_unique_id(value: str) -> bool:
    """Whether ``value`` is an IAM unique id (``AIDA…``, ``AROA…``, ...)."""
    return UNIQUE_ID.fullmatch(value) is not None


def unique_id_kind(value: str) -> str | None:
    """``"user"`` or ``"role"`` for the unique id of a (deleted) user or role."""
    if not is_unique_id(value):
        return None
    return UNIQUE_ID_KINDS.get(value[:4])
