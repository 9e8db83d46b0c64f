from django.urls import reverse

from .conftest import make_user, page, sign_in


def test_index_needs_a_signed_in_user(client, db):
    response = client.get("/mes-informations/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/mes-informations/"


def test_index_shows_the_three_blocks_and_their_buttons(signed_in):
    response = signed_in.get("/mes-informations/")
    html = page(response)

    assert response.status_code == 200
    for heading in ("Mes coordonnées", "Mes moyens d'identification",
                    "Mon carnet d'adresses"):
        assert heading in html
    assert "M. Durand Paul" in html
    assert "rue bleue 59000 LILLE" in html
    assert "France" in html
    assert "paul.durand@example.fr" in html
    assert "+33612345678" in html
    assert "Aucune carte à puce n'est enregistrée pour votre compte." in html
    assert html.count(">Modifier</a>") == 3
    assert f'href="{reverse("myinfo:contact")}"' in html
    assert f'href="{reverse("myinfo:email_verify")}"' in html
    assert f'href="{reverse("myinfo:mobile_verify")}"' in html
    assert ">Modifier mon mot de passe</a>" in html
    assert ">Modifier mes questions secrètes</a>" in html


def test_index_shows_the_legal_person_and_the_other_phones(client, db):
    user = make_user(is_legal_person=True, legal_name="Durand SA", legal_form="SA",
                     siren="732829320")
    user.additional_phones.create(number="+33320000000", position=0)
    html = page(sign_in(client, user).get("/mes-informations/"))

    assert "Durand SA (SA)" in html
    assert "732829320" in html
    assert "+33320000000" in html


def test_english_labels_take_english_punctuation(signed_in):
    signed_in.cookies["ets_language"] = "en"
    html = page(signed_in.get("/mes-informations/"))
    assert "E-mail address: </span>" in html and "Mobile phone number: </span>" in html
    assert " : </span>" not in html
