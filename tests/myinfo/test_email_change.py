import re
import time

from django.core import signing

from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent
from eprocedures.myinfo.models import PendingEmailChange

from .conftest import ANSWERS, form_errors, mails_to, make_user, page, sign_in

NEW = "paul.nouveau@example.fr"
LINK = re.compile(r"http://[^\s\"]+/mes-informations/courriel/confirmer/[^/\s\"]+/")


def answer_questions(client, answers=ANSWERS):
    return client.post("/mes-informations/courriel/", answers)


def ask_for(client, address=NEW):
    answer_questions(client)
    return client.post("/mes-informations/courriel/nouvelle-adresse/", {"email": address})


def link_path(address=NEW) -> str:
    [mail] = mails_to(address)
    return "/" + LINK.search(mail.body_text).group(0).split("/", 3)[3]


def test_questions_are_asked_by_their_labels(signed_in):
    html = page(signed_in.get("/mes-informations/courriel/"))

    assert "Modifier mon adresse courriel" in html
    assert '<label for="id_answer_1">Nom de jeune fille de votre mère' in html
    assert '<label for="id_answer_2">Votre sport favori' in html


def test_right_answers_open_the_new_address_page(signed_in, user):
    response = answer_questions(signed_in, {"answer_1": "  durand ", "answer_2": "DANSE"})

    assert response.status_code == 302
    assert response["Location"] == "/mes-informations/courriel/nouvelle-adresse/"
    html = page(signed_in.get(response["Location"]))
    assert '<label for="id_email">Nouvelle adresse courriel' in html
    assert AuditEvent.objects.filter(event="myinfo.verification_succeeded", user=user).exists()


def test_wrong_answers_are_refused_counted_and_audited(signed_in, user):
    response = answer_questions(signed_in, {"answer_1": "Durand", "answer_2": "Tennis"})

    assert response.status_code == 200
    assert form_errors(response) == ["Les réponses ne correspondent pas à vos questions secrètes."]
    event = AuditEvent.objects.get(event="myinfo.verification_failed")
    assert (event.user, event.outcome, event.detail) == (
        user, "failure", {"what": "secret_answers", "failures": 1})
    # Without the right answers the new-address page sends back to the questions.
    response = signed_in.get("/mes-informations/courriel/nouvelle-adresse/")
    assert response["Location"] == "/mes-informations/courriel/"
    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/", {"email": NEW})
    assert response["Location"] == "/mes-informations/courriel/"
    assert mails_to(NEW) == []


def test_missing_answers_are_required(signed_in):
    response = answer_questions(signed_in, {"answer_1": "", "answer_2": ""})

    assert form_errors(response) == ["Ce champ est obligatoire.", "Ce champ est obligatoire."]
    assert not AuditEvent.objects.filter(event="myinfo.verification_failed").exists()


def test_the_change_waits_for_the_link_sent_to_the_new_address(signed_in, user):
    response = ask_for(signed_in)

    assert response["Location"] == "/mes-informations/"
    html = page(signed_in.get("/mes-informations/"))
    assert (
        f"Un message contenant un lien de confirmation a été envoyé à {NEW}. Votre adresse "
        "courriel ne sera modifiée qu'une fois ce lien suivi (il est valable 24 heures)."
    ) in html
    assert f"Changement vers {NEW} en attente" in html
    user.refresh_from_db()
    assert user.email == "paul.durand@example.fr"
    [link_mail] = mails_to(NEW)
    assert link_mail.subject == "Confirmez votre nouvelle adresse courriel"
    assert "dans les 24 heures" in link_mail.body_text
    [told] = mails_to("paul.durand@example.fr")
    assert told.subject == "Demande de changement de votre adresse courriel"
    assert NEW in told.body_text
    assert AuditEvent.objects.filter(event="myinfo.email_change_requested",
                                     outcome="success").exists()


