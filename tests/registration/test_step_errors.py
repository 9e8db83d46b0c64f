"""Each step refuses bad answers with the exact message and shows again what was typed."""

from html import unescape

import pytest

from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent

from .conftest import IDENTIFIERS, INFORMATION, LEGAL_PERSON, QUESTIONS, TERMS, step_url

pytestmark = pytest.mark.django_db

REQUIRED = "Ce champ est obligatoire."


def errors_of(response, field):
    form = response.context["forms"]["form"]
    if field in form.errors:
        return form.errors[field]
    return response.context["forms"]["phones"].errors[field]


def page(response):
    return unescape(response.content.decode())


def test_step_one_requires_both_fields(wizard):
    response = wizard.post("identifiants", {"email": "", "mobile_phone_region": "FR",
                                            "mobile_phone_number": ""})

    assert response.status_code == 200
    assert errors_of(response, "email") == [REQUIRED]
    assert errors_of(response, "mobile_phone") == [REQUIRED]
    html = page(response)
    assert "Le formulaire contient 2 erreurs :" in html
    assert 'aria-invalid="true"' in html


def test_step_one_refuses_a_malformed_address_and_shows_it_again(wizard):
    response = wizard.post("identifiants", {**IDENTIFIERS, "email": "paul.durand@"})
    assert errors_of(response, "email") == ["Saisissez une adresse de courriel valide."]
    assert 'value="paul.durand@"' in page(response)
    assert 'value="6 12 34 56 78"' in page(response)


@pytest.mark.parametrize(("number", "message"), [
    ("61234567", "Un numéro français doit comporter 9 chiffres après +33 (par exemple "
                 "6 12 34 56 78 ; le 0 initial est accepté)."),
    ("1 23 45 67 89", "Ce numéro n'est pas un numéro de téléphone mobile."),
])
def test_step_one_refuses_a_bad_french_mobile(wizard, number, message):
    response = wizard.post("identifiants", {**IDENTIFIERS, "mobile_phone_number": number})
    assert errors_of(response, "mobile_phone") == [message]
    assert f'value="{number}"' in page(response)


def test_step_one_refuses_an_invalid_foreign_number(wizard):
    response = wizard.post("identifiants", {**IDENTIFIERS, "mobile_phone_region": "BE",
                                            "mobile_phone_number": "12"})
    assert errors_of(response, "mobile_phone") == [
        "Ce numéro n'est pas valide pour l'indicatif choisi."]
    assert '<option value="BE" selected>' in page(response)


def test_step_one_accepts_a_leading_zero(wizard, client):
    response = wizard.post("identifiants", {**IDENTIFIERS, "mobile_phone_number": "06 12 34 56 78"})
    assert response.status_code == 302


def test_step_two_requires_the_mandatory_fields(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {"country": "FR"})

    form = response.context["forms"]["form"]
    assert set(form.errors) == {"civility", "last_name", "first_name", "street_name",
                                "postal_code", "city"}
    assert all(errors == [REQUIRED] for errors in form.errors.values())
    html = page(response)
    assert 'Civilité<span class="required" aria-hidden="true"> *</span>' in html
    assert 'N° de voie</label>' in html  # optional: no *
    # The two questions are optional too (no * in the specification): "Non" unless told.
    assert "L422-5...)?</legend>" in html and "personne morale?</legend>" in html


def test_the_two_questions_default_to_non(wizard, client):
    import re

    wizard.fill(until="informations")
    html = page(client.get("/inscription/informations/"))
    for name in ("is_attorney", "is_legal_person"):
        [non] = re.findall(rf'<input[^>]*name="{name}"[^>]*value="non"[^>]*>', html)
        [oui] = re.findall(rf'<input[^>]*name="{name}"[^>]*value="oui"[^>]*>', html)
        assert "checked" in non and "checked" not in oui
    unanswered = {k: v for k, v in INFORMATION.items()
                  if k not in ("is_attorney", "is_legal_person")}
    assert wizard.post("informations", unanswered).status_code == 302
    wizard.post("questions-secretes", QUESTIONS)  # no legal-person step in between
    wizard.post("conditions", TERMS)
    user = User.objects.get()
    assert (user.is_attorney, user.legal_name) == (False, "")


