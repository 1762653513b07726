"""Course pages: the course map, lessons with their interactive blocks, exercises."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.web import (
    MAX_POLICY_FIELD,
    HtmxHttpRequest,
    UserError,
    engine_rate_limited,
    long_number_check,
    render_page,
)
from learning.content.rendering import highlight_policy, split_on_blocks
from learning.courses.lesson_checks import CHECK_TRIES, check_answer, option_order
from learning.courses.lint import policy_findings
from learning.courses.selectors import course_progress, exercise_after, lesson_after
from learning.courses.services import (
    exercise_attack,
    exercise_submit,
    lesson_check_record,
    lesson_complete,
)
from learning.courses.tryit import context_rows, tryit_case, tryit_steps
from learning.learners import learner_for, owned_by
from learning.models import TRACKS, Exercise, ExerciseAttempt, Lesson, LessonProgress
from learning.practice.lesson_checks import lesson_check_review
from policies.engine import PolicyError, evaluate
from policies.presets import ACTIONS

ORDER_KEY = "check_order"  # session key: a visitor's own order of check options
MAX_ROWS = 40  # condition rows read from a try-it form
MAX_FIELD = 2_048  # longest principal or action read from it


def _policy_field(request: HttpRequest) -> str:
    policy = request.POST.get("policy", "")
    if not policy.strip():
        raise UserError("Type a policy first: the editor is empty.", field="policy")
    if len(policy) > MAX_POLICY_FIELD:
        raise UserError(
            f"That policy is {len(policy):,} characters long; the limit here is "
            f"{MAX_POLICY_FIELD:,}. A role trust policy may hold at most 2,048 by default.",
            field="policy",
        )
    long_number_check(policy)
    return policy


def _parse_context(text: str) -> dict[str, Any]:
    """Condition keys typed one per line as ``key = value``; a key repeated makes a list."""
    context: dict[str, Any] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise UserError(
                f"Line {number} of the condition keys needs the form key = value.", field="context"
            )
        key, value = key.strip(), value.strip()
        if key in context:
            existing = context[key]
            context[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            context[key] = value
    return context


# Course map and lessons


@require_GET
def course_map(request: HttpRequest) -> HttpResponse:
    progress = course_progress(learner=learner_for(request))
    tracks = []
    for key, title in TRACKS.items():
        items = [lesson for lesson in progress.lessons if lesson.track == key]
        for lesson in items:
            exercises = progress.exercises_by_lesson.get(lesson.id, [])
            lesson.done = lesson.id in progress.done  # type: ignore[attr-defined]
            lesson.exercise_list = exercises  # type: ignore[attr-defined]
            solved_count = sum(1 for e in exercises if e.id in progress.solved)
            lesson.solved_count = solved_count  # type: ignore[attr-defined]
        if items:
            tracks.append({"key": key, "title": title, "lessons": items})
    return render(
        request,
        "courses/course_map.html",
        {
            "tracks": tracks,
            "total": len(progress.lessons),
            "done_count": len(progress.done),
            "progress": progress,
            "session_days": settings.SESSION_COOKIE_AGE // 86_400,
        },
    )


def _tryit_extras(block: dict[str, Any], index: int) -> dict[str, Any]:
    """What a try-it block's form shows: its request as rows, the actions, the steps."""
    result = block.get("result") or {}
    request = result.get("request") or block.get("request", {})
    return {
        "editor_id": f"try-policy-{index}",
        "findings": policy_findings(result.get("policy") or block.get("policy", "")),
        "principal": request.get("principal", ""),
        "action": request.get("action", "sts:AssumeRole"),
        "rows": result.get("rows") or context_rows(request.get("context")),
        "actions": ACTIONS,
        "step_list": tryit_steps(block),
    }


def _tryit_request(request: HttpRequest, block: dict[str, Any]) -> dict[str, Any]:
    """The request fields the learner sent (the block's own when the form had none)."""
    if "principal" not in request.POST:
        original = block.get("request", {})
        return {
            "principal": str(original.get("principal", "")),
            "action": str(original.get("action", "sts:AssumeRole")),
            "rows": context_rows(original.get("context")),
        }
    keys = request.POST.getlist("condition_key")[:MAX_ROWS]
    values = request.POST.getlist("condition_values")[:MAX_ROWS]
    return {
        "principal": request.POST.get("principal", "")[:MAX_FIELD],
        "action": request.POST.get("action", "")[:MAX_FIELD],
        "rows": [(k, v) for k, v in zip(keys, values, strict=False) if k.strip() or v.strip()],
    }


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _check_order(request: HttpRequest, lesson: Lesson, block: dict[str, Any]) -> list:
    """A check's (position, option) pairs in this learner's own, stable order.

    A signed-in learner's order follows the account. A visitor's follows a
    key kept in the session; a visitor with no session yet (nothing done on
    the site) sees the visitors' order, and keeps it when the session starts.
    """
    if request.user.is_authenticated:
        key = f"user:{request.user.pk}"
    elif request.session.session_key is None:
        key = "visitor"
    else:
        key = request.session.setdefault(ORDER_KEY, secrets.token_hex(8))
    order = option_order(
        learner_key=key, lesson_slug=lesson.slug, index=block["index"], count=len(block["options"])
    )
    return [(position, block["options"][position]) for position in order]


