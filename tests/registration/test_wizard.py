import re
from html import unescape

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail
from eprocedures.registration.steps import SESSION_KEY

from .conftest import INFORMATION, QUESTIONS, TERMS, step_url

pytestmark = pytest.mark.django_db

FINAL = ("Vous allez recevoir un message de confirmation à votre adresse courriel afin de "
         "pouvoir activer votre compte.")


def titles(response):
    """Visible titles of the accordion (✓ included, the +/− toggle and hidden texts left out)."""
    html = response.content.decode()
    found = []
    for h in re.findall(r'<h2 class="step__header"[^>]*>(.*?)</h2>', html, re.S):
        h = re.sub(r'<span class="(visually-hidden|step__toggle)"[^>]*>.*?</span>', "", h)
        found.append(unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()))
    return found


def test_wizard_opens_step_one_with_the_four_titles(client):
    response = client.get("/inscription/", follow=True)

    assert response.redirect_chain == [("/inscription/identifiants/", 302)]
    assert titles(response) == [
        "Etape 1 : Mes identifiants",
        "Etape 2 : Mes informations",
        "Etape 3 : Mes questions secrètes",
        "Etape 4 : Validation des conditions générales d'utilisation",
    ]
    html = response.content.decode()
    assert 'aria-current="step"' in html
    assert "Adresse courriel" in html and "Numéro de téléphone mobile" in html
    assert '<option value="FR" selected>+33 (FR)' in html
    assert html.count(">Valider</button>") == 1


def test_completed_steps_show_a_check_and_can_be_reopened(wizard, client):
    wizard.fill(until="questions-secretes")
    response = client.get(step_url("questions-secretes"))

    assert titles(response) == [
        "Etape 1 : Mes identifiants ✓",
        "Etape 2 : Mes informations ✓",
        "Etape 3 : Mes questions secrètes",
        "Etape 4 : Validation des conditions générales d'utilisation",
    ]
    html = response.content.decode()
    assert f'<a href="{step_url("identifiants")}">' in html

    reopened = client.get(step_url("identifiants"))
    html = reopened.content.decode()
    assert 'value="Paul.Durand@Example.fr"' in html
    assert 'value="6 12 34 56 78"' in html


def test_a_later_step_cannot_be_opened_before_the_earlier_ones(client):
    response = client.get(step_url("questions-secretes"))
    assert response.status_code == 302
    assert response["Location"] == step_url("identifiants")
    assert client.get(step_url("conditions"))["Location"] == step_url("identifiants")


def test_legal_person_gets_an_extra_step_and_later_steps_are_renumbered(wizard, client):
    wizard.fill(until="personne-morale", information={"is_legal_person": "oui"})
    response = client.get(step_url("personne-morale"))

    assert titles(response) == [
        "Etape 1 : Mes identifiants ✓",
        "Etape 2 : Mes informations ✓",
        "Etape 3 : Ma personne morale",
        "Etape 4 : Mes questions secrètes",
        "Etape 5 : Validation des conditions générales d'utilisation",
    ]


def test_registration_creates_an_inactive_account_and_queues_the_activation_email(wizard, client):
    response = wizard.register()

    assert response["Location"] == reverse("registration:done")
    page = client.get(reverse("registration:done"))
    assert FINAL in page.content.decode()

    user = User.objects.get()
    assert user.email == "paul.durand@example.fr"
    assert str(user.mobile_phone) == "+33612345678"
    assert (user.civility, user.last_name, user.first_name) == ("M", "Durand", "Paul")
    assert (user.street_name, user.postal_code, user.city, user.country.code) == (
        "rue bleue", "59000", "LILLE", "FR")
    assert user.is_active is False and user.activated_at is None
    assert not user.has_usable_password()
    assert user.language == "fr"
    answers = list(user.secret_answers.all())
    assert [a.question for a in answers] == ["mother_maiden_name", "favourite_sport"]
    assert answers[0].check_answer("  DURAND ") and answers[1].check_answer("danse")
    assert "Durand" not in answers[0].answer_hash

    email = OutgoingEmail.objects.get()
    assert email.to == "paul.durand@example.fr"
    assert email.subject == "Activez votre compte de l'espace e-procédures de l'INPI"
    assert AuditEvent.objects.filter(event="registration.completed", user=user).exists()
    assert SESSION_KEY not in client.session


