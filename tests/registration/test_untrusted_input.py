"""Absurd, hostile or out-of-order input: the page comes back with the message next to
the field and what was typed, in French and in English, never an error 500."""

import re
from html import unescape

import pytest
from django.urls import reverse

from eprocedures.accounts.models import User
from eprocedures.accounts.tokens import make_activation_token
from eprocedures.registration.forms import MAX_OTHER_PHONES
from eprocedures.registration.steps import SESSION_KEY

from .conftest import IDENTIFIERS, INFORMATION, LEGAL_PERSON, QUESTIONS, make_account, step_url

pytestmark = pytest.mark.django_db

LONG = "9" * 100_000
FR_PHONE = ("Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
            "le 0 initial est accepté).")
EN_PHONE = ("A French number must have 9 digits after +33 (for example 6 12 34 56 78; a leading 0 "
            "is accepted).")


def shown_errors(response, field):
    """The messages displayed next to one field (not the summary at the top)."""
    html = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert found, f"no error shown next to {field}"
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def english(client):
    client.cookies["ets_language"] = "en"


# --- Step 1 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "field", "french", "english_text"), [
    ({"email": LONG}, "email",
     ["Saisissez une adresse de courriel valide.",
      "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement 100000)."],
     ["Enter a valid email address.",
      "Ensure this value has at most 254 characters (it has 100000)."]),
    ({"email": "pa\x00ul@example.fr"}, "email",
     ["Saisissez une adresse de courriel valide.", "Le caractère nul n’est pas autorisé."],
     ["Enter a valid email address.", "Null characters are not allowed."]),
    ({"email": ""}, "email", ["Ce champ est obligatoire."], ["This field is required."]),
    ({"mobile_phone_number": LONG}, "mobile_phone", [FR_PHONE], [EN_PHONE]),
    ({"mobile_phone_number": "+" + LONG}, "mobile_phone",
     ["Ce numéro n'est pas valide pour l'indicatif choisi."],
     ["This number is not valid for the chosen dial code."]),
    ({"mobile_phone_number": "\x00612345678"}, "mobile_phone", [FR_PHONE], [EN_PHONE]),
    ({"mobile_phone_number": "０６１２３４５６７８"}, "mobile_phone", [FR_PHONE], [EN_PHONE]),
    ({"mobile_phone_region": "ZZ"}, "mobile_phone",
     ["Choisissez un indicatif dans la liste."], ["Choose a dial code from the list."]),
    ({"mobile_phone_region": LONG}, "mobile_phone",
     ["Choisissez un indicatif dans la liste."], ["Choose a dial code from the list."]),
    ({"mobile_phone_number": ""}, "mobile_phone",
     ["Ce champ est obligatoire."], ["This field is required."]),
])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_step_one_answers_absurd_input_with_a_message(
        wizard, client, data, field, french, english_text, language):
    if language == "en":
        english(client)
    response = wizard.post("identifiants", {**IDENTIFIERS, **data})

    assert response.status_code == 200
    assert shown_errors(response, field) == (french if language == "fr" else english_text)
    assert SESSION_KEY not in client.session or not client.session[SESSION_KEY]["done"]


def test_what_was_typed_comes_back_even_when_absurd(wizard):
    response = wizard.post("identifiants", {**IDENTIFIERS, "email": "x" * 400 + "@",
                                            "mobile_phone_number": "06 12 34 56 7 8 9"})
    html = response.content.decode()
    assert f'value="{"x" * 400}@"' in html
    assert 'value="06 12 34 56 7 8 9"' in html


# --- Step 2 and the legal person ------------------------------------------------------------


