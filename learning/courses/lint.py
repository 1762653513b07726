"""Live lint for the editors of lessons and exercises: the playground's checks, as you type."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from config.web import MAX_POLICY_FIELD, rate_limit_hit, render_page
from policies.engine import validate

_EDITOR_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


def policy_findings(policy: str) -> list[dict[str, Any]]:
    """The checks' findings on ``policy`` as contract dicts; none for an empty editor."""
    if not policy.strip() or len(policy) > MAX_POLICY_FIELD:
        return []
    return [finding.to_dict() for finding in validate(policy)]


@require_POST
def lint(request: HttpRequest) -> HttpResponse:
    """Findings for the policy in one editor (``editor`` is its textarea's id)."""
    editor_id = request.POST.get("editor", "")
    if not _EDITOR_ID.match(editor_id):
        editor_id = "policy"
    policy = request.POST.get("policy", "")
    context: dict[str, Any] = {"editor_id": editor_id, "checked": True}
    status = 200
    limit = rate_limit_hit(request=request, scope="lint")
    if not limit.allowed:
        context["error"] = (
            f"Too many checks from your connection; the findings come back in "
            f"{limit.retry_after} s. Submitting still works."
        )
        status = 429
    elif len(policy) > MAX_POLICY_FIELD:
        context["error"] = f"That policy is longer than {MAX_POLICY_FIELD:,} characters."
        status = 400
    else:
        context["findings"] = policy_findings(policy)
    return render_page(request, "courses/lint.html", context, fragment="findings", status=status)
