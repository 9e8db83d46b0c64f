"""Export then import gives back the same contacts (property tests with hypothesis)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eprocedures.addressbook import services
from eprocedures.addressbook.csvformat import neutralise, restore
from eprocedures.addressbook.forms import ContactForm
from eprocedures.addressbook.models import CONTACT_FIELDS, Contact
from eprocedures.addressbook.validators import DIRECTION_CONTROLS, INVISIBLE

pytestmark = pytest.mark.django_db

# Printable text of any script, with the characters a CSV or a spreadsheet cares about.
TRICKY = ["=1+1", "+33", "-2", "@SUM(A1)", "'=x", "'", "''", "a;b", "a,b", 'dit "le grand"',
          "l'Haÿ-les-Roses", "Ørsted", "東京", "🙂"]
# Less what a name may not hold (addressbook.validators.reject_control_characters).
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                       blacklist_characters="".join(DIRECTION_CONTROLS | INVISIBLE))


def line(max_size, required=False):
    text = st.one_of(st.sampled_from(TRICKY), st.text(_chars, max_size=max_size)).map(str.strip)
    return text.filter(bool) if required else text


FIXED = ["", "+33145678901", "+442079460958", "+3222123456"]
MOBILE = ["", "+33612345678", "+447911123456"]


@st.composite
def contact_data(draw):
    kind = draw(st.sampled_from(["physique", "morale"]))
    country = draw(st.sampled_from(["FR", "BE", "DE", "US", "JP"]))
    data = {
        "kind": kind,
        "country": country,
        "street_number": draw(st.one_of(st.just(""), st.integers(1, 9999).map(str))),
        "street_type": draw(st.sampled_from(["", "rue", "allée", "lieu-dit", "quai"])),
        "street_name": draw(line(60, required=True)),
        "address_complement": draw(line(60)),
        "po_box": draw(line(20)),
        "postal_code": (draw(st.from_regex(r"\A[0-9]{5}\Z")) if country == "FR"
                        else draw(line(10, required=True))),
        "city": draw(line(40, required=True)),
        "email": draw(st.one_of(st.just(""), st.from_regex(
            r"\A[a-z0-9=+_-]{1,10}@[a-z0-9]{1,10}\.(fr|com|org)\Z"))),
        "phone_region": "FR",
        "phone_number": draw(st.sampled_from(FIXED)),
        "mobile_phone_region": "FR",
        "mobile_phone_number": draw(st.sampled_from(MOBILE)),
    }
    if kind == "physique":
        data |= {"civility": draw(st.sampled_from(["M", "MME"])),
                 "last_name": draw(line(40, required=True)),
                 "first_name": draw(line(40, required=True))}
    else:
        data |= {"legal_name": draw(line(60, required=True)),
                 "legal_form": draw(line(30, required=True)),
                 "siren": draw(st.sampled_from(["", "732829320", "552100554"])),
                 "registration_number": draw(line(20))}
    return data


def snapshot(owner):
    return sorted(tuple(str(getattr(c, f)) for f in CONTACT_FIELDS)
                  for c in Contact.objects.filter(owner=owner))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(contact_data(), min_size=1, max_size=6))
def test_export_then_import_gives_back_the_same_contacts(user, contacts):
    Contact.objects.filter(owner=user).delete()
    for data in contacts:
        form = ContactForm(data, owner=user)
        if form.is_valid():
            form.save()
        else:  # only an identical contact drawn twice may be refused
            assert form.errors.as_data().keys() == {"__all__"}, form.errors
            assert form.non_field_errors()[0].startswith("Ce contact existe déjà")
    before = snapshot(user)
    exported = "".join(services.export_lines(user)).encode("utf-8")

    Contact.objects.filter(owner=user).delete()
    result = services.import_file(user, exported)

    assert result.errors == []
    assert (result.created, result.skipped) == (len(before), 0)
    assert snapshot(user) == before

    # Importing the same file again duplicates nothing.
    again = services.import_file(user, exported)
    assert (again.created, again.skipped) == (0, len(before))
    assert snapshot(user) == before


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(value):
    assert restore(neutralise(value)) == value
    assert not neutralise(value).startswith(("=", "+", "-", "@", "\t", "\r"))


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(alphabet=",; \t'=+-@\r\n\u00a0ab"))
def test_no_cell_a_spreadsheet_could_cut_out_starts_like_a_formula(value):
    # A spreadsheet told to split on commas (or tabs) re-splits a cell's text.
    cell = neutralise(value)
    assert restore(cell) == value
    assert not cell.startswith(TRIGGERS), (value, cell)
    for piece in re.split(r"[,;\t]", cell):
        assert not piece.lstrip().startswith(TRIGGERS[:4]), (value, cell)
