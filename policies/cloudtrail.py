"""The CloudTrail record a playground request would leave, built from the request
and the engine's decision, with a note on where each field comes from.

Record shapes follow the AWS documentation's examples:
- STS events (AssumeRole, cross-account, AssumeRoleWithSAML,
  AssumeRoleWithWebIdentity): https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
- ``userIdentity`` types (IAMUser, AssumedRole, AWSAccount, AWSService,
  SAMLUser, WebIdentityUser): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
- ``errorCode`` and ``errorMessage``: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
- The wording of AccessDenied messages: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html

Ids, keys and times are the documentation's placeholder style (``...EXAMPLE``):
the point is which field follows from which part of the request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

LOGGING_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html"
USER_IDENTITY_PAGE = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
    "cloudtrail-event-reference-user-identity.html"
)

_EVENT_TIME = "2026-01-15T09:30:00Z"
_EXPIRATION = "Jan 15, 2026, 10:30:00 AM"
_REGION = "us-east-1"
_SOURCE_IP = "192.0.2.10"  # RFC 5737 documentation address

_IAM_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)$")
_ROOT_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):root$")
_SESSION_ARN = re.compile(r"^arn:aws[\w-]*:sts::(\d{12}):assumed-role/([^/]+)/(.+)$")
_OIDC_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):oidc-provider/(.+)$")
_SAML_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):saml-provider/(.+)$")
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_WEB_PROVIDERS = {"cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com"}
_WEB_PROVIDERS |= {"www.amazon.com"}

#: Example session names a kind of caller typically uses when it picks none.
_SERVICE_SESSIONS = {
    "ec2.amazonaws.com": "i-0123456789abcdef0",
    "lambda.amazonaws.com": "my-function",
    "ecs-tasks.amazonaws.com": "0123456789abcdef0123456789abcdef",
}


@dataclass(slots=True)
class TrailRecord:
    """One CloudTrail event as one account's trail would hold it."""

    title: str
    record: dict[str, Any]

    @property
    def text(self) -> str:
        return json.dumps(self.record, indent=2)


@dataclass(slots=True)
class TrailView:
    """The records of one request, and what each field tells you."""

    records: list[TrailRecord]
    notes: list[str] = field(default_factory=list)


def _context_value(context: dict[str, Any], key: str) -> str | None:
    for k, v in context.items():
        if k.lower() == key.lower():
            if isinstance(v, list):
                return str(v[0]) if v else None
            return str(v)
    return None


def _tags(context: dict[str, Any]) -> list[dict[str, str]]:
    tags = []
    for k, v in context.items():
        if k.lower().startswith("aws:requesttag/"):
            value = v[0] if isinstance(v, list) and v else v
            tags.append({"key": k.split("/", 1)[1], "value": str(value)})
    return tags


def _api_for(principal: str, action: str) -> str:
    """The STS API a request runs: the action's own, or for the companion
    permissions (TagSession, SetSourceIdentity, SetContext) the call they ride on."""
    name = action.split(":", 1)[-1].lower()
    if name in ("assumerolewithwebidentity", "assumerolewithsaml", "assumerole"):
        return {
            "assumerole": "AssumeRole",
            "assumerolewithwebidentity": "AssumeRoleWithWebIdentity",
            "assumerolewithsaml": "AssumeRoleWithSAML",
        }[name]
    if _SAML_ARN.match(principal):
        return "AssumeRoleWithSAML"
    if _OIDC_ARN.match(principal) or principal in _WEB_PROVIDERS:
        return "AssumeRoleWithWebIdentity"
    return "AssumeRole"


def _request_parameters(
    *, api: str, role: str, session: str, principal: str, context: dict, notes: list[str]
) -> dict[str, Any]:
    """The record's requestParameters, with a note for each value taken from the request."""
    params: dict[str, Any] = {"roleArn": role, "roleSessionName": session}
    if api == "AssumeRoleWithSAML":
        params["principalArn"] = principal
    external_id = _context_value(context, "sts:ExternalId")
    if external_id is not None and api == "AssumeRole":
        params["externalId"] = external_id
        notes.append("requestParameters.externalId is the sts:ExternalId the caller passed.")
    source_identity = _context_value(context, "sts:SourceIdentity")
    if source_identity is not None:
        params["sourceIdentity"] = source_identity
    tags = _tags(context)
    if tags:
        if api == "AssumeRole":
            params["tags"] = tags
        else:
            params["principalTags"] = {t["key"]: t["value"] for t in tags}
        notes.append("The session tags come from the aws:RequestTag/… keys of your request.")
    params["durationSeconds"] = 3600
    return params


