"""Telephone numbers: the dial-code list and the rules of registration step 1.

phonenumbers (Google's libphonenumber metadata) knows every country's plan;
the specification adds one rule for France: 9 digits after +33, a leading 0
accepted and dropped.
"""

import re
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

_SEPARATORS = re.compile(r"[\s.\-/()]")
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}

MESSAGES = {
    "phone_fr_length": _(
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté)."
    ),
    "phone_not_mobile": _("Ce numéro n'est pas un numéro de téléphone mobile."),
    "phone_invalid": _("Ce numéro n'est pas valide pour l'indicatif choisi."),
    "phone_region": _("Choisissez un indicatif dans la liste."),
}


@lru_cache(maxsize=1)
def dial_code_choices() -> list[tuple[str, str]]:
    """("FR", "+33 (FR)") for every region phonenumbers knows, France first."""
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    choices = [(r, f"+{phonenumbers.country_code_for_region(r)} ({r})") for r in regions]
    choices.sort(key=lambda c: (c[0] != "FR", c[0]))
    return choices


def parse_phone(region: str, number: str, *, mobile: bool) -> PhoneNumber:
    """Validate a number typed with a dial code; raise ValidationError with a keyed message."""
    region = (region or "").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(MESSAGES["phone_region"], code="phone_region")
    digits = _SEPARATORS.sub("", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        # A number typed in international form wins over the list.
        try:
            parsed = phonenumbers.parse(digits, None)
        except phonenumbers.NumberParseException:
            raise ValidationError(MESSAGES["phone_invalid"], code="phone_invalid") from None
        region = phonenumbers.region_code_for_number(parsed) or region
        digits = phonenumbers.national_significant_number(parsed)
    if region == "FR":
        return _parse_french(digits, mobile=mobile)
    try:
        parsed = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(MESSAGES["phone_invalid"], code="phone_invalid") from None
    if not phonenumbers.is_valid_number_for_region(parsed, region):
        raise ValidationError(MESSAGES["phone_invalid"], code="phone_invalid")
    if mobile and phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        raise ValidationError(MESSAGES["phone_not_mobile"], code="phone_not_mobile")
    return PhoneNumber.from_string(phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164))


def _parse_french(digits: str, *, mobile: bool) -> PhoneNumber:
    if len(digits) == 10 and digits.startswith("0"):
        digits = digits[1:]
    if not (len(digits) == 9 and digits.isdigit() and digits.isascii()):
        raise ValidationError(MESSAGES["phone_fr_length"], code="phone_fr_length")
    # Parsed once, straight into the PhoneNumber returned (as PhoneNumber.from_string does).
    parsed = PhoneNumber()
    phonenumbers.parse("+33" + digits, None, keep_raw_input=True, numobj=parsed)
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(MESSAGES["phone_invalid"], code="phone_invalid")
    if mobile and phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        raise ValidationError(MESSAGES["phone_not_mobile"], code="phone_not_mobile")
    return parsed


def split_phone(phone) -> tuple[str, str]:
    """(region, national digits) of a stored number, to fill the two inputs again."""
    if not phone:
        return "FR", ""
    parsed = phonenumbers.parse(str(phone), None)
    region = phonenumbers.region_code_for_number(parsed) or "FR"
    return region, phonenumbers.national_significant_number(parsed)
