"""Keyboard use, the portal without JavaScript, and the 404 page under axe-core.

Everything goes through the real pages in Chromium: the skip link, the sign-in tabs,
the "Bonjour …" menu, the error summary's focus, and the same journeys with
JavaScript turned off (each must still work with plain links and forms).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from eprocedures.accounts.models import User

pytestmark = pytest.mark.e2e

PASSWORD = "Tournesol;42Bleu"
EMAIL = "marie.curie@example.fr"


@pytest.fixture
def site(live_server, settings):
    settings.ETS_SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def marie(transactional_db):
    user = User.objects.create_user(
        EMAIL, None, first_name="Marie", last_name="Curie", civility="MME",
        mobile_phone="+33612345678", street_name="rue Pierre et Marie Curie",
        postal_code="75005", city="Paris", is_active=True, activated_at=timezone.now())
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()


def focused(page):
    """A short description of the element that has the focus."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id,
                           text: (e.innerText || '').trim()}; }""")


def sign_in(page, site, email=EMAIL, password=PASSWORD):
    page.goto(f"{site}/connexion/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.locator("#panel-password button[type=submit]").click()


def phone_group(page, name):
    return page.get_by_role("group", name=re.compile("^" + re.escape(name)))


# --- Keyboard ------------------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site, transactional_db):
    page.goto(f"{site}/connexion/")

    page.keyboard.press("Tab")
    assert focused(page) == {"tag": "a", "id": "", "text": "Aller au contenu"}
    page.keyboard.press("Enter")

    assert focused(page)["tag"] == "main"
    assert focused(page)["id"] == "main"
    assert page.url == f"{site}/connexion/#main"


def test_sign_in_tabs_switch_with_arrow_keys_and_enter(page, site, transactional_db):
    page.goto(f"{site}/connexion/")
    password_tab = page.get_by_role("tab", name="Email/Mot de passe")
    card_tab = page.get_by_role("tab", name="Carte à puce")
    expect(password_tab).to_have_attribute("aria-selected", "true")

    password_tab.focus()
    page.keyboard.press("ArrowRight")
    assert focused(page)["id"] == "tab-card"
    expect(card_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-card")).to_be_visible()
    expect(page.locator("#panel-password")).to_be_hidden()

    page.keyboard.press("ArrowLeft")
    assert focused(page)["id"] == "tab-password"
    expect(password_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-password")).to_be_visible()
    expect(page.locator("#panel-card")).to_be_hidden()

    page.keyboard.press("End")
    expect(card_tab).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(password_tab).to_have_attribute("aria-selected", "true")

    # Enter on the other tab (a link underneath) selects it too.
    card_tab.focus()
    page.keyboard.press("Enter")
    expect(card_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-card")).to_be_visible()
    expect(page.get_by_role("link", name="Connexion par carte à puce")).to_be_visible()


def tab_until(page, predicate, limit=15):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(focused(page)):
            return focused(page)
    raise AssertionError(f"not reached with {limit} presses of Tab; focus on {focused(page)}")


def test_user_menu_opens_with_enter_and_its_items_work_from_the_keyboard(page, site, marie):
    sign_in(page, site)
    assert page.url == f"{site}/"
    summary = page.locator(".user-menu summary")
    assert summary.inner_text() == "Bonjour Marie Curie"

    tab_until(page, lambda f: f["tag"] == "summary")
    assert not page.locator(".user-menu details").evaluate("d => d.open")
    page.keyboard.press("Enter")
    assert page.locator(".user-menu details").evaluate("d => d.open")
    assert tab_until(page, lambda f: f["tag"] == "a", limit=1)["text"] == "Mes informations"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/mes-informations/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    tab_until(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    reached = tab_until(page, lambda f: f["tag"] == "button", limit=3)
    assert reached["text"] == "Me déconnecter"
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/connexion/")
    expect(page.locator(".user-menu")).to_have_count(0)
    page.goto(f"{site}/mes-informations/")
    assert page.url.startswith(f"{site}/connexion/")


def test_error_summary_has_the_focus_after_a_failed_registration_step(page, site,
                                                                       transactional_db):
    page.goto(f"{site}/inscription/")
    page.get_by_role("button", name="Valider").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert"
    assert summary.evaluate("e => e === document.activeElement")


# --- Without JavaScript --------------------------------------------------------


def test_registration_step_1_to_step_2_and_add_phone_without_javascript(nojs_page, site,
                                                                        transactional_db):
    page = nojs_page
    page.goto(f"{site}/inscription/")
    page.get_by_label("Adresse courriel").fill("paul.durand@example.fr")
    phone_group(page, "Numéro de téléphone mobile").get_by_role("textbox").fill("6 12 34 56 78")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_label("Prénom")).to_be_visible()
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Durand")
    page.get_by_label("Ville").fill("LILLE")
    expect(phone_group(page, "Autre numéro de téléphone 1")).to_have_count(0)
    step_2 = page.url

    page.get_by_role("button", name="Ajouter un numéro de téléphone").click()

    assert page.url != step_2  # a round trip to the server: no script did it

    expect(phone_group(page, "Autre numéro de téléphone 1")).to_be_visible()
    assert page.get_by_label("Prénom").input_value() == "Paul"  # what was typed is kept
    assert page.get_by_role("textbox", name="Nom", exact=True).input_value() == "Durand"
    assert page.get_by_label("Ville").input_value() == "LILLE"
    page.get_by_role("button", name="Ajouter un numéro de téléphone").click()
    expect(phone_group(page, "Autre numéro de téléphone 2")).to_be_visible()
    expect(phone_group(page, "Autre numéro de téléphone 1")).to_be_visible()


def test_sign_in_and_smartcard_tab_without_javascript(nojs_page, site, marie):
    page = nojs_page
    page.goto(f"{site}/connexion/")
    expect(page.locator("#panel-password")).to_be_visible()
    expect(page.locator("#panel-card")).to_be_hidden()

    page.get_by_role("link", name="Carte à puce").click()
    assert page.url == f"{site}/connexion/?onglet=carte"
    expect(page.locator("#panel-card")).to_be_visible()
    expect(page.locator("#panel-password")).to_be_hidden()
    expect(page.get_by_role("link", name="Connexion par carte à puce")).to_be_visible()

    page.get_by_role("link", name="Email/Mot de passe").click()
    expect(page.locator("#panel-password")).to_be_visible()
    sign_in(page, site)
    assert page.url == f"{site}/"
    assert page.locator(".user-menu summary").inner_text() == "Bonjour Marie Curie"

    # The menu is a plain <details>: it opens without script, and signs out.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Me déconnecter").click()
    assert page.url == f"{site}/connexion/"
    expect(page.locator(".user-menu")).to_have_count(0)


def test_language_switch_to_english_and_back_without_javascript(nojs_page, site,
                                                                transactional_db):
    page = nojs_page
    page.goto(f"{site}/connexion/")
    page.get_by_role("button", name="English").click()

    assert page.url == f"{site}/connexion/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in to the INPI secure transactional space"

    page.get_by_role("button", name="Français").click()
    assert page.url == f"{site}/connexion/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == (
        "Connectez-vous à l'espace transactionnel sécurisé de l'INPI")


# --- The 404 page --------------------------------------------------------------


def test_404_page_has_no_axe_violation_in_french_and_english(page, site, axe_check,
                                                            transactional_db):
    response = page.goto(f"{site}/nulle-part/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    axe_check(page, "404 FR")

    page.get_by_role("button", name="English").click()
    assert page.url == f"{site}/nulle-part/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Page not found"
    axe_check(page, "404 EN")


@pytest.mark.django_db(transaction=True)
def test_the_phone_number_is_found_by_the_label_of_the_contract(site, page):
    # The label is the fieldset's legend; the number input must carry it as its name.
    page.goto(f"{site}/inscription/")

    number = page.get_by_role("textbox", name="Numéro de téléphone mobile", exact=True)

    expect(number).to_have_count(1)
    expect(number).to_have_attribute("type", "tel")
    expect(page.get_by_role("combobox", name="Indicatif")).to_have_count(1)


def test_user_menu_closes_with_escape_and_when_the_focus_or_a_click_goes_elsewhere(
        page, site, marie):
    sign_in(page, site)
    page.wait_for_load_state("load")  # ets.js (deferred) has set its listeners
    details = page.locator(".user-menu details")
    is_open = lambda: details.evaluate("d => d.open")  # noqa: E731

    def closed():  # waited for: the page's script closes it, within the timeout
        page.wait_for_function("() => !document.querySelector('.user-menu details').open")
        return True

    tab_until(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    tab_until(page, lambda f: f["tag"] == "a", limit=1)
    page.keyboard.press("Escape")
    assert closed()
    assert focused(page)["tag"] == "summary"  # the focus is given back where it was

    page.keyboard.press("Enter")
    assert is_open()
    page.mouse.click(5, 600)  # on the page, away from the menu
    assert closed()

    page.locator(".user-menu summary").focus()
    page.keyboard.press("Enter")
    tab_until(page, lambda f: f["tag"] == "button" and f["text"] != "Me déconnecter", limit=6)
    assert closed()