def test_street_number_takes_digits_only_and_says_where_bis_goes(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "street_number": "12 bis"})

    assert errors_of(response, "street_number") == [
        "Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », « ter », "
        "une lettre…, laissez ce champ vide et écrivez l'adresse complète dans « Libellé de voie »."
    ]
    html = page(response)
    assert 'value="12 bis"' in html and 'value="rue bleue"' in html and 'value="LILLE"' in html


def test_french_postal_code_has_five_digits(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "postal_code": "5900"})
    assert errors_of(response, "postal_code") == ["Un code postal français comporte 5 chiffres."]
    assert 'value="5900"' in page(response)


def test_foreign_postal_code_is_free(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "country": "GB",
                                            "postal_code": "SW1A 1AA", "city": "London"})
    assert response.status_code == 302


def test_other_phone_numbers_are_validated(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "other_phone_1_region": "FR",
                                            "other_phone_1_number": "123"})
    assert errors_of(response, "other_phone_1") == [
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté)."]
    assert 'value="123"' in page(response)


def test_legal_person_step_checks_the_siren_key(wizard):
    wizard.fill(until="personne-morale", information={"is_legal_person": "oui"})
    response = wizard.post("personne-morale", {**LEGAL_PERSON, "siren": "732 829 321"})

    assert errors_of(response, "siren") == [
        "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise)."]
    assert 'value="732 829 321"' in page(response)
    assert 'value="Durand SA"' in page(response)


def test_legal_person_step_requires_name_and_form(wizard):
    wizard.fill(until="personne-morale", information={"is_legal_person": "oui"})
    response = wizard.post("personne-morale", {"siren": ""})
    form = response.context["forms"]["form"]
    assert form.errors == {"legal_name": [REQUIRED], "legal_form": [REQUIRED],
                           "siren": [REQUIRED]}


def test_secret_questions_must_differ_and_answers_are_required(wizard):
    wizard.fill(until="questions-secretes")
    response = wizard.post("questions-secretes", {**QUESTIONS, "question_2": "mother_maiden_name",
                                                  "answer_2": ""})
    assert errors_of(response, "question_2") == ["Choisissez deux questions différentes."]
    assert errors_of(response, "answer_2") == [REQUIRED]
    assert 'value="Durand"' in page(response)  # what was typed just now is shown again


def test_terms_answered_no_gives_a_clear_error(wizard):
    wizard.fill()
    response = wizard.post("conditions", {"accept_terms": "non"})
    assert errors_of(response, "accept_terms") == [
        "Vous devez valider les conditions générales d'utilisation pour créer votre compte."]
    checked = 'value="non" required aria-invalid="true" id="id_accept_terms_1" checked'
    assert checked in response.content.decode()
    assert User.objects.count() == 0


def test_terms_unanswered_is_required(wizard):
    wizard.fill()
    response = wizard.post("conditions", {})
    assert errors_of(response, "accept_terms") == [REQUIRED]
    assert "Lire les conditions d'utilisation" in page(response)


def test_registrations_are_throttled_per_client_address(wizard, client, settings):
    settings.ETS_REGISTRATIONS_PER_HOUR = 2
    for n in range(2):
        wizard.register(identifiers={"email": f"paul{n}@example.fr"})
    response = wizard.register(identifiers={"email": "paul9@example.fr"})

    assert response.status_code == 200
    assert response.context["forms"]["form"].non_field_errors() == [
        "Trop d'inscriptions ont été envoyées depuis votre connexion au cours de la dernière "
        "heure. Réessayez dans une heure ; vos réponses sont conservées."]
    assert User.objects.count() == 2
    assert AuditEvent.objects.filter(event="registration.throttled").count() == 1

    # Another client address is not affected.
    other = wizard.client.__class__(REMOTE_ADDR="192.0.2.7")
    from .conftest import Wizard
    response = Wizard(other).register(identifiers={"email": "paul9@example.fr"})
    assert response.status_code == 302


