"""PhoneField and YesNoField, shared by registration, "Mes informations" and the address book."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from eprocedures.lib.formfields import PhoneField, YesNoField


class PhoneForm(forms.Form):
    mobile = PhoneField(mobile=True)
    other = PhoneField(required=False)


class QuestionForm(forms.Form):
    answer = YesNoField()


def test_phone_field_reads_the_two_inputs():
    form = PhoneForm({"mobile_region": "FR", "mobile_number": "06.12.34.56.78",
                      "other_region": "FR", "other_number": ""})
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["mobile"]) == "+33612345678"
    assert form.cleaned_data["other"] is None


def test_phone_field_required_message():
    form = PhoneForm({"mobile_region": "FR", "mobile_number": "  "})
    assert form.errors["mobile"] == ["Ce champ est obligatoire."]


def test_phone_field_without_any_input_is_required():
    assert PhoneForm({}).errors["mobile"] == ["Ce champ est obligatoire."]


def test_phone_field_refuses_an_unknown_dial_code_with_its_own_message():
    form = PhoneForm({"mobile_region": "XX", "mobile_number": "612345678"})
    assert form.errors["mobile"] == ["Choisissez un indicatif dans la liste."]


def test_phone_field_renders_the_stored_number_again():
    form = PhoneForm(initial={"mobile": "+33612345678"})
    html = str(form["mobile"])
    assert '<option value="FR" selected>' in html and 'value="612345678"' in html


@pytest.mark.parametrize(("value", "expected"), [("oui", True), ("non", False)])
def test_yes_no_field_gives_a_bool(value, expected):
    form = QuestionForm({"answer": value})
    assert form.is_valid()
    assert form.cleaned_data["answer"] is expected


def test_yes_no_field_refuses_anything_else():
    assert QuestionForm({"answer": "true"}).errors["answer"] == [
        "Sélectionnez un choix valide. true n’en fait pas partie."]
    assert QuestionForm({}).errors["answer"] == ["Ce champ est obligatoire."]


def test_yes_no_field_shows_a_stored_bool_checked():
    html = str(QuestionForm(initial={"answer": False})["answer"])
    assert 'value="non" required id="id_answer_1" checked' in html


def test_phone_field_errors_are_validation_errors_with_codes():
    field = PhoneField(mobile=True)
    with pytest.raises(ValidationError) as info:
        field.clean(["FR", "1 23 45 67 89"])
    assert info.value.code == "phone_not_mobile"
