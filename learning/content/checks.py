"""Checking the content files: ``content_check`` is what ``manage.py check_content``
runs. It proves with the engine every claim the content makes about a policy."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from learning.content.loader import CONTENT_DIR, ContentSet, content_path, content_read
from learning.content.rendering import ContentError, render_markdown
from learning.courses.grading import ENGINE_KEYS, attack_try, expectation_met, grade_policy
from learning.courses.tryit import tryit_step_problems
from learning.models import EXAMS, TRACKS, Exercise, Question
from policies.engine import PolicyError, evaluate, validate

DECISIONS = {"allowed", "explicitDeny", "implicitDeny"}
EXERCISE_KINDS = {choice.value for choice in Exercise.Kind}
QUESTION_TYPES = {choice.value for choice in Question.Type}
CHOOSE_WORDS = {2: "two", 3: "three", 4: "four"}


def _engine_decision(case: dict[str, Any]) -> tuple[str | None, str]:
    try:
        return evaluate(case).decision, ""
    except PolicyError as exc:
        return None, str(exc)


def _exam_problems(where: str, exams: Any) -> list[str]:
    if not isinstance(exams, dict) or not exams:
        return [f"{where}: 'exams' must map at least one exam to its task statements"]
    problems = []
    for exam, tasks in exams.items():
        if exam not in EXAMS:
            problems.append(f"{where}: unknown exam {exam!r} (one of {', '.join(EXAMS)})")
        if not isinstance(tasks, list) or not tasks:
            problems.append(f"{where}: exam {exam} needs a list of task statements")
        elif not all(re.fullmatch(r"\d\.\d", str(task)) for task in tasks):
            problems.append(f"{where}: task statements look like '2.1'; got {tasks}")
    return problems


def _policy_problems(where: str, text: str, *, allow_errors: bool, allow_warnings: bool) -> list:
    findings = [f.to_dict() for f in validate(text)]
    severities = {f["severity"] for f in findings}
    problems = []
    if "error" in severities and not allow_errors:
        codes = ", ".join(f["code"] for f in findings if f["severity"] == "error")  # type: ignore[misc]
        problems.append(f"{where}: the engine rejects this policy ({codes})")
    if "security_warning" in severities and not allow_warnings:
        codes = ", ".join(f["code"] for f in findings if f["severity"] == "security_warning")  # type: ignore[misc]
        problems.append(
            f"{where}: security warning {codes}; fence it as 'json unsafe' if that is the point"
        )
    return problems


def _lesson_meta_problems(
    where: str, meta: dict[str, Any], *, slugs: Counter, orders: Counter, exercises: set[str]
) -> list[str]:
    problems = [
        f"{where}: missing '{key}'"
        for key in ("slug", "title", "track", "order", "summary", "minutes", "sources")
        if not meta.get(key)
    ]
    slug = str(meta.get("slug"))
    if slugs[slug] > 1:
        problems.append(f"{where}: duplicate lesson slug {slug!r}")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        problems.append(f"{where}: slug {slug!r} must be lowercase words joined by hyphens")
    if meta.get("track") not in TRACKS:
        problems.append(f"{where}: unknown track {meta.get('track')!r}")
    if orders[(meta.get("track"), meta.get("order"))] > 1:
        problems.append(f"{where}: two lessons share order {meta.get('order')} in the track")
    problems += _exam_problems(where, meta.get("exams"))
    for source in meta.get("sources") or []:
        url = source.get("url", "") if isinstance(source, dict) else ""
        if not url.startswith("https://"):
            problems.append(f"{where}: every source needs a title and an https url")
    problems += [
        f"{where}: lists exercise {ex!r}, which does not exist"
        for ex in meta.get("exercises") or []
        if ex not in exercises
    ]
    return problems


def _lesson_policy_problems(where: str, block: dict[str, Any]) -> list[str]:
    if block["kind"] == "invalid":
        return []
    if block["kind"] == "identity":
        try:
            json.loads(block["text"])
        except ValueError as exc:
            return [f"{where}:{block['line']}: permissions policy is not JSON: {exc}"]
        return []
    return _policy_problems(
        f"{where}:{block['line']} (json block)",
        block["text"],
        allow_errors=False,
        allow_warnings=block["kind"] == "unsafe",
    )


def _lesson_body_problems(where: str, body: str, known: set[str]) -> list[str]:
    try:
        rendered = render_markdown(body)
    except ContentError as exc:
        return [f"{where}: {exc}"]
    problems = [
        f"{where}: links to lesson {link!r}, which does not exist"
        for link in sorted(rendered.lesson_links - known)
    ]
    for block in rendered.policies:
        problems += _lesson_policy_problems(where, block)
    for block in rendered.blocks:
        problems += _block_problems(f"{where}:{block['line']}", block)
    return problems


def _check_lessons(content: ContentSet, root: Path) -> tuple[list[str], set[str]]:
    problems: list[str] = []
    slugs = Counter(str(lesson.meta.get("slug")) for lesson in content.lessons)
    known = set(slugs)
    exercise_slugs = {str(item.get("slug")) for _, item in content.exercises}
    orders = Counter(
        (lesson.meta.get("track"), lesson.meta.get("order")) for lesson in content.lessons
    )
    for lesson in content.lessons:
        where = content_path(lesson.path, root)
        problems += _lesson_meta_problems(
            where, lesson.meta, slugs=slugs, orders=orders, exercises=exercise_slugs
        )
        problems += _lesson_body_problems(where, lesson.body, known)
    return problems, known


def _block_problems(where: str, block: dict[str, Any]) -> list[str]:
    if block["type"] == "check":
        options = block.get("options") or []
        if not block.get("question") or len(options) < 2:
            return [f"{where}: a check needs a question and at least two options"]
        if not any(o.get("correct") for o in options) or not all(o.get("why") for o in options):
            return [f"{where}: a check needs a correct option and a 'why' for every option"]
        return []
    # tryit
    for key in ("policy", "request", "expect"):
        if key not in block:
            return [f"{where}: a tryit block needs '{key}'"]
    if block["expect"] not in DECISIONS:
        return [f"{where}: expect must be one of {sorted(DECISIONS)}"]
    case = {"trust_policy": block["policy"], "request": block["request"]}
    for key in ("identity_policies", "permissions_boundary", "session_policy", "scps"):
        if key in block:
            case[key] = block[key]
    decision, error = _engine_decision(case)
    if decision != block["expect"]:
        return [f"{where}: tryit expects {block['expect']}, the engine says {decision} {error}"]
    return tryit_step_problems(where, block)


def _starts_empty(policy: str) -> bool:
    try:
        parsed = json.loads(policy)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("Statement") == []


def _exercise_shape_problems(where: str, item: dict[str, Any], lesson_slugs: set[str]) -> list[str]:
    problems = []
    if item["kind"] not in EXERCISE_KINDS:
        problems.append(f"{where}: kind must be one of {sorted(EXERCISE_KINDS)}")
    if item["kind"] == "write" and not _starts_empty(item["starting_policy"]):
        problems.append(f"{where}: a write exercise starts from an empty statement list")
    if item.get("lesson") and item["lesson"] not in lesson_slugs:
        problems.append(f"{where}: lesson {item['lesson']!r} does not exist")
    if len(item.get("hints") or []) > 3:
        problems.append(f"{where}: at most three hints")
    scenarios = item.get("scenarios") or []
    if not scenarios:
        return [*problems, f"{where}: an exercise needs scenarios"]
    for scenario in scenarios:
        if scenario.get("expect") not in {"allowed", "denied", *DECISIONS}:
            problems.append(f"{where}: scenario {scenario.get('name')!r} has a bad 'expect'")
        if not isinstance(scenario.get("request"), dict):
            problems.append(f"{where}: scenario {scenario.get('name')!r} needs a request")
    return problems


def _exercise_grading_problems(where: str, item: dict[str, Any]) -> list[str]:
    problems = _policy_problems(
        f"{where} (solution)", item["solution"], allow_errors=False, allow_warnings=False
    )
    if item["kind"] != "fix" and item["kind"] != "get-in":
        problems += _policy_problems(
            f"{where} (starting policy)",
            item["starting_policy"],
            allow_errors=False,
            allow_warnings=True,
        )
    scenarios, role_arn = item["scenarios"], item["role_arn"]
    try:
        solution = grade_policy(policy=item["solution"], scenarios=scenarios, role_arn=role_arn)
        start = grade_policy(policy=item["starting_policy"], scenarios=scenarios, role_arn=role_arn)
    except PolicyError as exc:
        return [*problems, f"{where}: the engine cannot run a scenario: {exc}"]
    problems += [
        f"{where}: the solution fails scenario {outcome.name!r} "
        f"(expects {outcome.expect}, engine says {outcome.decision})"
        for outcome in solution.outcomes
        if not outcome.passed
    ]
    if start.passed:
        problems.append(f"{where}: the starting policy already passes every scenario")
    return problems


def _attack_problems(where: str, item: dict[str, Any]) -> list[str]:
    attack = item.get("attack")
    if not isinstance(attack, dict) or not attack.get("goal"):
        return [f"{where}: a get-in exercise needs an attack with a goal"]
    example = attack.get("example")
    if not example:
        return []
    problems = []
    on_start = attack_try(
        attack=attack, policy=item["starting_policy"], role_arn=item["role_arn"], request=example
    )
    on_solution = attack_try(
        attack=attack, policy=item["solution"], role_arn=item["role_arn"], request=example
    )
    if not on_start.succeeded:
        problems.append(f"{where}: attack.example does not get in: {on_start.message}")
    if on_solution.succeeded:
        problems.append(f"{where}: the solution still lets attack.example in")
    return problems


def _check_exercise(where: str, item: dict[str, Any], lesson_slugs: set[str]) -> list[str]:
    problems = [
        f"{where}: missing '{key}'"
        for key in ("slug", "title", "kind", "role_arn", "goal", "starting_policy", "solution")
        if not item.get(key)
    ]
    problems = problems or _exercise_shape_problems(where, item, lesson_slugs)
    if problems:
        return problems
    problems = _exercise_grading_problems(where, item)
    if item["kind"] == "get-in":
        problems += _attack_problems(where, item)
    return problems


def _question_meta_problems(where: str, item: dict[str, Any]) -> list[str]:
    problems = _exam_problems(where, item["exams"])
    if item.get("difficulty") not in (1, 2, 3):
        problems.append(f"{where}: difficulty must be 1, 2 or 3")
    sources = [str(url) for url in item["sources"]]
    if not all(url.startswith("https://") for url in sources):
        problems.append(f"{where}: sources must be https URLs")
    if not any(url.startswith("https://docs.aws.amazon.com/") for url in sources):
        problems.append(f"{where}: at least one source must be an AWS documentation page")
    return problems


def _option_problems(where: str, item: dict[str, Any], qtype: str) -> list[str]:
    problems = []
    options = item.get("options") or []
    correct = [o for o in options if isinstance(o, dict) and o.get("correct")]
    if not all(isinstance(o, dict) and o.get("text") and o.get("why") for o in options):
        problems.append(f"{where}: every option needs 'text' and 'why'")
    if qtype in ("single", "predict") and (len(options) != 4 or len(correct) != 1):
        problems.append(f"{where}: a {qtype} question has four options and one correct")
    if qtype == "multiple":
        if len(options) < 5 or len(correct) < 2:
            problems.append(f"{where}: a multiple-response question has 5+ options, 2+ correct")
        word = CHOOSE_WORDS.get(len(correct), str(len(correct)))
        if f"(Choose {word}.)" not in item["stem"]:
            problems.append(f"{where}: the stem must end by saying '(Choose {word}.)'")
    return problems


def _predict_check(where: str, item: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The engine check a predict question's keyed decision makes, or why there is none."""
    if not item.get("policy") or not isinstance(item.get("request"), dict):
        return None, [f"{where}: a predict question shows a policy and a request"]
    problems = []
    if item.get("decision") not in DECISIONS:
        problems.append(f"{where}: decision must be one of {sorted(DECISIONS)}")
    check = {"request": item["request"], "decision": item.get("decision")}
    check |= {key: item[key] for key in ENGINE_KEYS if key in item}
    return check, problems


