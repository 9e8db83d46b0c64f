"""What the address-book pages do: search, export and the all-or-nothing import."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from eprocedures.accounts.models import User
from eprocedures.accounts.normalize import fold

from . import csvformat
from .csvformat import COLUMN_OF_FIELD, ImportRefused
from .forms import ContactForm
from .models import Contact

BATCH_SIZE = 500
# An import stops listing (and looking for) errors after this many: nothing is imported
# anyway, and a page of a million errors would help nobody.
MAX_LISTED_ERRORS = 1000


def contacts_of(owner: User, query: str = "") -> QuerySet[Contact]:
    """The owner's contacts, sorted by name; with a query, those whose name, dénomination,
    city or e-mail contain every word of it (case and accents ignored)."""
    contacts = Contact.objects.filter(owner=owner)
    # Control characters (NUL above all, which PostgreSQL refuses) separate words as spaces do.
    query = "".join(c if c.isprintable() else " " for c in query)
    for word in fold(query).split()[:10]:
        contacts = contacts.filter(search_text__contains=word)
    return contacts


def export_lines(owner: User):
    """The owner's whole address book as CSV lines (see csvformat)."""
    return csvformat.export_lines(contacts_of(owner).iterator(chunk_size=2000))


@dataclass(frozen=True)
class RowError:
    """One error of an imported file, where a spreadsheet user finds it."""

    line: int
    column: str  # the column's name in the header; empty for the whole row
    letter: str  # the spreadsheet's column letter (A, B, …); empty for the whole row
    message: str


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0  # already in the book
    repeated: int = 0  # the same as an earlier row of the file
    errors: list[RowError] = field(default_factory=list)
    more_errors: bool = False  # errors beyond MAX_LISTED_ERRORS were not looked for


def _row_errors(number: int, form: ContactForm, letters: dict[str, str]) -> list[RowError]:
    errors = []
    for name, messages in form.errors.items():
        column = COLUMN_OF_FIELD.get(name, "")
        letter = letters.get(name, "") if column else ""
        errors.extend(RowError(number, column, letter, str(m)) for m in messages)
    errors.sort(key=lambda e: (e.letter == "", len(e.letter), e.letter))
    return errors


def validate_rows(owner: User, rows: list[csvformat.Row],
                  fields: list[str | None]) -> tuple[list[Contact], list[RowError]]:
    """Check every row with the contact form; return the contacts, or every error found.

    ``fields`` are the header's, in the file's order: an error names the column's letter
    in this file. After MAX_LISTED_ERRORS errors the remaining rows are not checked.
    """
    make_form = ContactForm.for_rows(owner)
    letters = {name: csvformat.column_letter(i) for i, name in enumerate(fields) if name}
    contacts, errors = [], []
    for row in rows:
        if len(errors) >= MAX_LISTED_ERRORS:
            break
        if row.cell_count_error:
            errors.append(RowError(row.number, "", "", row.cell_count_error))
            continue
        if row.unnamed_cell:
            errors.append(RowError(row.number, "", "", str(csvformat.MESSAGES["unnamed_cell"] % {
                "letter": row.unnamed_cell})))
            continue
        form = make_form(csvformat.form_data(row.cells))
        if form.is_valid():
            form.instance.refresh_derived()
            contacts.append(form.instance)
        else:
            errors.extend(_row_errors(row.number, form, letters))
    return contacts, errors


def import_file(owner: User, raw: bytes) -> ImportResult:
    """Import an uploaded CSV file into the owner's address book, all or nothing.

    Raises ImportRefused when the file itself cannot be read (empty, too large,
    binary, wrong header, malformed, no rows). Otherwise every row is validated by
    the contact form before anything is written: with one error, nothing is
    imported and every error is returned. A contact identical to one already in
    the book, or to an earlier row of the file (same identity key, see
    models.identity_key_of), is skipped rather than duplicated.
    """
    text = csvformat.decode(raw, settings.ETS_ADDRESSBOOK_MAX_IMPORT_BYTES)
    rows, fields = csvformat.read_rows(text, settings.ETS_ADDRESSBOOK_MAX_IMPORT_ROWS)
    contacts, errors = validate_rows(owner, rows, fields)
    if errors:
        return ImportResult(errors=errors[:MAX_LISTED_ERRORS],
                            more_errors=len(errors) >= MAX_LISTED_ERRORS)
    result = ImportResult()
    with transaction.atomic():
        # One import at a time per account, so that the duplicate check below holds.
        User.objects.select_for_update().filter(pk=owner.pk).exists()
        book = Contact.objects.filter(owner=owner)
        known = set(book.values_list("identity_key", flat=True))
        in_file, new = set(), []
        for contact in contacts:
            if contact.identity_key in known:
                result.skipped += 1
            elif contact.identity_key in in_file:
                result.repeated += 1
            else:
                in_file.add(contact.identity_key)
                new.append(contact)
        # ignore_conflicts: a contact added on another page meanwhile is a duplicate too
        # (it is then counted as created: a known limit, see docs/addressbook-csv.md).
        Contact.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
        result.created = len(new)
    return result


__all__ = ["ImportRefused", "ImportResult", "RowError", "contacts_of", "export_lines",
           "import_file"]
