"""Starting points for the playground: correct trust policies from the AWS
documentation's patterns, and a few with a hole in them to find.

Every correct template validates without an ``error`` or ``security_warning``
finding, and every "find the hole" template has at least one; the tests check
both, so a change in the engine cannot quietly turn a good example bad.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from policies.presets import COGNITO_POOL, EKS_ISSUER, OTHER_ACCOUNT, THIS_ACCOUNT

_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


@dataclass(frozen=True, slots=True)
class Starter:
    """One template: a policy, the caller it is about, and where the pattern comes from."""

    slug: str
    title: str
    summary: str
    preset: str
    policy: dict[str, Any]
    source: str
    vulnerable: bool = False
    #: For "find the hole" templates: what is wrong, revealed on request.
    hole: str = ""

    @property
    def policy_text(self) -> str:
        return json.dumps(self.policy, indent=2) + "\n"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(principal: dict[str, Any], action: str, condition: dict | None = None, sid: str = ""):
    statement: dict[str, Any] = {}
    if sid:
        statement["Sid"] = sid
    statement |= {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return statement


_GITHUB = "token.actions.githubusercontent.com"
_GITHUB_PROVIDER = f"arn:aws:iam::{THIS_ACCOUNT}:oidc-provider/{_GITHUB}"

STARTERS: tuple[Starter, ...] = (
    Starter(
        "ec2",
        "EC2 instance role",
        "Lets EC2 hand the role to instances through an instance profile.",
        "ec2",
        _policy(_allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", sid="EC2Instances")),
        _GUIDE + "id_roles_use_switch-role-ec2.html",
    ),
    Starter(
        "lambda",
        "Lambda execution role",
        "Lets the Lambda service assume the role when it runs your function.",
        "lambda",
        _policy(_allow({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole", sid="LambdaService")),
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    ),
    Starter(
        "ecs-task",
        "ECS task role",
        "Lets ECS tasks of this account assume the role, guarded against the confused deputy.",
        "ecs-task",
        _policy(
            _allow(
                {"Service": "ecs-tasks.amazonaws.com"},
                "sts:AssumeRole",
                {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:us-east-1:{THIS_ACCOUNT}:*"},
                    "StringEquals": {"aws:SourceAccount": THIS_ACCOUNT},
                },
                sid="EcsTasksOfThisAccount",
            )
        ),
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    ),
    Starter(
        "cross-account-external-id",
        "Third party with an external ID",
        "Trusts a partner's account only when it passes the external ID you agreed on.",
        "other-account",
        _policy(
            _allow(
                {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "sts:AssumeRole",
                {"StringEquals": {"sts:ExternalId": "Example-Partner-7Q3z"}},
                sid="PartnerWithExternalId",
            )
        ),
        _GUIDE + "id_roles_common-scenarios_third-party.html",
    ),
    Starter(
        "cross-account-one-role",
        "Cross-account, one role",
        "Trusts one named role in another account, not the whole account.",
        "other-account",
        _policy(
            _allow(
                {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:role/DeployRole"},
                "sts:AssumeRole",
                sid="DeployRoleOnly",
            )
        ),
        _GUIDE + "reference_policies_elements_principal.html",
    ),
    Starter(
        "org-wide",
        "Everyone in my organization",
        "Trusts principals of any account in one AWS Organization (aws:PrincipalOrgID).",
        "other-account",
        _policy(
            _allow(
                {"AWS": "*"},
                "sts:AssumeRole",
                {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}},
                sid="AnyoneInMyOrganization",
            )
        ),
        _GUIDE + "reference_policies_condition-keys.html#condition-keys-principalorgid",
    ),
    Starter(
        "github-actions",
        "GitHub Actions, one repository and branch",
        "Lets workflows of one repository, on its main branch, assume the role through OIDC.",
        "github",
        _policy(
            _allow(
                {"Federated": _GITHUB_PROVIDER},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {
                        f"{_GITHUB}:aud": "sts.amazonaws.com",
                        f"{_GITHUB}:sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
                    }
                },
                sid="OctoRepoMainBranch",
            )
        ),
        _GUIDE + "id_roles_create_for-idp_oidc.html",
    ),
    Starter(
        "eks-irsa",
        "EKS service account (IRSA)",
        "Lets one Kubernetes service account of one cluster assume the role.",
        "eks",
        _policy(
            _allow(
                {"Federated": f"arn:aws:iam::{THIS_ACCOUNT}:oidc-provider/{EKS_ISSUER}"},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {
                        f"{EKS_ISSUER}:aud": "sts.amazonaws.com",
                        f"{EKS_ISSUER}:sub": "system:serviceaccount:default:my-service-account",
                    }
                },
                sid="OneServiceAccount",
            )
        ),
        "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
    ),
    Starter(
        "cognito",
        "Cognito identity pool, signed-in users",
        "Lets authenticated identities of one identity pool assume the role.",
        "cognito",
        _policy(
            _allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": COGNITO_POOL},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"
                    },
                },
                sid="SignedInUsersOfOnePool",
            )
        ),
        "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html",
    ),
    Starter(
        "saml",
        "SAML 2.0 federation",
        "Lets users of your SAML identity provider sign in to the AWS console with the role.",
        "saml",
        _policy(
            _allow(
                {"Federated": f"arn:aws:iam::{THIS_ACCOUNT}:saml-provider/ExampleIdP"},
                "sts:AssumeRoleWithSAML",
                {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                sid="ExampleIdPUsers",
            )
        ),
        _GUIDE + "id_roles_create_for-idp_saml.html",
    ),
    # --- Find the hole -------------------------------------------------------------------
    Starter(
        "hole-github-any-repo",
        "Find the hole: GitHub deploy role",
        "A deploy role for GitHub Actions. Who else can use it?",
        "github",
        _policy(
            _allow(
                {"Federated": _GITHUB_PROVIDER},
                "sts:AssumeRoleWithWebIdentity",
                {"StringEquals": {f"{_GITHUB}:aud": "sts.amazonaws.com"}},
                sid="GitHubDeploy",
            )
        ),
        _GUIDE + "id_roles_create_for-idp_oidc.html",
        vulnerable=True,
        hole=(
            "Nothing checks token.actions.githubusercontent.com:sub, so a workflow in any "
            "GitHub repository, anyone's, can get a token with this audience and assume the role."
        ),
    ),
    Starter(
        "hole-aws-star",
        "Find the hole: shared read-only role",
        "A role meant for the other teams of the company.",
        "other-account",
        _policy(_allow({"AWS": "*"}, "sts:AssumeRole", sid="OtherTeams")),
        _GUIDE + "reference_policies_elements_principal.html",
        vulnerable=True,
        hole=(
            '"AWS": "*" with no condition names every AWS principal in every account. '
            "Their own administrators decide whether they may call sts:AssumeRole, not you."
        ),
    ),
    Starter(
        "hole-github-wildcard",
        "Find the hole: GitHub role for our organization",
        "Meant for every repository of the octo-org organization.",
        "github",
        _policy(
            _allow(
                {"Federated": _GITHUB_PROVIDER},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {f"{_GITHUB}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{_GITHUB}:sub": "repo:*"},
                },
                sid="OurRepositories",
            )
        ),
        _GUIDE + "id_roles_create_for-idp_oidc.html",
        vulnerable=True,
        hole=(
            "The pattern repo:* matches every repository on GitHub, not just octo-org's. "
            "Pin the owner and repository: repo:octo-org/octo-repo:ref:refs/heads/main."
        ),
    ),
    Starter(
        "hole-cognito-any-pool",
        "Find the hole: Cognito app role",
        "The role a mobile app's signed-in users get.",
        "cognito",
        _policy(
            _allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                "sts:AssumeRoleWithWebIdentity",
                {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}},
                sid="SignedInUsers",
            )
        ),
        "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html",
        vulnerable=True,
        hole=(
            "Without cognito-identity.amazonaws.com:aud, signed-in users of any identity pool, "
            "in any account, can assume the role. Pin the audience to your pool's id."
        ),
    ),
)

STARTERS_BY_SLUG: dict[str, Starter] = {s.slug: s for s in STARTERS}
DEFAULT_STARTER = STARTERS_BY_SLUG["ec2"]