def _lesson_context(request: HttpRequest, lesson: Lesson, **extra: Any) -> dict[str, Any]:
    siblings = list(Lesson.objects.only("slug", "title", "track", "order"))
    position = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    learner = learner_for(request)
    progress = owned_by(LessonProgress.objects, learner).filter(lesson=lesson).first()
    exercises = list(lesson.exercises.all())
    solved = set(
        owned_by(ExerciseAttempt.objects, learner)
        .filter(exercise__in=exercises, passed=True, phase=ExerciseAttempt.Phase.POLICY)
        .values_list("exercise_id", flat=True)
    )
    for exercise in exercises:
        exercise.solved = exercise.id in solved  # type: ignore[attr-defined]
    results = extra.pop("results", {})
    segments = []
    for html, index in split_on_blocks(lesson.body_html):
        block = None
        if index is not None:
            block = {**lesson.blocks[index], "index": index, "result": results.get(index)}
            if block["type"] == "tryit":
                block["request_json"] = json.dumps(block.get("request", {}), indent=2)
                block.update(_tryit_extras(block, index))
            elif block["type"] == "check":
                block["ordered"] = _check_order(request, lesson, block)
        segments.append({"html": html, "block": block})
    return {
        "lesson": lesson,
        "segments": segments,
        "previous": siblings[position - 1] if position > 0 else None,
        "next": siblings[position + 1] if position + 1 < len(siblings) else None,
        "progress": progress,
        "exercises": exercises,
        **extra,
    }


@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    return render(request, "courses/lesson.html", _lesson_context(request, lesson))


