"""Tests for the lenient policy model and load_policy."""

from __future__ import annotations

import dataclasses
import json

import pytest

from policies.engine.codes import CODES
from policies.engine.errors import UsageError
from policies.engine.limits import MAX_POLICY_CHARS
from policies.engine.model import Policy, Statement, load_policy

GITHUB_PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
GITHUB = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "GitHubDeploy",
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB_PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": [
                        "repo:octo-org/octo-repo:ref:refs/heads/main",
                        "repo:octo-org/octo-repo:environment:prod",
                    ]
                },
            },
        }
    ],
}


def test_load_policy_reads_every_element():
    policy, findings = load_policy(GITHUB)
    assert findings == []
    assert policy is not None and policy.version == "2012-10-17" and policy.variables_enabled
    (statement,) = policy.statements
    assert statement.sid == "GitHubDeploy" and statement.effect == "Allow"
    assert statement.principal is not None and not statement.principal.wildcard
    (entry,) = statement.principal.entries
    assert entry.kind == "Federated" and entry.value.endswith("githubusercontent.com")
    assert policy.text[entry.span.offset : entry.span.end_offset] == json.dumps(entry.value)
    assert [a.text for a in statement.actions] == ["sts:AssumeRoleWithWebIdentity"]
    assert statement.not_actions is None and statement.not_principal is None
    assert not statement.has_resource and not statement.has_not_resource
    assert [(c.operator, c.key, len(c.values)) for c in statement.conditions] == [
        ("StringEquals", "token.actions.githubusercontent.com:aud", 1),
        ("StringLike", "token.actions.githubusercontent.com:sub", 2),
    ]
    condition = statement.conditions[1]
    assert policy.text[condition.operator_span.offset] == '"'
    assert policy.text[condition.key_span.offset + 1 :].startswith("token.actions")


def test_text_and_dict_give_the_same_statements():
    from_dict, _ = load_policy(GITHUB)
    from_text, _ = load_policy(json.dumps(GITHUB))
    assert from_dict.statements[0].sid == from_text.statements[0].sid
    assert [c.values[0].text for c in from_dict.statements[0].conditions] == [
        c.values[0].text for c in from_text.statements[0].conditions
    ]


def test_bare_star_principal_and_single_statement_object():
    text = (
        '{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*"}}'
    )
    policy, _ = load_policy(text)
    (statement,) = policy.statements
    assert statement.principal.wildcard and statement.principal.entries == []
    assert policy.version == "2008-10-17" and not policy.variables_enabled


def test_scalar_condition_values_become_text_as_typed():
    text = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},'
        '"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":'
        '[3600, 1.50, 1e3]},"Bool":{"aws:MultiFactorAuthPresent":true}}}]}'
    )
    policy, _ = load_policy(text)
    values = {c.key: [v.text for v in c.values] for c in policy.statements[0].conditions}
    assert values == {
        "aws:MultiFactorAuthAge": ["3600", "1.50", "1e3"],
        "aws:MultiFactorAuthPresent": ["true"],
    }


def test_odd_shapes_do_not_raise():
    odd = [
        "[]",
        '"text"',
        '{"Statement": 3}',
        '{"Statement": [1, "x", null, {"Effect": 1, "Principal": 2, "Action": {}}]}',
        '{"Statement": {"Principal": {"AWS": [1, null, "x"]}, "Condition": []}}',
        '{"Statement": {"Condition": {"StringEquals": "x", "Bool": {"a": {"b": 1}}}}}',
    ]
    for text in odd:
        policy, findings = load_policy(text)
        assert policy is not None and findings == []


def test_duplicate_keys_last_one_wins():
    text = '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow"}}'
    policy, _ = load_policy(text)
    assert policy.statements[0].effect == "Allow"


def test_syntax_error_becomes_a_finding():
    policy, findings = load_policy('{\n  "Version": "2012-10-17",\n}')
    assert policy is None
    (finding,) = findings
    assert finding.code == "JSON_SYNTAX_ERROR" and finding.severity == "error"
    assert (finding.line, finding.column) == (3, 1)
    assert finding.learn_more.startswith("https://docs.aws.amazon.com/")


def test_oversized_text_is_refused_without_parsing():
    policy, findings = load_policy(" " * (MAX_POLICY_CHARS + 1))
    assert policy is None
    assert [f.code for f in findings] == ["POLICY_TOO_LARGE_TO_CHECK"]


