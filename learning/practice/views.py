"""Practice, spaced review, exam simulations and readiness pages."""

from __future__ import annotations

import json
import random
import time
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
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
from learning.content.exam_info import EXAM_INFO, TOPICS
from learning.content.rendering import highlight_policy
from learning.learners import learner_for, owned_by
from learning.models import ExamAttempt, Question, QuestionAnswer
from learning.practice import bank, exams, mastery, progress, results, scheduling
from learning.practice.charts import readiness_chart

CALLER_LABELS = {
    "identity_policies": "The caller's identity policies",
    "permissions_boundary": "The caller's permissions boundary",
    "session_policy": "The session policy",
    "scps": "Service control policies of the caller's account (by level)",
    "rcps": "Resource control policies of the role's account (by level)",
}


def _filters(request: HttpRequest) -> dict[str, str]:
    exam = request.GET.get("exam", "")
    topic = request.GET.get("topic", "")
    domain = request.GET.get("domain", "")
    info = EXAM_INFO.get(exam)
    return {
        "exam": exam if info else "",
        "topic": topic if topic in TOPICS else "",
        # A domain number means something only within its exam's guide.
        "domain": domain if info and info.domain(domain) else "",
    }


def question_context(question: Question, request: HttpRequest) -> dict[str, Any]:
    """What ``question_body.html`` needs to show a question (practice, review, exams, classes)."""
    # Options are shown in an order of their own for each learner, as on the exams,
    # and the same order on every visit; answers keep the indexes of the file.
    learner = learner_for(request)
    seed = f"{learner.user_id or learner.session_key if learner else ''}:{question.qid}"
    ordered = list(enumerate(question.options))
    random.Random(seed).shuffle(ordered)
    return {
        "question": question,
        # Element ids; an exam page replaces it with the item's position (no question id).
        "dom_id": question.qid,
        "ordered_options": ordered,
        "policy_html": highlight_policy(question.policy) if question.policy else "",
        "request_items": [
            (key, question.request[key])
            for key in ("principal", "action", "role_arn", "context")
            if question.request and key in question.request
        ],
        "caller_policies": [
            (CALLER_LABELS[key], json.dumps(value, indent=2))
            for key, value in (question.caller_policies or {}).items()
            if key in CALLER_LABELS
        ],
        "input_type": "checkbox" if question.type == Question.Type.MULTIPLE else "radio",
    }


def read_answer(request: HttpRequest, question: Question) -> tuple[list[int], str]:
    """The chosen options and policy a form sent; raises ``QuizError`` with a message."""
    chosen = bank.parse_choice(question, request.POST.getlist("option"))
    policy = request.POST.get("policy", "")
    if len(policy) > MAX_POLICY_FIELD:
        raise bank.QuizError(f"That policy is over {MAX_POLICY_FIELD:,} characters.")
    if not chosen and not policy.strip():
        raise bank.QuizError("Choose an answer first.")
    try:
        long_number_check(policy)
    except UserError as exc:
        raise bank.QuizError(str(exc), field="policy") from None
    return chosen, policy


def answer_seconds(request: HttpRequest) -> int | None:
    """How long the learner took, from the form's ``started`` stamp, when it is believable."""
    try:
        started = float(request.POST.get("started", ""))
    except ValueError:
        return None
    seconds = int(time.time() - started)
    return seconds if 0 <= seconds < 86_400 else None


