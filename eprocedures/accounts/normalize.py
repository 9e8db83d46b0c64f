"""Normalised forms of what users type, shared by every flow that compares them."""

import unicodedata


def normalize_email(value: str) -> str:
    """Addresses are compared without case and surrounding spaces, and one way of writing
    a domain: "Paul@EXÄMPLE.fr", "paul@xn--exmple-cua.fr" and a decomposed "ä" are one
    mailbox, so they must be one account."""
    value = (value or "").strip().lower()
    if value.isascii() and "xn--" not in value:
        return value  # nearly every address: nothing more to do
    value = unicodedata.normalize("NFC", value)
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    try:
        # Punycode labels written out in Unicode, Unicode ones mapped (IDNA nameprep).
        domain = domain.encode("idna").decode("idna")
    except UnicodeError:
        return value  # not a domain the e-mail validator accepts either
    return f"{local}@{domain}"


def fold(value: str) -> str:
    """Case, accents and runs of spaces removed: "  Éric  LE Blanc " -> "eric le blanc"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_marks.casefold().split())