def test_secret_answers_are_kept_in_the_session_only_as_hashes(wizard, client):
    wizard.fill(until="conditions")
    stored = client.session[SESSION_KEY]["values"]["questions-secretes"]

    assert "answer_1" not in stored and "answer_2" not in stored
    assert check_password("durand", stored["answer_1_hash"][0])
    assert "Danse" not in repr(client.session[SESSION_KEY])


def test_reopened_questions_step_does_not_show_the_answers(wizard, client):
    wizard.fill(until="conditions")
    html = client.get(step_url("questions-secretes")).content.decode()
    assert 'value="Durand"' not in html
    assert '<option value="favourite_sport" selected>' in html


def test_no_state_travels_in_hidden_fields(wizard, client):
    wizard.fill(until="conditions")
    for slug in ("identifiants", "informations", "questions-secretes", "conditions"):
        html = client.get(step_url(slug)).content.decode()
        hidden = re.findall(r'<input type="hidden" name="([^"]+)"', html)
        assert set(hidden) <= {"csrfmiddlewaretoken", "next"}, (slug, hidden)


def test_changing_to_a_legal_person_opens_the_new_step_before_the_terms(wizard, client):
    wizard.fill(until="conditions")
    response = wizard.post("informations", {**INFORMATION, "is_legal_person": "oui"})
    assert response["Location"] == step_url("personne-morale")

    response = wizard.post("personne-morale", {"legal_name": "Durand SA", "legal_form": "SA",
                                               "siren": "732 829 320"})
    assert response["Location"] == step_url("conditions")
    wizard.post("conditions", TERMS)
    user = User.objects.get()
    assert (user.is_legal_person, user.legal_name, user.siren) == (True, "Durand SA", "732829320")


def test_legal_person_outside_france_gives_a_registration_number(wizard, client):
    wizard.fill(until="personne-morale", information={
        "is_legal_person": "oui", "country": "BE", "postal_code": "1000", "city": "Bruxelles"})
    html = client.get(step_url("personne-morale")).content.decode()
    assert "N° d&#x27;immatriculation" in html and "SIREN" not in html

    wizard.post("personne-morale", {"legal_name": "Durand SPRL", "legal_form": "SPRL",
                                    "registration_number": "0123.456.789"})
    wizard.post("questions-secretes", QUESTIONS)
    wizard.post("conditions", TERMS)
    assert User.objects.get().registration_number == "0123.456.789"


def test_the_email_is_stored_in_the_language_of_the_registration(wizard, client):
    client.cookies["ets_language"] = "en"
    wizard.register()

    user = User.objects.get()
    assert user.language == "en"
    assert OutgoingEmail.objects.get().subject == "Activate your INPI e-procedures account"


def test_english_titles(client):
    client.cookies["ets_language"] = "en"
    response = client.get(step_url("identifiants"))
    assert titles(response)[0] == "Step 1: My identifiers"


def test_only_the_steps_own_fields_are_kept_in_the_session(wizard, client):
    wizard.post("identifiants", {"email": "paul@example.fr", "mobile_phone_region": "FR",
                                 "mobile_phone_number": "612345678", "junk": "x" * 5000})
    client.post("/inscription/informations/telephone/", {"last_name": "D" * 5000, "junk": "y"})

    values = client.session[SESSION_KEY]["values"]
    assert set(values["identifiants"]) == {"email", "mobile_phone_region", "mobile_phone_number"}
    assert "junk" not in values["informations"]
    assert values["informations"]["last_name"] == ["D" * 300]


def labels(response):
    """Visible label or legend texts of the open step, with a trailing * when mandatory."""
    # The row inside <template> is inert until the script copies it.
    html = re.sub(r"<template.*?</template>", "", response.content.decode(), flags=re.S)
    found = []
    for _tag, inner in re.findall(r"<(label|legend)[^>]*>(.*?)</\1>", html, re.S):
        text = unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        found.append(" ".join(text.split()))
    return found


