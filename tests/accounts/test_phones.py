"""Telephone rules of registration step 1 (lib.phones), checked over many inputs."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from eprocedures.lib.phones import dial_code_choices, parse_phone, split_phone

digits = st.text(alphabet="0123456789", min_size=0, max_size=14)
separators = st.sampled_from(["", " ", ".", "-"])


def code_of(callable_, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        callable_(*args, **kwargs)
    return info.value.code


def test_france_comes_first_in_the_dial_code_list():
    choices = dial_code_choices()
    assert choices[0] == ("FR", "+33 (FR)")
    assert ("BE", "+32 (BE)") in choices
    assert len(choices) > 200


def libphonenumber_says(national: str):
    number = phonenumbers.parse("+33" + national, None)
    if not phonenumbers.is_valid_number(number):
        return "phone_invalid"
    if phonenumbers.number_type(number) not in {phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}:
        return "phone_not_mobile"
    return None


@given(national=st.text(alphabet="0123456789", min_size=9, max_size=9),
       sep=separators, leading_zero=st.booleans())
def test_nine_french_digits_follow_the_numbering_plan(national, sep, leading_zero):
    """9 digits after +33, the 0 accepted and dropped; the plan decides mobile or not."""
    typed = ("0" if leading_zero else "") + sep.join([national[:1], national[1:5], national[5:]])
    assume(not national.startswith("0"))  # "00…" is read as an international prefix
    expected = libphonenumber_says(national)
    if expected is None:
        assert str(parse_phone("FR", typed, mobile=True)) == "+33" + national
    else:
        assert code_of(parse_phone, "FR", typed, mobile=True) == expected


@given(rest=st.text(alphabet="0123456789", min_size=8, max_size=8), first=st.sampled_from("67"))
def test_french_mobiles_from_the_plan_are_accepted(rest, first):
    national = first + rest
    if libphonenumber_says(national) is None:
        assert str(parse_phone("FR", "0" + national, mobile=True)) == "+33" + national


@given(number=digits.filter(lambda d: not d.startswith("00") and len(d) != 9 and not (
    len(d) == 10 and d.startswith("0"))))
def test_a_french_number_of_another_length_is_refused(number):
    assert code_of(parse_phone, "FR", number, mobile=True) == "phone_fr_length"


@given(rest=st.text(alphabet="0123456789", min_size=8, max_size=8),
       first=st.sampled_from("12345"))
def test_a_french_landline_is_not_a_mobile(rest, first):
    number = first + rest
    if libphonenumber_says(number) == "phone_invalid":
        return
    assert code_of(parse_phone, "FR", number, mobile=True) == "phone_not_mobile"
    assert str(parse_phone("FR", number, mobile=False)) == "+33" + number


def test_the_example_of_the_specification():
    assert str(parse_phone("FR", "6 12 34 56 78", mobile=True)) == "+33612345678"
    assert str(parse_phone("FR", "06 12 34 56 78", mobile=True)) == "+33612345678"
    assert code_of(parse_phone, "FR", "61234567889", mobile=True) == "phone_fr_length"


@given(letters=st.text(alphabet="abcXYZ", min_size=1, max_size=3))
def test_letters_are_refused(letters):
    assert code_of(parse_phone, "FR", "6123" + letters + "56", mobile=True) == "phone_fr_length"


@given(region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS - {"FR", "001"})))
def test_each_country_accepts_its_own_example_mobile(region):
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    typed = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert parse_phone(region, typed, mobile=True).as_e164 == e164
    assert parse_phone("FR", e164, mobile=True).as_e164 == e164  # typed in international form
    # What "Mes informations" shows again is accepted again, leading zeros included.
    shown_region, shown = split_phone(e164)
    assert parse_phone(shown_region, shown, mobile=True).as_e164 == e164


def test_an_unknown_region_is_refused():
    assert code_of(parse_phone, "ZZ", "612345678", mobile=True) == "phone_region"


def test_international_form_wins_over_the_list():
    assert str(parse_phone("BE", "+33 6 12 34 56 78", mobile=True)) == "+33612345678"
    assert str(parse_phone("FR", "0032 470 12 34 56", mobile=True)) == "+32470123456"


def test_garbage_after_plus_is_refused():
    assert code_of(parse_phone, "FR", "+", mobile=True) == "phone_invalid"


def test_split_phone_gives_back_the_two_inputs():
    assert split_phone("+33612345678") == ("FR", "612345678")
    assert split_phone(None) == ("FR", "")
