import pytest

from tests.signin.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, db):
    user = make_user()
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    return client


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"


def test_home_has_the_three_blocks(signed_in):
    html = signed_in.get("/").content.decode()

    assert "Bonjour Marie Curie" in html
    assert ">Mes dernières e-procédures</h2>" in html
    for column in ["e-Procédure", "Numéro", "Statut", "Action"]:
        assert f'<th scope="col">{column}</th>' in html
    assert "Vous n'avez encore déposé aucune e-procédure depuis cet espace." in html
    assert '<a href="/e-procedures/">En voir plus</a>' in html
    assert ">Mes brouillons</h2>" in html
    assert "Aucun brouillon en cours." in html
    assert ">Commencer une nouvelle e-procédure</h2>" in html
    assert "<h3>Brevet</h3>" in html and "<h3>Autres</h3>" in html
    assert '<a href="/e-procedures/brevet-depot-fr/nouveau/">Nouveau dépôt FR</a>' in html
    assert ('<a href="/e-procedures/brevet-pieces-complementaires/nouveau/">'
            "Ajout de pièces complémentaires</a>") in html
    assert ('<a href="/e-procedures/brevet-paiement-annuite/nouveau/">'
            "Paiement d&#x27;annuité</a>") in html
    assert '<a href="/e-procedures/autres-demarches/nouveau/">Autres démarches</a>' in html


def test_start_link_says_the_procedure_is_not_open_yet(signed_in):
    html = signed_in.get("/e-procedures/brevet-depot-fr/nouveau/").content.decode()
    assert "<h1>Brevet – Nouveau dépôt FR</h1>" in html
    assert "Cette e-procédure n'est pas encore ouverte" in html
    assert '<a class="button" href="/">Retour à l\'espace personnel</a>' in html


def test_unknown_procedure_is_not_found(signed_in):
    assert signed_in.get("/e-procedures/marque/nouveau/").status_code == 404


def test_see_more_lists_every_procedure(signed_in):
    html = signed_in.get("/e-procedures/").content.decode()
    assert "<h1>Mes e-procédures</h1>" in html


def test_pages_need_a_signed_in_account(client, db):
    response = client.get("/e-procedures/brevet-depot-fr/nouveau/")
    assert response["Location"] == "/connexion/?next=/e-procedures/brevet-depot-fr/nouveau/"