def test_other_types_are_a_usage_error():
    with pytest.raises(UsageError):
        load_policy(["not", "a", "policy"])  # type: ignore[arg-type]


def test_every_code_has_a_severity_title_and_aws_page():
    for code, info in CODES.items():
        assert code == info.code and code.isupper()
        assert info.severity in ("error", "security_warning", "warning", "suggestion")
        assert info.title and info.learn_more.startswith("https://docs.aws.amazon.com/")


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_absurdly_nested_dict_is_a_finding_not_a_crash(depth):
    deep: dict = {}
    cursor = deep
    for _ in range(depth):
        cursor["a"] = {}
        cursor = cursor["a"]
    policy, findings = load_policy({"Version": "2012-10-17", "Statement": deep})
    assert policy is None
    (finding,) = findings
    assert finding.code in ("POLICY_TOO_COMPLEX_TO_CHECK", "POLICY_TOO_LARGE_TO_CHECK")


def test_moderately_nested_dict_is_refused_by_the_parser_limit():
    deep: list = []
    cursor = deep
    for _ in range(40):
        cursor.append([])
        cursor = cursor[0]
    policy, findings = load_policy({"Version": "2012-10-17", "Statement": deep})
    assert policy is None
    assert [f.code for f in findings] == ["POLICY_TOO_COMPLEX_TO_CHECK"]


def test_a_principal_type_written_twice_keeps_only_the_last_list():
    text = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole",'
        '"Principal":{"AWS":"111122223333","Service":"ec2.amazonaws.com","AWS":"444455556666"}}}'
    )
    policy, _ = load_policy(text)
    entries = [(e.kind, e.value) for e in policy.statements[0].principal.entries]
    assert sorted(entries) == [("AWS", "444455556666"), ("Service", "ec2.amazonaws.com")]


def test_a_statement_is_the_one_its_dataclass_makes_and_stays_frozen():
    text = (
        '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow",'
        '"Principal":{"AWS":["111122223333","*"]},"Action":"sts:AssumeRole","Resource":"*",'
        '"Condition":{"Bool":{"aws:SecureTransport":true}}}]}'
    )
    policy, _ = load_policy(text)
    made = policy.statements[0]
    values = [getattr(made, each.name) for each in dataclasses.fields(Statement)]
    assert made == Statement(*values)
    assert repr(made) == repr(Statement(*values))
    assert (made.sid, made.effect, made.has_resource, made.has_not_resource) == (
        "A",
        "Allow",
        True,
        False,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.sid = "B"  # type: ignore[misc]
    fields = [getattr(policy, each.name) for each in dataclasses.fields(Policy)]
    assert policy == Policy(*fields)
    assert repr(policy) == repr(Policy(*fields))
    assert (policy.version, policy.variables_enabled) == ("2012-10-17", True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.version = None  # type: ignore[misc]


def test_condition_operators_and_keys_written_twice_keep_the_last_in_the_first_place():
    text = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*",'
        '"Action":"sts:AssumeRole","Condition":{'
        '"StringEquals":{"aws:PrincipalTag/a":"1","aws:PrincipalTag/b":"2",'
        '"aws:PrincipalTag/a":["3",4]},'
        '"StringLike":{"aws:PrincipalTag/c":"5"},"StringEquals":{"aws:PrincipalTag/d":"6"}}}}'
    )
    policy, _ = load_policy(text)
    read = [
        (c.operator, c.key, [v.text for v in c.values]) for c in policy.statements[0].conditions
    ]
    assert read == [
        ("StringEquals", "aws:PrincipalTag/d", ["6"]),
        ("StringLike", "aws:PrincipalTag/c", ["5"]),
    ]


def test_a_principal_and_actions_written_as_one_string_or_a_list_read_alike():
    head = '{"Statement":{"Effect":"Allow","Principal":{"Service":'
    one = head + '"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}'
    listed = head + '["ec2.amazonaws.com"]},"Action":["sts:AssumeRole",7]}}'
    for text in (one, listed):
        statement = load_policy(text)[0].statements[0]
        assert [(e.kind, e.value) for e in statement.principal.entries] == [
            ("Service", "ec2.amazonaws.com")
        ]
        assert [v.text for v in statement.actions] == ["sts:AssumeRole"]
        assert statement.not_actions is None and statement.not_principal is None
