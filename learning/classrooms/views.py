"""Classrooms: a teacher's classes, their grid and item analysis; a student's assignments.

Who sees what: someone who is not in a class gets a 404 for all of its pages
(a class's existence is not disclosed); a student of the class gets a 403 for
a teacher's page; managing co-teachers is for the class's owner only."""

from __future__ import annotations

import csv
import functools
import time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.web import AuthenticatedHttpRequest
from learning.classrooms import item_analysis, tracking
from learning.classrooms import services as svc
from learning.classrooms.forms import AssignmentForm, ClassroomForm, CoTeacherForm, JoinForm
from learning.classrooms.services import ClassroomError, Role
from learning.classrooms.tracking import Cell, Status
from learning.learners import Learner
from learning.models import Assignment, Classroom, Membership, Question
from learning.practice import bank, scheduling
from learning.practice.views import answer_seconds, question_context, read_answer


@functools.cache
def _cell_html(status: Status, score: int | None, done_late: bool) -> str:
    """The cell exactly as ``classrooms/_cell.html`` draws it, rendered once per distinct
    status, score and lateness: a class page has thousands of cells, and an include per
    cell would render the template thousands of times."""
    cell = Cell(status, score, done_late=done_late)
    return mark_safe(render_to_string("classrooms/_cell.html", {"cell": cell}).strip())


def _row_cells(cells: list[Cell]) -> list[str]:
    return [_cell_html(c.status, c.score, c.done_late) for c in cells]


def _classroom(
    request: AuthenticatedHttpRequest, public_id, *, teacher: bool = False, owner: bool = False
):
    """The class and the user's role in it; 404 for outsiders, 403 for a student on a
    teacher's page and for a co-teacher on the owner's."""
    classroom = get_object_or_404(Classroom, public_id=public_id)
    role = svc.role_in(classroom, request.user)
    if role is None:
        raise Http404("No such class.")
    if (teacher and role == Role.STUDENT) or (owner and role != Role.OWNER):
        raise PermissionDenied("Only the class's teachers can do this.")
    return classroom, role


def _assignment(classroom: Classroom, public_id) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("lesson", "classroom"),
        classroom=classroom,
        public_id=public_id,
    )


def _class_list_page(request: AuthenticatedHttpRequest, **forms_and_status: Any) -> HttpResponse:
    status = forms_and_status.pop("status", 200)
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("classroom")
        .order_by("classroom__name")
    )
    context = {
        "teaching": [m.classroom for m in memberships if m.role == Membership.Role.TEACHER],
        "studying": [m.classroom for m in memberships if m.role == Membership.Role.STUDENT],
        "assignments": tracking.student_assignments(user=request.user),
        "create_form": forms_and_status.get("create_form") or ClassroomForm(),
        "join_form": forms_and_status.get("join_form") or JoinForm(),
    }
    return render(request, "classrooms/class_list.html", context, status=status)


@login_required
@require_GET
def class_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _class_list_page(request)


@login_required
@require_POST
def class_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Creating a class makes its creator a teacher: there is no separate teacher sign-up."""
    form = ClassroomForm(request.POST)
    if form.is_valid():
        try:
            classroom = svc.classroom_create(owner=request.user, name=form.cleaned_data["name"])
        except ClassroomError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(
                request, f"Class created. Its join code is {classroom.join_code_display}."
            )
            return redirect(classroom)
    return _class_list_page(request, create_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def class_join(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = JoinForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "classrooms/join.html", {"form": form})
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            membership = svc.classroom_join(user=request.user, code=form.cleaned_data["code"])
        except ClassroomError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"You are in {membership.classroom.name}.")
            return redirect(membership.classroom)
    return render(request, "classrooms/join.html", {"form": form}, status=400)


@login_required
@require_GET
def class_join_link(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The join link: shows which class it is and asks to confirm (joining is a POST)."""
    classroom = svc.classroom_by_code(code)
    if classroom is None:
        raise Http404("No class has this code.")
    context = {
        "form": JoinForm(initial={"code": classroom.join_code_display}),
        "classroom": classroom,
        "role": svc.role_in(classroom, request.user),
    }
    return render(request, "classrooms/join.html", context)


