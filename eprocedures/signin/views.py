"""Sign-in, sign-out and forgotten password: HTTP in, flows out."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from eprocedures.accounts.tokens import check_reset_token
from eprocedures.accounts.validators import password_rules
from eprocedures.core.decorators import allow_get, allow_get_post, allow_post
from eprocedures.lib.http import safe_next
from eprocedures.lib.timing import at_least

from . import flows, pagecache
from .flows import Outcome
from .forms import LoginForm, ResetPasswordForm, ResetRequestForm

TABS = {"courriel": "password", "carte": "card"}


def throttled(request, minutes: int):
    """The "try again later" page (HTTP 429)."""
    response = render(request, "signin/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@sensitive_post_parameters("password")
@never_cache
@allow_get_post
def login(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method != "POST" and request.user.is_authenticated:
        return redirect(safe_next(request, next_url))
    # A GET served from the reused page needs no form: it is built only when rendered.
    form = LoginForm(request.POST) if request.method == "POST" else None
    outcome = None
    if form is not None and form.is_valid():
        result = flows.sign_in(
            request,
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            remember=form.cleaned_data["remember"],
        )
        outcome = result.outcome
        if outcome is Outcome.SIGNED_IN:
            return redirect(safe_next(request, next_url))
        if outcome is Outcome.THROTTLED:
            return throttled(request, settings.ETS_SIGNIN_THROTTLE_MINUTES)
        form.reject(outcome.value)
    tab = TABS.get(request.GET.get("onglet"), "password") if request.method != "POST" else "password"
    context = {
        "tab": tab,
        "next": safe_next(request, next_url, default=""),
        "outcome": outcome.value if outcome else "",
    }
    if pagecache.cacheable(request):
        if request.method != "POST":
            return pagecache.render_anonymous(request, "signin/login.html", context, LoginForm)
        if outcome is not None:
            # A refusal: the same page for everyone but the address typed, filled in.
            remember = form.cleaned_data["remember"]
            context["remember"] = remember
            return pagecache.render_anonymous(
                request, "signin/login.html", context,
                lambda: LoginForm.refused(outcome.value, remember, typed=pagecache.TYPED_MARK),
                typed=request.POST["email"])
    context["form"] = form if form is not None else LoginForm()
    return render(request, "signin/login.html", context)


@never_cache
@allow_get_post
def admin_login(request):
    """/admin/login/: the support desk signs in like everyone, through /connexion/.

    Django's own admin login would check the password without the block, the
    per-address throttle or the audit of this portal.
    """
    target = safe_next(request, request.GET.get("next"), default=reverse("admin:index"))
    if request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied  # signed in, not staff: /connexion/ would send it back here
        return redirect(target)
    return redirect(f"{reverse('signin:login')}?{urlencode({'next': target})}")


@allow_post
def logout(request):
    flows.sign_out(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect("signin:login")


@never_cache
@allow_get_post
def reset_request(request):
    # An empty POST is still a submission: it must get its "obligatoire" messages.
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with at_least():  # as long for an unknown address as for a known one
            result = flows.request_reset(request, form.cleaned_data["email"])
        if result.outcome is Outcome.THROTTLED:
            return throttled(request, 60)
        # The same redirect whatever the address: the e-mail says the rest.
        return redirect("signin:reset_sent")
    return render(request, "signin/reset_request.html", {"form": form})


@allow_get
def reset_sent(request):
    return render(request, "signin/reset_sent.html", {"reset_hours": settings.ETS_RESET_HOURS})


@sensitive_post_parameters()
@never_cache
@allow_get_post
def reset_confirm(request, token):
    check = check_reset_token(token)
    if not check.ok or not check.user.is_active:
        status = check.status.value if not check.ok else "invalid"
        return render(request, "signin/reset_invalid.html", {
            "status": status, "reset_hours": settings.ETS_RESET_HOURS,
        })
    form = ResetPasswordForm(check.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not flows.complete_reset(request, check.user, form.cleaned_data["password1"]):
            return render(request, "signin/reset_invalid.html", {
                "status": "used", "reset_hours": settings.ETS_RESET_HOURS})
        messages.success(request, _(
            "Votre nouveau mot de passe est enregistré. Vous pouvez vous connecter."
        ))
        return redirect("signin:login")
    return render(request, "signin/reset_confirm.html", {
        "form": form,
        "account": check.user,
        "rules": [text for _code, text in password_rules()],
    })
