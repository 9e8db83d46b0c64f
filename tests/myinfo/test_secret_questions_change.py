from eprocedures.accounts.models import SecretAnswer
from eprocedures.audit.models import AuditEvent

from .conftest import ANSWERS, PASSWORD, form_errors, mails_to, page

URL = "/mes-informations/questions-secretes/"
NEW = {"question_1": "first_pet", "answer_1": "Médor", "question_2": "first_car",
       "answer_2": "Renault"}


def answered(client):
    """The current answers first: they open the change, as for an identifier."""
    response = client.post(URL, ANSWERS)
    assert response["Location"] == URL
    return client


def test_the_current_answers_are_asked_first(signed_in, user):
    html = page(signed_in.get(URL))
    assert ("Pour modifier vos questions secrètes, répondez d'abord à vos questions "
            "actuelles.") in html
    assert "Nom de jeune fille de votre mère" in html  # the current question, to answer

    # The password alone does not change them: otherwise it would open the identifiers.
    response = signed_in.post(URL, {**NEW, "current_password": PASSWORD})
    assert response["Location"] == URL
    assert SecretAnswer.objects.get(user=user, position=1).question == "mother_maiden_name"
    assert not AuditEvent.objects.filter(event="myinfo.secret_questions_changed").exists()

    response = signed_in.post(URL, {"answer_1": "Martin", "answer_2": "Judo"})
    assert form_errors(response) == ["Les réponses ne correspondent pas à vos questions secrètes."]
    assert AuditEvent.objects.filter(event="myinfo.verification_failed",
                                     detail__what="secret_answers").count() == 1


def test_a_change_uses_up_the_answers_given(signed_in, user):
    answered(signed_in).post(URL, {**NEW, "current_password": PASSWORD})
    html = page(signed_in.get(URL))
    assert "répondez d'abord à vos questions actuelles" in html
    assert "Nom de votre premier animal de compagnie" in html  # now the new ones


def test_the_page_shows_the_current_questions(signed_in):
    html = page(answered(signed_in).get(URL))

    assert '<option value="mother_maiden_name" selected>' in html
    assert '<option value="favourite_sport" selected>' in html
    assert "Ces questions vous seront posées si vous souhaitez modifier vos identifiants." in html


def test_the_current_password_is_required(signed_in, user):
    answered(signed_in)
    response = signed_in.post(URL, {**NEW, "current_password": ""})
    assert form_errors(response) == ["Ce champ est obligatoire."]

    response = signed_in.post(URL, {**NEW, "current_password": "Faux;Mot2passe"})
    assert form_errors(response) == ["Le mot de passe actuel est incorrect."]

    answers = {a.position: a for a in SecretAnswer.objects.filter(user=user)}
    assert answers[1].question == "mother_maiden_name"
    assert answers[1].check_answer("Durand")
    assert mails_to(user.email) == []


def test_the_questions_change_with_the_current_password(signed_in, user):
    response = answered(signed_in).post(URL, {**NEW, "current_password": PASSWORD})

    assert response["Location"] == "/mes-informations/"
    answers = {a.position: a for a in SecretAnswer.objects.filter(user=user)}
    assert (answers[1].question, answers[2].question) == ("first_pet", "first_car")
    assert answers[1].check_answer("medor")  # folded like at registration
    assert answers[2].check_answer("RENAULT")
    assert "Médor" not in answers[1].answer_hash and "medor" not in answers[1].answer_hash
    html = page(signed_in.get("/mes-informations/"))
    assert "Vos questions secrètes ont été modifiées." in html
    [notice] = mails_to(user.email)
    assert notice.subject == "Vos questions secrètes ont été modifiées"
    assert "Médor" not in notice.body_text
    assert AuditEvent.objects.filter(event="myinfo.secret_questions_changed", user=user).exists()
    # The new questions are the ones asked before an identifier change.
    html = page(signed_in.get("/mes-informations/courriel/"))
    assert "Nom de votre premier animal de compagnie" in html


def test_the_two_questions_must_differ(signed_in):
    response = answered(signed_in).post(URL, {**NEW, "question_2": "first_pet",
                                    "current_password": PASSWORD})

    assert form_errors(response) == ["Choisissez deux questions différentes."]


def test_the_change_sent_after_the_answers_ran_out_is_not_taken_for_answers(
        signed_in, user, settings):
    answered(signed_in)
    session = signed_in.session
    session["ets_myinfo_grant"]["at"] -= settings.ETS_IDENTIFIER_CHANGE_MINUTES * 60 + 1
    session.save()

    response = signed_in.post(URL, {**NEW, "current_password": PASSWORD})

    assert response["Location"] == URL
    assert not AuditEvent.objects.filter(event="myinfo.verification_failed").exists()
    assert SecretAnswer.objects.get(user=user, position=1).question == "mother_maiden_name"
    html = page(signed_in.get(URL))
    assert "répondez d'abord à vos questions actuelles" in html
    assert "Médor" not in html  # the new answers typed are not shown back
