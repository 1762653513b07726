"""The command line of the engine contract, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]

CASE = {
    "id": "cli-1",
    "trust_policy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    "request": {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "sts:AssumeRole",
        "role_arn": "arn:aws:iam::111122223333:role/Target",
    },
}


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policies.engine", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_evaluate_one_case_file(tmp_path: Path) -> None:
    done = cli("evaluate", write(tmp_path, "case.json", CASE))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["decision"] == "allowed"
    assert done.stderr == ""


def test_evaluate_several_files_and_lists_keep_order(tmp_path: Path) -> None:
    denied = dict(
        CASE, request=dict(CASE["request"], principal="arn:aws:iam::111122223333:user/bob")
    )
    one = write(tmp_path, "one.json", CASE)
    many = write(tmp_path, "many.json", [denied, CASE])
    done = cli("evaluate", one, many)
    assert done.returncode == 0, done.stderr
    assert [a["decision"] for a in json.loads(done.stdout)] == [
        "allowed",
        "implicitDeny",
        "allowed",
    ]


def test_evaluate_stdin_with_one_case_or_a_list() -> None:
    done = cli("evaluate", "-", stdin=json.dumps(CASE))
    assert done.returncode == 0 and json.loads(done.stdout)["decision"] == "allowed"
    done = cli("evaluate", "-", stdin=json.dumps([CASE]))
    assert done.returncode == 0 and isinstance(json.loads(done.stdout), list)


def test_malformed_trust_policy_is_an_answer_not_an_error() -> None:
    case = dict(CASE, trust_policy='{"Version": "2012-10-17", "Statement": [')
    done = cli("evaluate", "-", stdin=json.dumps(case))
    assert done.returncode == 0
    answer = json.loads(done.stdout)
    assert answer["decision"] == "implicitDeny"
    assert answer["findings"][0]["code"] == "JSON_SYNTAX_ERROR"


def test_unusable_input_exits_2_with_one_line_and_no_stdout(tmp_path: Path) -> None:
    bad_inputs = [
        ("evaluate", "-", "not json"),
        ("evaluate", "-", "42"),
        ("evaluate", "-", json.dumps(dict(CASE, trust_policy=5))),
        ("evaluate", "-", json.dumps([CASE, {"request": {}}])),
        ("evaluate", str(tmp_path / "missing.json"), ""),
        ("frobnicate", "-", ""),
        ("evaluate", "", ""),
    ]
    for command, name, stdin in bad_inputs:
        args = [command, name] if name else [command]
        done = cli(*args, stdin=stdin)
        assert done.returncode == 2, (args, done.stdout)
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert cli().returncode == 2


def test_validate_prints_findings_with_positions_in_the_file(tmp_path: Path) -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}\n'
    done = cli("validate", write(tmp_path, "policy.json", text))
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert findings[0]["code"] == "JSON_SYNTAX_ERROR"
    assert findings[0]["line"] == 4
    good = write(tmp_path, "good.json", CASE["trust_policy"])
    done = cli("validate", good)
    assert done.returncode == 0
    assert all(f["severity"] != "error" for f in json.loads(done.stdout)["findings"])
    assert cli("validate").returncode == 2


def test_help() -> None:
    done = cli("--help")
    assert done.returncode == 0 and "evaluate" in done.stdout


def test_describe_command(tmp_path: Path) -> None:
    done = cli("describe", write(tmp_path, "policy.json", CASE["trust_policy"]))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["grants"][0]["kind"] == "user"
    assert answer["anyone_at_all"] is False
    assert cli("describe").returncode == 2


def test_stdin_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policies.engine", "evaluate", "-"],
        input=b"\xff\xfe{",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == "error: stdin is not UTF-8 text\n"
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"trust_policy": "\xe9"}')
    bad_file = cli("evaluate", str(path))
    assert bad_file.returncode == 2 and "UTF-8" in bad_file.stderr
