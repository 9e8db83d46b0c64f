"""What axe cannot see: titles that say a form was refused, errors tied to the field the
summary sends the focus to, required lists, autocomplete tokens (WCAG 1.3.1, 1.3.5, 3.3.1)."""

import re

import pytest

from tests.registration.conftest import IDENTIFIERS, step_url

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


def tag(response, pattern) -> str:
    return re.search(pattern, response.content.decode())[0]


def test_each_wizard_step_has_its_own_title_and_a_refused_one_says_error(client):
    shown = client.get(step_url("identifiants"))
    refused = client.post(step_url("identifiants"), {**IDENTIFIERS, "email": "pas-une-adresse"})

    assert title(shown).startswith("Etape 1 : Mes identifiants – Inscription – ")
    assert title(refused).startswith("Erreur : Etape 1 : Mes identifiants – Inscription – ")


def test_a_refused_sign_in_says_error_in_the_title_in_both_languages(client):
    assert not title(client.get("/connexion/")).startswith("Erreur")
    refused = client.post("/connexion/", {"email": "personne@example.fr", "password": "x"})
    assert title(refused).startswith("Erreur : ")

    client.cookies["ets_language"] = "en"
    refused = client.post("/connexion/", {"email": "personne@example.fr", "password": "x"})
    assert title(refused).startswith("Error: ")


def test_a_wrong_phone_number_is_described_on_the_number_not_the_dial_code(client):
    response = client.post(step_url("identifiants"), {**IDENTIFIERS, "mobile_phone_number": "12"})

    number = tag(response, r'<input type="tel"[^>]*>')
    dial_code = tag(response, r'<select name="mobile_phone_region"[^>]*>')
    assert 'aria-describedby="id_mobile_phone_error"' in number
    assert 'aria-invalid="true"' in number
    assert "aria-invalid" not in dial_code


def test_required_lists_say_so_and_fields_carry_their_autocomplete_tokens(client):
    client.post(step_url("identifiants"), IDENTIFIERS)

    page = client.get(step_url("informations"))

    country = tag(page, r'<select name="country"[^>]*>')
    assert 'aria-required="true"' in country and 'autocomplete="country"' in country
    assert 'autocomplete="honorific-prefix"' in tag(page, r'<select name="civility"[^>]*>')


@pytest.mark.parametrize("path", ["/connexion/", "/mot-de-passe-oublie/",
                                  "/activation/nouveau-lien/"])
def test_every_form_with_stars_says_what_they_mean(client, path):
    html = client.get(path).content.decode()

    assert 'aria-hidden="true"> *</span>' in html  # a required field is marked
    assert "Les champs suivis d'un * sont obligatoires." in html


def test_the_error_summary_counts_the_messages_it_lists(client):
    from eprocedures.accounts.tokens import make_activation_token
    from tests.registration.conftest import make_account

    token = make_activation_token(make_account())

    response = client.post(f"/activation/{token}/", {"password1": "court", "password2": "court"})

    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    listed = summary.count("<li>")
    assert listed > 1
    assert f"Le formulaire contient {listed} erreurs :" in summary


def test_the_new_password_field_is_described_by_the_rules_on_every_page(client):
    from eprocedures.accounts.tokens import make_activation_token
    from tests.registration.conftest import make_account

    token = make_activation_token(make_account())
    shown = client.get(f"/activation/{token}/")
    refused = client.post(f"/activation/{token}/", {"password1": "court", "password2": "court"})

    for response in (shown, refused):
        html = response.content.decode()
        assert 'id="password-rules-list"' in html
        field = tag(response, r'<input type="password" name="password1"[^>]*>')
        assert 'aria-describedby="password-rules-list id_password1_helptext' in field
    assert "id_password1_error" in tag(refused, r'<input type="password" name="password1"[^>]*>')
    assert '<details class="password-rules" id="password-rules" open>' in shown.content.decode()


def test_a_wizard_steps_error_summary_is_a_heading_under_the_steps_own(client):
    response = client.post(step_url("identifiants"), {**IDENTIFIERS, "email": "x"})

    summary = tag(response, r'<div class="error-summary"[^>]*>\s*<h\d')
    assert summary.endswith("<h3")  # the step's title is the h2
