"""Resource control policies (RCPs) on the role's account.

Since November 2024 an RCP can restrict ``sts:AssumeRole*`` (and the other STS
actions on a role) for every caller, inside or outside the organization. The
rules followed here come from AWS Organizations' pages:

- RCPs set the maximum permissions for resources in member accounts and grant
  nothing (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
- the AWS managed RCPFullAWSAccess is attached to the root, every OU and every
  account and cannot be detached, so every level always allows: only a Deny in an
  RCP of the root, an OU on the path or the account stops a request
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html);
- they apply to any principal, including principals of the same account and of
  other organizations, and to AWS STS among the services they support (same page);
- they do not restrict requests made by AWS service principals, nor service-linked
  roles (section "Resources and entities not restricted by RCPs", same page);
- they do not affect resources of the management account, so a case gives
  ``rcps`` only for a role in a member account (the case format says the RCPs in
  force for the role's account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import Request
from .results import Decision, LayerResult

#: The path of every service-linked role (``SERVICE_LINKED_ROLES_PAGE`` in :mod:`.aws.docs`).
SERVICE_LINKED_PATH = "role/aws-service-role/"


@dataclass(slots=True)
class RcpSide:
    """The RCPs of the role's account for one action: whether they apply, and their levels."""

    exempt: str | None  # why the RCPs do not apply (a reason code), None when they do
    levels: list[LayerResult] = field(default_factory=list)

    @property
    def decision(self) -> Decision:
        if self.exempt is None and any(level.denies for level in self.levels):
            return "explicitDeny"
        return "allowed"  # RCPFullAWSAccess allows at every level

    def to_dict(self) -> dict[str, Any]:
        return {
            "applies": self.exempt is None,
            "exempt_reason": self.exempt,
            "decision": self.decision,
            "policies": [{"name": level.name, "decision": level.decision} for level in self.levels],
            "statements": [s.to_dict() for level in self.levels for s in level.statements],
        }


def rcp_exemption(request: Request) -> str | None:
    """Why the RCPs of the role's account do not apply to this request, if they do not."""
    if request.caller.kind == "service":
        return "service_principal"
    if request.role is not None and request.role.resource.startswith(SERVICE_LINKED_PATH):
        return "service_linked_role"
    return None
