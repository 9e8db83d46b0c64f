"""Registration wizard, activation page and fresh-link request: HTTP only.

The behaviour lives in ``steps`` (wizard state) and ``flows`` (what changes).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from eprocedures.accounts.validators import password_rules
from eprocedures.audit.services import record
from eprocedures.core.decorators import allow_get, allow_get_post, allow_post
from eprocedures.lib.timing import at_least

from . import flows
from .forms import (
    MAX_OTHER_PHONES,
    MESSAGES,
    ActivationForm,
    ResendForm,
    phone_row_template,
)
from .steps import (
    ALL_STEPS,
    DONE_KEY,
    INFORMATION,
    TERMS,
    WizardState,
    build_forms,
    collect,
    forms_for_display,
    keep_typed_information,
    store_step,
)


def _render_wizard(request, state, step, forms, status=200):
    context = {
        "steps": state.summary(step),
        "step": step,
        "forms": forms,
        "form": forms["form"],
        "can_add_phone": "phones" in forms and len(forms["phones"].fields) < MAX_OTHER_PHONES,
        "max_phones": MAX_OTHER_PHONES,
        "phone_template": phone_row_template() if step is INFORMATION else None,
    }
    return render(request, "registration/wizard.html", context, status=status)


def _say_if_the_session_ended(request, state) -> None:
    """A later step posted with nothing behind it: the session ended (signed out in another
    tab, expired). Say so rather than show step 1 as if nothing had happened."""
    if request.method == "POST" and not state.done and not state.values:
        messages.warning(request, _(
            "Votre session a expiré et les étapes déjà remplies n'ont pas pu être gardées : "
            "reprenez votre inscription depuis la première étape."))


@allow_get
@never_cache
def wizard(request):
    """Open the first step not completed yet."""
    state = WizardState(request.session)
    request.session.pop(DONE_KEY, None)
    return redirect(state.current().url())


@allow_get_post
@never_cache
def step(request, slug):
    """Show one step (GET) or validate it (POST), then open the next step to complete."""
    state = WizardState(request.session)
    current = ALL_STEPS.get(slug)
    if current is None or current is TERMS:
        raise Http404
    if not state.reachable(current):
        _say_if_the_session_ended(request, state)
        return redirect(state.current().url())
    if request.method != "POST":  # GET or HEAD
        if request.method == "GET" and state.take_review(current):
            # Reopened because it is no longer valid: shown with its errors.
            forms = build_forms(current, state, state.data(current))
            for form in forms.values():
                form.is_valid()
            return _render_wizard(request, state, current, forms)
        return _render_wizard(request, state, current, forms_for_display(current, state))
    forms = build_forms(current, state, request.POST)
    # Every form of the step is validated, so that all errors show at once.
    valid = [form.is_valid() for form in forms.values()]
    if not all(valid):
        return _render_wizard(request, state, current, forms)
    store_step(current, state, forms, request.POST)
    return redirect(state.current().url())


@allow_post
def add_phone(request):
    """"Ajouter un numéro de téléphone" without JavaScript: keep what was typed, add a row."""
    state = WizardState(request.session)
    if state.reachable(INFORMATION):
        keep_typed_information(state, request.POST)
    return redirect(f"{INFORMATION.url()}#id_other_phone_{state.phone_rows}_group")


@allow_get_post
@never_cache
def terms(request):
    """The last step: accepting the terms of use completes the registration."""
    state = WizardState(request.session)
    if not state.reachable(TERMS):
        _say_if_the_session_ended(request, state)
        return redirect(state.current().url())
    if request.method != "POST":  # GET or HEAD
        return _render_wizard(request, state, TERMS, forms_for_display(TERMS, state))
    forms = build_forms(TERMS, state, request.POST)
    form = forms["form"]
    if form.is_valid() and flows.registration_limited(request):
        form.add_error(None, ValidationError(MESSAGES["registration_throttled"],
                                             code="registration_throttled"))
    if not form.is_valid():
        return _render_wizard(request, state, TERMS, forms)
    data, redo = collect(state, get_language() or "fr")
    if redo is not None:
        state.reopen(redo)
        return redirect(redo.url())
    flows.register_once(request, state.id, data)
    state.clear()
    request.session[DONE_KEY] = True
    return redirect("registration:done")


@allow_get
def done(request):
    """The final message, the same whether the address was known or not."""
    if not request.session.get(DONE_KEY):
        return redirect("registration:wizard")
    return render(request, "registration/done.html",
                  {"activation_days": settings.ETS_ACTIVATION_DAYS})


# --- Activation -------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@allow_get_post
@never_cache
def activate(request, token):
    """Choose the first password; a refused password leaves the link usable."""
    link = flows.read_activation_link(token)
    if link.problem:
        record(request, "activation.refused", success=False, user=link.user, reason=link.problem)
        form = ResendForm(initial={"email": link.user.email if link.user else ""})
        return render(request, "registration/link_problem.html",
                      {"problem": link.problem, "form": form,
                       "forgotten_password_url": reverse("signin:reset_request"),
                       "activation_days": settings.ETS_ACTIVATION_DAYS},
                      status=410 if link.user else 404)
    # A POST is bound even when empty, so that an empty submission names the missing fields.
    form = ActivationForm(link.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            flows.activate(request, link.user, form.cleaned_data["password1"])
        except flows.AlreadyActivated:
            return redirect("registration:activate", token=token)
        messages.success(request, _(
            "Votre compte est activé. Vous pouvez maintenant vous connecter avec votre adresse "
            "courriel et votre mot de passe."))
        return redirect("signin:login")
    return render(request, "registration/activate.html",
                  {"form": form, "rules": password_rules(), "account": link.user,
                   "password_min": settings.ETS_PASSWORD_MIN_LENGTH,
                   "password_max": settings.ETS_PASSWORD_MAX_LENGTH})


@allow_get_post
def resend(request):
    """Ask for a fresh activation link; the answer never tells whether the address is known."""
    form = ResendForm(request.POST if request.method == "POST" else None, throttled=(
        request.method == "POST" and flows.resend_limited(request)))
    if request.method == "POST" and form.is_valid():
        with at_least():  # as long for an unknown address as for a known one
            flows.resend_activation(request, form.cleaned_data["email"])
        return redirect("registration:resend_done")
    return render(request, "registration/resend.html", {"form": form})


@allow_get
def resend_done(request):
    return render(request, "registration/resend_done.html")
