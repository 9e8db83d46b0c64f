"""End to end through a real nginx on loopback, as in production.

nginx (Debian's, started by the test without systemd) serves the portal and the
client-certificate front over TLS and proxies to pytest-django's live server;
Chromium presents the card's certificate through Playwright's client_certificates.
"""

import re
import subprocess
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client

from eprocedures.smartcard import pki
from eprocedures.smartcard.models import Smartcard

from .conftest import enrol, make_user, sign_in_by_password

pytestmark = pytest.mark.e2e

CODE_RE = re.compile(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b")
LINK_RE = re.compile(r"(https://\S+/carte-a-puce/activer/[\w-]+/)")


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


def test_enrol_then_sign_in_with_the_card_then_refused_once_revoked(
    front, browser, test_pki, tmp_path, smtp_server, run_mail_worker, axe_check,
):
    user = make_user()
    certificate, cert_path, key_path = card_files(test_pki, tmp_path)

    # Signed in by password (the sign-in page is another part's): the session cookie.
    client = Client()
    sign_in_by_password(client, user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    context = new_context(browser, front, cert_path, key_path)
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                          "url": front.portal_url}])
    page = context.new_page()
    page.goto(front.portal_url + "/carte-a-puce/ajouter/")
    page.get_by_role("button", name="Recevoir le code d'activation").click()
    page.wait_for_url(front.portal_url + "/mes-informations/")

    run_mail_worker()
    [mail] = smtp_server.to(user.email)
    body = smtp_server.text(mail)
    link, code = LINK_RE.search(body).group(1), CODE_RE.search(body).group(1)
    assert link.startswith(front.card_url)

    # "Activer": the page is on the certificate front; the browser presents the card.
    page.goto(link)
    assert "CN=Paul Durand" in page.locator("[data-certificate]").inner_text()
    axe_check(page, "activation page")
    page.get_by_label("Code d'activation").fill(code)
    page.get_by_role("button", name="Valider").click()
    page.get_by_text("Félicitations ! Votre carte à puce est enregistrée.").wait_for()
    assert Smartcard.objects.get(user=user).holder == "Paul Durand"
    context.close()

    # A fresh browser with the card signs in from the "Carte à puce" tab's endpoint.
    context = new_context(browser, front, cert_path, key_path)
    page = context.new_page()
    page.goto(front.card_url + "/carte-a-puce/connexion/")
    page.wait_for_url(front.portal_url + "/")
    page.get_by_text("Bonjour Paul Durand").wait_for()
    context.close()

    # Without a card: told so.
    context = new_context(browser, front)
    page = context.new_page()
    page.goto(front.card_url + "/carte-a-puce/connexion/")
    page.get_by_text("Aucun certificat n'a été présenté.").wait_for()
    axe_check(page, "card sign-in refused")
    context.close()

    # Revoked in the CRL: refused with its reason.
    test_pki.revoke(certificate)
    context = new_context(browser, front, cert_path, key_path)
    page = context.new_page()
    page.goto(front.card_url + "/carte-a-puce/connexion/")
    page.get_by_text("Le certificat de cette carte à puce a été révoqué.").wait_for()
    assert page.url == front.card_url + "/carte-a-puce/connexion/"
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
