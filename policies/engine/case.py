"""Reading a case: its policies (cached by text) and its request.

The editor sends the same text many times (for evaluate() and describe()), and a
grader or a benchmark sends hundreds of different ones, so policies are cached by
their text: 1,024 entries for texts of a trust policy's size, 32 for larger ones,
which bounds the memory a flood of large texts can hold.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .conditions import MatchBudget
from .context import Request, parse_request
from .errors import InputTooLargeError, PolicyParseError, UsageError
from .findings import Finding
from .limits import MAX_ARRAY_ITEMS, MAX_POLICY_CHARS
from .model import Policy, load_policy, parse_error_finding
from .parser import dump_policy
from .validate import validate_loaded

#: Keys of a case that belong to the caller's (identity) side.
IDENTITY_KEYS = ("identity_policies", "permissions_boundary", "session_policy", "scps")


def policy_text(source: Any, where: str) -> str:
    """The text of a policy given as text or as a JSON object."""
    if isinstance(source, str):
        return source
    if isinstance(source, Mapping):
        return dump_policy(dict(source))
    raise UsageError.about(where, "must be a JSON object or the policy text as a string")


#: Texts up to this size (a role trust policy's quota is 2,048 characters without
#: whitespace) are cached in the large cache; longer ones, which only a hostile or
#: broken input reaches, share a small one, so memory stays bounded either way.
SMALL_TEXT_CHARS = 8_192


@lru_cache(maxsize=1024)
def _load_small(text: str) -> tuple[Policy | None, tuple[Finding, ...]]:
    policy, findings = load_policy(text)
    return policy, tuple(findings)


@lru_cache(maxsize=32)
def _load_large(text: str) -> tuple[Policy | None, tuple[Finding, ...]]:
    policy, findings = load_policy(text)
    return policy, tuple(findings)


def load_text(text: str) -> tuple[Policy | None, tuple[Finding, ...]]:
    """The policy read from ``text`` and the findings that stopped it (cached)."""
    return _load_small(text) if len(text) <= SMALL_TEXT_CHARS else _load_large(text)


@lru_cache(maxsize=1024)
def _validate_small(text: str, role_account: str | None) -> tuple[Finding, ...]:
    return _validate(text, role_account)


@lru_cache(maxsize=32)
def _validate_large(text: str, role_account: str | None) -> tuple[Finding, ...]:
    return _validate(text, role_account)


def _validate(text: str, role_account: str | None) -> tuple[Finding, ...]:
    # Parse once: validation reads the same cached Policy the evaluation uses.
    policy, findings = load_text(text)
    if policy is None:
        return findings
    return tuple(validate_loaded(policy, role_account=role_account))


def validate_text(text: str, role_account: str | None = None) -> tuple[Finding, ...]:
    """The findings of the policy in ``text`` (cached by text and role account)."""
    if len(text) <= SMALL_TEXT_CHARS:
        return _validate_small(text, role_account)
    return _validate_large(text, role_account)


def load_cached(source: str | Mapping[str, Any]) -> Policy | None:
    """The policy read from text or a JSON object (cached by text), or ``None``
    when it cannot be read (its findings say why)."""
    try:
        text = policy_text(source, "the policy")
    except PolicyParseError:
        return None  # a JSON object too deep to write out
    return load_text(text)[0]


#: The engine's functools caches, found by looking at its loaded modules; looked for
#: again whenever the number of loaded modules changes (see :func:`clear_caches`).
_FOUND_CACHES: list[Any] = []
_MODULES_SEEN = [-1]


def _engine_caches() -> list[Any]:
    if len(sys.modules) != _MODULES_SEEN[0]:
        package = __name__.rpartition(".")[0]
        found = {
            id(value): value
            for name, module in list(sys.modules.items())
            if module is not None and (name == package or name.startswith(package + "."))
            for value in list(vars(module).values())
            if getattr(value, "__module__", None) == name
            and hasattr(value, "cache_info")
            and hasattr(value, "cache_clear")
        }
        _FOUND_CACHES[:] = found.values()
        _MODULES_SEEN[0] = len(sys.modules)
    return _FOUND_CACHES


def clear_caches() -> None:
    """Forget everything the engine caches, for benchmarks of the cold path, where
    nothing may be reused between calls: every ``functools`` cache of every engine
    module loaded (policies by text, findings, compiled patterns, key lookups, the
    validation rules' own), found by looking rather than listed, so a cache added
    anywhere in the engine is cleared too."""
    for cache in _engine_caches():
        cache.cache_clear()


def validate_cached(source: str | Mapping[str, Any]) -> list[Finding]:
    """``validate_policy`` with a bounded, thread-safe cache keyed by the text."""
    try:
        text = policy_text(source, "the policy")
    except PolicyParseError as error:
        return [parse_error_finding(error)]
    return list(validate_text(text))


#: Most characters of policy text the identity side of one case may hold in all
#: (identity policies, boundary, session policy and SCPs together). AWS's own
#: quotas keep real ones far smaller (a managed policy holds at most 6,144
#: characters); the bound keeps one evaluation fast whatever the input.
MAX_IDENTITY_SIDE_CHARS = MAX_POLICY_CHARS


def _load_other(source: Any, where: str, used: list[int]) -> Policy:
    """Load an identity-side policy; one that does not parse is a usage error.

    ``used`` counts the identity-side characters loaded so far for this case.
    """
    try:
        text = policy_text(source, where)
    except PolicyParseError as error:
        raise UsageError(
            f"{where} is not a usable policy: {error.message}",
            field=where,
            reason=error.message,
            code="unusable_policy",
        ) from error
    used[0] += len(text)
    if used[0] > MAX_IDENTITY_SIDE_CHARS:
        raise InputTooLargeError(
            f"the case's identity-side policies hold more than {MAX_IDENTITY_SIDE_CHARS:,} "
            f"characters in all (reached at {where})",
            field=where,
        )
    policy, findings = load_text(text)
    if policy is None:
        message = findings[0].message if findings else "it cannot be read"
        raise UsageError(
            f"{where} is not a usable policy: {message}",
            field=where,
            reason=message,
            code="unusable_policy",
        )
    return policy


# ---------------------------------------------------------------------------
# The case


@dataclass(slots=True)
class Case:
    """A parsed case: the trust policy text, the request and the identity side."""

    trust_text: str | None  # None: a JSON object that cannot even be written out
    request: Request
    identity_policies: list[Policy] | None
    permissions_boundary: Policy | None
    session_policy: Policy | None
    scps: list[list[Policy]] | None
    given_identity_keys: list[str]
    trust_error: Finding | None = None
    budget: MatchBudget = field(default_factory=MatchBudget)
    rcps: list[list[Policy]] | None = None


def _policy_list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise UsageError.about(where, "must be a list of policies")
    if len(raw) > MAX_ARRAY_ITEMS:
        raise UsageError.about(where, f"lists more than {MAX_ARRAY_ITEMS} policies")
    return raw


def parse_case(case: Any) -> Case:
    """Check a case and load its policies; raise :class:`UsageError` when unusable."""
    # type() first: an isinstance check against an ABC is much slower.
    if type(case) is not dict and not isinstance(case, Mapping):
        raise UsageError("a case must be a JSON object with 'trust_policy' and 'request'")
    if "trust_policy" not in case:
        raise UsageError("the case has no 'trust_policy'")
    raw_trust = case["trust_policy"]
    if not isinstance(raw_trust, str | Mapping):
        raise UsageError.about(
            "trust_policy", "must be a JSON object or the policy text as a string"
        )
    trust_error: Finding | None = None
    try:
        trust_text: str | None = policy_text(raw_trust, "trust_policy")
    except PolicyParseError as error:
        trust_text, trust_error = None, parse_error_finding(error)
    request = parse_request(case.get("request"))
    given = [k for k in IDENTITY_KEYS if case.get(k) is not None]
    parsed = Case(trust_text, request, None, None, None, None, given, trust_error)
    used = [0]  # identity-side characters loaded so far
    if given:  # the usual case gives none of them
        _caller_policies(parsed, case, used)
    parsed.rcps = _levels(case, "rcps", used)
    return parsed


def _caller_policies(parsed: Case, case: Mapping[str, Any], used: list[int]) -> None:
    """Load the caller's side of ``case`` into ``parsed``: identity policies, boundary,
    session policy and SCPs, in that order."""
    if case.get("identity_policies") is not None:
        raw = _policy_list(case["identity_policies"], "identity_policies")
        parsed.identity_policies = [
            _load_other(p, f"identity_policies[{i}]", used) for i, p in enumerate(raw)
        ]
    if case.get("permissions_boundary") is not None:
        parsed.permissions_boundary = _load_other(
            case["permissions_boundary"], "permissions_boundary", used
        )
    if case.get("session_policy") is not None:
        parsed.session_policy = _load_other(case["session_policy"], "session_policy", used)
    parsed.scps = _levels(case, "scps", used)


def _levels(case: Mapping[str, Any], key: str, used: list[int]) -> list[list[Policy]] | None:
    """The levels (root, OUs, account) of ``scps`` or ``rcps``, each a list of policies."""
    if case.get(key) is None:
        return None
    out: list[list[Policy]] = []
    for i, level in enumerate(_policy_list(case[key], key)):
        items = _policy_list(level, f"{key}[{i}]")
        out.append([_load_other(p, f"{key}[{i}][{j}]", used) for j, p in enumerate(items)])
    return out


# ---------------------------------------------------------------------------
# Statements
