"""Rules about federated principals.

An IAM OIDC provider's ARN ends with the provider's URL *without* its scheme
(``arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com``),
as the principal page shows
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity);
an ARN written with ``https://`` names a provider that cannot exist. Access
Analyzer reports it as "Invalid federated principal syntax in role trust policy"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

from ..aws.arns import OIDC_PROVIDER_ARN_WITH_SCHEME
from ..codes import PAGES, finding_at
from ..findings import Finding
from .registry import RuleInput, statement_rule


@statement_rule
def oidc_provider_arn_with_scheme(given: RuleInput) -> list[Finding]:
    """``oidc-provider/https://host`` instead of ``oidc-provider/host``.

    A list, not a generator: it runs on every statement and almost never finds
    anything; only a federated principal with ``://`` in it is matched against the
    pattern.
    """
    principal = given.statement.principal
    if principal is None:
        return []
    out: list[Finding] = []
    for entry in principal.entries:
        if entry.kind != "Federated" or "://" not in entry.value:
            continue
        match = OIDC_PROVIDER_ARN_WITH_SCHEME.fullmatch(entry.value)
        if match is None:
            continue
        fixed = entry.value.replace(match.group(1), "", 1)
        out.append(
            finding_at(
                "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
                f'"{entry.value}" writes the provider with {match.group(1)}, but an IAM OIDC '
                "provider's ARN holds its URL without the scheme, so this names a provider that "
                f'cannot exist and nobody gets in. Write "{fixed}".',
                entry.span,
                PAGES["principal"] + "#principal-federated-web-identity",
            )
        )
    return out