@require_GET
def practice_home(request: HttpRequest) -> HttpResponse:
    learner = learner_for(request)
    plan = scheduling.study_plan(learner)
    # The exam chosen in the form (sent back by its "Show its domains" button,
    # so no script is needed), else the learner's own exam: its domains fill the select.
    chosen = request.GET.get("exam", "")
    if chosen not in EXAM_INFO:
        chosen = plan.exam if plan and plan.exam in EXAM_INFO else ""
    return render(
        request,
        "practice/practice_home.html",
        {
            "exams": EXAM_INFO.values(),
            "chosen_exam": chosen,
            "domains": EXAM_INFO[chosen].domains if chosen else (),
            "topics": TOPICS,
            "counts": bank.bank_counts(),
            "queue": scheduling.reviews_due(learner),
            "plan": plan,
            "countdown": progress.exam_countdown(learner=learner, plan=plan),
            "attempts": owned_by(ExamAttempt.objects, learner)[:5],
            "lengths": bank.EXAM_LENGTHS,
        },
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@engine_rate_limited
def practice_question(request: HttpRequest) -> HttpResponse:
    """GET: the next question for the chosen filters. POST: grade an answer, show every why."""
    if request.method == "GET":
        learner = learner_for(request)
        filters = _filters(request)
        question = bank.question_next(learner=learner, **filters)
        if question is None:
            # Questions exist but open exams hold every one of them (exam_lock.py).
            held = bank.questions_for(**filters).exists()
            return render(request, "practice/practice_empty.html", {"held": held})
        context = {**question_context(question, request), "mode": "practice"}
        context["started"] = time.time()
        return render(request, "practice/question.html", context)
    question = get_object_or_404(Question, qid=request.POST.get("qid", ""), retired=False)
    context = {**question_context(question, request), "mode": "practice"}
    try:
        chosen, policy = read_answer(request, question)
        answer = scheduling.practice_answer(
            learner=learner_for(request, create=True),
            question=question,
            chosen=chosen,
            policy=policy,
            seconds=answer_seconds(request),
        )
    except bank.QuizError as exc:
        context |= {"error": str(exc), "started": time.time()}
        return render_page(
            request, "practice/question.html", context, status=400, fragment="answer_area"
        )
    context |= {"answer": answer, "chosen": chosen, "submitted_policy": policy}
    context |= _comes_back(learner_for(request), question)
    return render_page(request, "practice/question.html", context, fragment="answer_area")


def _comes_back(learner, question: Question) -> dict[str, Any]:
    """When the card just rescheduled is due again, for "back in 3 days"."""
    due = progress.card_due(learner, question)
    if due is None:
        return {}
    return {"due": due, "back_in": progress.due_phrase(due, now=timezone.now())}


@require_http_methods(["GET", "POST"])
@engine_rate_limited
def review(request: HttpRequest) -> HttpResponse:
    """Spaced review: the learner's due cards, one at a time."""
    if request.method == "POST":
        question = get_object_or_404(Question, qid=request.POST.get("qid", ""), retired=False)
        context = {**question_context(question, request), "mode": "review"}
        learner = learner_for(request, create=True)
        try:
            chosen, policy = read_answer(request, question)
            answer = scheduling.practice_answer(
                learner=learner,
                question=question,
                chosen=chosen,
                policy=policy,
                seconds=answer_seconds(request),
                mode=QuestionAnswer.Mode.REVIEW,
            )
        except bank.QuizError as exc:
            context |= {"error": str(exc), "started": time.time()}
            return render(request, "practice/question.html", context, status=400)
        context |= {"answer": answer, "chosen": chosen, "queue": scheduling.reviews_due(learner)}
        context |= _comes_back(learner, question)
        return render(request, "practice/question.html", context)
    visitor = learner_for(request)
    queue = scheduling.reviews_due(visitor)
    if queue.next_card is None:
        summary = progress.review_summary(visitor)
        return render(request, "practice/review_done.html", {"queue": queue, "summary": summary})
    context = {
        **question_context(queue.next_card.question, request),
        "mode": "review",
        "queue": queue,
        "started": time.time(),
    }
    return render(request, "practice/question.html", context)


@require_POST
def study_plan(request: HttpRequest) -> HttpResponse:
    learner = learner_for(request, create=True)
    raw_date = request.POST.get("exam_date", "").strip()
    try:
        exam_date = date.fromisoformat(raw_date) if raw_date else None
        scheduling.study_plan_set(
            learner=learner, exam=request.POST.get("exam", ""), exam_date=exam_date
        )
    except ValueError as exc:
        message = str(exc) if isinstance(exc, bank.QuizError) else "Give the date as YYYY-MM-DD."
        messages.error(request, message)
        return redirect(reverse("practice:home") + "#plan")
    messages.success(request, "Your study plan is saved: reviews will fit before your exam.")
    return redirect(reverse("practice:home") + "#plan")


@vary_on_headers("HX-Request")
@require_POST
def question_report(request: HttpRequest, qid: str) -> HttpResponse:
    question = get_object_or_404(Question, qid=qid)
    learner = learner_for(request, create=True)
    try:
        chosen = bank.parse_choice(question, request.POST.getlist("option"))
        bank.question_report(
            learner=learner,
            question=question,
            message=request.POST.get("message", ""),
            chosen=chosen,
        )
    except bank.QuizError as exc:
        context = {
            "error": str(exc),
            "question": question,
            "chosen": request.POST.getlist("option")[:20],
            "message": request.POST.get("message", "")[:4000],
        }
        status = 400
    else:
        context, status = {"question": question}, 200
    return render_page(
        request, "practice/report_done.html", context, status=status, fragment="message"
    )


# Exam simulations


@require_POST
def exam_start(request: HttpRequest) -> HttpResponse:
    learner = learner_for(request, create=True)
    try:
        count = int(request.POST.get("count", "20"))
        attempt = exams.exam_start(learner=learner, exam=request.POST.get("exam", ""), count=count)
    except ValueError as exc:
        message = str(exc) if isinstance(exc, bank.QuizError) else "Pick how many questions."
        messages.error(request, message)
        return redirect(reverse("practice:home") + "#exams")
    return redirect(attempt.get_absolute_url())


def _attempt_for(request: HttpRequest, public_id) -> ExamAttempt:
    """Only the learner who started an exam can see it; anyone else gets a 404."""
    learner = learner_for(request)
    attempt = owned_by(ExamAttempt.objects, learner).filter(public_id=public_id).first()
    if attempt is None:
        raise Http404("No such exam.")
    return exams.exam_expire_if_due(attempt)


def _exam_nav(attempt: ExamAttempt) -> list[exams.NavItem]:
    return exams.exam_progress(attempt).items


def _exam_answer_save(request: HtmxHttpRequest, attempt: ExamAttempt, question: Question) -> None:
    """Save the posted answer to one exam question; a bad answer raises ``QuizError``."""
    chosen = bank.parse_choice(question, request.POST.getlist("option"))
    policy = request.POST.get("policy", "")[:MAX_POLICY_FIELD]
    if policy:
        try:
            long_number_check(policy)
        except UserError as exc:
            raise bank.QuizError(str(exc), field="policy") from None
    exams.exam_answer(
        attempt=attempt,
        question=question,
        chosen=chosen,
        policy=policy,
        flagged=request.POST.get("flagged") == "on",
    )


def _exam_go(request: HttpRequest, attempt: ExamAttempt, number: int) -> HttpResponse:
    """Where "Save and next", "Previous" or "Review" leads after a saved answer."""
    go = request.POST.get("go", "next")
    if go == "review":
        return redirect("practice:exam_review", attempt.public_id)
    target = number + 1 if go == "next" else number - 1 if go == "previous" else number
    target = min(max(target, 1), len(attempt.question_ids))
    return redirect("practice:exam_question", attempt.public_id, target)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@engine_rate_limited
def exam_question(request: HtmxHttpRequest, public_id, number: int) -> HttpResponse:
    attempt = _attempt_for(request, public_id)
    if attempt.submitted:
        return redirect(attempt.get_absolute_url())
    if not 1 <= number <= len(attempt.question_ids):
        raise Http404("No such question in this exam.")
    question = get_object_or_404(Question, pk=attempt.question_ids[number - 1])
    status = 200
    error = ""
    if request.method == "POST":
        try:
            _exam_answer_save(request, attempt, question)
        except bank.QuizError as exc:
            error, status = str(exc), 400
        else:
            if request.htmx:
                return render(
                    request,
                    "practice/exam_question.html#saved",
                    {"saved": True, "nav": _exam_nav(attempt), "attempt": attempt},
                )
            return _exam_go(request, attempt, number)
    if request.method == "GET":
        exams.exam_view(attempt=attempt, question=question)
    response = attempt.responses.filter(question=question).first()
    context = {
        **question_context(question, request),
        "dom_id": f"item-{number}",
        "attempt": attempt,
        "info": EXAM_INFO[attempt.exam],
        "number": number,
        "total": len(attempt.question_ids),
        "response": response,
        "chosen": response.chosen if response else [],
        "submitted_policy": response.policy if response else "",
        "nav": _exam_nav(attempt),
        "time_left": exams.exam_time_left(attempt),
        "error": error,
    }
    return render(request, "practice/exam_question.html", context, status=status)


@require_http_methods(["GET", "POST"])
def exam_review(request: HttpRequest, public_id) -> HttpResponse:
    """The review screen; submitting with blank or flagged questions asks once more."""
    attempt = _attempt_for(request, public_id)
    if attempt.submitted:
        return redirect("practice:exam_result", attempt.public_id)
    progress = exams.exam_progress(attempt)
    confirming = False
    if request.method == "POST":
        if request.POST.get("confirm") == "yes" or not progress.needs_confirmation:
            exams.exam_submit(attempt=attempt)
            return redirect("practice:exam_result", attempt.public_id)
        confirming = True
    else:
        exams.exam_view(attempt=attempt, question=None)
    return render(
        request,
        "practice/exam_review.html",
        {
            "attempt": attempt,
            "info": EXAM_INFO[attempt.exam],
            "nav": progress.items,
            "progress": progress,
            "confirming": confirming,
            "time_left": exams.exam_time_left(attempt),
        },
    )


@require_GET
def exam_result(request: HttpRequest, public_id) -> HttpResponse:
    """Score, breakdowns and every question; ``?show=wrong|flagged|unanswered`` filters."""
    attempt = _attempt_for(request, public_id)
    if not attempt.submitted:
        return redirect(attempt.get_absolute_url())
    result = results.exam_result(attempt=attempt)
    show = request.GET.get("show", "all")
    show = show if show in results.RESULT_FILTERS else "all"
    items = [
        {"item": item, **question_context(item.question, request), "dom_id": f"item-{item.number}"}
        for item in result.shown(show)
    ]
    context = {
        "attempt": attempt,
        "info": EXAM_INFO[attempt.exam],
        "result": result,
        "items": items,
        "show": show,
        "filters": [
            (key, label, result.counts[key]) for key, (label, _) in results.RESULT_FILTERS.items()
        ],
    }
    return render_page(request, "practice/exam_result.html", context, fragment="result_list")


@require_GET
def readiness(request: HttpRequest) -> HttpResponse:
    learner = learner_for(request)
    plan = scheduling.study_plan(learner)
    exam = request.GET.get("exam") or (plan.exam if plan else "SAA-C03")
    if exam not in EXAM_INFO:
        raise Http404("No such exam.")
    result = mastery.readiness(learner=learner, exam=exam)
    return render(
        request,
        "practice/readiness.html",
        {
            "readiness": result,
            "chart": readiness_chart(result),
            "exams": EXAM_INFO.values(),
            "min_answers": mastery.MIN_ANSWERS_FOR_ESTIMATE,
        },
    )
