"""Validators of contact fields that registration does not need."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "control_characters": _("Ce champ contient des caractères non autorisés (caractères de "
                            "contrôle, tabulations ou retours à la ligne)."),
}


# Characters that break a line or turn the direction of the text: in a name shown in an
# e-mail they would let someone lay out a paragraph, or disguise a link, of their own.
LINE_AND_DIRECTION = {"Zl", "Zp"}
DIRECTION_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Direction marks turn the text around them too (LRM, RLM, ALM), and a byte-order mark
# inside a text is only ever a leftover. The zero-width space stays: Thai and Khmer use it
# as a word-break hint.
INVISIBLE = set("\u200e\u200f\u061c\ufeff")


def reject_control_characters(value: str) -> None:
    """Names and addresses are one line of printable text.

    This also keeps the CSV export free of the tab and carriage-return cells that
    spreadsheets treat as formulas, and lets the import refuse such bytes as binary.
    The joiners some scripts need inside words (U+200C, U+200D) stay allowed.
    """
    if not value or value.isprintable():  # printable text has none of these
        return
    for c in value:
        if (unicodedata.category(c) == "Cc" or unicodedata.category(c) in LINE_AND_DIRECTION
                or c in DIRECTION_CONTROLS or c in INVISIBLE):
            raise ValidationError(MESSAGES["control_characters"], code="control_characters")