@pytest.mark.parametrize(("data", "field", "french", "english_text"), [
    ({"street_number": "12 bis"}, "street_number",
     ["Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », « ter », une "
      "lettre…, laissez ce champ vide et écrivez l'adresse complète dans « Libellé de voie »."],
     ['The street number contains digits only. If your number includes "bis", "ter", a letter…, '
      'leave this field empty and write the full address in "Street name".']),
    # Digits of other scripts are not the digits the office's systems take.
    ({"street_number": "١٢"}, "street_number", None, None),
    ({"street_number": LONG}, "street_number",
     ["Assurez-vous que cette valeur comporte au plus 10 caractères (actuellement 100000)."],
     ["Ensure this value has at most 10 characters (it has 100000)."]),
    ({"postal_code": "٥٩٠٠٠"}, "postal_code",
     ["Un code postal français comporte 5 chiffres."], ["A French postal code has 5 digits."]),
    ({"street_name": "rue\x00bleue"}, "street_name",
     ["Le caractère nul n’est pas autorisé."], ["Null characters are not allowed."]),
    ({"country": "ZZ"}, "country",
     ["Sélectionnez un choix valide. ZZ n’en fait pas partie."],
     ["Select a valid choice. ZZ is not one of the available choices."]),
    ({"is_attorney": "peut-être"}, "is_attorney",
     ["Sélectionnez un choix valide. peut-être n’en fait pas partie."],
     ["Select a valid choice. peut-être is not one of the available choices."]),
    ({"civility": ""}, "civility", ["Ce champ est obligatoire."], ["This field is required."]),
    ({"other_phone_1_region": "ZZ", "other_phone_1_number": "1"}, "other_phone_1",
     ["Choisissez un indicatif dans la liste."], ["Choose a dial code from the list."]),
])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_step_two_answers_absurd_input_with_a_message(
        wizard, client, data, field, french, english_text, language):
    wizard.fill(until="informations")
    if language == "en":
        english(client)
    response = wizard.post("informations", {**INFORMATION, **data})

    assert response.status_code == 200
    errors = shown_errors(response, field)
    if french is not None:
        assert errors == (french if language == "fr" else english_text)
    assert 'value="rue bleue"' in response.content.decode() or field == "street_name"


def test_a_huge_phone_row_number_is_capped(wizard, client):
    wizard.fill(until="informations")
    response = wizard.post("informations", {
        **INFORMATION, "other_phone_99999999999999999999_region": "FR",
        "other_phone_99999999999999999999_number": "612345678"})
    assert response["Location"] == step_url("questions-secretes")
    assert client.session[SESSION_KEY]["phone_rows"] == MAX_OTHER_PHONES


