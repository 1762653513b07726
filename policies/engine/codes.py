"""The catalogue of finding codes: severity, a one-line title and the AWS page.

Where IAM Access Analyzer has a policy check for the same thing, the code is
Access Analyzer's issue code (IAM Access Analyzer policy check reference,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
Other codes are this project's own, in the same style, and say so in
``CodeInfo.ours``.

Severity follows Access Analyzer, with one rule on top: in this engine an
``error`` means that AWS would not accept the policy as a role trust policy,
so evaluation answers ``implicitDeny``. Where Access Analyzer reports an error
for text that IAM still accepts and evaluates (a policy variable under an old
version, an unknown global condition key), the code is kept and the severity
is ``warning``, so that the decision stays what AWS would decide;
``CodeInfo.deviates`` marks those.
"""

from __future__ import annotations

from dataclasses import dataclass

from .aws.docs import (
    CHECKS_PAGE,
    CONDITION_KEYS_PAGE,
    GUIDE,
    OIDC_PAGE,
    OPERATORS_PAGE,
    PRINCIPAL_PAGE,
    VARIABLES_PAGE,
)
from .findings import Finding, Severity
from .parser import Span

__all__ = ["CODES", "PAGES", "CodeInfo", "finding_at", "learn_more", "severity_of"]

_GUIDE = GUIDE
_CHECKS = CHECKS_PAGE
_PRINCIPAL = PRINCIPAL_PAGE
_OPERATORS = OPERATORS_PAGE
_VARIABLES = VARIABLES_PAGE
_OIDC = OIDC_PAGE