def cloudtrail_records(
    *, request: dict[str, Any], decision: str, role_arn: str | None
) -> TrailView:
    """The record(s) the request would leave: one per account that logs it."""
    principal = request["principal"]
    action = request["action"]
    context = request.get("context") or {}
    role = role_arn or "arn:aws:iam::111122223333:role/PlaygroundRole"
    role_match = _ROLE_ARN.match(role)
    role_account = role_match.group(1) if role_match else "111122223333"
    role_name = role_match.group(2) if role_match else "PlaygroundRole"
    api = _api_for(principal, action)
    notes: list[str] = []

    if api != action.split(":", 1)[-1]:
        notes.append(
            f"{action} is a permission checked during the {api} call, not a call of its own, "
            f"so CloudTrail records {api}."
        )

    identity, caller_arn, caller_account, default_session, web = _user_identity(
        principal, context, notes
    )
    session = _session_name(context, default_session, notes)
    params = _request_parameters(
        api=api, role=role, session=session, principal=principal, context=context, notes=notes
    )
    record = _base_record(api, identity)
    if decision == "allowed":
        record["requestParameters"] = params
        record["responseElements"] = _response(api, role_account, role_name, session, web)
    else:
        record["errorCode"] = "AccessDenied"
        record["errorMessage"] = _denial_message(api, caller_arn or principal, role)
        record["requestParameters"] = params
        record["responseElements"] = None
        notes.append(
            "The decision is a deny, so the record carries errorCode AccessDenied and an "
            "errorMessage, and no credentials (responseElements is null)."
        )
    record |= _record_tail(role, role_account)

    if caller_account is None or caller_account == role_account:
        return TrailView([TrailRecord(f"In account {role_account}", record)], notes)
    return _cross_account_view(record, identity, caller_account, role_account, notes)


def _session_name(context: dict[str, Any], default: str, notes: list[str]) -> str:
    """The role session name the record shows, and a note on where it comes from."""
    given = _context_value(context, "sts:RoleSessionName")
    if given:
        notes.append("roleSessionName is the sts:RoleSessionName value of your request.")
        return given
    notes.append(
        f"roleSessionName '{default}' is an example of what this kind of caller sends; "
        "add sts:RoleSessionName to the request to set it."
    )
    return default


def _base_record(api: str, identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": _EVENT_TIME,
        "eventSource": "sts.amazonaws.com",
        "eventName": api,
        "awsRegion": _REGION,
        "sourceIPAddress": identity.get("invokedBy", _SOURCE_IP),
        "userAgent": identity.get("invokedBy", "aws-cli/2.17.0"),
    }