def _engine_check_problems(where: str, item: dict[str, Any], check: dict[str, Any]) -> list[str]:
    case = {"trust_policy": check.get("policy", item.get("policy")), "request": check["request"]}
    case |= {key: check[key] for key in ENGINE_KEYS if key in check}
    decision, error = _engine_decision(case)
    if expectation_met(str(check.get("decision")), str(decision)):
        return []
    keyed = check.get("decision")
    return [f"{where}: keyed {keyed}, the engine says {decision} {error}".strip()]


def _check_question(where: str, item: dict[str, Any]) -> list[str]:
    problems = [
        f"{where}: missing '{key}'"
        for key in ("id", "type", "topic", "stem", "sources", "exams")
        if not item.get(key)
    ]
    if problems:
        return problems
    problems = _question_meta_problems(where, item)
    qtype = item["type"]
    if qtype not in QUESTION_TYPES:
        return [*problems, f"{where}: type must be one of {sorted(QUESTION_TYPES)}"]
    if qtype == "fix":
        fix = {"slug": item["id"], "title": item["id"], "kind": "fix", "goal": item["stem"], **item}
        return problems + _check_exercise(where, fix, set())
    problems += _option_problems(where, item, qtype)
    checks = list(item.get("checks") or [])
    if qtype == "predict":
        check, predict_problems = _predict_check(where, item)
        problems += predict_problems
        if check is None:
            return problems
        checks.append(check)
    elif item.get("policy") and not checks:
        problems.append(f"{where}: shows a policy but has no engine 'checks'")
    for check in checks:
        problems += _engine_check_problems(where, item, check)
    return problems


def content_check(*, root: Path = CONTENT_DIR) -> list[str]:
    """Every problem with the content, as lines a writer can act on; empty when all is well."""
    content = content_read(root=root)
    problems = list(content.problems)
    lesson_problems, lesson_slugs = _check_lessons(content, root)
    problems += lesson_problems
    for kind, items, key in (
        ("exercise", content.exercises, "slug"),
        ("question", content.questions, "id"),
    ):
        counts = Counter(str(item.get(key)) for _, item in items)
        for value, count in counts.items():
            if count > 1:
                problems.append(f"duplicate {kind} {key} {value!r} ({count} times)")
    for path, item in content.exercises:
        problems += _check_exercise(
            f"{content_path(path, root)} [{item.get('slug')}]", item, lesson_slugs
        )
    for path, item in content.questions:
        problems += _check_question(f"{content_path(path, root)} [{item.get('id')}]", item)
    return problems