@login_required
@require_GET
def class_detail(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, role = _classroom(request, public_id)
    if role == Role.STUDENT:
        return render(
            request,
            "classrooms/class_student.html",
            {
                "classroom": classroom,
                "assignments": tracking.student_assignments(
                    user=request.user, classrooms=[classroom]
                ),
            },
        )
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("dir") == "desc"
    status = request.GET.get("status", "")
    search = request.GET.get("q", "").strip()[:100]
    grid = tracking.class_grid(
        classroom=classroom, sort=sort, descending=descending, status=status, search=search
    )
    teachers = classroom.memberships.filter(role=Membership.Role.TEACHER).select_related("user")

    def sort_href(key: str) -> str:
        """Sort the grid by this column, or turn the order round when it is already sorted by it."""
        flip = {"dir": "desc"} if key == sort and not descending else {}
        return "?" + urlencode({"sort": key, **flip, "status": status, "q": search})

    return render(
        request,
        "classrooms/class_teacher.html",
        {
            "classroom": classroom,
            "role": role,
            "grid": grid,
            "rows": [(row, _row_cells(row.cells)) for row in grid.rows],
            "teachers": teachers,
            "sort": sort,
            "descending": descending,
            "status": status,
            "search": search,
            "name_href": sort_href("name"),
            "columns": [(a, sort_href(str(a.public_id))) for a in grid.assignments],
            "statuses": list(Status),
            "join_url": request.build_absolute_uri(
                reverse("classrooms:class_join_link", args=[classroom.join_code])
            ),
            "co_teacher_form": CoTeacherForm(),
        },
    )


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula is quoted as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_GET
def class_grid_csv(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    grid = tracking.class_grid(classroom=classroom)
    response, writer = _csv_response(f"class-{classroom.public_id}-grid.csv")
    header = ["student", "email"]
    for a in grid.assignments:
        header += [f"{_safe(a.title)}: status", f"{_safe(a.title)}: score %"]
    writer.writerow(header)
    for row in grid.rows:
        line = [_safe(row.name), _safe(row.email)]
        for cell in row.cells:
            status = f"{cell.status} (late)" if cell.done_late else str(cell.status)
            line += [status, "" if cell.score is None else cell.score]  # type: ignore[list-item]
        writer.writerow(line)
    return response


@login_required
@require_POST
def class_code_regenerate(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    svc.classroom_code_regenerate(classroom=classroom)
    messages.success(
        request, f"New join code: {classroom.join_code_display}. The old one no longer works."
    )
    return redirect(classroom)


@login_required
@require_POST
def class_joining(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    open_ = request.POST.get("open") == "1"
    svc.classroom_joining_set(classroom=classroom, open_=open_)
    messages.success(request, "Joining is open." if open_ else "Joining is closed.")
    return redirect(classroom)


@login_required
@require_POST
def class_co_teacher_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, owner=True)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        try:
            membership = svc.co_teacher_add(classroom=classroom, email=form.cleaned_data["email"])
        except ClassroomError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"{membership.user.email} now teaches this class too.")
            return redirect(classroom)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))  # type: ignore[misc]
    return redirect(reverse("classrooms:class_detail", args=[classroom.public_id]) + "#teachers")


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, public_id, member_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), classroom=classroom, public_id=member_id
    )
    try:
        svc.membership_remove(classroom=classroom, membership=membership, by=request.user)
    except ClassroomError as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, f"{membership.user.email} is no longer in this class.")
    return redirect(classroom)