def _record_tail(role: str, role_account: str) -> dict[str, Any]:
    return {
        "requestID": "4EXAMPLE-0e8d-11e4-96e4-e55c0EXAMPLE",
        "eventID": "dEXAMPLE-ac7f-466c-a608-4ac8dEXAMPLE",
        "readOnly": True,
        "resources": [{"ARN": role, "accountId": role_account, "type": "AWS::IAM::Role"}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": role_account,
        "eventCategory": "Management",
    }


def _cross_account_view(
    record: dict[str, Any],
    identity: dict[str, Any],
    caller_account: str,
    role_account: str,
    notes: list[str],
) -> TrailView:
    """Both accounts log a cross-account call; the role's account sees only the
    calling account, not the user or role inside it."""
    shared = "bEXAMPLE-efea-4a70-b951-19a88EXAMPLE"
    caller_record = dict(record, recipientAccountId=caller_account, sharedEventID=shared)
    role_record = dict(
        record,
        userIdentity={
            "type": "AWSAccount",
            "principalId": identity.get("principalId", ""),
            "accountId": caller_account,
        },
        sharedEventID=shared,
    )
    notes.append(
        "A cross-account call is logged in both accounts with the same sharedEventID. The "
        f"role's account ({role_account}) sees userIdentity of type AWSAccount: only the "
        f"calling account {caller_account}, not who inside it called."
    )
    return TrailView(
        [
            TrailRecord(f"In the caller's account {caller_account}", caller_record),
            TrailRecord(f"In the role's account {role_account}", role_record),
        ],
        notes,
    )


#: userIdentity, the caller's ARN, its account, a default session name, and for
#: federated callers the token's values (subject, audience, provider).
_Identity = tuple[dict[str, Any], str | None, str | None, str, dict[str, str]]


def _user_identity(principal: str, context: dict[str, Any], notes: list[str]) -> _Identity:
    """userIdentity for the caller, and what the record needs to know about it."""
    if m := _IAM_ARN.match(principal):
        return _iam_identity(principal, *m.groups(), notes=notes)
    if m := _SESSION_ARN.match(principal):
        account, role, session = m.groups()
        role_arn = f"arn:aws:iam::{account}:role/{role}"
        ident = _assumed_role(account, role, session, role_arn, notes)
        return ident, principal, account, f"{session}-chained", {}
    if m := _ROOT_ARN.match(principal):
        account = m.group(1)
        notes.append(
            "userIdentity.type is Root: the account's root user. AWS does not let the root "
            "user call AssumeRole, so this call always fails."
        )
        ident = {"type": "Root", "principalId": account, "arn": principal, "accountId": account}
        return ident, principal, account, "root-session", {}
    if _SAML_ARN.match(principal):
        return _saml_identity(context, notes)
    oidc = _OIDC_ARN.match(principal)
    if oidc or principal in _WEB_PROVIDERS:
        return _web_identity(principal, oidc.group(2) if oidc else principal, context, notes)
    # A service principal such as ec2.amazonaws.com.
    notes.append(
        f"userIdentity.type is AWSService and invokedBy is {principal}: the service called "
        "STS for you, so sourceIPAddress and userAgent name the service too."
    )
    ident = {"type": "AWSService", "invokedBy": principal}
    return ident, None, None, _SERVICE_SESSIONS.get(principal, "service-session"), {}


def _iam_identity(
    principal: str, account: str, kind: str, name: str, *, notes: list[str]
) -> _Identity:
    if kind == "user":
        notes.append("userIdentity.type is IAMUser: an IAM user signed the call.")
        ident = {
            "type": "IAMUser",
            "principalId": "AIDAQRSTUVWXYZEXAMPLE",
            "arn": principal,
            "accountId": account,
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": name,
        }
        return ident, principal, account, f"{name}-session", {}
    session_arn = f"arn:aws:sts::{account}:assumed-role/{name}/caller-session"
    ident = _assumed_role(account, name, "caller-session", principal, notes)
    return ident, session_arn, account, f"{name}-chained", {}


def _saml_identity(context: dict[str, Any], notes: list[str]) -> _Identity:
    name_qualifier = "bdGOnTesti4+ExamplexL/jEvs="
    subject = _context_value(context, "SAML:sub") or "alice@example.com"
    notes.append(
        "userIdentity.type is SAMLUser: the caller presented a SAML assertion, not AWS "
        "credentials. identityProvider is the assertion's name qualifier (a hash), and "
        "requestParameters.principalArn names your SAML provider."
    )
    ident = {
        "type": "SAMLUser",
        "principalId": f"{name_qualifier}:{subject}",
        "userName": subject,
        "identityProvider": name_qualifier,
    }
    web = {
        "subject": subject,
        "audience": _context_value(context, "SAML:aud") or "https://signin.aws.amazon.com/saml",
        "issuer": _context_value(context, "SAML:iss") or "https://idp.example.com/saml",
        "nameQualifier": name_qualifier,
    }
    return ident, None, None, subject, web


def _web_identity(
    principal: str, host: str, context: dict[str, Any], notes: list[str]
) -> _Identity:
    provider = principal
    if principal == "cognito-identity.amazonaws.com":
        # The CloudTrail guide lists Amazon Cognito's provider as cognito-identity.amazon.com.
        provider = "cognito-identity.amazon.com"
    subject = _context_value(context, f"{host}:sub") or "user-id"
    audience = _context_value(context, f"{host}:aud") or "application-id"
    notes.append(
        "userIdentity.type is WebIdentityUser: the caller presented a token from "
        f"{host}. userName is the token's subject ({host}:sub in your request) and "
        "principalId joins the provider, the audience and the subject."
    )
    ident = {
        "type": "WebIdentityUser",
        "principalId": f"{provider}:{audience}:{subject}",
        "userName": subject,
        "identityProvider": provider,
    }
    session = "GitHubActions" if "githubusercontent" in host else "web-identity-session"
    if principal == "cognito-identity.amazonaws.com":
        session = "CognitoIdentityCredentials"
    web = {"subject": subject, "audience": audience, "provider": provider}
    return ident, None, None, session, web


def _assumed_role(
    account: str, role: str, session: str, role_arn: str, notes: list[str]
) -> dict[str, Any]:
    notes.append(
        "userIdentity.type is AssumedRole: the caller used a role session's temporary "
        "credentials; sessionContext.sessionIssuer names the role behind it (role chaining)."
    )
    return {
        "type": "AssumedRole",
        "principalId": f"AROAQRSTUVWXYZEXAMPLE:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": "ASIAI44QH8DHBEXAMPLE",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAQRSTUVWXYZEXAMPLE",
                "arn": role_arn,
                "accountId": account,
                "userName": role,
            },
            "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-01-15T09:00:00Z"},
        },
    }


def _response(
    api: str, account: str, role_name: str, session: str, web: dict[str, str]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "credentials": {
            "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "sessionToken": "<encoded session token blob>",
            "expiration": _EXPIRATION,
        },
        "assumedRoleUser": {
            "assumedRoleId": f"AROAD35QRSTUVWEXAMPLE:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
        },
    }
    if api == "AssumeRoleWithWebIdentity":
        out["subjectFromWebIdentityToken"] = web.get("subject", "user-id")
        out["provider"] = web.get("provider", "")
        out["audience"] = web.get("audience", "")
    elif api == "AssumeRoleWithSAML":
        out |= {
            "subject": web.get("subject", ""),
            "subjectType": "persistent",
            "issuer": web.get("issuer", ""),
            "audience": web.get("audience", ""),
            "nameQualifier": web.get("nameQualifier", ""),
        }
    return out


def _denial_message(api: str, caller: str, role: str) -> str:
    if api == "AssumeRole":
        return f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"
    return f"Not authorized to perform sts:{api}"
