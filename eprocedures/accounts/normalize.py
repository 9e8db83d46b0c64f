"""Normalised forms of what users type, shared by every flow that compares them."""

import unicodedata

import idna


def normalize_email(value: str) -> str:
    """Addresses are compared without case and surrounding spaces, and one way of writing
    a domain: "Paul@EXÄMPLE.fr", "paul@xn--exmple-cua.fr" and a decomposed "ä" are one
    mailbox, so they must be one account (stored as "paul@xn--exmple-cua.fr")."""
    value = (value or "").strip().lower()
    if value.isascii() and "xn--" not in value:
        return value  # nearly every address: nothing more to do
    local, at, domain = unicodedata.normalize("NFC", value).rpartition("@")
    if not at:
        return value
    return f"{local}@{normalize_domain(domain)}"


def normalize_domain(domain: str) -> str:
    """An internationalised domain in its ASCII form, "xn--…" (IDNA 2008 with UTS #46).

    Not Python's own "idna" codec, whose transitional mapping turns "straße.de" into
    "strasse.de", another domain; and the ASCII form, because Django's mail encodes a
    Unicode domain with that very codec before sending. A domain IDNA refuses is kept
    as written (for comparisons); a new address with one is refused (IdentifiersForm)."""
    try:
        return idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError:
        return domain


def fold(value: str) -> str:
    """Case, accents and runs of spaces removed: "  Éric  LE Blanc " -> "eric le blanc"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_marks.casefold().split())
