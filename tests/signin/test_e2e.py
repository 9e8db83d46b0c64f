"""In a real browser: blocked after five wrong passwords, out through the reset e-mail."""

import re

import pytest

from .conftest import NEW_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKED = "Votre compte est bloqué (nombre de tentatives maximal atteint)"


@pytest.fixture
def portal(settings, live_server, smtp_server):
    settings.ETS_SITE_URL = live_server.url
    settings.ETS_MAX_FAILED_LOGINS = 5
    return live_server.url


def sign_in(page, email, password):
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.locator("#panel-password button[type=submit]").click()


def test_blocked_then_reset_by_email_then_signed_in(portal, page, axe_check, smtp_server,
                                                    run_mail_worker):
    user = make_user()
    page.goto(f"{portal}/connexion/")
    axe_check(page, "sign-in FR")

    for _ in range(5):
        sign_in(page, user.email, "Mauvais;42Mot")
    summary = page.locator("[data-error-summary]")
    assert BLOCKED in summary.inner_text()
    axe_check(page, "blocked FR")
    run_mail_worker()
    [notice] = smtp_server.to(user.email)
    assert "bloqué" in notice["Subject"]

    page.get_by_role("link", name="Mot de passe oublié").first.click()
    axe_check(page, "reset request FR")
    page.fill("#id_email", user.email)
    page.get_by_role("button", name="Réinitialiser mon mot de passe").click()
    assert "Si un compte correspond à cette adresse" in page.locator("main").inner_text()
    axe_check(page, "reset sent FR")

    run_mail_worker()
    reset = [m for m in smtp_server.to(user.email) if "nouveau mot de passe" in m["Subject"]][0]
    link = re.search(r"(http://\S+/mot-de-passe-oublie/\S+/)", smtp_server.text(reset))[1]
    assert link.startswith(portal)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Mot de passe oublié"
    axe_check(page, "new password FR")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()

    assert page.url == f"{portal}/connexion/"
    assert "Votre nouveau mot de passe est enregistré." in page.locator(".messages").inner_text()
    sign_in(page, user.email, NEW_PASSWORD)

    assert page.url == f"{portal}/"
    assert page.locator(".user-menu summary").inner_text() == "Bonjour Marie Curie"
    axe_check(page, "home FR")
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Me déconnecter").click()
    assert page.url == f"{portal}/connexion/"


def test_pages_in_english_and_the_tabs_with_the_keyboard(portal, page, axe_check):
    user = make_user()
    page.goto(f"{portal}/connexion/")
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Sign in to the INPI secure transactional space"
    axe_check(page, "sign-in EN")

    card = page.get_by_role("tab", name="Smartcard")
    page.get_by_role("tab", name="Email/Password").focus()
    page.keyboard.press("ArrowRight")
    assert card.get_attribute("aria-selected") == "true"
    assert page.locator("#panel-card").is_visible()
    assert not page.locator("#panel-password").is_visible()
    axe_check(page, "smartcard tab EN")
    page.keyboard.press("ArrowLeft")
    assert page.locator("#panel-password").is_visible()

    sign_in(page, user.email, "Wrong;42Password")
    assert "Incorrect e-mail address or password." in page.locator("main").inner_text()
    axe_check(page, "sign-in error EN")

    page.goto(f"{portal}/mot-de-passe-oublie/")
    axe_check(page, "reset request EN")
    page.goto(f"{portal}/mot-de-passe-oublie/not-a-token/")
    axe_check(page, "bad link EN")

    page.goto(f"{portal}/connexion/")
    sign_in(page, user.email, "Tournesol;42Bleu")
    assert page.url == f"{portal}/"
    assert "My latest e-procedures" in page.locator("main").inner_text()
    axe_check(page, "home EN")
    page.get_by_role("link", name="New FR filing").click()
    axe_check(page, "procedure not open EN")


def test_throttled_page_is_accessible(portal, page, axe_check, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 1
    page.goto(f"{portal}/connexion/")
    sign_in(page, "personne@example.fr", "Mauvais;42Mot")
    sign_in(page, "personne@example.fr", "Mauvais;42Mot")
    assert page.locator("h1").inner_text() == "Trop de tentatives"
    axe_check(page, "throttled FR")


def test_other_pages_are_accessible_in_both_languages(portal, page, axe_check, settings):
    from eprocedures.accounts.tokens import make_reset_token

    user = make_user()
    pending = make_user("pierre@example.fr", activated=False)
    token = make_reset_token(user)
    for language, switch in [("FR", None), ("EN", "English")]:
        page.goto(f"{portal}/connexion/")
        if switch:
            page.get_by_role("button", name=switch).click()
        sign_in(page, pending.email, "Tournesol;42Bleu")
        assert page.locator("[data-error-summary]").is_visible()
        axe_check(page, f"not yet activated {language}")
        page.goto(f"{portal}/mot-de-passe-oublie/{token}/")
        axe_check(page, f"new password {language}")
        page.goto(f"{portal}/mot-de-passe-oublie/envoye/")
        axe_check(page, f"reset sent {language}")
        page.goto(f"{portal}/mot-de-passe-oublie/{token}x/")
        axe_check(page, f"bad link {language}")
        page.goto(f"{portal}/connexion/")
        sign_in(page, user.email, "Tournesol;42Bleu")
        assert page.url == f"{portal}/"
        for path in ["/e-procedures/", "/e-procedures/brevet-depot-fr/nouveau/",
                     "/e-procedures/autres-demarches/nouveau/"]:
            page.goto(f"{portal}{path}")
            assert page.locator("h1").count() == 1
            axe_check(page, f"{path} {language}")
        page.locator(".user-menu summary").click()
        page.locator(".user-menu button[type=submit]").click()

    settings.ETS_SIGNIN_FAILURES_PER_IP = 1  # the two refusals above already count
    sign_in(page, "personne@example.fr", "Wrong;42Password")
    assert page.locator("h1").inner_text() == "Too many attempts"
    axe_check(page, "throttled EN")
