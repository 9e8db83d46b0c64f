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


@pytest.fixture
def signed_in_english(client, db):
    user = make_user(language="en")
    client.cookies["ets_language"] = "en"
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    return client


def test_home_blocks_in_english(signed_in_english):
    html = signed_in_english.get("/").content.decode()

    assert "<summary>Hello Marie Curie</summary>" in html
    assert ">My latest e-procedures</h2>" in html
    for column in ["e-Procedure", "Number", "Status", "Action"]:
        assert f'<th scope="col">{column}</th>' in html
    assert "You have not filed any e-procedure from this space yet." in html
    assert '<a href="/e-procedures/">See more</a>' in html
    assert ">My drafts</h2>" in html and "No draft in progress." in html
    assert ">Start a new e-procedure</h2>" in html
    assert "<h3>Patent</h3>" in html and "<h3>Other</h3>" in html
    for slug, label in [("brevet-depot-fr", "New FR filing"),
                        ("brevet-pieces-complementaires", "Adding further documents"),
                        ("brevet-paiement-annuite", "Renewal fee payment"),
                        ("autres-demarches", "Other formalities")]:
        assert f'<a href="/e-procedures/{slug}/nouveau/">{label}</a>' in html


@pytest.mark.parametrize("slug, heading", [
    ("brevet-depot-fr", "Patent – New FR filing"),
    ("brevet-pieces-complementaires", "Patent – Adding further documents"),
    ("brevet-paiement-annuite", "Patent – Renewal fee payment"),
    ("autres-demarches", "Other – Other formalities"),
])
def test_every_start_link_says_not_open_yet_in_english(signed_in_english, slug, heading):
    response = signed_in_english.get(f"/e-procedures/{slug}/nouveau/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html
    assert "This e-procedure is not open yet in the secure transactional space." in html
    assert '<a class="button" href="/">Back to the personal space</a>' in html


@pytest.mark.parametrize("slug, heading", [
    ("brevet-pieces-complementaires", "Brevet – Ajout de pièces complémentaires"),
    ("brevet-paiement-annuite", "Brevet – Paiement d&#x27;annuité"),
    ("autres-demarches", "Autres – Autres démarches"),
])
def test_every_start_link_says_not_open_yet(signed_in, slug, heading):
    html = signed_in.get(f"/e-procedures/{slug}/nouveau/").content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert ("Cette e-procédure n'est pas encore ouverte dans l'espace transactionnel "
            "sécurisé. Elle le sera prochainement.") in html


def test_each_table_is_announced_by_its_own_caption(signed_in):
    home = signed_in.get("/").content.decode()
    full_list = signed_in.get("/e-procedures/").content.decode()

    assert '<caption class="visually-hidden">Mes dernières e-procédures</caption>' in home
    assert '<caption class="visually-hidden">Mes e-procédures</caption>' in full_list
