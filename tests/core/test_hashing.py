import pytest
from django.contrib.auth.hashers import check_password, make_password

from eprocedures.accounts.models import SecretAnswer, hash_secret_answer


@pytest.mark.real_hasher
def test_passwords_are_hashed_with_argon2id_at_owasp_parameters():
    encoded = make_password("Tr0mbone;Vert")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("Tr0mbone;Vert", encoded)
    assert not check_password("tr0mbone;vert", encoded)


@pytest.mark.real_hasher
def test_argon2_costs_are_settings(settings):
    settings.ETS_ARGON2_MEMORY_COST = 8192
    settings.ETS_ARGON2_TIME_COST = 3

    assert make_password("x").startswith("argon2$argon2id$v=19$m=8192,t=3,p=1$")


@pytest.mark.real_hasher
def test_secret_answers_are_argon2_hashes_compared_without_case_accents_or_spaces():
    answer = SecretAnswer(question="mother_maiden_name", answer_hash=hash_secret_answer("Hélène  Durand"))

    assert answer.answer_hash.startswith("argon2$argon2id$")
    assert "Hélène" not in answer.answer_hash
    assert answer.check_answer("  helene durand ")
    assert answer.check_answer("HÉLÈNE DURAND")
    assert not answer.check_answer("Helene Dupont")
