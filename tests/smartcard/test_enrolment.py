"""Adding a card from "Mes informations": request, e-mailed code, "Activer" page, removal."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.sessions import AUTH_METHOD
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail
from eprocedures.smartcard.flows import CODE_THROTTLE
from eprocedures.smartcard.models import Enrolment, Smartcard
from eprocedures.smartcard.services import fingerprint
from tests.concurrency import in_parallel

from .conftest import cert_meta, enrol, make_user, sign_in_by_password, text

pytestmark = pytest.mark.django_db

ADD = reverse("smartcard:add")
CODE_RE = re.compile(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b")
LINK_RE = re.compile(r"(http\S+/carte-a-puce/activer/[\w-]+/)")


def request_code(client, user):
    sign_in_by_password(client, user)
    response = client.post(ADD)
    assert response.status_code == 302
    mail = OutgoingEmail.objects.filter(to=user.email, kind="activation_code").latest("id")
    link = urlsplit(LINK_RE.search(mail.body_text).group(1)).path
    return link, CODE_RE.search(mail.body_text).group(1)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(ADD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:login"))


def test_only_professional_accounts_may_add_a_card(client):
    user = make_user(attorney=False)
    sign_in_by_password(client, user)
    response = client.get(ADD)
    assert response.status_code == 403
    assert "La connexion par carte à puce est réservée aux mandataires habilités" in (
        text(response))
    assert client.post(ADD).status_code == 403
    assert not Enrolment.objects.exists()


def test_a_setting_opens_cards_to_every_account(client, settings):
    settings.ETS_SMARTCARD_OPEN_TO_ALL = True
    user = make_user(attorney=False)
    sign_in_by_password(client, user)
    assert client.post(ADD).status_code == 302
    assert Enrolment.objects.filter(user=user).count() == 1


def test_recent_sign_in_sends_the_code_by_email(client, attorney):
    sign_in_by_password(client, attorney)
    response = client.post(ADD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("myinfo:index")
    assert ("Un courriel contenant le lien « Activer » et votre code d'activation vient de vous "
            "être envoyé.") in text(response)
    [mail] = OutgoingEmail.objects.filter(to=attorney.email)
    assert mail.subject == "INPI : activez votre carte à puce"
    code = CODE_RE.search(mail.body_text).group(1)
    enrolment = Enrolment.objects.get(user=attorney)
    # The code exists only in the e-mail: the table keeps a keyed hash.
    assert code not in enrolment.code_hash and code.replace("-", "") not in enrolment.code_hash
    assert f"/carte-a-puce/activer/{enrolment.link_id}/" in mail.body_text
    assert AuditEvent.objects.filter(event="smartcard.enrolment_requested", user=attorney).exists()


def test_an_old_sign_in_must_re_enter_the_password(client, attorney):
    sign_in_by_password(client, attorney, minutes_ago=16)
    page = text(client.get(ADD))
    assert 'autocomplete="current-password"' in page
    response = client.post(ADD, {"password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["Mot de passe incorrect."]}
    assert not Enrolment.objects.exists()
    response = client.post(ADD, {"password": "Motdepasse-2024"})
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=attorney).count() == 1


def test_re_entering_the_password_is_throttled(client, attorney):
    sign_in_by_password(client, attorney, minutes_ago=60)
    for _ in range(5):
        client.post(ADD, {"password": "wrong"})
    response = client.post(ADD, {"password": "Motdepasse-2024"})
    assert response.context["form"].errors == {
        "password": ["Trop de tentatives. Réessayez dans quelques minutes."]}
    assert not Enrolment.objects.exists()


def test_wrong_passwords_before_adding_a_card_are_audited_and_counted_with_myinfos(
        client, attorney, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 3
    sign_in_by_password(client, attorney, minutes_ago=60)
    client.post(ADD, {"password": "wrong"})

    event = AuditEvent.objects.get(event="myinfo.verification_failed")
    assert (event.user, event.detail) == (attorney, {"what": "password", "failures": 1})
    # The same budget as the current password on "Mes informations".
    client.post("/mes-informations/mot-de-passe/", {
        "current_password": "wrong", "password1": "Falaise:Rouge42",
        "password2": "Falaise:Rouge42"})
    response = client.post(ADD, {"password": "wrong"})
    assert response.context["form"].errors == {
        "password": ["Trop de tentatives. Réessayez dans quelques minutes."]}
    assert AuditEvent.objects.filter(event="myinfo.verification_throttled").count() == 1
    assert OutgoingEmail.objects.filter(to=attorney.email, kind="verification_locked").exists()


def test_activation_records_the_card(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    certificate = test_pki.card("Paul Durand")
    client.logout()  # the "Activer" page does not need the portal's session
    page = text(client.get(link, **cert_meta(certificate)))
    assert "CN=Paul Durand" in page
    response = client.post(link, {"code": code.lower()}, **cert_meta(certificate))
    assert response.status_code == 200
    assert ("Félicitations ! Votre carte à puce est enregistrée. Vous pouvez désormais vous "
            "connecter avec elle depuis l'onglet « Carte à puce ».") in text(response)
    card = Smartcard.objects.get(user=attorney)
    assert card.fingerprint == fingerprint(certificate)
    assert card.holder == "Paul Durand"
    assert card.subject == "CN=Paul Durand,C=FR"
    assert card.issuer == "CN=Autorité de test,O=eprocedures,C=FR"
    assert card.serial == format(certificate.serial_number, "x")
    assert card.not_after == certificate.not_valid_after_utc
    assert card.not_before == certificate.not_valid_before_utc
    assert Enrolment.objects.get().used_at is not None
    assert AuditEvent.objects.filter(event="smartcard.enrolled", user=attorney).exists()
    notice = OutgoingEmail.objects.get(kind="card_added")
    assert notice.subject == "INPI : une carte à puce a été ajoutée à votre compte"
    assert "La carte à puce de Paul Durand" in notice.body_text


def test_the_code_is_single_use(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    certificate = test_pki.card()
    client.post(link, {"code": code}, **cert_meta(certificate))
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card("Autre carte")))
    assert response.status_code == 410
    assert ("Ce lien d'activation n'est plus valable. Demandez-en un nouveau depuis "
            "« Mes informations ».") in text(response)
    assert Smartcard.objects.count() == 1


def test_the_code_expires(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    Enrolment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card()))
    assert response.status_code == 410
    assert ("Ce lien d'activation a expiré. Demandez-en un nouveau depuis « Mes informations »."
            in text(response))
    assert not Smartcard.objects.exists()


def test_a_new_request_replaces_the_previous_code(client, attorney, test_pki):
    old_link, old_code = request_code(client, attorney)
    request_code(client, attorney)
    response = client.post(old_link, {"code": old_code}, **cert_meta(test_pki.card()))
    assert response.status_code == 410
    assert not Smartcard.objects.exists()


def test_wrong_codes_are_counted_then_the_link_dies(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    certificate = test_pki.card()
    for attempt in range(1, 5):
        response = client.post(link, {"code": "AAAAA-AAAAA"}, **cert_meta(certificate))
        assert response.context["form"].errors == {
            "code": ["Ce code d'activation n'est pas valide."]}
        assert Enrolment.objects.get().failed_attempts == attempt
    response = client.post(link, {"code": "AAAAA-AAAAA"}, **cert_meta(certificate))
    assert response.context["form"].errors == {"__all__": [
        "Trop de codes erronés : ce lien d'activation n'est plus valable. Demandez-en un "
        "nouveau depuis « Mes informations »."]}
    # Even the right code is refused now.
    response = client.post(link, {"code": code}, **cert_meta(certificate))
    assert response.status_code == 410
    assert not Smartcard.objects.exists()
    assert AuditEvent.objects.filter(event="smartcard.enrolment_failed").count() == 5


def test_wrong_codes_are_throttled_per_address_across_links(client, test_pki):
    certificate = test_pki.card()
    for n in range(CODE_THROTTLE.limit // 4):
        user = make_user(f"user{n}@example.fr")
        link, _code = request_code(client, user)
        for _ in range(4):
            client.post(link, {"code": "AAAAA-AAAAA"}, **cert_meta(certificate))
    user = make_user("last@example.fr")
    link, code = request_code(client, user)
    response = client.post(link, {"code": code}, **cert_meta(certificate))
    assert response.context["form"].errors == {
        "__all__": ["Trop de tentatives. Réessayez dans quelques minutes."]}
    assert not Smartcard.objects.exists()


@pytest.mark.parametrize(("kind", "message"), [
    ("none", "Aucun certificat n'a été présenté."),
    ("expired", "Le certificat de cette carte à puce a expiré."),
    ("not_yet_valid", "Le certificat de cette carte à puce n'est pas encore valide."),
    ("wrong_issuer",
     "Le certificat de cette carte à puce n'a pas été délivré par une autorité reconnue."),
    ("revoked", "Le certificat de cette carte à puce a été révoqué."),
    ("no_client_auth", "Ce certificat ne permet pas l'authentification"),
])
def test_activation_refuses_a_bad_certificate(client, attorney, test_pki, kind, message):
    link, code = request_code(client, attorney)
    certificate = {
        "none": lambda: None,
        "expired": test_pki.expired,
        "not_yet_valid": test_pki.not_yet_valid,
        "wrong_issuer": test_pki.wrong_issuer,
        "revoked": test_pki.card,
        "no_client_auth": test_pki.without_client_auth,
    }[kind]()
    if kind == "revoked":
        test_pki.revoke(certificate)
    response = client.post(link, {"code": code}, **cert_meta(certificate))
    assert response.status_code == 400
    [error] = response.context["form"].errors["__all__"]
    assert error.startswith(message)
    assert not Smartcard.objects.exists()
    # The code was right: it stays usable with the right certificate.
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card()))
    assert Smartcard.objects.filter(user=attorney).count() == 1


def test_a_forged_certificate_header_does_not_enrol(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card(), remote="192.0.2.9"))
    assert response.status_code == 400
    [error] = response.context["form"].errors["__all__"]
    assert error.startswith("Aucun certificat n'a été présenté.")
    assert not Smartcard.objects.exists()


def test_a_certificate_enrolled_on_another_account_is_refused(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(make_user("other@example.fr"), certificate)
    link, code = request_code(client, attorney)
    response = client.post(link, {"code": code}, **cert_meta(certificate))
    assert response.context["form"].errors == {
        "__all__": ["Ce certificat est déjà enregistré sur un autre compte."]}
    assert not Smartcard.objects.filter(user=attorney).exists()


def test_several_cards_up_to_the_cap(client, attorney, test_pki, settings):
    settings.ETS_SMARTCARD_MAX_CARDS = 2
    for holder in ("Carte 1", "Carte 2"):
        link, code = request_code(client, attorney)
        client.post(link, {"code": code}, **cert_meta(test_pki.card(holder)))
    assert attorney.smartcards.count() == 2
    response = client.get(ADD)
    assert response.status_code == 403
    assert "Vous avez atteint le nombre maximal de cartes à puce" in text(response)


def test_unknown_link_is_404(client):
    assert client.get(reverse("smartcard:activate", args=["nope"])).status_code == 404


def test_removal(client, attorney, test_pki):
    card = enrol(attorney, test_pki.card())
    sign_in_by_password(client, attorney)
    url = reverse("smartcard:remove", args=[card.pk])
    assert "Retirer la carte à puce de Paul Durand" in text(client.get(url))
    response = client.post(url, follow=True)
    assert "La carte à puce a été retirée de votre compte." in text(response)
    assert not Smartcard.objects.exists()
    assert AuditEvent.objects.filter(event="smartcard.removed", user=attorney).exists()
    notice = OutgoingEmail.objects.get(kind="card_removed")
    assert notice.subject == "INPI : une carte à puce a été retirée de votre compte"


def test_nobody_removes_the_card_of_another_account(client, attorney, test_pki):
    card = enrol(make_user("other@example.fr"), test_pki.card())
    sign_in_by_password(client, attorney)
    assert client.post(reverse("smartcard:remove", args=[card.pk])).status_code == 404
    assert Smartcard.objects.count() == 1


def test_a_session_opened_by_a_card_types_the_password_before_adding_another(
        client, attorney, test_pki):
    """Adding a card takes the password: a card's own sign-in, however recent, is not enough."""
    certificate = test_pki.card()
    enrol(attorney, certificate)
    client.get(reverse("smartcard:login"), **cert_meta(certificate))
    assert client.session[AUTH_METHOD] == "smartcard"
    assert 'autocomplete="current-password"' in text(client.get(ADD))
    response = client.post(ADD)
    assert response.context["form"].errors == {"password": ["Ce champ est obligatoire."]}
    assert not Enrolment.objects.exists()
    assert client.post(ADD, {"password": "Motdepasse-2024"}).status_code == 302
    assert Enrolment.objects.filter(user=attorney).count() == 1
    assert client.session[AUTH_METHOD] == "password"


