"""Sign-in with a card: the client-certificate endpoint of the "Carte à puce" tab."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import formats, timezone, translation

from eprocedures.accounts.sessions import AUTH_METHOD
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail
from eprocedures.smartcard.flows import SIGNIN_THROTTLE
from eprocedures.smartcard.services import CertCheck, CertStatus

from .conftest import cert_meta, enrol, make_user, text

pytestmark = pytest.mark.django_db

LOGIN = reverse("smartcard:login")


def refused(response, reason):
    assert response.status_code == 403
    assert f'data-reason="{reason}"' in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    return text(response)


def test_an_enrolled_card_signs_its_account_in(client, attorney, test_pki):
    certificate = test_pki.card()
    card = enrol(attorney, certificate)
    client.get(reverse("signin:login"))  # an anonymous session exists before
    before = client.session.session_key
    response = client.get(LOGIN, **cert_meta(certificate))
    assert response.status_code == 302
    assert response["Location"] == "/"
    session = client.session
    assert session["_auth_user_id"] == str(attorney.pk)
    assert session["_auth_user_backend"] == "eprocedures.smartcard.backends.SmartcardBackend"
    assert session[AUTH_METHOD] == "smartcard"
    assert session.session_key != before  # rotated
    card.refresh_from_db()
    assert card.last_used_at is not None
    event = AuditEvent.objects.get(event="smartcard.login")
    assert event.user == attorney and event.outcome == "success"
    # The session stays valid on the next request (get_user of the backend).
    assert client.get(reverse("myinfo:index")).status_code == 200


def test_next_is_honoured_and_sent_back_to_the_portal(client, attorney, test_pki, settings):
    settings.ETS_SITE_URL = "https://portail.example"
    settings.ETS_SMARTCARD_URL = "https://carte.portail.example"
    certificate = test_pki.card()
    enrol(attorney, certificate)
    response = client.get(LOGIN + "?next=/mes-informations/", **cert_meta(certificate))
    assert response["Location"] == "https://portail.example/mes-informations/"
    client.logout()
    response = client.get(LOGIN + "?next=https://evil.example/", **cert_meta(certificate))
    assert response["Location"] == "https://portail.example/"


@pytest.mark.parametrize("target", ["@evil.example/", ".evil.example/", "abc", "%40evil.example"])
def test_next_cannot_change_the_portals_host(client, attorney, test_pki, settings, target):
    # Glued to ETS_SITE_URL, "@evil.example/" would have made the host evil.example.
    settings.ETS_SITE_URL = "https://portail.example"
    settings.ETS_SMARTCARD_URL = "https://carte.portail.example"
    certificate = test_pki.card()
    enrol(attorney, certificate)
    response = client.get(LOGIN + "?next=" + target, **cert_meta(certificate))
    assert response["Location"] == "https://portail.example/"


def test_no_certificate(client, test_pki):
    page = refused(client.get(LOGIN, REMOTE_ADDR="127.0.0.1"), "no_certificate")
    assert "Aucun certificat n'a été présenté." in page
    event = AuditEvent.objects.get(event="smartcard.login")
    assert event.outcome == "failure" and event.detail["reason"] == "no_certificate"


def test_a_forged_header_from_an_untrusted_address_signs_nobody_in(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(attorney, certificate)
    page = refused(client.get(LOGIN, **cert_meta(certificate, remote="203.0.113.50")),
                   "no_certificate")
    assert "Aucun certificat n'a été présenté." in page


def test_unknown_certificate(client, test_pki):
    page = refused(client.get(LOGIN, **cert_meta(test_pki.card())), "unknown")
    assert "Ce certificat n'est enregistré sur aucun compte." in page


@pytest.mark.parametrize(("kind", "reason", "message"), [
    ("expired", "expired", "Le certificat de cette carte à puce a expiré."),
    ("not_yet_valid", "not_yet_valid",
     "Le certificat de cette carte à puce n'est pas encore valide."),
    ("wrong_issuer", "untrusted_issuer",
     "Le certificat de cette carte à puce n'a pas été délivré par une autorité reconnue."),
    ("without_client_auth", "no_client_auth",
     "Ce certificat ne permet pas l'authentification : choisissez le certificat "
     "d'authentification de votre carte à puce."),
])
def test_an_invalid_enrolled_certificate_is_refused(client, attorney, test_pki, kind, reason,
                                                    message):
    certificate = getattr(test_pki, kind)()
    enrol(attorney, certificate)
    assert message in refused(client.get(LOGIN, **cert_meta(certificate)), reason)


def test_revoked(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(attorney, certificate)
    test_pki.revoke(certificate)
    page = refused(client.get(LOGIN, **cert_meta(certificate)), "revoked")
    assert "Le certificat de cette carte à puce a été révoqué." in page


def test_missing_crl_refuses_with_its_own_message(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(attorney, certificate)
    for path in test_pki.crl_dir.iterdir():
        path.unlink()
    page = refused(client.get(LOGIN, **cert_meta(certificate)), "revocation_unavailable")
    assert "La validité de ce certificat ne peut pas être vérifiée pour le moment." in page


def test_a_blocked_account_stays_blocked(client, test_pki):
    user = make_user(blocked_at=timezone.now())
    certificate = test_pki.card()
    enrol(user, certificate)
    page = refused(client.get(LOGIN, **cert_meta(certificate)), "blocked")
    assert "Votre compte est bloqué (nombre de tentatives maximal atteint)" in page


def test_an_account_not_activated_is_refused(client, test_pki):
    user = make_user(is_active=False, activated_at=None)
    certificate = test_pki.card()
    enrol(user, certificate)
    page = refused(client.get(LOGIN, **cert_meta(certificate)), "not_activated")
    assert "Votre compte n'est pas encore activé" in page


def test_the_backend_refuses_an_unverified_check(attorney, test_pki, rf):
    certificate = test_pki.card()
    enrol(attorney, certificate)
    request = rf.get("/")
    assert authenticate(request, smartcard_check=CertCheck(CertStatus.REVOKED, certificate)) is None
    assert authenticate(request, smartcard_check=CertCheck(CertStatus.OK, certificate)) == attorney


def test_sign_in_attempts_are_throttled_per_address(client, test_pki):
    meta = cert_meta(test_pki.card())
    for _ in range(SIGNIN_THROTTLE.limit):
        client.get(LOGIN, **meta)
    page = refused(client.get(LOGIN, **meta), "throttled")
    assert "Trop de tentatives. Réessayez dans quelques minutes." in page


def test_a_card_expiring_within_30_days_gets_a_reminder(client, attorney, test_pki):
    now = datetime.now(UTC)
    certificate = test_pki.card(not_after=now + timedelta(days=20))
    enrol(attorney, certificate)
    response = client.get(LOGIN, **cert_meta(certificate))
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    expiry = timezone.localtime(certificate.not_valid_after_utc).strftime("%d/%m/%Y")
    assert message == (
        f"Le certificat de votre carte à puce expire le {expiry} : pensez à la faire "
        "renouveler puis à ajouter la nouvelle carte depuis « Mes informations »."
    )
    [notice] = OutgoingEmail.objects.filter(kind="expiry_reminder")
    assert notice.subject == "INPI : le certificat de votre carte à puce expire bientôt"
    # The e-mail goes once; the on-screen reminder at every sign-in.
    client.logout()
    client.get(LOGIN, **cert_meta(certificate))
    assert OutgoingEmail.objects.filter(kind="expiry_reminder").count() == 1


def test_no_reminder_for_a_card_valid_longer(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(attorney, certificate)
    response = client.get(LOGIN, **cert_meta(certificate))
    assert list(get_messages(response.wsgi_request)) == []


def test_messages_are_translated(client, test_pki, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = refused(client.get(LOGIN, **cert_meta(test_pki.expired())), "expired")
    assert "The certificate of this smartcard has expired." in page


def _situation(kind, test_pki):
    """The request meta of a card sign-in ending in `kind`."""
    if kind == "no_certificate":
        return {"REMOTE_ADDR": "127.0.0.1"}
    if kind == "unknown":
        return cert_meta(test_pki.card())
    if kind == "revoked":
        certificate = test_pki.card()
        enrol(make_user(), certificate)
        test_pki.revoke(certificate)
        return cert_meta(certificate)
    if kind == "revocation_unavailable":
        for path in test_pki.crl_dir.iterdir():
            path.unlink()
        return cert_meta(test_pki.card())
    if kind in ("blocked", "not_activated"):
        fields = ({"blocked_at": timezone.now()} if kind == "blocked"
                  else {"is_active": False, "activated_at": None})
        certificate = test_pki.card()
        enrol(make_user(**fields), certificate)
        return cert_meta(certificate)
    certificate = {
        "expired": test_pki.expired,
        "not_yet_valid": test_pki.not_yet_valid,
        "untrusted_issuer": test_pki.wrong_issuer,
        "no_client_auth": test_pki.without_client_auth,
    }[kind]()
    return cert_meta(certificate)


@pytest.mark.parametrize(("reason", "message"), [
    ("no_certificate", "No certificate was presented. Insert your smartcard, then try again and "
                       "choose its certificate when your browser offers it."),
    ("unknown", "This certificate is not registered on any account. Sign in with your e-mail and "
                "password, then add your smartcard from “My details”."),
    ("expired", "The certificate of this smartcard has expired."),
    ("not_yet_valid", "The certificate of this smartcard is not valid yet."),
    ("untrusted_issuer", "The certificate of this smartcard was not issued by a recognised "
                         "authority."),
    ("revoked", "The certificate of this smartcard has been revoked."),
    ("no_client_auth", "This certificate cannot be used for authentication: choose the "
                       "authentication certificate of your smartcard."),
    ("revocation_unavailable", "The validity of this certificate cannot be checked at the "
                               "moment. Try again later or sign in with your e-mail and password."),
    ("blocked", "Your account is blocked (maximum number of attempts reached)"),
    ("not_activated", "Your account is not activated yet: follow the link you received by e-mail "
                      "to choose your password."),
])
def test_every_refusal_in_english(client, test_pki, settings, reason, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN, **_situation(reason, test_pki))
    refused(response, reason)
    assert f'data-reason="{reason}">{message}</p>' in html.unescape(response.content.decode())
    assert "<h1>Smartcard sign-in</h1>" in response.content.decode()


def test_the_expiry_reminder_in_english(client, test_pki, settings):
    certificate = test_pki.card(not_after=datetime.now(UTC) + timedelta(days=10))
    enrol(make_user(language="en"), certificate)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN, **cert_meta(certificate), follow=True)
    with translation.override("en"):
        expiry = formats.date_format(timezone.localtime(certificate.not_valid_after_utc),
                                     "SHORT_DATE_FORMAT")
    assert (f"The certificate of your smartcard expires on {expiry}: have it renewed, then add "
            "the new card from “My details”.") in text(response)
    [notice] = OutgoingEmail.objects.filter(kind="expiry_reminder")
    assert notice.subject == "INPI: the certificate of your smartcard expires soon"


def test_a_card_session_ends_when_the_account_is_blocked_later(client, attorney, test_pki):
    """A blocked account stays blocked: the card's session does not outlive the blocking."""
    certificate = test_pki.card()
    enrol(attorney, certificate)
    client.get(LOGIN, **cert_meta(certificate))
    assert client.get(reverse("myinfo:index")).status_code == 200
    attorney.blocked_at = timezone.now()
    attorney.save(update_fields=["blocked_at"])
    response = client.get(reverse("myinfo:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:login"))