def test_add_phone_without_javascript_keeps_what_was_typed(wizard, client):
    wizard.fill(until="informations")
    typed = {**INFORMATION, "last_name": "Durant", "postal_code": ""}
    response = client.post("/inscription/informations/telephone/", typed)

    assert response.status_code == 302
    assert response["Location"].startswith(step_url("informations"))
    html = page(client.get(step_url("informations")))
    assert 'value="Durant"' in html
    assert 'name="other_phone_1_number"' in html
    assert "Autre numéro de téléphone 1" in html
    assert "Ce champ est obligatoire." not in html  # not validated yet

    client.post("/inscription/informations/telephone/", {
        **typed, "other_phone_1_region": "FR", "other_phone_1_number": "3 20 00 00 00"})
    html = page(client.get(step_url("informations")))
    assert 'value="3 20 00 00 00"' in html and 'name="other_phone_2_number"' in html

    response = wizard.post("informations", {
        **INFORMATION, "other_phone_1_region": "FR", "other_phone_1_number": "3 20 00 00 00",
        "other_phone_2_region": "BE", "other_phone_2_number": "", })
    assert response["Location"] == step_url("questions-secretes")
    wizard.post("questions-secretes", QUESTIONS)
    wizard.post("conditions", {"accept_terms": "oui"})
    user = User.objects.get()
    assert [str(p.number) for p in user.additional_phones.all()] == ["+33320000000"]


def test_rows_added_by_the_script_are_read_from_the_submission(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {
        **INFORMATION, "other_phone_2_region": "GB", "other_phone_2_number": "20 7946 0018"})
    assert response.status_code == 302


def test_errors_of_the_address_and_of_the_other_numbers_show_together(wizard):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "city": "",
                                            "other_phone_1_region": "FR",
                                            "other_phone_1_number": "12"})
    assert errors_of(response, "city") == [REQUIRED]
    assert errors_of(response, "other_phone_1")[0].startswith("Un numéro français")


def test_a_step_stored_then_broken_is_reopened_at_completion(wizard, client):
    from eprocedures.registration.steps import SESSION_KEY

    wizard.fill()
    session = client.session
    session[SESSION_KEY]["values"]["informations"]["postal_code"] = ["5900"]
    session.save()

    response = wizard.post("conditions", {"accept_terms": "oui"})
    assert response["Location"] == step_url("informations")
    assert User.objects.count() == 0
    assert "informations" not in client.session[SESSION_KEY]["done"]


def test_a_new_country_reopens_the_legal_person_step_with_its_errors(wizard, client):
    wizard.fill(information={"is_legal_person": "oui"})  # every step done but the terms
    response = wizard.post("informations", {**INFORMATION, "is_legal_person": "oui",
                                            "country": "BE", "postal_code": "1000",
                                            "city": "Bruxelles"})

    # Abroad the SIREN gives way to a registration number: the step is no longer valid.
    assert response["Location"] == step_url("personne-morale")
    shown = client.get(response["Location"])
    form = shown.context["forms"]["form"]
    assert form.errors and "registration_number" in form.errors
    assert 'class="error-summary"' in page(shown)
    assert 'value="Durand SA"' in page(shown)  # what was given is kept
    # Told once: a later visit shows the step as it was left.
    assert not client.get(step_url("personne-morale")).context["forms"]["form"].is_bound


def test_terms_sent_with_a_step_no_longer_valid_reopen_it_with_its_errors(wizard, client):
    wizard.fill(information={"is_legal_person": "oui"})
    session = client.session
    session["ets_registration"]["values"]["personne-morale"]["legal_name"] = [""]
    session.save()

    response = wizard.post("conditions", TERMS)

    assert response["Location"] == step_url("personne-morale")
    form = client.get(response["Location"]).context["forms"]["form"]
    assert form.errors["legal_name"] == [REQUIRED]


@pytest.mark.parametrize("name", ["Durand,\r\n\r\nVotre dossier est suspendu", "Durand\u2028X",
                                  "Durand\u202eXYZ"])
def test_names_are_one_line_of_text(wizard, name):
    wizard.fill(until="informations")
    response = wizard.post("informations", {**INFORMATION, "last_name": name})

    assert errors_of(response, "last_name") == [
        "Ce champ contient des caractères non autorisés (caractères de contrôle, tabulations "
        "ou retours à la ligne)."]
