"""The OpenAPI 3.1 document of the engine's JSON API (``policies/api.py``).

Written by hand from the engine contract (``docs/engine-contract.md``), so
that it says what the contract promises and no more: objects allow keys this
document does not name, as the contract may grow new optional ones.
"""

from __future__ import annotations

from typing import Any

_POLICY_DOCUMENT = {
    "description": "An IAM policy document: the JSON object, or its text.",
    "oneOf": [{"type": "object"}, {"type": "string"}],
}
_NULL = {"type": "null"}
#: A condition value as AWS writes them: a string, or a number or boolean it compares as text.
_CONTEXT_SCALAR = {"type": ["string", "number", "boolean"]}

_POLICY_INPUT = {
    "description": (
        "A trust policy: the JSON object, or its text exactly as typed (line and column "
        "positions in findings then point into this text)."
    ),
    "oneOf": [
        {"type": "object"},
        {"type": "string", "description": "At most 16,384 characters (else a 413)."},
    ],
}

_FINDING = {
    "type": "object",
    "required": ["code", "severity", "message", "line", "column"],
    "properties": {
        "code": {"type": "string", "examples": ["MISSING_GITHUB_REPO_CONDITION_KEY"]},
        "severity": {"enum": ["error", "security_warning", "warning", "suggestion"]},
        "message": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "end_line": {"type": "integer", "minimum": 1},
        "end_column": {"type": "integer", "minimum": 1},
        "learn_more": {"type": "string"},
    },
}

_DECISION = {"enum": ["allowed", "explicitDeny", "implicitDeny"]}

_LAYER = {
    "type": "object",
    "description": "One side of the decision: its decision and one entry per statement.",
    "required": ["decision", "statements"],
    "properties": {
        "decision": _DECISION,
        "statements": {"type": "array", "items": {"type": "object"}},
    },
}

_CASE = {
    "type": "object",
    "description": "A case of the engine contract. Keys it does not name are ignored.",
    "required": ["trust_policy", "request"],
    "properties": {
        "trust_policy": _POLICY_INPUT,
        "request": {
            "type": "object",
            "required": ["principal", "action"],
            "properties": {
                "principal": {
                    "type": "string",
                    "examples": ["arn:aws:iam::111122223333:user/alice", "ec2.amazonaws.com"],
                },
                "action": {"type": "string", "examples": ["sts:AssumeRole"]},
                "role_arn": {
                    "description": "The role being assumed; its account is the resource account.",
                    "oneOf": [
                        {"type": "string", "examples": ["arn:aws:iam::444455556666:role/Target"]},
                        _NULL,
                    ],
                },
                "context": {
                    "oneOf": [
                        {
                            "type": "object",
                            "description": (
                                "Condition keys: one value, or a list for a multi-valued key."
                            ),
                            "additionalProperties": {
                                "oneOf": [
                                    _CONTEXT_SCALAR,
                                    {"type": "array", "items": _CONTEXT_SCALAR},
                                ]
                            },
                        },
                        _NULL,
                    ]
                },
            },
        },
        # Absent or null: the trust policy alone decides (see the contract).
        "identity_policies": {
            "oneOf": [{"type": "array", "items": _POLICY_DOCUMENT}, _NULL],
        },
        "permissions_boundary": {"oneOf": [*_POLICY_DOCUMENT["oneOf"], _NULL]},
        "session_policy": {"oneOf": [*_POLICY_DOCUMENT["oneOf"], _NULL]},
        "scps": {
            "description": "Levels (root, OUs, account), each a list of policies.",
            "oneOf": [
                {"type": "array", "items": {"type": "array", "items": _POLICY_DOCUMENT}},
                _NULL,
            ],
        },
        "rcps": {
            "description": (
                "Resource control policies of the role's account: levels (root, OUs, "
                "account), each a list of policies."
            ),
            "oneOf": [
                {"type": "array", "items": {"type": "array", "items": _POLICY_DOCUMENT}},
                _NULL,
            ],
        },
    },
}

_ANSWER = {
    "type": "object",
    "required": [
        "decision",
        "trust",
        "identity",
        "same_account",
        "explanation",
        "assumed",
        "derived_context",
        "findings",
    ],
    "properties": {
        "decision": _DECISION,
        "action": {"type": "string"},
        "trust": _LAYER,
        "identity": {"oneOf": [_LAYER, {"type": "null"}]},
        "same_account": {"type": "boolean"},
        "explanation": {"type": "array", "items": {"type": "string"}},
        "assumed": {"type": "array", "items": {"type": "string"}},
        "derived_context": {"type": "object"},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
        "rcps": {
            "type": "object",
            "description": "Present when the case gives rcps: whether they apply, and why not.",
        },
    },
}