@login_required
@require_GET
def student_detail(request: AuthenticatedHttpRequest, public_id, member_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        classroom=classroom,
        public_id=member_id,
        role=Membership.Role.STUDENT,
    )
    return render(
        request,
        "classrooms/student_detail.html",
        {
            "classroom": classroom,
            "membership": membership,
            "assignments": tracking.student_assignments(
                user=membership.user, classrooms=[classroom]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    form = AssignmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = svc.assignment_create(
                    classroom=classroom,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    lesson=data["lesson"],
                    exercises=list(data["exercises"]),
                    questions=data["questions"],
                    exam=data["exam"],
                    count=data["count"] or 10,
                    due=data["due"],
                )
            except ClassroomError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Assignment set: {assignment.title}.")
                return redirect(classroom)
        status = 400
    return render(
        request,
        "classrooms/assignment_new.html",
        {"classroom": classroom, "form": form},
        status=status,
    )


@login_required
@require_GET
def assignment_detail(request: AuthenticatedHttpRequest, public_id, assignment_id) -> HttpResponse:
    classroom, role = _classroom(request, public_id)
    assignment = _assignment(classroom, assignment_id)
    if role == Role.STUDENT:
        cell = tracking.assignment_status(assignment=assignment, user=request.user)
        return render(
            request,
            "classrooms/assignment_student.html",
            {
                "classroom": classroom,
                "assignment": assignment,
                "cell": cell,
                "exercises": [
                    item.exercise for item in assignment.exercise_items.select_related("exercise")
                ],
            },
        )
    grid = tracking.class_grid(classroom=classroom)
    column = grid.assignments.index(assignment)
    return render(
        request,
        "classrooms/assignment_teacher.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "rows": [(row, row.cells[column]) for row in grid.rows],
            "counts": [(s, grid.counts[assignment.pk][s]) for s in Status],
            "items": item_analysis.item_analysis(assignment=assignment),
        },
    )


@login_required
@require_GET
def assignment_items_csv(
    request: AuthenticatedHttpRequest, public_id, assignment_id
) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    assignment = _assignment(classroom, assignment_id)
    if assignment.kind not in (Assignment.Kind.PRACTICE, Assignment.Kind.EXAM):
        raise Http404("Item analysis is for practice sets and exam simulations.")
    response, writer = _csv_response(f"assignment-{assignment.public_id}-items.csv")
    writer.writerow(
        [
            "position",
            "question",
            "attempts",
            "facility index %",
            "discrimination index %",
            "most chosen wrong option",
            "times chosen",
        ]
    )
    for item in item_analysis.item_analysis(assignment=assignment):
        writer.writerow(
            [
                item.position,
                item.question.qid if item.question else item.question_id,
                item.attempts,
                "" if item.facility is None else item.facility,
                "" if item.discrimination is None else item.discrimination,
                item.wrong_option_letter,
                item.wrong_option_count or "",
            ]
        )
    return response


@login_required
@require_POST
def assignment_delete(request: AuthenticatedHttpRequest, public_id, assignment_id) -> HttpResponse:
    classroom, _ = _classroom(request, public_id, teacher=True)
    assignment = _assignment(classroom, assignment_id)
    assignment.delete()
    messages.success(request, f"Assignment removed: {assignment.title}. Students' work is kept.")
    return redirect(classroom)


def _student_assignment(
    request: AuthenticatedHttpRequest, public_id, assignment_id, kind: str
) -> Assignment:
    classroom, role = _classroom(request, public_id)
    if role != Role.STUDENT:
        raise PermissionDenied("This is the students' side of the assignment.")
    assignment = _assignment(classroom, assignment_id)
    if assignment.kind != kind:
        raise Http404("This assignment is not of that kind.")
    return assignment


@vary_on_headers("HX-Request")
@login_required
@require_http_methods(["GET", "POST"])
def assignment_practice(
    request: AuthenticatedHttpRequest, public_id, assignment_id
) -> HttpResponse:
    """A practice set, one question at a time, in the set's order."""
    assignment = _student_assignment(request, public_id, assignment_id, Assignment.Kind.PRACTICE)
    context: dict[str, Any] = {"assignment": assignment, "classroom": assignment.classroom}
    status = 200
    if request.method == "POST":
        question = get_object_or_404(
            Question, qid=request.POST.get("qid", ""), pk__in=assignment.question_ids
        )
        context |= question_context(question, request)
        try:
            chosen, policy = read_answer(request, question)
        except bank.QuizError as exc:
            context |= {"error": str(exc), "started": time.time(), "chosen": []}
            status = 400
        else:
            answer = scheduling.practice_answer(
                learner=Learner(user_id=request.user.pk, session_key=""),
                question=question,
                chosen=chosen,
                policy=policy,
                seconds=answer_seconds(request),
            )
            context |= {"answer": answer, "chosen": chosen, "submitted_policy": policy}
    else:
        question = svc.practice_set_next(assignment=assignment, user=request.user)  # type: ignore[assignment]
        if question is not None:
            context |= {
                **question_context(question, request),
                "started": time.time(),
                "chosen": [],
            }
    context["cell"] = tracking.assignment_status(assignment=assignment, user=request.user)
    context["position"] = (
        assignment.question_ids.index(context["question"].pk) + 1
        if context.get("question")
        else None
    )
    return render(request, "classrooms/assignment_practice.html", context, status=status)


@login_required
@require_POST
def assignment_exam(request: AuthenticatedHttpRequest, public_id, assignment_id) -> HttpResponse:
    """Start (or go back to) this assignment's exam simulation."""
    assignment = _student_assignment(request, public_id, assignment_id, Assignment.Kind.EXAM)
    attempt = svc.assignment_exam_start(assignment=assignment, user=request.user)
    return redirect(attempt.get_absolute_url())
