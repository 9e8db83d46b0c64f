"""Absurd input on the pages of "Mes informations" is refused with a message, never a 500."""

import pytest

from .conftest import ANSWERS, PASSWORD, form_errors
from .test_contact import contact_data

pytestmark = pytest.mark.django_db

BIG = "x" * 1_000_000
NUL = "Le caractère nul n’est pas autorisé."


def test_contact_details(signed_in, user):
    response = signed_in.post("/mes-informations/coordonnees/", contact_data(
        last_name=BIG, city="Li\x00lle", country="\x00", **{
            "phones-0-number_number": "03" * 400_000, "phones-TOTAL_FORMS": "1000000000"}))

    assert response.status_code == 200
    assert form_errors(response) == [
        "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 1000000).",
        "Sélectionnez un choix valide. \x00 n’en fait pas partie.",
        NUL,
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté).",
    ]
    user.refresh_from_db()
    assert (user.last_name, user.city) == ("Durand", "LILLE")


def test_secret_answers_password_and_questions(signed_in):
    response = signed_in.post("/mes-informations/courriel/",
                              {"answer_1": BIG[:300_000], "answer_2": "Dan\x00se"})
    assert form_errors(response) == [
        "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 300000).",
        NUL,
    ]
    response = signed_in.post("/mes-informations/mot-de-passe/", {
        "current_password": "\x00", "password1": BIG[:300_000], "password2": "\x00"})
    assert form_errors(response) == [
        NUL,
        "Assurez-vous que cette valeur comporte au plus 1024 caractères (actuellement 300000).",
        NUL,
    ]
    signed_in.post("/mes-informations/questions-secretes/", ANSWERS)  # the current ones first
    response = signed_in.post("/mes-informations/questions-secretes/", {
        "current_password": PASSWORD, "question_1": "\x00", "answer_1": "a\x00",
        "question_2": BIG[:1000], "answer_2": BIG[:300_000]})
    assert response.status_code == 200
    assert NUL in form_errors(response)


def test_new_identifiers(signed_in):
    signed_in.post("/mes-informations/courriel/", ANSWERS)
    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/",
                              {"email": "pa\x00ul@example.fr"})
    assert form_errors(response) == ["Saisissez une adresse de courriel valide.", NUL]
    response = signed_in.post("/mes-informations/courriel/nouvelle-adresse/", {"email": BIG})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement " \
           "1000000)." in form_errors(response)

    signed_in.post("/mes-informations/mobile/", ANSWERS)
    for region, number, message in (
        ("FR", "06\x0012345678", "Un numéro français doit comporter 9 chiffres après +33 (par "
                                 "exemple 6 12 34 56 78 ; le 0 initial est accepté)."),
        ("\x00", "0612345678", "Choisissez un indicatif dans la liste."),
        ("BE", "4" * 1_000_000, "Ce numéro n'est pas valide pour l'indicatif choisi."),
    ):
        response = signed_in.post("/mes-informations/mobile/nouveau-numero/", {
            "mobile_phone_region": region, "mobile_phone_number": number})
        assert form_errors(response) == [message]


def test_absurd_links(client, db):
    for token in ("\x00abc", "a" * 100_000, "é" * 50):
        assert client.get(f"/mes-informations/courriel/confirmer/{token}/").status_code == 400
        assert client.post(f"/mes-informations/courriel/confirmer/{token}/").status_code == 400