def test_removing_a_card_ends_the_sessions_it_opened_but_not_the_owners(attorney, test_pki):
    from django.test import Client

    from .conftest import sign_in_by_password

    certificate, other = test_pki.card(), test_pki.card("Autre carte")
    card = enrol(attorney, certificate)
    enrol(attorney, other)
    by_card, by_other_card, owner = Client(), Client(), Client()
    assert by_card.get(LOGIN, **cert_meta(certificate)).status_code == 302
    assert by_other_card.get(LOGIN, **cert_meta(other)).status_code == 302
    sign_in_by_password(owner, attorney)

    owner.post(reverse("smartcard:remove", args=[card.pk]))

    assert by_card.get(reverse("myinfo:index")).status_code == 302  # signed out
    assert by_other_card.get(reverse("myinfo:index")).status_code == 200
    assert owner.get(reverse("myinfo:index")).status_code == 200
    event = AuditEvent.objects.get(event="smartcard.removed")
    assert event.detail["sessions_ended"] == 1


def test_the_support_desk_removing_a_card_ends_its_sessions(client, attorney, test_pki):
    from django.test import Client

    from eprocedures.accounts.models import User

    certificate = test_pki.card()
    card = enrol(attorney, certificate)
    assert client.get(LOGIN, **cert_meta(certificate)).status_code == 302
    desk = Client()
    desk.force_login(User.objects.create_superuser("support@inpi.example", "Support;42Desk"))

    desk.post(f"/admin/smartcard/smartcard/{card.pk}/delete/", {"post": "yes"})

    assert client.get(reverse("myinfo:index")).status_code == 302
