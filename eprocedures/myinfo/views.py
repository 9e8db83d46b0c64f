"""Pages of "Mes informations": one view per action, the behaviour lives in flows."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from eprocedures.accounts.forms import ContactDetailsForm, LegalPersonForm
from eprocedures.accounts.models import User
from eprocedures.accounts.validators import password_rules
from eprocedures.core.decorators import allow_get, allow_get_post

from . import flows
from .flows import ChangeOutcome
from .forms import (
    AdditionalPhoneFormSet,
    NewEmailForm,
    NewMobileForm,
    PasswordChangeForm,
    SecretAnswersForm,
    SecretQuestionsChangeForm,
)

MESSAGES = {
    "contact_saved": _("Vos coordonnées ont été modifiées."),
    "no_secret_questions": _(
        "Vos questions secrètes ne sont pas renseignées : choisissez-les d'abord avec "
        "« Modifier mes questions secrètes »."
    ),
    "answer_first": _("Répondez d'abord à vos questions secrètes."),
    "email_link_sent": _(
        "Un message contenant un lien de confirmation a été envoyé à %(email)s. Votre adresse "
        "courriel ne sera modifiée qu'une fois ce lien suivi (il est valable %(hours)d heures)."
    ),
    "email_changed": _("Votre adresse courriel a été modifiée : connectez-vous désormais avec "
                       "%(email)s."),
    "mobile_changed": _("Votre numéro de téléphone mobile a été modifié."),
    "password_changed": _("Votre mot de passe a été modifié. Vos autres sessions ont été "
                          "fermées."),
    "questions_changed": _("Vos questions secrètes ont été modifiées."),
    "email_link_other_account": _(
        "Ce lien concerne un autre compte que celui avec lequel vous êtes connecté : "
        "déconnectez-vous, puis ouvrez-le de nouveau."),
}

LINK_MESSAGES = {
    ChangeOutcome.EXPIRED: _("Ce lien a expiré. Faites une nouvelle demande depuis "
                             "« Mes informations »."),
    ChangeOutcome.USED: _("Ce lien a déjà été utilisé ou a été remplacé par une demande plus "
                          "récente."),
    ChangeOutcome.INVALID: _("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."),
    ChangeOutcome.TAKEN: _("Cette adresse courriel est déjà utilisée par un autre compte : elle "
                           "ne peut pas être rattachée au vôtre."),
}

TITLES = {
    "contact": _("Modifier mes coordonnées"),
    "password": _("Modifier mon mot de passe"),
    "secret_questions": _("Modifier mes questions secrètes"),
}

PURPOSES = {
    "email": {
        "title": _("Modifier mon adresse courriel"),
        "next": "myinfo:email_new",
    },
    "mobile": {
        "title": _("Modifier mon numéro de téléphone mobile"),
        "next": "myinfo:mobile_new",
    },
    # The questions guard the identifiers: changing them takes the current answers too,
    # or the password alone would open the identifiers (new questions, then new e-mail).
    "questions": {
        "title": TITLES["secret_questions"],
        "next": "myinfo:secret_questions",
        "intro": _("Pour modifier vos questions secrètes, répondez d'abord à vos questions "
                   "actuelles."),
    },
}


@login_required
@allow_get
def index(request):
    user = request.user
    pending = flows.live_email_change(user)  # an expired link is no longer "en attente"
    return render(request, "myinfo/index.html", {
        "account": user,
        "phones": list(user.additional_phones.all()),
        "pending_email": pending.new_email if pending else "",
    })


@login_required
@allow_get_post
def contact(request):
    # The forms write into a copy: request.user stays as saved if the page has errors.
    user = User.objects.get(pk=request.user.pk)
    data = request.POST if request.method == "POST" else None
    country = data.get("country") if data is not None else str(user.country)
    wants_legal = data.get("is_legal_person") == "oui" if data is not None else (
        user.is_legal_person)
    contact_form = ContactDetailsForm(data, instance=user)
    legal_form = LegalPersonForm(data, instance=user, country=country, prefix="legal")
    phones = AdditionalPhoneFormSet(
        data, prefix="phones",
        initial=[{"number": p.number} for p in user.additional_phones.all()],
    )
    if data is not None and not wants_legal:
        # Not acting as a legal person: those fields are neither checked nor kept.
        legal_form = LegalPersonForm(instance=user, country=country, prefix="legal")
    if data is not None:
        valid = [contact_form.is_valid(), phones.is_valid()]
        if wants_legal:
            valid.append(legal_form.is_valid())
        if all(valid):
            changed = contact_form.changed_data + (legal_form.changed_data if wants_legal else [])
            flows.update_contact_details(request, user, changed, phones.numbers())
            messages.success(request, MESSAGES["contact_saved"])
            return redirect("myinfo:index")
    return render(request, "myinfo/contact.html", {
        "form": contact_form, "legal_form": legal_form, "phones": phones,
        "show_legal": wants_legal, "title": TITLES["contact"],
    })


def _verify(request, purpose: str):
    """Both secret questions; right answers open the page of the new identifier."""
    user = request.user
    if len(flows.secret_answers_of(user)) < 2:
        messages.error(request, MESSAGES["no_secret_questions"])
        return redirect("myinfo:index")
    form = SecretAnswersForm(user, request, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        flows.verification_succeeded(request, user, "secret_answers")
        flows.grant_identifier_change(request, purpose)
        return redirect(PURPOSES[purpose]["next"])
    return render(request, "myinfo/verify.html", {
        "form": form, "title": PURPOSES[purpose]["title"], "intro": PURPOSES[purpose].get("intro"),
    })


@login_required
@allow_get_post
def email_verify(request):
    return _verify(request, "email")


@login_required
@allow_get_post
def mobile_verify(request):
    return _verify(request, "mobile")


def _new_identifier(request, purpose: str, form_class, save):
    """The page of the new identifier, open only after the right secret answers."""
    if not flows.has_identifier_grant(request, purpose):
        messages.info(request, MESSAGES["answer_first"])
        return redirect(f"myinfo:{purpose}_verify")
    form = form_class(request.user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        messages.success(request, save(form.cleaned_data))
        return redirect("myinfo:index")
    return render(request, "myinfo/identifier.html", {
        "form": form, "title": PURPOSES[purpose]["title"],
    })


@login_required
@allow_get_post
def email_new(request):
    def save(data):
        flows.request_email_change(request, request.user, data["email"])
        return MESSAGES["email_link_sent"] % {
            "email": data["email"], "hours": settings.ETS_EMAIL_CHANGE_HOURS}

    return _new_identifier(request, "email", NewEmailForm, save)


@login_required
@allow_get_post
def mobile_new(request):
    def save(data):
        flows.change_mobile_phone(request, request.user, data["mobile_phone"])
        return MESSAGES["mobile_changed"]

    return _new_identifier(request, "mobile", NewMobileForm, save)


@never_cache
@allow_get_post
def email_confirm(request, token):
    """The link of the e-mail: GET shows the change, POST makes it (mail scanners only GET)."""
    if request.user.is_authenticated:
        peek = flows.pending_email_change(token)
        if peek.outcome is ChangeOutcome.CHANGED and request.user.pk != peek.user.pk:
            # Signed in as someone else: "your account's address will become…" would be
            # about another account than the one the page greets. Nothing changes here.
            return render(request, "myinfo/email_confirm.html", {
                "result": peek, "refusal": MESSAGES["email_link_other_account"]}, status=400)
    if request.method == "POST":
        result = flows.confirm_email_change(request, token)
        if result.outcome is ChangeOutcome.CHANGED:
            messages.success(request, MESSAGES["email_changed"] % {"email": result.new_email})
            return redirect("myinfo:index" if request.user.is_authenticated else "signin:login")
    else:
        result = flows.pending_email_change(token)
    refused = result.outcome is not ChangeOutcome.CHANGED
    return render(request, "myinfo/email_confirm.html", {
        "result": result, "refusal": LINK_MESSAGES.get(result.outcome),
    }, status=400 if refused else 200)


@login_required
@allow_get_post
def password(request):
    form = PasswordChangeForm(request.user, request,
                              request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        flows.change_password(request, request.user, form.cleaned_data["password1"])
        messages.success(request, MESSAGES["password_changed"])
        return redirect("myinfo:index")
    return render(request, "myinfo/password.html", {
        "form": form, "rules": [text for _code, text in password_rules()],
        "title": TITLES["password"],
    })


@login_required
@allow_get_post
def secret_questions(request):
    has_questions = len(flows.secret_answers_of(request.user)) == 2
    if has_questions and not flows.has_identifier_grant(request, "questions"):
        if "current_password" in request.POST:
            # The change form, sent after its grant ran out: not answers to check.
            messages.info(request, MESSAGES["answer_first"])
            return redirect("myinfo:secret_questions")
        return _verify(request, "questions")  # the current answers first, on this same page
    form = SecretQuestionsChangeForm(request.user, request,
                                     request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        flows.change_secret_questions(request, request.user, form.questions())
        messages.success(request, MESSAGES["questions_changed"])
        return redirect("myinfo:index")
    return render(request, "myinfo/secret_questions.html", {
        "form": form, "title": TITLES["secret_questions"],
    })
