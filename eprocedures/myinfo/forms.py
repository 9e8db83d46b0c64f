"""Forms of "Mes informations".

The contact details, the identifiers, the password and the secret questions
are validated by the very classes registration uses (accounts.forms); the
forms here add only what a change needs: the secret answers or the current
password, checked against the throttles.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import (
    ETSForm,
    IdentifiersForm,
    SecretQuestionsForm,
    SetPasswordForm,
)
from eprocedures.accounts.normalize import normalize_email
from eprocedures.lib.formfields import PhoneField

from . import flows

MAX_ADDITIONAL_PHONES = 5

MESSAGES = {
    "wrong_answers": _("Les réponses ne correspondent pas à vos questions secrètes."),
    "wrong_password": _("Le mot de passe actuel est incorrect."),
    "throttled": _(
        "Trop de réponses erronées : pour votre sécurité, cette opération est suspendue. "
        "Réessayez dans %(minutes)d minutes."
    ),
    "same_email": _("C'est déjà l'adresse courriel de votre compte."),
    "same_mobile": _("C'est déjà le numéro de téléphone mobile de votre compte."),
}


def _throttled_error():
    return ValidationError(MESSAGES["throttled"], code="throttled",
                           params={"minutes": settings.ETS_SECRET_ANSWER_WINDOW_MINUTES})


class SecretAnswersForm(ETSForm):
    """Both secret questions, shown by their labels, before an identifier may change.

    Both answers are always checked (the form never says which one is wrong);
    a wrong pair is counted against the account and the client address.
    """

    def __init__(self, user, request, *args, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)
        self.answers = flows.secret_answers_of(user)
        for answer in self.answers:
            self.fields[f"answer_{answer.position}"] = forms.CharField(
                label=answer.question_label,
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned

        def both_right():
            # Both are always hashed: the time taken does not tell which one is wrong.
            results = [a.check_answer(cleaned[f"answer_{a.position}"]) for a in self.answers]
            return all(results)

        verdict = flows.verify(self.request, self.user, "secret_answers", both_right)
        if verdict is flows.Verdict.THROTTLED:
            raise _throttled_error()
        if verdict is flows.Verdict.WRONG:
            raise ValidationError(MESSAGES["wrong_answers"], code="wrong_answers")
        return cleaned


class CurrentPasswordForm(ETSForm):
    """The current password, counted against the same throttles as the secret answers."""

    current_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        verdict = flows.verify(self.request, self.user, "password",
                               lambda: self.user.check_password(password))
        if verdict is flows.Verdict.THROTTLED:
            raise _throttled_error()
        if verdict is flows.Verdict.WRONG:
            raise ValidationError(MESSAGES["wrong_password"], code="wrong_password")
        return password


class PasswordChangeForm(CurrentPasswordForm, SetPasswordForm):
    """"Modifier mon mot de passe": the current one, then a new one under every rule."""

    password_label = _("Nouveau mot de passe")
    confirmation_label = _("Confirmez votre nouveau mot de passe")
    field_order = ["current_password", "password1", "password2"]

    def __init__(self, user, request, *args, **kwargs):
        super().__init__(user, *args, request=request, **kwargs)


class SecretQuestionsChangeForm(CurrentPasswordForm, SecretQuestionsForm):
    """"Modifier mes questions secrètes": the current password, then the step-3 form."""

    field_order = ["current_password", "question_1", "answer_1", "question_2", "answer_2"]

    def __init__(self, user, request, *args, **kwargs):
        self.user = user
        super().__init__(*args, request=request, **kwargs)
        current = {a.position: a.question for a in flows.secret_answers_of(user)}
        for position in (1, 2):
            if position in current:
                self.fields[f"question_{position}"].initial = current[position]

    def questions(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(data["question_1"], data["answer_1"]), (data["question_2"], data["answer_2"])]


class NewEmailForm(IdentifiersForm):
    """The new address, validated exactly as in registration step 1."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        del self.fields["mobile_phone"]
        self.fields["email"].label = _("Nouvelle adresse courriel")

    def clean_email(self):
        email = super().clean_email()
        if email == normalize_email(self.user.email):
            raise ValidationError(MESSAGES["same_email"], code="same_email")
        return email


class NewMobileForm(IdentifiersForm):
    """The new mobile number, validated exactly as in registration step 1."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        self.fields["mobile_phone"].label = _("Nouveau numéro de téléphone mobile")

    def clean_mobile_phone(self):
        number = self.cleaned_data["mobile_phone"]
        if number is not None and str(number) == str(self.user.mobile_phone):
            raise ValidationError(MESSAGES["same_mobile"], code="same_mobile")
        return number


class AdditionalPhoneForm(ETSForm):
    """One of the other numbers ("Ajouter un numéro de téléphone"); emptied, it is removed."""

    number = PhoneField(required=False)

    def __init__(self, *args, position=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = _("Autre numéro de téléphone %(n)d") % {"n": position}


class BaseAdditionalPhoneFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {"position": (index or 0) + 1}

    def numbers(self) -> list:
        return [f.cleaned_data["number"] for f in self.forms
                if f.cleaned_data.get("number") is not None]


AdditionalPhoneFormSet = forms.formset_factory(
    AdditionalPhoneForm,
    formset=BaseAdditionalPhoneFormSet,
    extra=1,
    max_num=MAX_ADDITIONAL_PHONES,
    absolute_max=MAX_ADDITIONAL_PHONES,
    validate_max=True,
)
