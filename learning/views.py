from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def course_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming_soon.html",
        {
            "title": "Lessons",
            "lead": "A course on trust policies, from the first statement to federation.",
        },
    )


@require_GET
def practice_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming_soon.html",
        {
            "title": "Practice",
            "lead": "Exam-style questions for DVA-C02, SAA-C03 and DOP-C02.",
        },
    )
