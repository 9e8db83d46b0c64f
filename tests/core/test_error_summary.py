"""Every link of an error summary leads to a field of the page (radio buttons and phones too)."""

import re

import pytest

from tests.factories import person

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def summary_targets(html: str) -> list[str]:
    summary = SUMMARY.search(html)
    assert summary, "no error summary on the page"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def assert_every_link_leads_to_a_field(html: str, expected: set[str]):
    targets = summary_targets(html)
    assert expected <= set(targets), targets
    for target in targets:
        assert re.search(rf'<(input|select|textarea)\b[^>]*\bid="{re.escape(target)}"', html), (
            f"#{target} is no field of the page")


def test_registration_steps(client):
    response = client.post("/inscription/identifiants/", {
        "email": "paul", "mobile_phone_region": "FR", "mobile_phone_number": "12"})
    assert_every_link_leads_to_a_field(response.content.decode(), {"id_mobile_phone_1"})

    client.post("/inscription/identifiants/", {
        "email": "paul@example.fr", "mobile_phone_region": "FR",
        "mobile_phone_number": "6 12 34 56 78"})
    response = client.post("/inscription/informations/", {})
    assert_every_link_leads_to_a_field(response.content.decode(),
                                       {"id_civility", "id_last_name"})


def test_address_book_contact(client):
    client.force_login(person("paul.durand@example.fr"))
    response = client.post("/carnet-adresses/ajouter/", {
        "phone_region": "FR", "phone_number": "12"})
    html = response.content.decode()
    assert_every_link_leads_to_a_field(html, {"id_kind_0"})
