"""End to end through a real nginx on loopback, as in production.

nginx (Debian's, started by the test without systemd) serves the portal and the
client-certificate front over TLS and proxies to pytest-django's live server;
Chromium presents the card's certificate through Playwright's client_certificates.
"""

import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from importlib import import_module
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.utils import formats, timezone, translation

from eprocedures.accounts.sessions import AUTH_AT
from eprocedures.smartcard import pki
from eprocedures.smartcard.models import Smartcard
from eprocedures.smartcard.services import fingerprint

from .conftest import enrol, make_user

pytestmark = pytest.mark.e2e

CODE_RE = re.compile(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b")
LINK_RE = re.compile(r"(https://\S+/carte-a-puce/activer/[\w-]+/)")
PASSWORD = "Motdepasse-2024"  # make_user's


def card_files(test_pki, folder, holder="Paul Durand"):
    certificate, key = test_pki.card_with_key(holder)
    (folder / "card.pem").write_bytes(pki.pem(certificate))
    (folder / "card-key.pem").write_bytes(pki.pem(key))
    return certificate, folder / "card.pem", folder / "card-key.pem"


def new_context(browser, front, cert_path=None, key_path=None):
    options = {"locale": "fr-FR", "ignore_https_errors": True}
    if cert_path:
        options["client_certificates"] = [
            {"origin": front.card_url, "certPath": str(cert_path), "keyPath": str(key_path)}]
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    return context


# What the user reads, in each language (the portal's own texts, from the catalogues).
TEXTS = {
    "fr": {
        "hello": "Bonjour Paul Durand", "my_details": "Mes informations",
        "add": "Ajouter une carte à puce", "password": "Mot de passe",
        "receive": "Recevoir le code d'activation",
        "code_sent": "Un courriel contenant le lien « Activer » et votre code d'activation vient "
                     "de vous être envoyé.",
        "subject": "INPI : activez votre carte à puce",
        "code": "Code d'activation", "validate": "Valider",
        "congratulations": "Félicitations ! Votre carte à puce est enregistrée. Vous pouvez "
                           "désormais vous connecter avec elle depuis l'onglet « Carte à puce ».",
        "back": "Retour au portail",
        "registered": "Une carte à puce est enregistrée pour votre compte.",
        "until": "Paul Durand – valable jusqu'au {date}",
        "sign_out": "Me déconnecter", "card_tab": "Carte à puce",
        "card_sign_in": "Connexion par carte à puce",
        "revoked": "Le certificat de cette carte à puce a été révoqué.",
        "no_certificate": "Aucun certificat n'a été présenté. Insérez votre carte à puce, puis "
                          "réessayez et choisissez son certificat lorsque votre navigateur le "
                          "propose.",
    },
    "en": {
        "hello": "Hello Paul Durand", "my_details": "My details",
        "add": "Add a smartcard", "password": "Password",
        "receive": "Receive the activation code",
        "code_sent": "An e-mail with the “Activate” link and your activation code has just been "
                     "sent to you.",
        "subject": "INPI: activate your smartcard",
        "code": "Activation code", "validate": "Confirm",
        "congratulations": "Congratulations! Your smartcard is registered. You can now sign in "
                           "with it from the “Smartcard” tab.",
        "back": "Back to the portal",
        "registered": "A smartcard is registered for your account.",
        "until": "Paul Durand – valid until {date}",
        "sign_out": "Sign out", "card_tab": "Smartcard",
        "card_sign_in": "Smartcard sign-in",
        "revoked": "The certificate of this smartcard has been revoked.",
        "no_certificate": "No certificate was presented. Insert your smartcard, then try again "
                          "and choose its certificate when your browser offers it.",
    },
}


def sign_in_by_password(page, front, user, language):
    """The real sign-in page, "Email/Mot de passe" tab, in the chosen language."""
    page.goto(front.portal_url + "/connexion/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_url(front.portal_url + "/")


def open_my_details(page, texts):
    page.get_by_text(texts["hello"]).click()  # the "Bonjour Prénom Nom" menu
    page.get_by_role("link", name=texts["my_details"], exact=True).click()


def sign_out(page, texts):
    page.get_by_text(texts["hello"]).click()
    page.get_by_role("button", name=texts["sign_out"]).click()


def sign_in_with_the_card_tab(page, front, texts):
    page.goto(front.portal_url + "/connexion/")
    page.get_by_role("tab", name=texts["card_tab"]).click()
    page.get_by_role("link", name=texts["card_sign_in"]).click()


def age_the_sign_in(context, minutes):
    """As if the password had been typed `minutes` ago (the session is the server's)."""
    [cookie] = [c for c in context.cookies()
                if c["name"] == django_settings.SESSION_COOKIE_NAME]
    session = import_module(django_settings.SESSION_ENGINE).SessionStore(cookie["value"])
    session[AUTH_AT] = int(time.time()) - minutes * 60
    session.save()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_card_is_added_from_my_details_then_signs_in_then_is_refused_once_revoked(
    front, browser, test_pki, tmp_path, smtp_server, run_mail_worker, axe_check, language,
):
    texts = TEXTS[language]
    user = make_user(language=language)
    certificate, cert_path, key_path = card_files(test_pki, tmp_path)
    context = new_context(browser, front, cert_path, key_path)
    page = context.new_page()

    # Signed in on /connexion/ by e-mail and password; "Mes informations" → "Ajouter".
    sign_in_by_password(page, front, user, language)
    open_my_details(page, texts)
    axe_check(page, f"my details without a card {language}")
    # The password was typed longer ago than ETS_SMARTCARD_REAUTH_MINUTES: asked again.
    age_the_sign_in(context, django_settings.ETS_SMARTCARD_REAUTH_MINUTES + 1)
    page.get_by_role("link", name=texts["add"]).click()
    axe_check(page, f"add a card {language}")
    page.get_by_label(texts["password"]).fill(PASSWORD)
    page.get_by_role("button", name=texts["receive"]).click()
    page.wait_for_url(front.portal_url + "/mes-informations/")
    assert texts["code_sent"] in page.inner_text("main")

    # The e-mail, through the real SMTP peer: the "Activer" link on the card front and the code.
    run_mail_worker()
    [mail] = smtp_server.to(user.email)
    assert mail["Subject"] == texts["subject"]
    body = smtp_server.text(mail)
    link, code = LINK_RE.search(body).group(1), CODE_RE.search(body).group(1)
    assert link.startswith(front.card_url + "/carte-a-puce/activer/")

    # "Activer": the browser presents the card's certificate to nginx; code, "Valider".
    page.goto(link)
    assert "CN=Paul Durand" in page.locator("[data-certificate]").inner_text()
    axe_check(page, f"activation page {language}")
    page.get_by_label(texts["code"]).fill(code)
    page.get_by_role("button", name=texts["validate"]).click()
    page.get_by_text(texts["congratulations"]).wait_for()
    axe_check(page, f"card registered {language}")
    card = Smartcard.objects.get(user=user)
    assert card.fingerprint == fingerprint(certificate)

    # Back on the portal, "Mes informations" shows the card, its holder and its expiry.
    page.get_by_role("link", name=texts["back"]).click()
    page.wait_for_url(front.portal_url + "/mes-informations/")
    with translation.override(language):
        expiry = formats.date_format(timezone.localtime(card.not_after), "SHORT_DATE_FORMAT")
    line = page.locator("#smartcard").inner_text()
    assert texts["registered"] in line
    assert texts["until"].format(date=expiry) in line
    axe_check(page, f"my details with a card {language}")

    # Signed out, then in again with the "Carte à puce" tab of /connexion/.
    sign_out(page, texts)
    page.wait_for_url(front.portal_url + "/connexion/")
    axe_check(page, f"sign-in page {language}")
    sign_in_with_the_card_tab(page, front, texts)
    page.wait_for_url(front.portal_url + "/")
    page.get_by_text(texts["hello"]).wait_for()
    context.close()

    # A browser without a card: told so, in words.
    context = new_context(browser, front)
    page = context.new_page()
    context.add_cookies([{"name": "ets_language", "value": language, "url": front.card_url}])
    page.goto(front.card_url + "/carte-a-puce/connexion/")
    assert texts["no_certificate"] in page.locator("[data-reason=no_certificate]").inner_text()
    context.close()

    # Revoked in the CRL: the same card is refused with its reason.
    test_pki.revoke(certificate)
    context = new_context(browser, front, cert_path, key_path)
    page = context.new_page()
    context.add_cookies([{"name": "ets_language", "value": language, "url": front.portal_url}])
    sign_in_with_the_card_tab(page, front, texts)
    assert page.locator("[data-reason=revoked]").inner_text() == texts["revoked"]
    assert page.url == front.card_url + "/carte-a-puce/connexion/"
    axe_check(page, f"card sign-in refused {language}")
    page.goto(front.portal_url + "/mes-informations/")
    assert "/connexion/" in page.url  # nobody signed in
    context.close()


def test_the_front_drops_a_forged_certificate_header(front, test_pki, tmp_path):
    """A client sending its own X-SSL-Client-Cert to either server gets nothing from it."""
    certificate, _cert_path, _key_path = card_files(test_pki, tmp_path)
    enrol(make_user(), certificate)
    forged = quote(pki.pem(certificate).decode())
    for base in (front.card_url, front.portal_url):
        result = subprocess.run(
            ["curl", "-sk", "-H", f"X-SSL-Client-Cert: {forged}",
             "-H", f"X_SSL_Client_Cert: {forged}", "-w", "\\n%{http_code}",
             base + "/carte-a-puce/connexion/"],
            capture_output=True, text=True, check=True,
        )
        assert result.stdout.endswith("\n403")
        assert 'data-reason="no_certificate"' in result.stdout


def test_the_front_overwrites_a_forged_header_with_the_presented_certificate(
    front, test_pki, tmp_path,
):
    """Presenting one's own (unknown) card and forging the header of an enrolled one:
    nginx replaces the header by the certificate of the handshake."""
    enrolled = test_pki.card("Paul Durand")
    enrol(make_user(), enrolled)
    _own, cert_path, key_path = card_files(test_pki, tmp_path, holder="Intrus")
    forged = quote(pki.pem(enrolled).decode())
    result = subprocess.run(
        ["curl", "-sk", "--cert", str(cert_path), "--key", str(key_path),
         "-H", f"X-SSL-Client-Cert: {forged}", "-w", "\\n%{http_code}",
         front.card_url + "/carte-a-puce/connexion/"],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.endswith("\n403")
    assert 'data-reason="unknown"' in result.stdout


@pytest.mark.parametrize("kind", ["expired", "wrong_issuer"])
def test_certificates_openssl_dislikes_still_reach_the_portals_explanation(
    front, test_pki, tmp_path, kind,
):
    """nginx does not answer its bare 400/495 page: the portal says what is wrong."""
    now = datetime.now(UTC)
    authority = test_pki.other_ca if kind == "wrong_issuer" else test_pki.ca
    dates = ({"not_before": now - timedelta(days=30), "not_after": now - timedelta(days=1)}
             if kind == "expired" else {})
    certificate, key = authority.issue_card("Paul Durand", **dates)
    (tmp_path / "c.pem").write_bytes(pki.pem(certificate))
    (tmp_path / "k.pem").write_bytes(pki.pem(key))
    result = subprocess.run(
        ["curl", "-sk", "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem"),
         front.card_url + "/carte-a-puce/connexion/"],
        capture_output=True, text=True, check=True,
    )
    reason = {"expired": "expired", "wrong_issuer": "untrusted_issuer"}[kind]
    assert f'data-reason="{reason}"' in result.stdout
