"""Validators of contact fields that registration does not need."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "control_characters": _("Ce champ contient des caractères non autorisés (caractères de "
                            "contrôle, tabulations ou retours à la ligne)."),
}


def reject_control_characters(value: str) -> None:
    """Names and addresses are one line of printable text.

    This also keeps the CSV export free of the tab and carriage-return cells that
    spreadsheets treat as formulas, and lets the import refuse such bytes as binary.
    """
    if not value or value.isprintable():  # printable text has no control character
        return
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValidationError(MESSAGES["control_characters"], code="control_characters")
