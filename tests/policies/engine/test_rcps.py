"""Resource control policies in the answer: which apply, and what the trace shows."""

from __future__ import annotations

from policies.engine import evaluate

FULL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}
DENY_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}],
}
ROLE = "arn:aws:iam::111122223333:role/Target"


def _trust(principal: dict[str, str]) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


def test_a_denying_rcp_shows_its_statement_and_level_in_the_answer() -> None:
    answer = evaluate(
        {
            "trust_policy": _trust({"AWS": "444455556666"}),
            "request": {
                "principal": "arn:aws:iam::444455556666:user/bob",
                "action": "sts:AssumeRole",
                "role_arn": ROLE,
            },
            "rcps": [[FULL], [FULL, DENY_ALL]],
        }
    ).to_dict()
    assert answer["decision"] == "explicitDeny"
    rcps = answer["rcps"]
    assert rcps["applies"] is True and rcps["decision"] == "explicitDeny"
    assert [p["decision"] for p in rcps["policies"]] == ["allowed", "explicitDeny"]
    assert [s["policy"] for s in rcps["statements"]] == [
        "RCP level 1",
        "RCP level 2 #1",
        "RCP level 2 #2",
    ]
    assert any("orgs_manage_policies_rcps.html" in line for line in answer["explanation"])


def test_rcps_do_not_apply_to_a_service_principal_and_say_so() -> None:
    answer = evaluate(
        {
            "trust_policy": _trust({"Service": "lambda.amazonaws.com"}),
            "request": {
                "principal": "lambda.amazonaws.com",
                "action": "sts:AssumeRole",
                "role_arn": ROLE,
            },
            "rcps": [[DENY_ALL]],
        }
    ).to_dict()
    assert answer["decision"] == "allowed"
    assert answer["rcps"]["applies"] is False
    assert answer["rcps"]["exempt_reason"] == "service_principal"
    assert answer["rcps"]["statements"] == []


def test_no_rcps_in_the_case_means_no_rcps_in_the_answer() -> None:
    answer = evaluate(
        {
            "trust_policy": _trust({"Service": "lambda.amazonaws.com"}),
            "request": {"principal": "lambda.amazonaws.com", "action": "sts:AssumeRole"},
        }
    ).to_dict()
    assert "rcps" not in answer