_POLICY_REQUEST = {
    "type": "object",
    "required": ["policy"],
    "properties": {"policy": _POLICY_INPUT},
}

_DESCRIBE_REQUEST = {
    "type": "object",
    "required": ["policy"],
    "properties": {
        "policy": _POLICY_INPUT,
        "role_account": {
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "description": "The role's own account, to tell who is outside it.",
        },
    },
}

_DESCRIPTION = {
    "type": "object",
    "required": ["grants", "denies", "text"],
    "properties": {
        "grants": {"type": "array", "items": {"type": "object"}},
        "denies": {"type": "array", "items": {"type": "string"}},
        "anyone_outside_account": {"type": "boolean"},
        "anyone_at_all": {"type": "boolean"},
        "any_github_repository": {"type": "boolean"},
        "accounts": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "array", "items": {"type": "string"}},
    },
}


_REQUEST_SHAPE = {
    "type": "object",
    "required": ["principal", "action", "context"],
    "properties": {
        "principal": {"type": "string"},
        "action": {"type": "string"},
        "role_arn": {"type": "string"},
        "context": {"type": "object"},
    },
}

_COMPARE_REQUEST = {
    "type": "object",
    "required": ["a", "b"],
    "properties": {
        "a": _POLICY_INPUT,
        "b": _POLICY_INPUT,
        "scope": {
            "type": "object",
            "description": "Narrows the requests compared; every field is optional.",
            "additionalProperties": False,
            "properties": {
                "actions": {"type": "array", "items": {"type": "string"}, "maxItems": 100},
                "principals": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                    "maxItems": 100,
                    "description": "Callers to consider: principals, or patterns with * and ?.",
                },
                "role_arn": {"type": "string"},
                "context": {"type": "object", "description": "Condition keys fixed to values."},
            },
        },
    },
}

_COMPARISON = {
    "type": "object",
    "required": ["relation", "only_a", "only_b", "scope"],
    "properties": {
        "relation": {
            "enum": [
                "equivalent",
                "a_more_permissive",
                "b_more_permissive",
                "incomparable",
                "unknown",
            ]
        },
        "only_a": {"type": "array", "items": _REQUEST_SHAPE},
        "only_b": {"type": "array", "items": _REQUEST_SHAPE},
        "scope": {"type": "object"},
        "reason": {"type": "string"},
        "errors": {"type": "object"},
    },
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


_ERRORS = {
    "400": _error("The body is not JSON, not an object, or not a usable case or policy."),
    "405": _error(
        "Only POST is allowed.", {"Allow": {"schema": {"type": "string"}, "required": True}}
    ),
    "413": _error("The body or the policy is larger than the API reads."),
    "415": _error("The body is not sent as application/json."),
    "429": _error(
        "Too many requests from this address; wait, then try again.",
        {"Retry-After": {"schema": {"type": "string"}, "required": True}},
    ),
}


def _operation(
    operation_id: str, summary: str, request_schema: str, response_schema: str
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{request_schema}"}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The engine's answer.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{response_schema}"}
                        }
                    },
                },
                **_ERRORS,
            },
        }
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "RoleCall trust-policy engine",
        "version": "1.0.0",
        "description": (
            "Evaluate, validate, describe and compare IAM role trust policies with RoleCall's "
            "engine. "
            "Bodies are JSON of at most 65,536 bytes; a policy's text is at most 16,384 "
            "characters. Requests are rate-limited per client address; a 429 answer says "
            "when to try again in Retry-After. Every error is a JSON object with an "
            "'error' message."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/evaluate": _operation(
            "evaluate",
            "Decide whether the request in a case may assume the role, and why.",
            "Case",
            "Answer",
        ),
        "/validate": _operation(
            "validate",
            "List what validation finds in a trust policy.",
            "PolicyRequest",
            "Findings",
        ),
        "/describe": _operation(
            "describe",
            "Say in words who may assume the role, and how.",
            "DescribeRequest",
            "Description",
        ),
        "/compare": _operation(
            "compare",
            "Prove whether one trust policy admits a request the other refuses, with examples.",
            "CompareRequest",
            "Comparison",
        ),
    },
    "components": {
        "schemas": {
            "Case": _CASE,
            "Answer": _ANSWER,
            "PolicyRequest": _POLICY_REQUEST,
            "DescribeRequest": _DESCRIBE_REQUEST,
            "Description": _DESCRIPTION,
            "CompareRequest": _COMPARE_REQUEST,
            "Comparison": _COMPARISON,
            "Finding": _FINDING,
            "Findings": {
                "type": "object",
                "required": ["findings"],
                "properties": {
                    "findings": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Finding"},
                    }
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string", "minLength": 1}},
            },
        }
    },
}
