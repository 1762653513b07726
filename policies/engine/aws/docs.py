"""The AWS documentation pages the engine links to (explanations and findings)."""

from __future__ import annotations

GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
ORGANIZATIONS = "https://docs.aws.amazon.com/organizations/latest/userguide/"

EVALUATION_PAGE = GUIDE + "reference_policies_evaluation-logic.html"
CROSS_ACCOUNT_PAGE = GUIDE + "reference_policies_evaluation-logic-cross-account.html"
SESSION_TAGS_PAGE = GUIDE + "id_session-tags.html"
SOURCE_IDENTITY_PAGE = GUIDE + "id_credentials_temp_control-access_monitor.html"
SWITCH_ROLE_API_PAGE = GUIDE + "id_roles_use_switch-role-api.html"
STS_COMPARISON_PAGE = GUIDE + "id_credentials_temp_request.html#stsapi_comparison"
PRINCIPAL_PAGE = GUIDE + "reference_policies_elements_principal.html"
OPERATORS_PAGE = GUIDE + "reference_policies_elements_condition_operators.html"
VARIABLES_PAGE = GUIDE + "reference_policies_variables.html"
OIDC_PAGE = GUIDE + "id_roles_create_for-idp_oidc.html"
CHECKS_PAGE = GUIDE + "access-analyzer-reference-policy-checks.html"
CONDITION_KEYS_PAGE = GUIDE + "reference_policies_condition-keys.html"
STS_SERVICE_PAGE = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "list_awssecuritytokenservice.html"
)
SCP_PAGE = ORGANIZATIONS + "orgs_manage_policies_scps_evaluation.html"
RCP_PAGE = ORGANIZATIONS + "orgs_manage_policies_rcps.html"
RCP_EVALUATION_PAGE = ORGANIZATIONS + "orgs_manage_policies_rcps_evaluation.html"
SERVICE_LINKED_ROLES_PAGE = GUIDE + "using-service-linked-roles.html"