def test_add_phone_with_absurd_values_keeps_them_unvalidated(wizard, client):
    wizard.fill(until="informations")
    response = client.post(reverse("registration:add_phone"),
                           {**INFORMATION, "country": "ZZ", "last_name": "D\x00" + LONG})
    assert response.status_code == 302
    page = client.get(step_url("informations"))
    assert page.status_code == 200
    # Nothing validated yet, so the step must be sent again with "Valider".
    assert "informations" not in client.session[SESSION_KEY]["done"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_legal_person_siren_absurd_input(wizard, client, language):
    wizard.fill(until="personne-morale", information={"is_legal_person": "oui"})
    if language == "en":
        english(client)
    response = wizard.post("personne-morale", {**LEGAL_PERSON, "siren": "٧٣٢٨٢٩٣٢٠"})
    assert shown_errors(response, "siren") == [
        "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise)."
        if language == "fr" else
        "This SIREN number is not valid (9 digits, check digit included)."]
    response = wizard.post("personne-morale", {**LEGAL_PERSON, "siren": LONG})
    assert response.status_code == 200 and "siren" in response.context["forms"]["form"].errors


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_unknown_question_code_is_refused(wizard, client, language):
    wizard.fill(until="questions-secretes")
    if language == "en":
        english(client)
    response = wizard.post("questions-secretes", {**QUESTIONS, "question_1": "zz",
                                                  "answer_1": "\x00"})
    assert shown_errors(response, "question_1") == [
        "Sélectionnez un choix valide. zz n’en fait pas partie." if language == "fr" else
        "Select a valid choice. zz is not one of the available choices."]
    assert shown_errors(response, "answer_1") == [
        "Le caractère nul n’est pas autorisé." if language == "fr" else
        "Null characters are not allowed."]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_terms_without_answer_in_both_languages(wizard, client, language):
    wizard.fill()
    if language == "en":
        english(client)
    response = wizard.post("conditions", {"accept_terms": "non"})
    assert shown_errors(response, "accept_terms") == [
        "Vous devez valider les conditions générales d'utilisation pour créer votre compte."
        if language == "fr" else
        "You must accept the terms of use to create your account."]


# --- Out of order, tampered URLs ----------------------------------------------------------


@pytest.mark.parametrize("slug", ["informations", "personne-morale", "questions-secretes",
                                  "conditions"])
def test_a_post_to_a_later_step_before_the_earlier_ones_stores_nothing(client, slug):
    data = {**INFORMATION, **LEGAL_PERSON, **QUESTIONS, "accept_terms": "oui"}
    response = client.post(step_url(slug), data)

    assert response.status_code == 302
    assert response["Location"] == step_url("identifiants")
    assert not (client.session.get(SESSION_KEY) or {}).get("values")
    assert User.objects.count() == 0


def test_the_terms_cannot_be_posted_while_a_step_is_missing(wizard, client):
    wizard.fill(until="questions-secretes")
    response = wizard.post("conditions", {"accept_terms": "oui"})
    assert response["Location"] == step_url("questions-secretes")
    assert User.objects.count() == 0


def test_the_legal_person_step_is_closed_to_a_natural_person(wizard, client):
    wizard.fill(until="conditions")
    response = wizard.post("personne-morale", LEGAL_PERSON)
    assert response["Location"] == step_url("conditions")
    assert "personne-morale" not in client.session[SESSION_KEY]["values"]


@pytest.mark.parametrize("path", ["/inscription/zzz/", "/inscription/%00/",
                                  "/inscription/" + "a" * 3000 + "/"])
def test_unknown_step_urls_are_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code == 404


def test_add_phone_before_step_one_changes_nothing(client):
    response = client.post(reverse("registration:add_phone"), INFORMATION)
    assert response.status_code == 302
    assert not (client.session.get(SESSION_KEY) or {}).get("values")


# --- Activation and fresh link --------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_empty_activation_post_names_the_missing_fields(client, language):
    if language == "en":
        english(client)
    user = make_account()
    response = client.post(reverse("registration:activate",
                                   kwargs={"token": make_activation_token(user)}), {})
    required = "Ce champ est obligatoire." if language == "fr" else "This field is required."
    assert response.status_code == 200
    assert shown_errors(response, "password1") == [required]
    assert shown_errors(response, "password2") == [required]


def test_an_empty_resend_post_names_the_missing_field(client):
    response = client.post(reverse("registration:resend"), {})
    assert shown_errors(response, "email") == ["Ce champ est obligatoire."]


@pytest.mark.parametrize("password", [LONG, "Bleu.Lille\x0059"])
def test_absurd_passwords_are_refused_with_a_message(client, password):
    user = make_account()
    token = make_activation_token(user)
    response = client.post(reverse("registration:activate", kwargs={"token": token}),
                           {"password1": password, "password2": password})
    assert response.status_code == 200
    assert shown_errors(response, "password1")
    user.refresh_from_db()
    assert user.is_awaiting_activation


@pytest.mark.parametrize("token", ["%00", "a" * 5000, "e30:1abc:xyz", "..", "nouveau-lien-x"])
def test_absurd_activation_tokens_explain_themselves(client, token):
    response = client.get(f"/activation/{token}/")
    assert response.status_code == 404
    assert "Ce lien d'activation n'est pas valide." in unescape(response.content.decode())


def test_a_repeated_legal_person_answer_is_read_as_the_form_reads_it(client, wizard):
    # "non" then "oui": the form keeps the last one, so the path must include the legal step
    # (before, the path skipped it and the last step sent the visitor round in a loop).
    wizard.post("identifiants", IDENTIFIERS)
    response = client.post(step_url("informations"),
                           {**INFORMATION, "is_legal_person": ["non", "oui"]})
    assert response.status_code == 302
    assert response["Location"] == step_url("personne-morale")
    for slug, data in [("personne-morale", LEGAL_PERSON), ("questions-secretes", QUESTIONS)]:
        assert wizard.post(slug, data).status_code == 302

    response = wizard.post("conditions", {"accept_terms": "oui"})

    assert response.status_code == 302
    assert response["Location"] == reverse("registration:done")
    assert User.objects.get(email="paul.durand@example.fr").legal_name == LEGAL_PERSON["legal_name"]
