from eprocedures.audit.models import AuditEvent

from .conftest import ANSWERS, form_errors, mails_to, page


def number(region, digits):
    return {"mobile_phone_region": region, "mobile_phone_number": digits}


def test_right_answers_then_a_valid_mobile_number_change_it(signed_in, user):
    response = signed_in.post("/mes-informations/mobile/", ANSWERS)
    assert response["Location"] == "/mes-informations/mobile/nouveau-numero/"

    response = signed_in.post("/mes-informations/mobile/nouveau-numero/",
                              number("FR", "07 45 12 34 56"))

    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert str(user.mobile_phone) == "+33745123456"
    html = page(signed_in.get("/mes-informations/"))
    assert "Votre numéro de téléphone mobile a été modifié." in html
    assert "+33745123456" in html
    [notice] = mails_to(user.email)
    assert notice.subject == "Votre numéro de téléphone mobile a été modifié"
    assert "remplacé par +33745123456" in notice.body_text
    event = AuditEvent.objects.get(event="myinfo.mobile_changed")
    assert event.detail == {"old": "+33612345678", "new": "+33745123456"}
    # The right answers open one change only.
    response = signed_in.get("/mes-informations/mobile/nouveau-numero/")
    assert response["Location"] == "/mes-informations/mobile/"


def test_wrong_answers_do_not_open_the_number_page(signed_in, user):
    response = signed_in.post("/mes-informations/mobile/", {"answer_1": "Martin",
                                                            "answer_2": "Danse"})

    assert form_errors(response) == ["Les réponses ne correspondent pas à vos questions secrètes."]
    response = signed_in.post("/mes-informations/mobile/nouveau-numero/",
                              number("FR", "0745123456"))
    assert response["Location"] == "/mes-informations/mobile/"
    user.refresh_from_db()
    assert str(user.mobile_phone) == "+33612345678"


def test_the_number_is_validated_as_in_registration_step_1(signed_in, user):
    signed_in.post("/mes-informations/mobile/", ANSWERS)
    url = "/mes-informations/mobile/nouveau-numero/"

    response = signed_in.post(url, number("FR", "6123"))
    assert form_errors(response) == [
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté)."
    ]
    response = signed_in.post(url, number("FR", "0320000000"))
    assert form_errors(response) == ["Ce numéro n'est pas un numéro de téléphone mobile."]
    response = signed_in.post(url, number("FR", "612345678"))
    assert form_errors(response) == ["C'est déjà le numéro de téléphone mobile de votre compte."]
    # A foreign mobile number with its dial code.
    response = signed_in.post(url, number("BE", "470 12 34 56"))
    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert str(user.mobile_phone) == "+32470123456"
