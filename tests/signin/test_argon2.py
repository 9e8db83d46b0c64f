import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from eprocedures.signin import flows

from .conftest import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_hasher]

OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def test_hash_made_with_other_costs_is_upgraded_at_the_next_sign_in(client):
    user = make_user()
    # Django's stock parameters (m=102400, t=2, p=8), as an older installation would have.
    user.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())
    user.save(update_fields=["password"])
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")

    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})

    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.password.startswith(OWASP)
    assert user.check_password(PASSWORD)


def test_new_passwords_use_owasp_parameters(db):
    assert make_user().password.startswith(OWASP)


def test_unknown_address_is_checked_against_a_hash_of_the_current_hasher():
    assert flows._dummy_hash().startswith(OWASP)
