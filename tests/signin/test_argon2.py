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


COMPOSED, DECOMPOSED = "Tournesol;42Bl\u00e9", "Tournesol;42Ble\u0301"  # "é" as one or two


def test_a_password_is_one_whatever_the_unicode_form_it_is_typed_in(client):
    # NIST SP 800-63B 5.1.1.2: normalised (NFKC) before hashing and before checking.
    user = make_user(password=COMPOSED)

    response = client.post("/connexion/", {"email": user.email, "password": DECOMPOSED})

    assert response["Location"] == "/"


def test_a_hash_made_before_normalisation_still_verifies(db):
    from eprocedures.accounts.hashers import ETSArgon2PasswordHasher

    hasher = ETSArgon2PasswordHasher()
    old = Argon2PasswordHasher.encode(hasher, DECOMPOSED, hasher.salt())  # as typed then

    assert hasher.verify(DECOMPOSED, old)
    assert not hasher.verify("Tournesol;42Ble", old)