#: AWS pages that findings link to when a more specific page helps.
PAGES: dict[str, str] = {
    "principal": _PRINCIPAL,
    "operators": _OPERATORS,
    "variables": _VARIABLES,
    "oidc": _OIDC,
    "version": _GUIDE + "reference_policies_elements_version.html",
    "sid": _GUIDE + "reference_policies_elements_sid.html",
    "statement": _GUIDE + "reference_policies_elements_statement.html",
    "effect": _GUIDE + "reference_policies_elements_effect.html",
    "action": _GUIDE + "reference_policies_elements_action.html",
    "condition": _GUIDE + "reference_policies_elements_condition.html",
    "condition_keys": CONDITION_KEYS_PAGE,
    "multivalued": _GUIDE + "reference_policies_condition-single-vs-multi-valued-context-keys.html",
    "quotas": _GUIDE + "reference_iam-quotas.html",
    "saml": _GUIDE + "id_roles_providers_create_saml_assertions.html",
    "cognito": "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html",
    "confused_deputy": _GUIDE + "confused-deputy.html",
    "external_id": _GUIDE + "id_roles_common-scenarios_third-party.html",
}


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a finding code means."""

    code: str
    severity: Severity
    title: str
    learn_more: str
    ours: bool = False
    deviates: bool = False


def _aa(
    code: str, severity: Severity, title: str, anchor: str, *, deviates: bool = False
) -> CodeInfo:
    kind = {
        "error": "error",
        "security_warning": "security-warning",
        "warning": "general-warning",
        "suggestion": "suggestion",
    }
    section = kind["error" if deviates else severity]
    return CodeInfo(
        code,
        severity,
        title,
        f"{_CHECKS}#access-analyzer-reference-policy-checks-{section}-{anchor}",
        deviates=deviates,
    )


def _own(code: str, severity: Severity, title: str, url: str) -> CodeInfo:
    return CodeInfo(code, severity, title, url, ours=True)


_ALL: tuple[CodeInfo, ...] = (
    # --- The text itself -------------------------------------------------------------
    _aa("JSON_SYNTAX_ERROR", "error", "The policy is not valid JSON", "json-syntax-error"),
    _own(
        "POLICY_TOO_LARGE_TO_CHECK",
        "error",
        "The text is larger than the checker reads at all",
        _GUIDE + "reference_iam-quotas.html",
    ),
    _own(
        "POLICY_TOO_COMPLEX_TO_CHECK",
        "error",
        "The JSON is nested too deeply, or has too many items or too long a string",
        _GUIDE + "reference_policies_grammar.html",
    ),
    _own(
        "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
        "error",
        "The trust policy is longer than the default quota of 2,048 characters",
        _GUIDE + "reference_iam-quotas.html",
    ),
    _own(
        "DUPLICATE_KEY",
        "warning",
        "The same key appears twice in one JSON object; only the last one counts",
        _GUIDE + "reference_policies_grammar.html",
    ),
    _aa(
        "DATA_TYPE_MISMATCH",
        "error",
        "An element has the wrong JSON type (for example a number where text is needed)",
        "data-type-mismatch",
    ),
    _aa(
        "INVALID_POLICY_ELEMENT",
        "error",
        "An element name that policies do not have",
        "invalid-policy-element",
    ),
    # --- Version, Statement, Sid, Effect, Action --------------------------------------
    _aa("MISSING_VERSION", "warning", "The policy has no Version element", "missing-version"),
    _aa("INVALID_VERSION", "error", "Version is not 2012-10-17 or 2008-10-17", "invalid-version"),
    _aa("MISSING_STATEMENT", "error", "The policy has no Statement element", "missing-statement"),
    _own(
        "EMPTY_ARRAY_STATEMENT",
        "suggestion",
        "The Statement list is empty, so the policy lets nobody in",
        _GUIDE + "reference_policies_elements_statement.html",
    ),
    _aa(
        "UNIQUE_SIDS_REQUIRED",
        "error",
        "Two statements have the same Sid",
        "unique-sids-required",
    ),
    _aa(
        "UNSUPPORTED_SID",
        "error",
        "A Sid may hold only letters A-Z, a-z and digits 0-9",
        "unsupported-sid",
    ),
    _aa("MISSING_EFFECT", "error", "A statement has no Effect", "missing-effect"),
    _aa("INVALID_EFFECT", "error", "Effect must be Allow or Deny", "invalid-effect"),
    _aa("MISSING_ACTION", "error", "A statement has no Action or NotAction", "missing-action"),
    _aa("INVALID_ACTION", "error", "The action does not exist", "invalid-action"),
    _own(
        "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
        "warning",
        "This action never applies to a role trust policy",
        _GUIDE + "id_roles_terms-and-concepts.html",
    ),
    _aa(
        "UNSUPPORTED_ELEMENT_COMBINATION",
        "error",
        "Two elements that exclude each other are in one statement",
        "unsupported-element-combination",
    ),
    _aa("EMPTY_ARRAY_ACTION", "suggestion", "The Action list is empty", "empty-array-action"),
    _aa(
        "EMPTY_ARRAY_NOT_ACTION",
        "suggestion",
        "The NotAction list is empty",
        "empty-array-notaction",
    ),
    # --- Principal ----------------------------------------------------------------------
    _aa(
        "MISSING_PRINCIPAL",
        "error",
        "A trust policy statement has no Principal",
        "missing-principal",
    ),
    _aa(
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
        "error",
        "NotPrincipal cannot be used in a role trust policy",
        "role-trust-policy-syntax-error-notprincipal",
    ),
    _aa(
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
        "error",
        "Resource and NotResource cannot be used in a role trust policy",
        "role-trust-policy-syntax-error-resource",
    ),
    _aa(
        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        "error",
        'A bare "Principal": "*" cannot be used in a role trust policy',
        "role-trust-policy-unsupported-wildcard-in-principal",
    ),
    _aa(
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        "error",
        "A principal cannot be partly a wildcard",
        "unsupported-wildcard-in-principal",
    ),
    _aa(
        "INVALID_PRINCIPAL_KEY",
        "error",
        "The principal type must be AWS, Service, Federated or CanonicalUser",
        "invalid-principal-key",
    ),
    _aa(
        "INVALID_PRINCIPAL_FORMAT",
        "error",
        "The principal is not an account, user, role, session or root ARN",
        "invalid-principal-format",
    ),
    _aa(
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        "error",
        "A service principal looks like service.amazonaws.com",
        "invalid-service-principal-format",
    ),
    _aa(
        "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
        "error",
        "A federated principal is an identity provider ARN or a supported provider name",
        "invalid-federated-principal-syntax-in-role-trust-policy",
    ),
    _aa(
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        "error",
        "The action does not fit the federated principal",
        "mismatched-action-for-principal",
    ),
    _aa(
        "EMPTY_ARRAY_PRINCIPAL", "suggestion", "A principal list is empty", "empty-array-principal"
    ),
    _aa(
        "EMPTY_OBJECT_PRINCIPAL",
        "suggestion",
        "The Principal object is empty",
        "empty-object-principal",
    ),
    _aa(
        "INVALID_ROLE_REFERENCE",
        "warning",
        "A role's unique ID (AROA...) stands where its ARN was: the role was deleted",
        "invalid-role-reference",
    ),
    _aa(
        "INVALID_USER_REFERENCE",
        "warning",
        "A user's unique ID (AIDA...) stands where its ARN was: the user was deleted",
        "invalid-user-reference",
    ),
    # --- Condition ----------------------------------------------------------------------
    _aa(
        "INVALID_CONDITION_OPERATOR",
        "error",
        "The condition operator does not exist",
        "invalid-condition-operator",
    ),
    _aa(
        "NULL_WITH_IF_EXISTS",
        "error",
        "The Null operator cannot take IfExists",
        "null-with-if-exists",
    ),
    _aa(
        "INVALID_CONDITION_DATA_TYPE",
        "error",
        "The values of one condition key mix JSON types (text, numbers, booleans)",
        "invalid-condition-data-type",
    ),
    _aa(
        "INVALID_CONDITION_MULTIPLE_BOOLEAN",
        "warning",
        "A Boolean condition key is tested against several values",
        "invalid-condition-multiple-boolean",
        deviates=True,
    ),
    _aa(
        "TYPE_MISMATCH_BOOLEAN",
        "warning",
        "A Bool or Null operator has a value other than true or false",
        "type-mismatch-boolean",
    ),
    _aa(
        "TYPE_MISMATCH_DATE",
        "warning",
        "A Date operator has a value that is not a date",
        "type-mismatch-date",
    ),
    _aa(
        "TYPE_MISMATCH_NUMBER",
        "warning",
        "A Numeric operator has a value that is not a number",
        "type-mismatch-number",
    ),
    _aa(
        "TYPE_MISMATCH_IP_RANGE",
        "warning",
        "An IP address operator has a value that is not an IP address or CIDR range",
        "type-mismatch-ip-range",
        deviates=True,
    ),
    _aa(
        "TYPE_MISMATCH_STRING",
        "warning",
        "BinaryEquals has a value that is not base64-encoded",
        "type-mismatch-string",
    ),
    _own(
        "TYPE_MISMATCH_ARN",
        "warning",
        "An ARN operator has a value that is not an ARN",
        _OPERATORS + "#Conditions_ARN",
    ),
    _aa(
        "IMPROVE_IP_RANGE",
        "suggestion",
        "A CIDR range has bits set after its prefix length; AWS ignores them",
        "improve-ip-range",
    ),
    _aa(
        "PRIVATE_IP_ADDRESS",
        "warning",
        "aws:SourceIp is compared only with private ranges, so it never matches",
        "private-ip-address",
        deviates=True,
    ),
    _aa(
        "PRIVATE_NOT_IP_ADDRESS",
        "warning",
        "NotIpAddress on aws:SourceIp lists only private ranges, so it limits nothing",
        "private-not-ip-address",
        deviates=True,
    ),
    _aa(
        "PRIVATE_IP_ADDRESS_SUBSET",
        "suggestion",
        "aws:SourceIp mixes public and private ranges; the private ones have no effect",
        "private-ip-address-subset",
    ),
    _aa(
        "PRIVATE_NOT_IP_ADDRESS_SUBSET",
        "suggestion",
        "NotIpAddress on aws:SourceIp mixes public and private ranges",
        "private-not-ip-address-subset",
    ),
    _aa(
        "NULL_WITH_QUALIFIER",
        "suggestion",
        "Null with ForAllValues or ForAnyValue is always true or always false",
        "null-with-qualifier",
    ),
    _aa(
        "TYPE_MISMATCH",
        "warning",
        "The operator does not fit the type of the condition key",
        "type-mismatch",
    ),
    _aa(
        "INVALID_CONDITION_KEY_FORMAT",
        "error",
        "A condition key looks like service:keyname",
        "invalid-condition-key-format",
    ),
    _aa(
        "INVALID_GLOBAL_CONDITION_KEY",
        "warning",
        "The aws: condition key does not exist, so it is never in the request",
        "invalid-global-condition-key",
        deviates=True,
    ),
    _aa(
        "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
        "error",
        "A condition key appears twice in one block with different capitalization",
        "duplicate-keys-with-different-case",
    ),
    _aa(
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        "security_warning",
        "ForAllValues with a single-valued key also matches when the key is missing",
        "forallvalues-with-single-valued-key",
    ),
    _aa(
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        "warning",
        "A value has * or ? but the operator takes them literally",
        "wildcard-without-like-operator",
    ),
    _aa(
        "EMPTY_OBJECT_CONDITION",
        "suggestion",
        "The Condition object (or an operator block) is empty",
        "empty-object-condition",
    ),
    _aa(
        "EMPTY_ARRAY_CONDITION",
        "suggestion",
        "A condition key has an empty list of values",
        "empty-array-condition",
    ),
    _aa(
        "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "suggestion",
        "ForAllValues with an empty list matches only when the key is missing",
        "empty-array-condition-forallvalues",
    ),
    _aa(
        "EMPTY_ARRAY_CONDITION_FORANYVALUE",
        "suggestion",
        "ForAnyValue with an empty list never matches",
        "empty-array-condition-foranyvalue",
    ),
    _aa(
        "EMPTY_ARRAY_CONDITION_IFEXISTS",
        "suggestion",
        "IfExists with an empty list matches only when the key is missing",
        "empty-array-condition-ifexists",
    ),
    # --- Policy variables ---------------------------------------------------------------
    _aa(
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        "warning",
        "Policy variables work only with Version 2012-10-17",
        "variable-unsupported-in-version",
        deviates=True,
    ),
    _aa(
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        "error",
        "Policy variables work only in Resource and in condition values",
        "variable-unsupported-in-element",
    ),
    _aa(
        "MISSING_BRACE_IN_VARIABLE",
        "error",
        "A policy variable is missing its closing brace",
        "missing-brace-in-variable",
    ),
    _aa("EMPTY_VARIABLE", "error", "A policy variable is empty", "empty-variable"),
    _aa(
        "MISSING_QUOTE_IN_VARIABLE",
        "error",
        "A policy variable's default value is not in single quotes",
        "missing-quote-in-variable",
    ),
    _aa(
        "INVALID_VARIABLE_FOR_OPERATOR",
        "warning",
        "Policy variables work only with String and ARN operators",
        "invalid-variable-for-operator",
        deviates=True,
    ),
    _aa(
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        "error",
        "A policy variable has a space in its name",
        "unsupported-space-in-variable",
    ),
    _aa(
        "INVALID_SERVICE_CONDITION_KEY",
        "warning",
        "The condition key does not exist in the service (a typo in an sts: key)",
        "invalid-service-condition-key",
        deviates=True,
    ),
    _aa(
        "MISSING_TAG_KEY_IN_CONDITION",
        "warning",
        "A tag condition key names no tag key",
        "missing-tag-key-in-condition",
        deviates=True,
    ),
    _aa(
        "MISSING_ACTION_FOR_CONDITION_KEY",
        "warning",
        "A condition on a session key in a statement that does not allow the action setting it",
        "missing-action-for-condition-key",
        deviates=True,
    ),
    _aa("INVALID_DATE_VALUE", "warning", "A date written as epoch seconds", "invalid-date-value"),
    _aa(
        "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED",
        "warning",
        "The GitHub subject condition admits every repository of one owner",
        "specific-github-repo-and-branch-recommended",
    ),
    # --- Security warnings --------------------------------------------------------------
    _aa(
        "MISSING_GITHUB_REPO_CONDITION_KEY",
        "security_warning",
        "A GitHub Actions trust without a repository condition lets any repository in",
        "missing-github-repo-condition-key",
    ),
    _own(
        "OVERLY_PERMISSIVE_GITHUB_REPO_CONDITION",
        "security_warning",
        "The GitHub subject condition admits any repository (or any of an owner's)",
        _OIDC,
    ),
    _aa(
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
        "security_warning",
        "A web identity trust without its audience or subject condition",
        "missing-condition-key-for-oidc-principal",
    ),
    _own(
        "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL",
        "security_warning",
        '{"AWS": "*"} without a condition lets every AWS account in',
        _PRINCIPAL + "#principal-anonymous",
    ),
    _aa(
        "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE",
        "security_warning",
        "ForAnyValue on the single-valued audience claim of a web identity token",
        "foranyvalue-with-audience-claim-type",
    ),
    _aa(
        "MISSING_PAIRED_CONDITION_KEYS",
        "security_warning",
        "A condition key that is only safe next to a related key (aws:VpcSourceIp without "
        "aws:SourceVpc)",
        "missing-paired-condition-keys",
    ),
    _aa(
        "UNTRUSTWORTHY_CONDITION_KEY",
        "security_warning",
        "A condition key whose value the caller writes itself (aws:UserAgent, aws:referer)",
        "untrustworthy-condition-key",
    ),
    _aa(
        "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
        "security_warning",
        "StringLike compares an ARN key as plain text; ArnLike compares it field by field",
        "string-like-operator-with-arn-condition-keys",
    ),
    # --- Access Analyzer errors that IAM accepts (kept as warnings) ----------------------
    _aa(
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        "warning",
        "aws:ARN is not a supported key: use aws:PrincipalArn or aws:SourceArn",
        "unsupported-global-condition-key",
        deviates=True,
    ),
    _aa(
        "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        "warning",
        "A condition key that a service principal's request never carries",
        "unsupported-condition-key-for-service-principal",
        deviates=True,
    ),
    _aa(
        "MISSING_QUALIFIER",
        "warning",
        "A multivalued key is tested without ForAnyValue or ForAllValues",
        "missing-qualifier",
        deviates=True,
    ),
    _aa(
        "INVALID_VPC_FORMAT",
        "warning",
        "An aws:SourceVpc value is not a VPC ID (vpc- and 8 or 17 letters or digits)",
        "invalid-vpc-format",
        deviates=True,
    ),
    _aa(
        "INVALID_REGION",
        "warning",
        "An aws:RequestedRegion value is not written like a Region code (us-east-1)",
        "invalid-region",
        deviates=True,
    ),
    _aa(
        "INVALID_VPCE_FORMAT",
        "warning",
        "An aws:SourceVpce value is not a VPC endpoint ID (vpce- and 8 or 17 letters or digits)",
        "invalid-vpce-format",
        deviates=True,
    ),
    _aa(
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "warning",
        "A condition key that some of the statement's assume actions never send",
        "unsupported-action-for-condition-key",
        deviates=True,
    ),
    _aa(
        "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
        "warning",
        "IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession",
        "missing-action-for-roles-anywhere-trust-policy",
        deviates=True,
    ),
    # --- Suggestions --------------------------------------------------------------------
    _aa(
        "REDUNDANT_CONDITION_VALUE_NUM",
        "suggestion",
        "Several bounds for one Numeric test: only the widest one counts",
        "redundant-condition-value-num",
    ),
    _aa(
        "EQUIVALENT_TO_NULL_FALSE",
        "suggestion",
        'A Like test against "*" only says the key is present: Null false says it plainly',
        "equivalent-to-null-false",
    ),
    _aa(
        "EQUIVALENT_TO_NULL_TRUE",
        "suggestion",
        'A NotLike test against "*" only says the key is missing: Null true says it plainly',
        "equivalent-to-null-true",
    ),
    _aa(
        "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        "suggestion",
        'A condition key tested against "*" in a way that always matches',
        "redundant-key-due-to-wildcard-in-condition",
    ),
    _aa(
        "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
        "suggestion",
        'A condition key tested against "*" in a way that never matches',
        "redundant-statement-due-to-wildcard-in-condition",
    ),
    _aa(
        "CONFIRM_AUDIENCE_CLAIM_TYPE",
        "suggestion",
        "The audience claim is single-valued: test it without a set operator",
        "confirm-audience-claim-type",
    ),
    _aa(
        "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY",
        "suggestion",
        "A role session is named next to its own role",
        "redundant-principal-in-role-trust-policy",
    ),
    _aa(
        "REDUNDANT_STATEMENT",
        "suggestion",
        "A statement repeats another one",
        "redundant-statement",
    ),
    _own(
        "MISSING_EXTERNAL_ID_FOR_CROSS_ACCOUNT_TRUST",
        "suggestion",
        "A whole other account is trusted without sts:ExternalId",
        _GUIDE + "id_roles_common-scenarios_third-party.html",
    ),
    _aa(
        "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        "suggestion",
        "A service principal is narrowed by a key that does not say whom the service acts for",
        "recommended-condition-key-for-service-principal",
    ),
    _own(
        "MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL",
        "suggestion",
        "A service that acts for many accounts is trusted without aws:SourceAccount or "
        "aws:SourceArn",
        _GUIDE + "confused-deputy.html",
    ),
)

#: Every finding code the engine can report, by code.
CODES: dict[str, CodeInfo] = {info.code: info for info in _ALL}


def severity_of(code: str) -> Severity:
    """The severity of a finding code."""
    return CODES[code].severity


def learn_more(code: str) -> str:
    """The AWS documentation page that explains a finding code."""
    return CODES[code].learn_more


def finding_at(code: str, message: str, span: Span, url: str | None = None) -> Finding:
    """A :class:`Finding` of ``code`` over ``span`` (``url`` overrides the code's page).

    The span is kept as it is: its positions are worked out only when read.
    """
    info = CODES[code]
    return Finding.over(code, info.severity, message, span, url or info.learn_more)
