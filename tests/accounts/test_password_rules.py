"""The password rules of the specification, and what ASVS/CNIL add, as Django validators."""

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from eprocedures.accounts.models import PasswordHistory, User
from eprocedures.accounts.validators import (
    PUNCTUATION,
    CharacterClassValidator,
    CommonPasswordValidator,
    LengthValidator,
    PasswordHistoryValidator,
    PersonalContextValidator,
)

LOWER, UPPER, DIGITS = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
# Printable characters outside the four classes: accents, spaces, other signs.
OTHERS = "éèàçÉÀ ü-_*#$%&/()[]{}<>'\"~"


def codes(validator, password, user=None):
    try:
        validator.validate(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@given(st.text(alphabet=LOWER + UPPER + DIGITS + PUNCTUATION + OTHERS, min_size=0, max_size=50))
def test_length_is_between_8_and_32_characters(password):
    expected = [] if 8 <= len(password) <= 32 else ["password_length"]
    assert codes(LengthValidator(), password) == expected


@given(st.text(alphabet=LOWER + UPPER + DIGITS + PUNCTUATION + OTHERS, max_size=40))
def test_each_missing_class_is_named_in_the_specification_order(password):
    expected = [code for code, present in [
        ("password_no_lower", any(c in LOWER for c in password)),
        ("password_no_upper", any(c in UPPER for c in password)),
        ("password_no_digit", any(c in DIGITS for c in password)),
        ("password_no_punctuation", any(c in PUNCTUATION for c in password)),
    ] if not present]
    assert codes(CharacterClassValidator(), password) == expected


@given(st.text(alphabet=OTHERS, min_size=1, max_size=10))
def test_accents_and_spaces_are_allowed_but_count_for_no_class(extra):
    assert codes(CharacterClassValidator(), "aB3," + extra) == []
    assert codes(CharacterClassValidator(), "éÉ ü" + extra) == [
        "password_no_lower", "password_no_upper", "password_no_digit",
        "password_no_punctuation"]


def test_messages_are_those_of_the_specification():
    with pytest.raises(ValidationError) as info:
        password_validation.validate_password("é")
    assert info.value.messages == [
        "Le mot de passe doit contenir entre 8 et 32 caractères.",
        "Le mot de passe doit contenir au moins une lettre minuscule [a-z].",
        "Le mot de passe doit contenir au moins une lettre majuscule [A-Z].",
        "Le mot de passe doit contenir au moins un chiffre [0-9].",
        "Le mot de passe doit contenir au moins un signe de ponctuation parmi "
        "[, ; . + : ! ? = @].",
    ]


def test_messages_in_english():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as info:
        password_validation.validate_password("é")
    assert info.value.messages == [
        "The password must contain between 8 and 32 characters.",
        "The password must contain at least one lowercase letter [a-z].",
        "The password must contain at least one uppercase letter [A-Z].",
        "The password must contain at least one digit [0-9].",
        "The password must contain at least one punctuation mark from among "
        "[, ; . + : ! ? = @].",
    ]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        password_validation.validate_password("Azerty123!")
    assert info.value.messages == ["This password is too common: choose a less predictable one."]


def test_nothing_is_truncated_or_case_folded():
    password = "Aa1," + "x" * 28  # 32 characters: accepted
    assert codes(LengthValidator(), password) == []
    assert codes(LengthValidator(), password + "y") == ["password_length"]


@pytest.mark.parametrize("password", ["Azerty123!", "AZERTY.2024", "Motdepasse1!", "Password1!",
                                      "Soleil.2024"])
def test_common_passwords_are_refused_whatever_their_case_and_decoration(password):
    assert codes(CommonPasswordValidator(), password) == ["password_too_common"]


def test_an_uncommon_password_passes():
    assert codes(CommonPasswordValidator(), "Bleu.Lille59") == []


def make_user(**fields):
    defaults = {"civility": "M", "last_name": "Durand", "first_name": "Paul",
                    "mobile_phone": "+33612345678", "street_name": "rue bleue",
                    "postal_code": "59000", "city": "LILLE"}
    return User(email="paul.durand@exemple.fr", **{**defaults, **fields})


@pytest.mark.parametrize("password", ["Durand.2024", "xPAUL.DURAND1", "Exemple.2024a",
                                      "Mon.Inpi.2024", "Dûrand.Ré2"])
def test_the_users_own_context_is_refused_ignoring_case_and_accents(password):
    assert codes(PersonalContextValidator(), password, make_user()) == ["password_personal"]


def test_short_context_words_do_not_block_everything():
    user = make_user(first_name="Al", last_name="Wu")
    assert codes(PersonalContextValidator(), "Walrus.2024", user) == []


@pytest.mark.parametrize(("email", "first", "last", "password"), [
    ("j1@ab.fr", "Jean", "Martin", "J1@ab.fr"),  # the whole address
    ("jo@ab.fr", "Jean", "Martin", "Jo@ab.fr1"),
    ("jo@ab.fr", "Jean", "Martin", "X.Joab.fr9"),  # address without its ".fr"
    ("paul.durand@exemple.fr", "Jo", "Li", "Jo.Li2024!"),  # the full name
    ("paul.durand@exemple.fr", "Jo", "Li", "Li-Jo.2024A"),  # the other way round
])
def test_short_names_and_addresses_are_found_whole(email, first, last, password):
    # Each part is under 3 letters, so no single word matched before.
    user = make_user(first_name=first, last_name=last)
    user.email = email
    assert codes(PersonalContextValidator(), password, user) == ["password_personal"]


@given(word=st.text(alphabet=LOWER, min_size=3, max_size=10))
def test_a_last_name_inside_the_password_is_always_found(word):
    user = make_user(last_name=word.capitalize())
    assert "password_personal" in codes(PersonalContextValidator(), f"X1.{word.upper()}.z", user)


@pytest.mark.django_db
def test_a_password_used_within_the_year_is_refused(settings):
    settings.ETS_PASSWORD_HISTORY_DAYS = 365
    user = make_user()
    user.set_password("Bleu.Lille59")
    user.save()  # recorded in the history

    assert codes(PasswordHistoryValidator(), "Bleu.Lille59", user) == ["password_reused"]
    assert codes(PasswordHistoryValidator(), "Vert.Lille59", user) == []

    # Set more than a year ago, but still in use today: used within the year.
    PasswordHistory.objects.update(created_at=timezone.now() - timedelta(days=366))
    assert codes(PasswordHistoryValidator(), "Bleu.Lille59", user) == ["password_reused"]


def set_at(user, password, days_ago):
    user.set_password(password)
    user.save()
    user.password_history.filter(created_at__gt=timezone.now() - timedelta(minutes=1)).update(
        created_at=timezone.now() - timedelta(days=days_ago))


@pytest.mark.django_db
def test_a_password_counts_until_it_was_replaced_not_from_when_it_was_set(settings):
    settings.ETS_PASSWORD_HISTORY_DAYS = 365
    user = make_user()
    set_at(user, "Rouge.Lille59", days_ago=900)  # replaced 800 days ago
    set_at(user, "Bleu.Lille59", days_ago=800)  # set long ago, replaced a minute ago
    set_at(user, "Vert.Lille59", days_ago=0)

    assert codes(PasswordHistoryValidator(), "Bleu.Lille59", user) == ["password_reused"]
    assert codes(PasswordHistoryValidator(), "Vert.Lille59", user) == ["password_reused"]
    assert codes(PasswordHistoryValidator(), "Rouge.Lille59", user) == []


@pytest.mark.django_db
def test_the_current_password_counts_even_without_history(settings):
    user = make_user()
    user.set_password("Bleu.Lille59")
    user.save()
    PasswordHistory.objects.all().delete()  # set before the history was kept, say

    assert codes(PasswordHistoryValidator(), "Bleu.Lille59", user) == ["password_reused"]


@pytest.mark.django_db
def test_every_password_set_is_kept_in_the_history():
    user = make_user()
    user.save()
    for password in ("Bleu.Lille59", "Vert.Lille59"):
        user.set_password(password)
        user.save()
    assert user.password_history.count() == 2


@given(core=st.text(alphabet=LOWER + UPPER + DIGITS + PUNCTUATION, min_size=8, max_size=32))
def test_all_validators_accept_a_password_meeting_every_rule(core):
    password = "aB3," + core[4:]
    assume(8 <= len(password) <= 32)
    assume(codes(CommonPasswordValidator(), password) == [])
    assume(codes(PersonalContextValidator(), password, None) == [])
    assert codes(LengthValidator(), password) == []
    assert codes(CharacterClassValidator(), password) == []


def test_help_texts_list_the_rules():
    texts = list(password_validation.password_validators_help_texts())
    assert texts[0] == "doit contenir entre 8 et 32 caractères."
    assert texts[-1] == "ne doit pas avoir été utilisé au cours de la dernière année."


@pytest.mark.parametrize(("days", "french", "english"), [
    (365, "ne doit pas avoir été utilisé au cours de la dernière année.",
     "must not have been used within the past year."),
    (30, "ne doit pas avoir été utilisé au cours des 30 derniers jours.",
     "must not have been used within the past 30 days."),
])
def test_the_history_rule_says_the_period_that_is_set(settings, days, french, english):
    from django.utils import translation

    settings.ETS_PASSWORD_HISTORY_DAYS = days
    assert PasswordHistoryValidator().get_help_text() == french
    with translation.override("en"):
        assert PasswordHistoryValidator().get_help_text() == english


@pytest.mark.django_db
def test_the_help_page_states_the_period_that_is_set(client, settings):
    settings.ETS_PASSWORD_HISTORY_DAYS = 30
    assert ("ne doit pas avoir été utilisé au cours des 30 derniers jours ;"
            in client.get("/aide/").content.decode())
