"""Pages answered to a signed-in visitor are never kept by a cache (ASVS 8.2.1)."""

import pytest

from tests.signin.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    "/", "/e-procedures/", "/e-procedures/brevet-depot-fr/nouveau/", "/mes-informations/",
    "/carnet-adresses/", "/aide/", "/cgu/", "/page-qui-n-existe-pas/",
]


@pytest.fixture
def signed_in(client):
    user = make_user()
    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_a_signed_in_page_is_not_stored(signed_in, path):
    response = signed_in.get(path)

    assert response.status_code in (200, 404)
    assert "Bonjour Marie Curie" in response.content.decode()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache"} <= directives


def test_the_export_keeps_its_own_cache_control(signed_in):
    response = signed_in.get("/carnet-adresses/export/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_same_page_to_an_anonymous_visitor_is_left_to_the_caches(client):
    # Nothing personal on it: no reason to forbid caching the help page.
    response = client.get("/aide/")

    assert response.status_code == 200
    assert "Cache-Control" not in response
