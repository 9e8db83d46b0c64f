"""Normalised forms of what users type, shared by every flow that compares them."""

import unicodedata


def normalize_email(value: str) -> str:
    """Addresses are compared without case and surrounding spaces."""
    return (value or "").strip().lower()


def fold(value: str) -> str:
    """Case, accents and runs of spaces removed: "  Éric  LE Blanc " -> "eric le blanc"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_marks.casefold().split())
