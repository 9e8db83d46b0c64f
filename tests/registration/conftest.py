"""Helpers to walk the registration wizard with Django's test client."""

import pytest
from django.urls import reverse

from eprocedures.accounts.models import User

IDENTIFIERS = {
    "email": "Paul.Durand@Example.fr",
    "mobile_phone_region": "FR",
    "mobile_phone_number": "6 12 34 56 78",
}
INFORMATION = {
    "civility": "M",
    "last_name": "Durand",
    "first_name": "Paul",
    "country": "FR",
    "street_number": "",
    "street_type": "",
    "street_name": "rue bleue",
    "address_complement": "",
    "po_box": "",
    "postal_code": "59000",
    "city": "LILLE",
    "is_attorney": "non",
    "is_legal_person": "non",
}
LEGAL_PERSON = {"legal_name": "Durand SA", "legal_form": "SA", "siren": "732 829 320"}
QUESTIONS = {
    "question_1": "mother_maiden_name",
    "answer_1": "Durand",
    "question_2": "favourite_sport",
    "answer_2": "Danse",
}
TERMS = {"accept_terms": "oui"}


def step_url(slug):
    if slug == "conditions":
        return reverse("registration:terms")
    return reverse("registration:step", kwargs={"slug": slug})


class Wizard:
    def __init__(self, client):
        self.client = client

    def post(self, slug, data, **kwargs):
        return self.client.post(step_url(slug), data, **kwargs)

    def fill(self, *, until="conditions", identifiers=None, information=None, legal=None,
             questions=None):
        """Complete the steps before ``until`` with valid answers (overridable)."""
        steps = [
            ("identifiants", {**IDENTIFIERS, **(identifiers or {})}),
            ("informations", {**INFORMATION, **(information or {})}),
        ]
        if steps[1][1]["is_legal_person"] == "oui":
            steps.append(("personne-morale", {**LEGAL_PERSON, **(legal or {})}))
        steps.append(("questions-secretes", {**QUESTIONS, **(questions or {})}))
        for slug, data in steps:
            if slug == until:
                return
            response = self.post(slug, data)
            assert response.status_code == 302, (slug, response.content.decode()[:3000])

    def register(self, **kwargs):
        self.fill(**kwargs)
        return self.post("conditions", TERMS)


@pytest.fixture
def wizard(client):
    return Wizard(client)


PAUL = {"civility": "M", "last_name": "Durand", "first_name": "Paul",
        "mobile_phone": "+33612345678", "street_name": "rue bleue", "postal_code": "59000",
        "city": "LILLE"}


def make_account(email="paul.durand@example.fr", password=None, **fields):
    """An account as registration leaves it (awaiting activation), fields overridable."""
    return User.objects.create_user(email, password, **{**PAUL, **fields})