def test_every_label_of_the_product_contract_on_each_step(wizard, client):
    assert labels(client.get(step_url("identifiants"))) == [
        "Adresse courriel *", "Numéro de téléphone mobile *"]

    wizard.fill(until="informations")
    response = client.get(step_url("informations"))
    assert labels(response) == [
        "Civilité *", "Nom *", "Prénom *", "Pays *", "N° de voie", "Type de voie",
        "Libellé de voie *", "Complément d'adresse", "Boîte postale", "Code postal *", "Ville *",
        "Etes-vous un mandataire habilité (CPI, avocat, L422-5...)?", "Oui", "Non",
        "Agissez-vous en tant que personne morale?", "Oui", "Non",
    ]
    html = unescape(response.content.decode())
    assert ">Ajouter un numéro de téléphone</button>" in html
    assert html.count(">Valider</button>") == 1

    wizard.fill(until="questions-secretes")
    assert labels(client.get(step_url("questions-secretes"))) == [
        "Question 1 *", "Réponse 1 *", "Question 2 *", "Réponse 2 *"]

    wizard.fill(until="conditions")
    response = client.get(step_url("conditions"))
    assert labels(response) == ["J'ai pris connaissance et je valide les CGU *", "Oui", "Non"]
    assert ">Lire les conditions d'utilisation</a>" in unescape(response.content.decode())


def test_the_mobile_dial_code_list_has_every_country_with_france_first(client):
    html = client.get(step_url("identifiants")).content.decode()
    select = re.search(r'<select name="mobile_phone_region".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([A-Z]{2})"( selected)?>([^<]+)</option>', select)
    assert options[0] == ("FR", " selected", "+33 (FR)")
    assert len(options) > 240
    assert ("BE", "", "+32 (BE)") in options and ("US", "", "+1 (US)") in options
    assert ("GB", "", "+44 (GB)") in options and ("NC", "", "+687 (NC)") in options


def test_the_last_step_sent_twice_by_a_double_click_registers_once(client, wizard):
    # Both requests carry the session as it was before either saved it: replayed here one
    # after the other by putting the wizard's state back between them.
    wizard.fill()
    before = client.session[SESSION_KEY]

    first = wizard.post("conditions", {"accept_terms": "oui"})
    session = client.session
    session[SESSION_KEY] = before
    session.save()
    second = wizard.post("conditions", {"accept_terms": "oui"})

    assert first["Location"] == second["Location"] == "/inscription/terminee/"
    assert client.get("/inscription/terminee/").status_code == 200
    emails = OutgoingEmail.objects.filter(kind="activation")
    assert emails.count() == 1  # the one link sent is the one that works


def test_a_last_step_that_failed_can_be_sent_again(client, wizard, monkeypatch):
    from django.db import OperationalError

    from eprocedures.registration import flows

    wizard.fill()
    real_register = flows.register
    monkeypatch.setattr(flows, "register", lambda *a: (_ for _ in ()).throw(
        OperationalError("the database went away")))
    with pytest.raises(OperationalError):
        wizard.post("conditions", {"accept_terms": "oui"})
    monkeypatch.setattr(flows, "register", real_register)

    response = wizard.post("conditions", {"accept_terms": "oui"})

    assert response["Location"] == "/inscription/terminee/"
    assert User.objects.filter(email="paul.durand@example.fr").exists()


@pytest.mark.parametrize("slug", ["questions-secretes", "conditions"])
def test_a_later_step_posted_after_the_session_ended_says_so(client, slug):
    response = client.post(step_url(slug), {"answer_1": "Durand"}, follow=True)

    assert response.redirect_chain[-1][0] == step_url("identifiants")
    assert ("Votre session a expiré et les étapes déjà remplies n'ont pas pu être gardées : "
            "reprenez votre inscription depuis la première étape.") in unescape(
                response.content.decode())


def test_a_step_opened_out_of_order_by_a_link_says_nothing(client):
    response = client.get(step_url("conditions"), follow=True)

    assert "Votre session a expiré" not in unescape(response.content.decode())