def test_a_change_whose_link_expired_is_no_longer_shown_as_waiting(signed_in, user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from eprocedures.myinfo.models import PendingEmailChange

    ask_for(signed_in)
    PendingEmailChange.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert "en attente" not in page(signed_in.get("/mes-informations/"))
    PendingEmailChange.objects.update(created_at=timezone.now() - timedelta(hours=23))
    assert f"Changement vers {NEW} en attente" in page(signed_in.get("/mes-informations/"))


def test_following_the_link_changes_the_address_and_tells_both(signed_in, user):
    ask_for(signed_in)
    path = link_path()

    confirm_page = signed_in.get(path)
    assert f"L'adresse courriel de votre compte deviendra {NEW}." in page(confirm_page)
    user.refresh_from_db()
    assert user.email == "paul.durand@example.fr"  # a GET (mail scanner) changes nothing

    response = signed_in.post(path)
    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert user.email == NEW
    html = page(signed_in.get("/mes-informations/"))  # still signed in
    assert f"Votre adresse courriel a été modifiée : connectez-vous désormais avec {NEW}." in html
    assert NEW in html
    old_notice = mails_to("paul.durand@example.fr")[-1]
    new_notice = mails_to(NEW)[-1]
    for notice in (old_notice, new_notice):
        assert notice.subject == "L'adresse courriel de votre compte a été modifiée"
        assert f"est passée de paul.durand@example.fr à {NEW}" in notice.body_text
    assert not PendingEmailChange.objects.exists()
    event = AuditEvent.objects.get(event="myinfo.email_changed")
    assert event.detail == {"old_email": "paul.durand@example.fr", "new_email": NEW}


def test_the_link_works_once(signed_in, user):
    ask_for(signed_in)
    path = link_path()
    signed_in.post(path)

    response = signed_in.post(path)

    assert response.status_code == 400
    assert ("Ce lien a déjà été utilisé ou a été remplacé par une demande plus récente."
            in page(response))
    assert AuditEvent.objects.filter(event="myinfo.email_change_link_refused",
                                     detail__reason="used").exists()


def test_the_link_works_without_a_session(signed_in, user):
    ask_for(signed_in)
    path = link_path()
    signed_in.logout()

    response = signed_in.post(path)

    assert response["Location"] == "/connexion/"
    user.refresh_from_db()
    assert user.email == NEW


def test_the_link_expires(signed_in, user, monkeypatch, settings):
    settings.ETS_EMAIL_CHANGE_HOURS = 24
    real_time = time.time
    # The link is made 24 hours and 1 second before it is followed.
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 24 * 3600 - 1)
    ask_for(signed_in)
    monkeypatch.setattr(signing.time, "time", real_time)

    response = signed_in.post(link_path())

    assert response.status_code == 400
    assert ("Ce lien a expiré. Faites une nouvelle demande depuis « Mes informations »."
            in page(response))
    user.refresh_from_db()
    assert user.email == "paul.durand@example.fr"


def test_a_newer_request_kills_the_older_link(signed_in, user):
    ask_for(signed_in)
    first = link_path()
    ask_for(signed_in, "paul.autre@example.fr")

    response = signed_in.post(first)

    assert "Ce lien a déjà été utilisé ou a été remplacé" in page(response)
    user.refresh_from_db()
    assert user.email == "paul.durand@example.fr"


def test_a_tampered_link_is_invalid(signed_in, user):
    ask_for(signed_in)

    response = signed_in.get(link_path()[:-3] + "xx/")

    assert response.status_code == 400
    assert "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier." in page(response)


def test_an_address_of_another_account_is_not_revealed_on_screen(signed_in, user):
    make_user("deja.pris@example.fr")

    response = ask_for(signed_in, "Deja.Pris@example.fr")

    # The page answers exactly as for a free address…
    assert response["Location"] == "/mes-informations/"
    html = page(signed_in.get("/mes-informations/"))
    assert ("Un message contenant un lien de confirmation a été envoyé à deja.pris@example.fr."
            in html)
    # …and only that mailbox learns that it already has an account; no link is made.
    [mail] = mails_to("deja.pris@example.fr")
    assert mail.subject == "Votre adresse courriel est déjà utilisée"
    assert "Cette adresse est déjà celle d'un compte" in mail.body_text
    assert "Paul" not in mail.body_text and "paul.durand" not in mail.body_text
    assert "/confirmer/" not in mail.body_text
    # The index shows the change pending exactly as for a free address (before, nothing:
    # which told that the address had an account).
    assert ("Changement vers deja.pris@example.fr en attente : suivez le lien envoyé à cette "
            "adresse.") in html
    event = AuditEvent.objects.get(event="myinfo.email_change_requested")
    assert (event.outcome, event.detail["reason"]) == ("failure", "address_taken")


