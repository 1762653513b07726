"""The kinds of caller the playground's scenario form knows, with sensible defaults.

Each preset fills in the principal, the action that kind of caller uses, and
the condition keys that matter for it, with example values. The role being
assumed lives in account 111122223333 ("this account"); 444455556666 is the
other account.

Sources (IAM User Guide unless noted):
- Service roles and the confused deputy keys (``aws:SourceAccount``,
  ``aws:SourceArn``): https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
- ``sts:ExternalId``: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
- ``aws:PrincipalOrgID``: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- GitHub OIDC claims: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
- EKS service accounts: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- Cognito identity pools: https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
- SAML keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

THIS_ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
DEFAULT_ROLE_ARN = f"arn:aws:iam::{THIS_ACCOUNT}:role/PlaygroundRole"

EKS_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
COGNITO_POOL = "us-east-1:12345678-abcd-abcd-abcd-123456789012"

#: The actions a trust policy can allow (the engine contract's list).
ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)


@dataclass(frozen=True, slots=True)
class Preset:
    """One kind of caller: what it sends and which keys a trust policy checks for it."""

    slug: str
    label: str
    principal: str
    action: str
    context: tuple[tuple[str, str], ...] = ()
    suggested_keys: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "principal": self.principal,
            "action": self.action,
            "context": [list(row) for row in self.context],
            "keys": list(self.suggested_keys),
        }


_SERVICE_KEYS = ("aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID")

PRESETS: tuple[Preset, ...] = (
    Preset(
        "ec2",
        "An EC2 instance",
        "ec2.amazonaws.com",
        "sts:AssumeRole",
        (),
        _SERVICE_KEYS,
    ),
    Preset(
        "lambda",
        "A Lambda function",
        "lambda.amazonaws.com",
        "sts:AssumeRole",
        (),
        _SERVICE_KEYS,
    ),
    Preset(
        "ecs-task",
        "An ECS task",
        "ecs-tasks.amazonaws.com",
        "sts:AssumeRole",
        (
            ("aws:SourceAccount", THIS_ACCOUNT),
            ("aws:SourceArn", f"arn:aws:ecs:us-east-1:{THIS_ACCOUNT}:task/web/0123456789abcdef"),
        ),
        _SERVICE_KEYS,
    ),
    Preset(
        "same-account",
        "A user or role in this account",
        f"arn:aws:iam::{THIS_ACCOUNT}:user/alice",
        "sts:AssumeRole",
        (("aws:MultiFactorAuthPresent", "true"),),
        (
            "aws:MultiFactorAuthPresent",
            "aws:PrincipalArn",
            "aws:PrincipalTag/team",
            "sts:RoleSessionName",
            "sts:SourceIdentity",
        ),
    ),
    Preset(
        "other-account",
        "A role in another account",
        f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/DeployRole/pipeline-run-42",
        "sts:AssumeRole",
        (("sts:ExternalId", "Example-Partner-7Q3z"), ("aws:PrincipalOrgID", "o-exampleorgid")),
        (
            "sts:ExternalId",
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:PrincipalArn",
            "aws:PrincipalTag/team",
            "aws:MultiFactorAuthPresent",
        ),
    ),
    Preset(
        "github",
        "A GitHub Actions workflow",
        f"arn:aws:iam::{THIS_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
        "sts:AssumeRoleWithWebIdentity",
        (
            ("token.actions.githubusercontent.com:aud", "sts.amazonaws.com"),
            (
                "token.actions.githubusercontent.com:sub",
                "repo:octo-org/octo-repo:ref:refs/heads/main",
            ),
        ),
        (
            "token.actions.githubusercontent.com:sub",
            "token.actions.githubusercontent.com:aud",
            "token.actions.githubusercontent.com:job_workflow_ref",
            "token.actions.githubusercontent.com:repository_owner",
        ),
    ),
    Preset(
        "eks",
        "An EKS service account",
        f"arn:aws:iam::{THIS_ACCOUNT}:oidc-provider/{EKS_ISSUER}",
        "sts:AssumeRoleWithWebIdentity",
        (
            (f"{EKS_ISSUER}:aud", "sts.amazonaws.com"),
            (f"{EKS_ISSUER}:sub", "system:serviceaccount:default:my-service-account"),
        ),
        (f"{EKS_ISSUER}:sub", f"{EKS_ISSUER}:aud"),
    ),
    Preset(
        "cognito",
        "A Cognito identity",
        "cognito-identity.amazonaws.com",
        "sts:AssumeRoleWithWebIdentity",
        (
            ("cognito-identity.amazonaws.com:aud", COGNITO_POOL),
            ("cognito-identity.amazonaws.com:amr", "authenticated"),
        ),
        (
            "cognito-identity.amazonaws.com:aud",
            "cognito-identity.amazonaws.com:amr",
            "cognito-identity.amazonaws.com:sub",
        ),
    ),
    Preset(
        "saml",
        "A SAML user",
        f"arn:aws:iam::{THIS_ACCOUNT}:saml-provider/ExampleIdP",
        "sts:AssumeRoleWithSAML",
        (("SAML:aud", "https://signin.aws.amazon.com/saml"),),
        ("SAML:aud", "SAML:sub", "SAML:sub_type", "SAML:iss", "SAML:namequalifier"),
    ),
)

PRESETS_BY_SLUG: dict[str, Preset] = {p.slug: p for p in PRESETS}
DEFAULT_PRESET = PRESETS_BY_SLUG["ec2"]

#: Keys offered in every condition row, after the chosen preset's own.
COMMON_KEYS = (
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:MultiFactorAuthPresent",
    "aws:RequestTag/team",
    "aws:TagKeys",
    "sts:ExternalId",
    "sts:RoleSessionName",
    "sts:SourceIdentity",
)


def suggested_keys(preset: Preset | None) -> list[str]:
    """The keys to offer: the preset's first, then the common ones."""
    first = list(preset.suggested_keys) if preset else []
    return first + [k for k in COMMON_KEYS if k not in first]