@require_POST
def lesson_done(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    lesson_complete(learner=learner_for(request, create=True), lesson=lesson)
    if request.htmx:
        context = _lesson_context(request, lesson)
        return render(request, "courses/lesson.html#done_form", context)
    return redirect(lesson.get_absolute_url() + "#done")


def _block(lesson: Lesson, index: int, kind: str) -> dict[str, Any]:
    if not 0 <= index < len(lesson.blocks) or lesson.blocks[index]["type"] != kind:
        raise Http404("No such block in this lesson.")
    return lesson.blocks[index]


@vary_on_headers("HX-Request")
@require_POST
@engine_rate_limited
def lesson_tryit(request: HtmxHttpRequest, slug: str, index: int) -> HttpResponse:
    """Run a lesson's "try it" block with the learner's edited policy."""
    lesson = get_object_or_404(Lesson, slug=slug)
    block = _block(lesson, index, "tryit")
    status = 200
    typed = _tryit_request(request, block)
    try:
        policy = _policy_field(request)
        case = tryit_case(block=block, policy=policy, **typed)
        result: dict[str, Any] = {"answer": evaluate(case).to_dict(), "policy": policy}
        result["matches_expected"] = result["answer"]["decision"] == block["expect"]
    except (UserError, PolicyError) as exc:
        result, status = {"error": str(exc), "policy": request.POST.get("policy", "")}, 400
    result["request"] = {"principal": typed["principal"], "action": typed["action"]}
    result["rows"] = typed["rows"]
    if request.htmx:
        context = {"block": {**block, "index": index, "result": result}, "lesson": lesson}
        return render(request, "courses/lesson.html#tryit_result", context, status=status)
    context = _lesson_context(request, lesson, results={index: result})
    return render(request, "courses/lesson.html", context, status=status)


@vary_on_headers("HX-Request")
@require_POST
def lesson_check(request: HtmxHttpRequest, slug: str, index: int) -> HttpResponse:
    """Grade the short check question at the end of a lesson."""
    lesson = get_object_or_404(Lesson, slug=slug)
    block = _block(lesson, index, "check")
    if request.session.session_key is None:
        request.session[ORDER_KEY] = "visitor"  # the order this visitor has seen so far
    status = 200
    try:
        chosen = int(request.POST.get("option", ""))
        if not 0 <= chosen < len(block["options"]):
            raise ValueError
    except ValueError:
        result: dict[str, Any] = {"error": "Pick one of the answers first."}
        status = 400
    else:
        attempt = min(max(_int(request.POST.get("attempt"), 1), 1), CHECK_TRIES)
        result = check_answer(block=block, chosen=chosen, attempt=attempt)
        learner = learner_for(request, create=True)
        correct = bool(result["correct"])
        lesson_check_record(learner=learner, lesson=lesson, correct=correct)
        lesson_check_review(learner=learner, lesson=lesson, index=index, correct=correct)
    if request.htmx:
        shown = {**block, "index": index, "result": result}
        shown["ordered"] = _check_order(request, lesson, shown)
        context = {"block": shown, "lesson": lesson}
        return render(request, "courses/lesson.html#check_block", context, status=status)
    context = _lesson_context(request, lesson, results={index: result})
    return render(request, "courses/lesson.html", context, status=status)


# Exercises


def _attack_session_key(exercise: Exercise) -> str:
    return f"attack:{exercise.slug}"


def _exercise_context(request: HttpRequest, exercise: Exercise, **extra: Any) -> dict[str, Any]:
    learner = learner_for(request)
    attempts = owned_by(ExerciseAttempt.objects, learner).filter(exercise=exercise)
    solved_attempt = attempts.filter(passed=True, phase=ExerciseAttempt.Phase.POLICY).first()
    attack_request = request.session.get(_attack_session_key(exercise))
    last_policy = (
        attempts.filter(phase=ExerciseAttempt.Phase.POLICY).values_list("policy", flat=True).first()
    )
    policy = extra.pop("policy", None) or last_policy or exercise.starting_policy
    return {
        "findings": policy_findings(policy),
        "next_exercise": exercise_after(exercise=exercise) if solved_attempt else None,
        "next_lesson": lesson_after(lesson=exercise.lesson) if solved_attempt else None,
        "exercise": exercise,
        "policy": policy,
        "visible_scenarios": [s for s in exercise.scenarios if not s.get("hidden")],
        "hidden_count": sum(1 for s in exercise.scenarios if s.get("hidden")),
        "attack_request": attack_request,
        "attack_request_json": json.dumps(attack_request, indent=2) if attack_request else "",
        "needs_attack": exercise.kind == Exercise.Kind.GET_IN and not attack_request,
        "solved_attempt": solved_attempt,
        "solution_html": highlight_policy(exercise.solution),
        "solved_policy_html": highlight_policy(solved_attempt.policy) if solved_attempt else "",
        **extra,
    }


@require_GET
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.select_related("lesson"), slug=slug)
    return render(request, "courses/exercise.html", _exercise_context(request, exercise))


@vary_on_headers("HX-Request")
@require_POST
@engine_rate_limited
def exercise_submit_view(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.select_related("lesson"), slug=slug)
    learner = learner_for(request, create=True)
    attack_request = request.session.get(_attack_session_key(exercise))
    status = 200
    try:
        policy = _policy_field(request)
        grade = exercise_submit(
            learner=learner, exercise=exercise, policy=policy, attack_request=attack_request
        )
        extra: dict[str, Any] = {"grade": grade, "policy": policy}
    except (UserError, PolicyError) as exc:
        extra, status = {"error": str(exc), "policy": request.POST.get("policy", "")}, 400
    context = _exercise_context(request, exercise, **extra)
    return render_page(request, "courses/exercise.html", context, status=status, fragment="grading")


@require_http_methods(["POST"])
@engine_rate_limited
def exercise_attack_view(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.select_related("lesson"), slug=slug)
    if exercise.kind != Exercise.Kind.GET_IN:
        raise Http404("This exercise has no attack step.")
    learner = learner_for(request, create=True)
    principal = request.POST.get("principal", "").strip()
    status = 200
    try:
        if len(principal) > 2048:
            raise UserError("That principal is too long to be an ARN.", field="principal")
        context_keys = _parse_context(request.POST.get("context", "")[:20_000])
        crafted = {"principal": principal, "context": context_keys}
        outcome = exercise_attack(learner=learner, exercise=exercise, request=crafted)
    except UserError as exc:
        extra: dict[str, Any] = {"attack_error": str(exc)}
        status = 400
    else:
        if outcome.succeeded:
            request.session[_attack_session_key(exercise)] = {
                **crafted,
                "action": (exercise.attack or {}).get("action", "sts:AssumeRole"),
            }
            return redirect(reverse("courses:exercise", args=[slug]) + "#step-2")
        extra = {"attack_outcome": outcome, "attack_principal": principal}
    return render(
        request,
        "courses/exercise.html",
        _exercise_context(request, exercise, **extra),
        status=status,
    )
