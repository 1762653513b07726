"""Accounts and the learner's dashboard.

Sign-in, sign-out, password reset and change are Django's own views with our
templates; a form with bad input answers 400 (429 when sign-in is throttled).
Sign-up goes through a mailed link (``learning.accounts.signup``): the address
is proven before the account exists, and the page never says whether it has one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.web import AuthenticatedHttpRequest, client_address
from learning.accounts import dashboard, signup
from learning.accounts import services as accounts
from learning.accounts.charts import exam_scores_chart, track_progress_chart
from learning.accounts.forms import (
    BackgroundPasswordResetForm,
    DeleteAccountForm,
    ProfileForm,
    SignInForm,
    SignUpFinishForm,
    SignUpStartForm,
    ThrottledPasswordChangeForm,
)
from learning.accounts.mail import mail_printed_in_console
from learning.auth import (
    RESET_MAIL,
    SIGNUP_MAIL,
    mail_address_allowed,
    mail_client_allowed,
    throttle_lift,
)
from learning.classrooms.joining import join_after_sign_in, join_link_classroom

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["joining"] = join_link_classroom(self.get_redirect_url())
        return context

    def form_valid(self, form):
        # login() gives the session a new key: read the visitor's key first.
        session_key = self.request.session.session_key
        response = super().form_valid(form)
        accounts.progress_merge(session_key=session_key, user=form.get_user())
        membership = join_after_sign_in(user=form.get_user(), next_url=self.get_redirect_url())
        if membership is not None:
            messages.success(self.request, f"You are in {membership.classroom.name}.")
            return redirect(membership.classroom)
        return response


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


class _PasswordResetView(_BadRequestOnInvalid, auth_views.PasswordResetView):
    """Reset mail, limited per client (429) and per address (quietly: the page
    must not tell whether an address has an account, or has had mail)."""

    def form_valid(self, form):
        if not mail_client_allowed(limit=RESET_MAIL, address=client_address(self.request)):
            form.add_error(None, "Too many reset requests from here. Try again in an hour.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not mail_address_allowed(limit=RESET_MAIL, email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class _PasswordResetConfirmView(_BadRequestOnInvalid, auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # The owner proved they read the account's mail: lift every lockout on it.
        throttle_lift(email=form.user.email)
        return super().form_valid(form)


class _PasswordChangeView(_BadRequestOnInvalid, auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


password_reset = _PasswordResetView.as_view(
    form_class=BackgroundPasswordResetForm,
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


SIGNUP_SENT_KEY = "signup_sent_to"
SIGNUP_TOO_MANY = "Too many sign-up requests from here. Try again in an hour."


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Sign-up, step 1: mail the address a link. The answer is the same page
    whether or not the address has an account; only the mail differs."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    next_url = signup.safe_next(request.POST.get("next") or request.GET.get("next", ""))
    form = SignUpStartForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "joining": join_link_classroom(next_url), "next": next_url}
    if request.method == "GET":
        return render(request, "accounts/signup.html", context)
    if not form.is_valid():
        return render(request, "accounts/signup.html", context, status=400)
    # Counted before the address is looked at, so a 429 tells nothing about it.
    if not mail_client_allowed(limit=SIGNUP_MAIL, address=client_address(request)):
        form.add_error(None, SIGNUP_TOO_MANY)
        return render(request, "accounts/signup.html", context, status=429)
    email = form.cleaned_data["email"]
    if mail_address_allowed(limit=SIGNUP_MAIL, email=email):  # past it: quietly no mail
        site_url = request.build_absolute_uri("/").rstrip("/")
        signup.signup_mail_send(email=email, next_url=next_url, site_url=site_url)
    request.session[SIGNUP_SENT_KEY] = email
    return redirect("accounts:signup_sent")


@require_GET
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    """ "Check your inbox", naming the address the link went to."""
    email = request.session.get(SIGNUP_SENT_KEY)
    if request.user.is_authenticated or not email:
        return redirect("accounts:signup")
    context = {
        "email": email,
        "hours": signup.SIGNUP_LINK_HOURS,
        "mail_in_console": mail_printed_in_console(),
    }
    return render(request, "accounts/signup_sent.html", context)


def _finish_problem(
    request: HttpRequest, *, problem: str, status: int, **extra: object
) -> HttpResponse:
    """The finish page when the link cannot make an account: ``problem`` is
    "expired", "damaged" or "exists"."""
    context = {"problem": problem, "hours": signup.SIGNUP_LINK_HOURS, **extra}
    return render(request, "accounts/signup_finish.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sign_up_finish(request: HttpRequest, token: str) -> HttpResponse:
    """Sign-up, step 2, from the mailed link: name and password, then the account.

    A damaged or old link is a 400 with a way to start again; a link whose
    address has an account by now (used before, or two tabs at once) is a 409
    that changes nothing."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    try:
        link = signup.signup_link_read(token=token)
    except signup.SignUpLinkError as error:
        problem = "expired" if error.expired else "damaged"
        return _finish_problem(
            request, problem=problem, status=400, message=str(error), next=error.next_url
        )
    if signup.account_exists(email=link.email):
        return _finish_problem(request, problem="exists", status=409, email=link.email)
    form = SignUpFinishForm(request.POST if request.method == "POST" else None, email=link.email)
    context = {"form": form, "email": link.email, "joining": join_link_classroom(link.next_url)}
    if request.method == "GET":
        return render(request, "accounts/signup_finish.html", context)
    if not form.is_valid():
        return render(request, "accounts/signup_finish.html", context, status=400)
    session_key = request.session.session_key  # before login() rotates it
    try:
        user = accounts.account_create(email=link.email, **form.cleaned_data)
    except accounts.AccountError:
        # Another request with this link made the account between our check and our insert.
        return _finish_problem(request, problem="exists", status=409, email=link.email)
    return _signed_up(request, user=user, session_key=session_key, next_url=link.next_url)


def _signed_up(
    request: HttpRequest, *, user: User, session_key: str | None, next_url: str
) -> HttpResponse:
    """Sign the new account in, carry the visitor's progress in, and go on:
    into the class of a join link, to ``next_url``, or to the dashboard."""
    login(request, user, backend=BACKEND)
    request.session.pop(SIGNUP_SENT_KEY, None)
    carried = accounts.progress_merge(session_key=session_key, user=user)
    note = " Your progress so far is in it." if carried else ""
    messages.success(request, f"Welcome to RoleCall: your account is ready.{note}")
    membership = join_after_sign_in(user=user, next_url=next_url)
    if membership is not None:
        messages.success(request, f"You are in {membership.classroom.name}.")
        return redirect(membership.classroom)
    return redirect(next_url or "accounts:dashboard")


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


@never_cache
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
    form = DeleteAccountForm(request.POST, user=request.user, request=request)
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
