"""Accounts and the learner's dashboard.

Sign-in, sign-out, password reset and change are Django's own views with our
templates; a form with bad input answers 400 (429 when sign-in is throttled)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.web import AuthenticatedHttpRequest
from learning.accounts import dashboard
from learning.accounts import services as accounts
from learning.accounts.charts import exam_scores_chart, track_progress_chart
from learning.accounts.forms import DeleteAccountForm, ProfileForm, SignInForm, SignUpForm

BACKEND = "learning.auth.EmailBackend"


class _BadRequestOnInvalid:
    """A form sent back with errors is a client error, not a 200."""

    def form_invalid(self, form):
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 429 if form.throttled else 400
        return response

    def form_valid(self, form):
        # login() gives the session a new key: read the visitor's key first.
        session_key = self.request.session.session_key
        response = super().form_valid(form)
        accounts.progress_merge(session_key=session_key, user=form.get_user())
        return response


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


class _PasswordResetView(_BadRequestOnInvalid, auth_views.PasswordResetView):
    pass


class _PasswordResetConfirmView(_BadRequestOnInvalid, auth_views.PasswordResetConfirmView):
    pass


class _PasswordChangeView(_BadRequestOnInvalid, auth_views.PasswordChangeView):
    pass


password_reset = _PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = _PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = _PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Create an account; what the visitor did so far comes with them."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            session_key = request.session.session_key  # before login() rotates it
            try:
                user = accounts.account_create(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    display_name=form.cleaned_data["display_name"],
                )
            except accounts.AccountError as error:
                form.add_error(error.field or None, str(error))
                return render(request, "accounts/signup.html", {"form": form}, status=400)
            login(request, user, backend=BACKEND)
            carried = accounts.progress_merge(session_key=session_key, user=user)
            note = " Your progress so far is in it." if carried else ""
            messages.success(request, f"Welcome to RoleCall: your account is ready.{note}")
            return redirect("accounts:dashboard")
        return render(request, "accounts/signup.html", {"form": form}, status=400)
    return render(request, "accounts/signup.html", {"form": form})


def _profile_page(request, *, form=None, delete_form=None, status=200) -> HttpResponse:
    if form is None:
        data = accounts.profile_get(user=request.user)
        form = ProfileForm(initial=data.__dict__)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "delete_form": delete_form or DeleteAccountForm(user=request.user),
            "owned_classes": request.user.owned_classrooms.all(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form, status=400)
    accounts.profile_update(user=request.user, **form.cleaned_data)
    messages.success(request, "Your profile is saved.")
    return redirect("accounts:profile")


@login_required
@require_GET
def account_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All of the user's data as a JSON file."""
    response = HttpResponse(
        accounts.account_export(user=request.user), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="rolecall-data-{stamp}.json"'
    return response


@login_required
@require_POST
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _profile_page(request, delete_form=form, status=400)
    accounts.account_delete(user=request.user)
    logout(request)
    messages.success(request, "Your account and everything in it are deleted.")
    return redirect("home")


@login_required
@require_GET
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to do next, how far along each track and exam, recent exams, the streak."""
    summary = dashboard.dashboard_summary(user=request.user)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "summary": summary,
            "track_chart": track_progress_chart(summary.tracks),
            "exam_chart": exam_scores_chart(summary.recent_exams),
        },
    )