def test_the_cap_is_checked_again_when_the_card_is_activated(client, attorney, test_pki,
                                                             settings):
    settings.ETS_SMARTCARD_MAX_CARDS = 1
    link, code = request_code(client, attorney)
    enrol(attorney, test_pki.card("Carte 1"))  # added meanwhile, from another request
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card("Carte 2")))
    assert response.context["form"].errors == {"__all__": [
        "Vous avez atteint le nombre maximal de cartes à puce pour votre compte. Retirez-en une "
        "avant d'en ajouter une autre."]}
    assert attorney.smartcards.count() == 1


def test_the_congratulations_page_leads_back_to_the_portal(client, attorney, test_pki, settings):
    """From the certificate front's host back to "Mes informations" on the portal's."""
    settings.ETS_SITE_URL = "https://portail.example"
    settings.ETS_SMARTCARD_URL = "https://carte.portail.example"
    link, code = request_code(client, attorney)
    response = client.post(link, {"code": code}, **cert_meta(test_pki.card()))
    assert 'href="https://portail.example/mes-informations/">Retour au portail</a>' in (
        text(response))


@pytest.mark.parametrize(("case", "message"), [
    ("not_allowed", "Smartcard sign-in is reserved for authorised representatives (IP attorneys, "
                    "lawyers, L422-5...)."),
    ("max_cards", "You have reached the maximum number of smartcards for your account. Remove one "
                  "before adding another."),
    ("code_sent", "An e-mail with the “Activate” link and your activation code has just been sent "
                  "to you."),
    ("code_wrong", "This activation code is not valid."),
    ("code_expired", "This activation link has expired. Ask for a new one from “My details”."),
    ("code_used", "This activation link is no longer valid. Ask for a new one from “My details”."),
    ("enrolled_elsewhere", "This certificate is already registered on another account."),
    ("enrolled", "Congratulations! Your smartcard is registered. You can now sign in with it from "
                 "the “Smartcard” tab."),
    ("removed", "The smartcard has been removed from your account."),
])
def test_enrolment_messages_in_english(client, test_pki, settings, case, message):
    settings.ETS_SMARTCARD_MAX_CARDS = 1
    user = make_user(attorney=case != "not_allowed", language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if case in ("not_allowed", "max_cards"):
        if case == "max_cards":
            enrol(user, test_pki.card("Carte 1"))
        sign_in_by_password(client, user)
        response = client.get(ADD)
    elif case == "code_sent":
        sign_in_by_password(client, user)
        response = client.post(ADD, follow=True)
        mail = OutgoingEmail.objects.get(kind="activation_code")
        assert mail.subject == "INPI: activate your smartcard"
        assert ("Insert your smartcard, then open the “Activate” link below. Type the activation "
                "code, choose your card's certificate when your browser offers it, then click "
                "“Confirm”.") in " ".join(mail.body_text.split())
    elif case == "removed":
        card = enrol(user, test_pki.card())
        sign_in_by_password(client, user)
        response = client.post(reverse("smartcard:remove", args=[card.pk]), follow=True)
    else:
        link, code = request_code(client, user)
        certificate = test_pki.card()
        if case == "code_wrong":
            code = "AAAAA-AAAAA"
        elif case == "code_expired":
            Enrolment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        elif case == "code_used":
            client.post(link, {"code": code}, **cert_meta(test_pki.card("Autre")))
        elif case == "enrolled_elsewhere":
            enrol(make_user("other@example.fr"), certificate)
        response = client.post(link, {"code": code}, **cert_meta(certificate))
    assert message in text(response)


def test_an_empty_code_is_told_to_be_required(client, attorney, test_pki):
    link, _code = request_code(client, attorney)
    response = client.post(link, {}, **cert_meta(test_pki.card()))
    assert response.context["form"].errors == {"code": ["Ce champ est obligatoire."]}
    assert Enrolment.objects.get().failed_attempts == 0


def test_activation_link_with_a_nul_byte_is_not_found(client):
    # Link ids are URL-safe base64: anything else never reaches the database.
    response = client.get("/carte-a-puce/activer/abc%00def/")

    assert response.status_code == 404


def test_a_refused_certificate_is_audited(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    client.post(link, {"code": code}, **cert_meta(test_pki.expired()))

    event = AuditEvent.objects.get(event="smartcard.enrolment_failed")
    assert (event.user, event.detail["reason"]) == (attorney, "expired")


def test_a_certificate_enrolled_elsewhere_is_audited(client, attorney, test_pki):
    certificate = test_pki.card()
    enrol(make_user("other@example.fr"), certificate)
    link, code = request_code(client, attorney)
    client.post(link, {"code": code}, **cert_meta(certificate))

    event = AuditEvent.objects.get(event="smartcard.enrolment_failed")
    assert event.detail == {"reason": "enrolled_elsewhere",
                            "fingerprint": fingerprint(certificate)}
    assert Enrolment.objects.get().used_at is None  # the refusal did not use the code


def test_a_blocked_account_cannot_complete_its_enrolment(client, attorney, test_pki):
    link, code = request_code(client, attorney)
    attorney.__class__.objects.filter(pk=attorney.pk).update(
        blocked_at=timezone.now(), failed_login_count=5)

    response = client.post(link, {"code": code}, **cert_meta(test_pki.card()))

    assert "Votre compte est bloqué (nombre de tentatives maximal atteint)" in text(response)
    assert not Smartcard.objects.exists()
    assert AuditEvent.objects.get(event="smartcard.enrolment_failed").detail["reason"] == (
        "blocked")


@pytest.mark.django_db(transaction=True)
def test_one_code_posted_in_parallel_adds_one_card(attorney, test_pki, settings):
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    settings.ETS_SMARTCARD_MAX_CARDS = 5
    link, code = request_code(Client(), attorney)
    certificates = [test_pki.card(f"Carte {n}") for n in range(8)]

    statuses = in_parallel(
        lambda certificate: Client().post(link, {"code": code}, **cert_meta(certificate))
        .status_code, certificates)

    assert Smartcard.objects.filter(user=attorney).count() == 1
    assert sorted(statuses) == [200] + [410] * 7
    assert AuditEvent.objects.filter(event="smartcard.enrolled").count() == 1
    assert OutgoingEmail.objects.filter(kind="card_added").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_codes_of_one_account_keep_to_the_cap(test_pki, settings):
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    settings.ETS_SMARTCARD_MAX_CARDS = 1
    settings.ETS_SMARTCARD_OPEN_TO_ALL = True
    owner = make_user()
    # Two live links of the same account (made directly: a new request cancels the older).
    attempts = []
    for n in range(2):
        link, code = request_code(Client(), owner)
        attempts.append((link, code, test_pki.card(f"Carte {n}")))
        Enrolment.objects.update(cancelled_at=None)

    in_parallel(lambda attempt: Client().post(attempt[0], {"code": attempt[1]},
                                               **cert_meta(attempt[2])), attempts)

    assert Smartcard.objects.filter(user=owner).count() == 1


@pytest.fixture
def desk(client, db):
    from eprocedures.accounts.models import User

    staff = User.objects.create_superuser("support@inpi.example", "Support;42Desk")
    client.force_login(staff)
    return client


def test_the_support_desk_removes_a_card_as_the_owner_would(desk, attorney, test_pki):
    card = enrol(attorney, test_pki.card())

    response = desk.post(f"/admin/smartcard/smartcard/{card.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Smartcard.objects.exists()
    event = AuditEvent.objects.get(event="smartcard.removed")
    assert event.user == attorney
    assert (event.detail["by"], event.detail["staff"]) == ("support", "support@inpi.example")
    assert OutgoingEmail.objects.filter(kind="card_removed", to=attorney.email).count() == 1


def test_the_support_desks_bulk_removal_is_audited_card_by_card(desk, attorney, test_pki):
    cards = [enrol(attorney, test_pki.card(f"Carte {n}")) for n in range(2)]

    desk.post("/admin/smartcard/smartcard/", {
        "action": "delete_selected", "_selected_action": [c.pk for c in cards], "post": "yes"})

    assert not Smartcard.objects.exists()
    assert AuditEvent.objects.filter(event="smartcard.removed", detail__by="support").count() == 2
    assert OutgoingEmail.objects.filter(kind="card_removed").count() == 2
