"""In Chromium: axe-core on every page of the flow in its error states, in French and in
English, and the live ticking of the password rules agreeing with the server's validators."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from eprocedures.accounts.models import new_nonce
from eprocedures.accounts.tokens import make_activation_token
from eprocedures.accounts.validators import CharacterClassValidator, LengthValidator

from .conftest import INFORMATION, LEGAL_PERSON, QUESTIONS, Wizard, make_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOOD = "Bleu.Lille59"
BUTTON = {"fr": "Valider", "en": "Confirm"}


@pytest.fixture
def site(live_server, settings):
    settings.ETS_SITE_URL = live_server.url
    return live_server.url


def share_session(page, client, site, language):
    """The browser continues the wizard the test client has started (same server session)."""
    cookies = [{"name": "ets_language", "value": language, "url": site}]
    session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if session is not None:
        cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": session.value,
                        "url": site})
    page.context.add_cookies(cookies)


def submit(page, language):
    page.locator("form:has(.actions) .actions button[type=submit]").click()
    page.wait_for_load_state()
    # Retried until the page that answers the POST is there (a count right after the
    # click may see the page in between, with no button).
    expect(page.get_by_role("button", name=BUTTON[language])).to_have_count(1)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_wizard_error_states_pass_axe(page, site, axe_check, language):
    client = Client()
    wizard = Wizard(client)
    share_session(page, client, site, language)

    page.goto(site + "/inscription/identifiants/")
    page.fill("[name=email]", "paul.durand@")
    page.fill("[name=mobile_phone_number]", "12")
    submit(page, language)
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator("[aria-invalid=true]").count() >= 2
    axe_check(page, f"step 1 errors ({language})")

    wizard.fill(until="informations", information={"is_legal_person": "oui"})
    share_session(page, client, site, language)
    page.goto(site + "/inscription/informations/")
    page.fill("[name=street_number]", "12 bis")
    page.fill("[name=postal_code]", "5900")
    page.get_by_role("button", name="Ajouter un numéro de téléphone" if language == "fr"
                     else "Add a phone number").click()
    page.fill("[name=other_phone_1_number]", "123")
    submit(page, language)
    for name in ("street_number", "postal_code", "other_phone_1", "last_name", "civility"):
        expect(page.locator(f"#id_{name}_group.field--error")).to_have_count(1)
    assert page.locator("[name=street_number]").input_value() == "12 bis"
    axe_check(page, f"step 2 errors ({language})")

    assert wizard.post("informations", {**INFORMATION, "is_legal_person": "oui"}).status_code == 302
    page.goto(site + "/inscription/personne-morale/")
    page.fill("[name=legal_name]", "Durand SA")
    page.fill("[name=siren]", "732 829 321")
    submit(page, language)
    expect(page.locator(".field--error")).to_have_count(2)  # SIREN key, form missing
    axe_check(page, f"legal person errors ({language})")

    assert wizard.post("personne-morale", LEGAL_PERSON).status_code == 302
    page.goto(site + "/inscription/questions-secretes/")
    page.select_option("[name=question_2]", "mother_maiden_name")
    submit(page, language)
    expect(page.locator(".field--error")).to_have_count(3)  # same question, two answers missing
    axe_check(page, f"secret questions errors ({language})")

    assert wizard.post("questions-secretes", QUESTIONS).status_code == 302
    page.goto(site + "/inscription/conditions/")
    page.check("[name=accept_terms][value=non]")
    submit(page, language)
    expect(page.locator(".field--error")).to_have_count(1)
    axe_check(page, f"terms refused ({language})")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_activation_and_link_pages_pass_axe_in_their_error_states(
        page, site, axe_check, language):
    share_session(page, Client(), site, language)
    user = make_account()

    page.goto(site + f"/activation/{make_activation_token(user)}/")
    page.fill("[name=password1]", "durand")
    page.fill("[name=password2]", "other")
    page.locator("form .actions button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, f"activation refused ({language})")

    past = timezone.now() - timedelta(days=django_settings.ETS_ACTIVATION_DAYS, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=past.timestamp()):
        expired = make_activation_token(user)
    page.goto(site + f"/activation/{expired}/")
    assert page.locator("form [name=email]").input_value() == "paul.durand@example.fr"
    axe_check(page, f"expired link ({language})")

    replaced = make_activation_token(user)
    user.activation_nonce = new_nonce()
    user.save()
    page.goto(site + f"/activation/{replaced}/")
    axe_check(page, f"replaced link ({language})")

    page.goto(site + "/activation/not-a-token/")
    axe_check(page, f"invalid link ({language})")

    page.goto(site + "/activation/nouveau-lien/")
    page.locator("form .actions button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, f"fresh link, no address ({language})")
    page.fill("[name=email]", "paul.durand@example.fr")
    page.locator("form .actions button").click()
    expect(page).to_have_url(site + "/activation/nouveau-lien/envoye/")
    axe_check(page, f"fresh link sent ({language})")

    user.refresh_from_db()  # the fresh link asked for above has replaced the others
    page.goto(site + f"/activation/{make_activation_token(user)}/")
    page.fill("[name=password1]", GOOD)
    page.fill("[name=password2]", GOOD)
    page.locator("form .actions button").click()
    expect(page).to_have_url(site + "/connexion/")
    page.go_back()
    page.reload()
    axe_check(page, f"used link ({language})")


# Passwords on which a careless script would disagree with the server: non-ASCII letters
# and digits, look-alike signs, characters outside the Basic Multilingual Plane, the limits.
TRICKY = [
    GOOD,
    "éééééééÉ1!",          # accented lower case: counts for no class
    "ÉCOLE.école1",         # accented upper case only
    "abcDEF١٢٣!",           # Arabic-Indic digits are not [0-9]
    "ａｂｃＤＥＦ12!",       # full-width letters are not [a-z] / [A-Z]
    "Kelvin\u212a.1x",      # KELVIN SIGN is not [A-Z]
    "straße\u0130X1!",      # ß and İ
    "Aa1!😀😀😀😀",          # 8 code points, 12 UTF-16 units
    "Aa1!😀😀😀",            # 7 code points, 10 UTF-16 units
    "Aa1!" + "x" * 28,      # 32: the maximum
    "Aa1!" + "x" * 29,      # 33: one too many, never cut
    "Aa1¡¿;x x",            # ; is one of the signs, ¡ ¿ are not
    "Aa1xxxxx\u037e",       # GREEK QUESTION MARK looks like ; but is not
    "Aa1xxxx\uff01",        # full-width ! is not !
    " Aa1!   ",             # spaces count and are kept
    "",
]

JS_RULES = ["password_length", "password_no_lower", "password_no_upper", "password_no_digit",
            "password_no_punctuation"]


def server_failures(password):
    codes = set()
    for validator in (LengthValidator(), CharacterClassValidator()):
        try:
            validator.validate(password)
        except ValidationError as error:
            codes |= {e.code for e in error.error_list}
    return codes


def test_the_live_ticks_agree_with_the_server_rules(page, site):
    user = make_account()
    page.goto(site + f"/activation/{make_activation_token(user)}/")
    page.get_by_text("Règles du mot de passe").click()
    expect(page.locator("li[data-rule]")).to_have_count(8)

    for password in TRICKY:
        page.fill("[name=password1]", password)
        met = set(page.eval_on_selector_all(
            "li[data-rule].is-met", "items => items.map(i => i.dataset.rule)"))
        expected = set(JS_RULES) - server_failures(password)
        assert met == expected, (password, met, expected)
        states = page.locator("li[data-rule=password_length] [data-rule-state]").text_content()
        assert states == (" (règle respectée)" if "password_length" in expected
                          else " (règle non respectée)")