def test_an_address_taken_before_the_link_is_followed_is_refused(signed_in, user):
    ask_for(signed_in)
    path = link_path()
    make_user(NEW)

    response = signed_in.post(path)

    assert response.status_code == 400
    assert ("Cette adresse courriel est déjà utilisée par un autre compte : elle ne peut pas "
            "être rattachée au vôtre.") in page(response)
    user.refresh_from_db()
    assert user.email == "paul.durand@example.fr"
    assert User.objects.filter(email=NEW).count() == 1


def test_the_current_address_and_invalid_addresses_are_refused(signed_in):
    answer_questions(signed_in)

    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/",
                              {"email": " PAUL.Durand@example.fr "})
    assert form_errors(response) == ["C'est déjà l'adresse courriel de votre compte."]
    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/",
                              {"email": "pas-une-adresse"})
    assert form_errors(response) == ["Saisissez une adresse de courriel valide."]


def test_the_grant_expires(signed_in, settings, monkeypatch):
    answer_questions(signed_in)
    settings.ETS_IDENTIFIER_CHANGE_MINUTES = 10
    real_time = time.time
    monkeypatch.setattr("eprocedures.myinfo.flows.time.time", lambda: real_time() + 601)

    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/", {"email": NEW})

    assert response["Location"] == "/mes-informations/courriel/"
    assert mails_to(NEW) == []


def test_an_account_without_secret_questions_is_sent_to_set_them(client, db):
    user = make_user()
    user.secret_answers.all().delete()
    sign_in(client, user)

    response = client.get("/mes-informations/courriel/", follow=True)

    assert ("Vos questions secrètes ne sont pas renseignées : choisissez-les d'abord avec "
            "« Modifier mes questions secrètes ».") in page(response)


def test_the_link_to_an_unconfirmed_address_does_not_greet_by_name(signed_in, user):
    ask_for(signed_in)
    [link_mail] = mails_to(NEW)
    assert link_mail.body_text.lstrip().startswith("Bonjour,")
    assert user.last_name not in link_mail.body_text.split("\n")[0]


def test_a_new_password_kills_a_pending_address_change_link(signed_in, user):
    # An intruder in the session asks for their own address; the owner, told by the notice
    # to the old address, changes the password: the intruder's link must die with it.
    from django.test import Client

    ask_for(signed_in)
    path = link_path()
    owner = sign_in(Client(), user)
    response = owner.post("/mes-informations/mot-de-passe/", {
        "current_password": "Vague;Marine7", "password1": "Nouveau;Mot2passe",
        "password2": "Nouveau;Mot2passe"})
    assert response.status_code == 302

    Client().post(path)

    assert User.objects.get(pk=user.pk).email == "paul.durand@example.fr"
    refused = AuditEvent.objects.get(event="myinfo.email_change_link_refused")
    assert refused.outcome == "failure"


def test_asking_again_restarts_the_pending_change(signed_in, user):
    from datetime import timedelta

    from django.utils import timezone

    ask_for(signed_in, "premiere@example.fr")
    PendingEmailChange.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    ask_for(signed_in, "seconde@example.fr")

    pending = PendingEmailChange.objects.get(user=user)
    assert timezone.now() - pending.created_at < timedelta(minutes=1)


def test_no_more_than_three_emails_an_hour_go_to_one_typed_address(signed_in, user):
    for _ in range(5):
        ask_for(signed_in, "victime@example.org")

    assert len(mails_to("victime@example.org")) == 3
    refused = AuditEvent.objects.filter(event="myinfo.email_change_requested",
                                        detail__reason="too_many_emails")
    assert refused.count() == 2


def test_a_link_opened_while_signed_in_as_another_account_changes_nothing(signed_in, user):
    from django.test import Client

    ask_for(signed_in)
    path = link_path()
    other = sign_in(Client(), make_user("autre.compte@example.fr"))

    shown = other.get(path)
    posted = other.post(path)

    for response in (shown, posted):
        assert response.status_code == 400
        assert ("Ce lien concerne un autre compte que celui avec lequel vous êtes connecté : "
                "déconnectez-vous, puis ouvrez-le de nouveau.") in page(response)
    assert User.objects.get(pk=user.pk).email == "paul.durand@example.fr"
    assert signed_in.post(path)["Location"] == "/mes-informations/"  # the owner still can
    assert User.objects.get(pk=user.pk).email == NEW
