from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from eprocedures.accounts.sessions import AUTH_METHOD, mark_authenticated, recently_authenticated
from eprocedures.core.decorators import allow_get, allow_get_post
from eprocedures.lib.http import safe_next

from . import flows, services
from .forms import ActivationCodeForm, ConfirmPasswordForm
from .models import Smartcard

# Errors about the link itself, shown above the form rather than beside the code.
LINK_ERRORS = {"code_used", "code_locked", "code_expired", "throttled"}


@login_required
@never_cache
@allow_get_post
def add(request):
    """"Ajouter" on "Mes informations": e-mail an activation code for a new card."""
    refusal = flows.enrolment_refusal(request.user)
    if refusal:
        return render(request, "smartcard/add.html",
                      {"refusal": flows.MESSAGES[refusal]}, status=403)
    # The password proves the account: a session opened by a card (or long ago) types it again.
    fresh = (request.session.get(AUTH_METHOD) == "password"
             and recently_authenticated(request, settings.ETS_SMARTCARD_REAUTH_MINUTES))
    data = request.POST if request.method == "POST" else None  # an empty POST is still sent
    form = None if fresh else ConfirmPasswordForm(request.user, request, data)
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None:
            mark_authenticated(request, "password")
        flows.start_enrolment(request, request.user)
        messages.success(request, flows.MESSAGES["code_sent"])
        return redirect("myinfo:index")
    return render(request, "smartcard/add.html", {"form": form})


@never_cache
@allow_get_post
def activate(request, link_id):
    """The "Activer" page (client-certificate front): the code, then the card's certificate."""
    enrolment = flows.find_enrolment(link_id)
    if enrolment is None:
        raise Http404
    check = services.check_request(request)
    state = flows.enrolment_state(enrolment)
    if state:
        return render(request, "smartcard/activate.html",
                      {"link_error": flows.MESSAGES[state]}, status=410)
    form = ActivationCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            card = flows.complete_enrolment(request, link_id, form.cleaned_data["code"], check)
        except flows.EnrolmentError as error:
            form.add_error("code" if error.code == "code_wrong" else None, error.message)
            status = 410 if error.code in LINK_ERRORS - {"throttled"} else 400
            return render(request, "smartcard/activate.html",
                          {"form": form, "check": check}, status=status)
        return render(request, "smartcard/activated.html",
                      {"card": card, "message": flows.MESSAGES["enrolled"]})
    return render(request, "smartcard/activate.html", {"form": form, "check": check})


@login_required
@allow_get_post
def remove(request, pk):
    card = get_object_or_404(Smartcard, pk=pk, user=request.user)
    if request.method == "POST":
        flows.remove_card(request, card)
        messages.success(request, flows.MESSAGES["removed"])
        return redirect("myinfo:index")
    return render(request, "smartcard/remove.html", {"card": card})


@never_cache
@allow_get
def login(request):
    """The client-certificate endpoint of the "Carte à puce" tab."""
    result = flows.sign_in(request, services.check_request(request))
    if not result.ok:
        return render(request, "smartcard/login_failed.html",
                      {"message": result.message, "reason": result.reason,
                       "site_url": settings.ETS_SITE_URL}, status=403)
    reminder = flows.expiry_reminder(result.card)
    if reminder:
        messages.warning(request, reminder)
    target = safe_next(request, request.GET.get("next"))
    if settings.ETS_SMARTCARD_URL != settings.ETS_SITE_URL:
        target = settings.ETS_SITE_URL + target  # back from the certificate front to the portal
    return redirect(target)
