"""The CSV format of the address book (documented in docs/addressbook-csv.md).

Export: UTF-8 with a BOM (so that spreadsheets guess the encoding), ``;`` as the
separator (French spreadsheets' default), CRLF line ends, one header row of
French column names. Import: the same, with ``;`` or ``,``, with or without BOM.

Formula injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run as a formula by spreadsheets. The export prefixes such a
cell with a single quote, and also a cell that already starts with a single
quote, so that the import can remove exactly one leading quote before any of
those characters and give back the stored value.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from eprocedures.accounts.forms import STREET_TYPES
from eprocedures.accounts.normalize import fold

from .models import Contact, Kind

# (form field, column name): the order of the export, fixed and in French whatever
# the user's language, so that one file serves every user.
COLUMNS = [
    ("kind", "Type"),
    ("civility", "Civilité"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("legal_name", "Dénomination"),
    ("legal_form", "Forme juridique"),
    ("siren", "SIREN"),
    ("registration_number", "N° d'immatriculation"),
    ("country", "Pays"),
    ("street_number", "N° de voie"),
    ("street_type", "Type de voie"),
    ("street_name", "Libellé de voie"),
    ("address_complement", "Complément d'adresse"),
    ("po_box", "Boîte postale"),
    ("postal_code", "Code postal"),
    ("city", "Ville"),
    ("email", "Adresse courriel"),
    ("phone", "Téléphone"),
    ("mobile_phone", "Téléphone mobile"),
]
HEADER = [name for _field, name in COLUMNS]
COLUMN_OF_FIELD = dict(COLUMNS)
CIVILITY_CELLS = {"M": "M.", "MME": "Mme"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"

MESSAGES = {
    "empty": _("Le fichier est vide."),
    "too_large": _("Le fichier dépasse la taille maximale autorisée (%(max)s)."),
    "binary": _(
        "Ce fichier n'est pas un fichier CSV (texte). Enregistrez votre tableau au format "
        "« CSV UTF-8 (point-virgule) » puis importez-le de nouveau."
    ),
    "header": _(
        "La première ligne du fichier n'est pas l'en-tête du carnet d'adresses. "
        "Colonnes attendues : %(expected)s."
    ),
    "header_missing": _("Colonnes manquantes : %(columns)s."),
    "header_unknown": _("Colonnes inconnues : %(columns)s."),
    "header_repeated": _("Colonnes en double : %(columns)s."),
    "malformed": _(
        "Le fichier CSV est mal formé à la ligne %(line)d (guillemet non fermé ou mal placé)."
    ),
    "cell_too_long": _(
        "Le fichier contient à la ligne %(line)d une cellule de plus de %(max)d caractères : "
        "ce n'est pas un carnet d'adresses."
    ),
    "no_rows": _("Le fichier ne contient aucun contact (seulement l'en-tête)."),
    "too_many_rows": _(
        "Le fichier contient plus de %(max)d contacts : importez-le en plusieurs fichiers."
    ),
    "unnamed_cell": _(
        "La colonne %(letter)s n'a pas de nom dans l'en-tête mais cette ligne la remplit : "
        "son contenu serait perdu. Videz-la ou supprimez la colonne."
    ),
}


def cell_count_message(found: int, expected: int) -> str:
    return ngettext(
        "Cette ligne compte %(found)d colonne au lieu de %(expected)d.",
        "Cette ligne compte %(found)d colonnes au lieu de %(expected)d.",
        found,
    ) % {"found": found, "expected": expected}


class ImportRefused(Exception):
    """The whole file is refused before any row is read; ``messages`` say why."""

    def __init__(self, code: str, *messages):
        super().__init__(code)
        self.code = code
        self.messages = list(messages)


# --- Cells ------------------------------------------------------------------------


# Where a spreadsheet may start a cell: the cell's start, and, since a spreadsheet told to
# split on commas (or tabs) re-splits the text of a cell, any place after a comma, a
# semicolon or a tab; spaces before the trigger count for nothing (some trim them). At the
# very start a tab or a carriage return is itself a trigger, not a space to skip.
_CELL_START = r"(^[^\S\t\r]*|[,;\t]\s*)"
_TRIGGER_OR_QUOTE = "[" + re.escape("".join(FORMULA_TRIGGERS) + _QUOTE) + "]"
_NEUTRALISE = re.compile(_CELL_START + f"(?={_TRIGGER_OR_QUOTE})")
_RESTORE = re.compile(_CELL_START + _QUOTE + f"(?={_TRIGGER_OR_QUOTE})")


def neutralise(value: str) -> str:
    """Put a single quote before every formula trigger (or quote) that could start a cell.

    So ``=1+1`` becomes ``'=1+1``, and ``x,=1+1`` becomes ``x,'=1+1``: neither runs,
    whether the spreadsheet splits the file on semicolons or on commas.
    """
    return _NEUTRALISE.sub(r"\1" + _QUOTE, value)


def restore(cell: str) -> str:
    """Undo neutralise(): drop the quote it put before a trigger or another quote."""
    return _RESTORE.sub(r"\1", cell)


def contact_cells(contact: Contact) -> list[str]:
    """The row of one contact, in the order of COLUMNS, before neutralisation."""
    cells = []
    for name, _column in COLUMNS:
        value = getattr(contact, name)
        if name == "civility":
            value = CIVILITY_CELLS.get(value, value)
        cells.append(str(value) if value else "")
    return cells


# --- Export -----------------------------------------------------------------------


class _Line:
    """A file-like object whose write() hands the line back to csv.writer's caller."""

    def write(self, value):
        return value


