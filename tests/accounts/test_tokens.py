"""Activation and reset tokens: salted apart, expiring, dying with the state they were made for."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from eprocedures.accounts.models import User, new_nonce
from eprocedures.accounts.tokens import (
    TokenStatus,
    check_activation_token,
    check_reset_token,
    make_activation_token,
    make_reset_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("paul@example.fr", civility="M", last_name="Durand",
                                    first_name="Paul", mobile_phone="+33612345678",
                                    street_name="rue bleue", postal_code="59000", city="LILLE")


def at(days):
    later = timezone.now() + timedelta(days=days)
    return mock.patch("django.core.signing.time.time", return_value=later.timestamp())


def test_a_fresh_activation_token_is_valid(user):
    check = check_activation_token(make_activation_token(user))
    assert check.status is TokenStatus.VALID and check.user == user


def test_activation_and_reset_tokens_are_not_interchangeable(user):
    user.set_password("Bleu.Lille59")
    user.is_active, user.activated_at = True, timezone.now()
    user.save()
    assert check_reset_token(make_activation_token(user)).status is TokenStatus.INVALID
    pending = User.objects.create_user("jeanne@example.fr")
    assert check_activation_token(make_reset_token(pending)).status is TokenStatus.INVALID


def test_activation_token_expires_after_the_setting(user, settings):
    settings.ETS_ACTIVATION_DAYS = 15
    token = make_activation_token(user)
    with at(14.99):
        assert check_activation_token(token).ok
    with at(15.01):
        check = check_activation_token(token)
    assert check.status is TokenStatus.EXPIRED and check.user == user


def test_activation_token_dies_once_the_account_is_activated(user):
    token = make_activation_token(user)
    user.activated_at = timezone.now()
    user.save()
    assert check_activation_token(token).status is TokenStatus.USED


def test_a_fresh_link_replaces_the_old_one(user):
    old = make_activation_token(user)
    user.activation_nonce = new_nonce()
    user.save()
    assert check_activation_token(old).status is TokenStatus.USED
    assert check_activation_token(make_activation_token(user)).ok


@pytest.mark.parametrize("token", ["", "abc", "a:b:c", "eyJ1IjoxfQ:1abc:def"])
def test_garbage_is_invalid(token):
    assert check_activation_token(token).status is TokenStatus.INVALID


def test_a_tampered_token_is_invalid(user):
    token = make_activation_token(user)
    assert check_activation_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")).status \
        is TokenStatus.INVALID


def test_a_token_of_a_deleted_account_is_invalid(user):
    token = make_activation_token(user)
    user.delete()
    assert check_activation_token(token).status is TokenStatus.INVALID


def test_reset_token_dies_with_a_new_password(user):
    user.set_password("Bleu.Lille59")
    user.save()
    token = make_reset_token(user)
    assert check_reset_token(token).ok
    user.set_password("Vert.Lille59")
    user.save()
    assert check_reset_token(token).status is TokenStatus.USED