def export_lines(contacts: Iterable[Contact]) -> Iterator[str]:
    """The CSV file, line by line: BOM and header first, then one line per contact."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield codecs.BOM_UTF8.decode() + writer.writerow(HEADER)
    for contact in contacts:
        yield writer.writerow([neutralise(cell) for cell in contact_cells(contact)])


# --- Import -----------------------------------------------------------------------


@dataclass
class Row:
    """One data row of an imported file: its spreadsheet row number and its cells by field."""

    number: int
    cells: dict[str, str] = field(default_factory=dict)
    cell_count_error: str = ""
    unnamed_cell: str = ""  # the letter of a filled cell under a column without a name


def decode(raw: bytes, max_bytes: int) -> str:
    """The text of an uploaded file, or ImportRefused (empty, too large, binary)."""
    if len(raw) > max_bytes:
        raise ImportRefused("too_large", MESSAGES["too_large"] % {"max": size_label(max_bytes)})
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Texte Unicode": UTF-16 with its byte-order mark. Read as the text it is,
        # the header check then says what is wrong (its cells are separated by tabs).
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused("binary", MESSAGES["binary"]) from None
    if not raw.strip():
        raise ImportRefused("empty", MESSAGES["empty"])
    if b"\x00" in raw:
        raise ImportRefused("binary", MESSAGES["binary"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel for Windows saves "CSV (point-virgule)" in Windows-1252.
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused("binary", MESSAGES["binary"]) from None
    if _CONTROL.search(text):
        raise ImportRefused("binary", MESSAGES["binary"])
    return text


# Control characters other than tab, carriage return and line feed: not a text file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# How many column names a header message lists at most (a file may have thousands).
MAX_LISTED_COLUMNS = 10


def _listing(columns: list[str]) -> str:
    listed = ", ".join(columns[:MAX_LISTED_COLUMNS])
    return listed + (" …" if len(columns) > MAX_LISTED_COLUMNS else "")


def size_label(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return _("%(n)d Mo") % {"n": n // (1024 * 1024)}
    if n >= 1024:
        return _("%(n)d Ko") % {"n": n // 1024}
    return _("%(n)d octets") % {"n": n}


def _header_fields(cells: list[str]) -> tuple[list[str | None], list[str], list[str], list[str]]:
    """Map header cells to fields (case, accents and spaces ignored).

    Also return the missing, unknown and repeated column names, for the message.
    """
    by_folded = {fold(name): name_field for name_field, name in COLUMNS}
    fields, unknown, repeated = [], [], []
    for cell in cells:
        name = by_folded.get(fold(cell))
        if name is None and cell.strip():
            unknown.append(cell.strip())
        elif name is not None and name in fields:
            repeated.append(COLUMN_OF_FIELD[name])
        fields.append(name)
    missing = [column for name, column in COLUMNS if name not in fields]
    return fields, missing, unknown, repeated


def read_rows(text: str, max_rows: int | None = None) -> tuple[list[Row], list[str | None]]:
    """Parse the text into rows keyed by field; return them and the header's fields.

    The header's fields are in the file's order (None for a column without a name), so
    that an error names the column's letter in this file.

    The separator is the one, of ``;`` and ``,``, under which the first line reads
    as the expected header. Rows whose cells are all empty (spreadsheets leave some
    at the end) are skipped. Row numbers are those a spreadsheet shows: the header
    is row 1.
    """
    first_line = text.splitlines()[0] if text else ""
    best = None
    for delimiter in (";", ","):
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:  # e.g. a "cell" longer than the csv module accepts
            cells = [first_line[:100]]
        fields, missing, unknown, repeated = _header_fields(cells)
        score = (not missing and not unknown and not repeated, -len(missing))
        if best is None or score > best[0]:
            best = (score, delimiter, fields, missing, unknown, repeated)
    (ok, _score), delimiter, fields, missing, unknown, repeated = best
    if not ok:
        details = [MESSAGES["header"] % {"expected": " ; ".join(HEADER)}]
        for key, columns in (("header_missing", missing), ("header_unknown", unknown),
                             ("header_repeated", repeated)):
            if columns:
                details.append(MESSAGES[key] % {"columns": _listing(columns)})
        raise ImportRefused("header", *details)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    next(reader)  # the header, read above
    rows, number = [], 1
    while True:
        number += 1
        lines_before = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # The row that fails is the one that started here: a quote left open runs
            # on to the end of the file (or past the cell size limit) before it fails.
            spans_lines = reader.line_num > lines_before + 1
            if str(error).startswith("field larger than field limit") and not spans_lines:
                raise ImportRefused("cell_too_long", MESSAGES["cell_too_long"] % {
                    "line": number, "max": csv.field_size_limit()}) from None
            raise ImportRefused("malformed", MESSAGES["malformed"] % {"line": number}) from None
        if not any(c.strip() for c in cells):
            continue
        if max_rows is not None and len(rows) == max_rows:
            # Each row is checked by the contact form: a file of tens of thousands of
            # one-letter rows would hold a worker for a minute.
            raise ImportRefused("too_many_rows", MESSAGES["too_many_rows"] % {"max": max_rows})
        row = Row(number)
        if len(cells) != len(fields):
            row.cell_count_error = cell_count_message(len(cells), len(fields))
        for index, (name, cell) in enumerate(zip(fields, cells, strict=False)):
            if name:
                row.cells[name] = restore(cell)
            elif cell.strip() and not row.unnamed_cell:
                row.unnamed_cell = column_letter(index)
        rows.append(row)
    if not rows:
        raise ImportRefused("no_rows", MESSAGES["no_rows"])
    return rows, fields


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: A, …, Z, AA, AB…"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- From cells to the contact form's data ------------------------------------------

# What a cell may say, compared folded (case, accents and spaces ignored).
_KINDS = {"physique": Kind.NATURAL, "personne physique": Kind.NATURAL,
          "morale": Kind.LEGAL, "personne morale": Kind.LEGAL}
_CIVILITIES = {"m": "M", "m.": "M", "monsieur": "M", "mme": "MME", "madame": "MME"}
# The codes of the street types are their French names in lower case ("allée", "rue").
_STREET_TYPES = {fold(code): code for code, _label in STREET_TYPES if code}


_FRENCH_E164 = re.compile(r"\+33([1-9][0-9]{8})")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every country's name in French and in English, folded, to its code."""
    names = {}
    for language in ("en", "fr"):  # the French name wins where both fold alike
        with translation.override(language):
            names.update({fold(str(name)): code for code, name in countries})
    return names


@lru_cache(maxsize=512)
def _country_code(cell: str) -> str:
    value = cell.strip()
    if len(value) == 2:
        return value.upper()
    # Case and accents ignored: spreadsheets and keyboards drop the É of "États-Unis".
    return _country_names().get(fold(value), value)


def form_data(cells: dict[str, str]) -> dict[str, str]:
    """The POST data the contact form would receive for these cells."""
    data = dict(cells)
    data["kind"] = _KINDS.get(fold(cells.get("kind", "")), cells.get("kind", ""))
    civility = cells.get("civility", "")
    data["civility"] = _CIVILITIES.get(fold(civility), civility)
    data["country"] = _country_code(cells.get("country", ""))
    street_type = cells.get("street_type", "")
    data["street_type"] = _STREET_TYPES.get(fold(street_type), street_type)
    # A number written without its "+dial code" is read in the contact's country.
    region = data["country"] if data["country"] in phonenumbers.SUPPORTED_REGIONS else "FR"
    for name in ("phone", "mobile_phone"):
        number = data.pop(name, "")
        french = _FRENCH_E164.fullmatch(number)
        # The two inputs of PhoneWidget. A French number in E.164 (as exported) is given
        # as its dial code and 9 digits, which the form reads exactly as "+33…" (+33 is
        # France alone) but parses once instead of twice.
        data[f"{name}_region"] = "FR" if french else region
        data[f"{name}_number"] = french.group(1) if french else number
    return data
