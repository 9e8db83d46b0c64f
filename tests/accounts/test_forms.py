"""Postal code, SIREN, street number and the other rules of the shared account forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from eprocedures.accounts.forms import (
    ContactDetailsForm,
    IdentifiersForm,
    LegalPersonForm,
    SecretQuestionsForm,
    TermsForm,
)
from eprocedures.accounts.normalize import fold, normalize_email

DETAILS = {
    "civility": "M", "last_name": "Durand", "first_name": "Paul", "country": "FR",
    "street_number": "", "street_type": "", "street_name": "rue bleue",
    "address_complement": "", "po_box": "", "postal_code": "59000", "city": "LILLE",
    "is_attorney": "non", "is_legal_person": "non",
}


def details_errors(**changes):
    form = ContactDetailsForm({**DETAILS, **changes})
    form.is_valid()
    return form.errors


@pytest.mark.django_db
@given(code=st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_any_five_digits_is_a_french_postal_code(code):
    assert "postal_code" not in details_errors(postal_code=code)


@pytest.mark.django_db
@given(code=st.text(alphabet="0123456789 AB-", min_size=1, max_size=12).filter(
    lambda c: c.strip() and not (len(c.strip()) == 5 and c.strip().isdigit())))
def test_anything_else_is_refused_in_france_with_the_exact_message(code):
    assert details_errors(postal_code=code)["postal_code"] == [
        "Un code postal français comporte 5 chiffres."]


@pytest.mark.django_db
@given(code=st.text(alphabet="0123456789 ABXY-", min_size=1, max_size=10).filter(str.strip))
def test_other_countries_keep_their_own_postal_codes(code):
    assert "postal_code" not in details_errors(country="GB", postal_code=code)


@pytest.mark.django_db
@given(number=st.integers(min_value=1, max_value=99999))
def test_street_number_takes_digits(number):
    assert "street_number" not in details_errors(street_number=str(number))


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["12 bis", "12B", "ter", "12-14", "١٢"])
def test_street_number_refuses_bis_ter_letters(value):
    assert details_errors(street_number=value)["street_number"][0].startswith(
        "Le n° de voie ne contient que des chiffres.")


@pytest.mark.django_db
def test_contact_details_cleaned():
    form = ContactDetailsForm(DETAILS)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["is_attorney"] is False
    assert form.cleaned_data["country"] == "FR"


@pytest.mark.django_db
def test_an_unknown_country_is_refused():
    assert "country" in details_errors(country="XX")


@given(body=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_siren_with_its_check_digit_is_accepted(body):
    siren = body + luhn.calc_check_digit(body)
    form = LegalPersonForm({"legal_name": "X", "legal_form": "SA",
                            "siren": f"{siren[:3]} {siren[3:6]} {siren[6:]}"}, country="FR")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["siren"] == siren


@given(body=st.text(alphabet="0123456789", min_size=8, max_size=8),
       wrong=st.integers(min_value=1, max_value=9))
def test_a_siren_with_a_wrong_check_digit_is_refused(body, wrong):
    right = int(luhn.calc_check_digit(body))
    siren = body + str((right + wrong) % 10)
    form = LegalPersonForm({"legal_name": "X", "legal_form": "SA", "siren": siren}, country="FR")
    assert form.errors["siren"] == [
        "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise)."]


@given(value=st.text(min_size=1, max_size=12).filter(lambda v: not v.strip().isdigit()))
def test_a_siren_that_is_not_digits_is_refused(value):
    form = LegalPersonForm({"legal_name": "X", "legal_form": "SA", "siren": value}, country="FR")
    assert not form.is_valid()
    assert "siren" in form.errors


def test_outside_france_a_registration_number_replaces_the_siren():
    form = LegalPersonForm({"legal_name": "X", "legal_form": "GmbH"}, country="DE")
    assert "siren" not in form.fields
    assert form.errors["registration_number"] == ["Ce champ est obligatoire."]


@given(local=st.from_regex(r"[a-zA-Z0-9._]{1,20}", fullmatch=True))
def test_email_is_normalised(local):
    assume_ok = not local.startswith(".") and not local.endswith(".") and ".." not in local
    if not assume_ok:
        return
    form = IdentifiersForm({"email": f"  {local}@Example.FR ", "mobile_phone_region": "FR",
                            "mobile_phone_number": "612345678"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == f"{local}@example.fr".lower()
    assert normalize_email(f" {local}@EXAMPLE.fr") == f"{local}@example.fr".lower()


@pytest.mark.parametrize("written", [
    "paul@exämple.fr", "Paul@EXÄMPLE.FR", "paul@xn--exmple-cua.fr", "paul@XN--EXMPLE-CUA.fr",
    "paul@exa\u0308mple.fr",  # "ä" decomposed
])
def test_one_internationalised_domain_is_one_address(written):
    assert normalize_email(written) == "paul@xn--exmple-cua.fr"


@pytest.mark.parametrize("written", ["paul@straße.de", "paul@xn--strae-oqa.de"])
def test_a_domain_keeps_its_own_letters(written):
    # Python's transitional IDNA would make it "strasse.de": another domain, another owner.
    assert normalize_email(written) == "paul@xn--strae-oqa.de"


@pytest.mark.django_db
def test_registering_the_punycode_form_of_an_address_finds_the_account(client):
    from eprocedures.accounts.models import User
    from tests.factories import person

    person("paul@xn--exmple-cua.fr")
    form = IdentifiersForm({"email": "Paul@Exämple.fr", "mobile_phone_region": "FR",
                            "mobile_phone_number": "612345678"})
    assert form.is_valid(), form.errors
    assert User.objects.filter(email=form.cleaned_data["email"]).exists()


@pytest.mark.parametrize("written", [
    "paul.durand@ex\u200dample.fr",  # an invisible joiner: mail software drops it
    "paul.durand@ex\u200cample.fr",
    "p@\u2603.com",  # a snowman: IDNA 2008 refuses symbols
    "p@\u200b.com",  # nothing left of the label once the invisible space goes
])
def test_a_domain_idna_refuses_is_refused_with_the_usual_message(written):
    # Kept as written it would be another account for the mailbox that mail software
    # delivers it to ("example.fr", "xn--n3h.com"), or an address never delivered.
    form = IdentifiersForm({"email": written, "mobile_phone_region": "FR",
                            "mobile_phone_number": "612345678"})

    assert not form.is_valid()
    assert form.errors["email"] == ["Saisissez une adresse de courriel valide."]


def test_secret_questions_must_be_two_different_ones():
    form = SecretQuestionsForm({"question_1": "favourite_sport", "answer_1": "a",
                                "question_2": "favourite_sport", "answer_2": "b"})
    assert form.errors == {"question_2": ["Choisissez deux questions différentes."]}


def test_terms_must_be_accepted():
    assert TermsForm({"accept_terms": "oui"}).is_valid()
    assert TermsForm({"accept_terms": "non"}).errors["accept_terms"] == [
        "Vous devez valider les conditions générales d'utilisation pour créer votre compte."]
    assert TermsForm({"accept_terms": "peut-être"}).errors["accept_terms"][0].startswith(
        "Sélectionnez un choix valide.")


@given(st.text(alphabet="abcdeéèàçêëïôùûüÿæœ ABCÉÈÀÇ-'", max_size=30))
def test_fold_is_idempotent_and_ignores_case_accents_and_spaces(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert fold("  " + text.upper().replace(" ", "   ") + " ") == folded
    assert not any(c in folded for c in "éèàçêëïôùûüÿ")


def test_fold_example():
    assert fold("  Éric  LE Blanc ") == "eric le blanc"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/carnet-adresses/ajouter/", "/mes-informations/coordonnees/"])
def test_country_names_follow_each_requests_language(client, path):
    from tests.factories import person

    client.force_login(person("paul.durand@example.fr"))
    for language, germany, other in [("en", "Germany", "Allemagne"), ("fr", "Allemagne", "Germany"),
                                     ("en", "Germany", "Allemagne")]:
        client.cookies["ets_language"] = language
        html = client.get(path).content.decode()
        assert f'<option value="DE">{germany}</option>' in html, language
        assert f">{other}<" not in html, language


@pytest.mark.django_db
def test_country_names_of_the_registration_step_follow_the_language(client):
    client.post("/inscription/identifiants/", {
        "email": "paul@example.fr", "mobile_phone_region": "FR",
        "mobile_phone_number": "6 12 34 56 78"})
    for language, germany in [("en", "Germany"), ("fr", "Allemagne"), ("en", "Germany")]:
        client.cookies["ets_language"] = language
        html = client.get("/inscription/informations/").content.decode()
        assert f'<option value="DE">{germany}</option>' in html, language


@pytest.mark.django_db
@pytest.mark.parametrize(("registered", "typed"), [
    ("D'Artagnan", "D’Artagnan"),  # a phone's curly apostrophe
    ("Coeur", "Cœur"), ("Cœur", "coeur"), ("Lætitia", "laetitia"),
    ("  Éric  LE Blanc ", "eric le blanc"),
])
def test_a_secret_answer_matches_as_the_owner_would_type_it(registered, typed):
    from eprocedures.accounts.models import SecretAnswer, hash_secret_answer

    answer = SecretAnswer(question="favourite_sport", answer_hash=hash_secret_answer(registered))

    assert answer.check_answer(typed)
    assert not answer.check_answer("autre chose")


@pytest.mark.django_db
def test_an_answer_hashed_before_apostrophes_were_folded_still_matches():
    from django.contrib.auth.hashers import make_password

    from eprocedures.accounts.models import SecretAnswer

    answer = SecretAnswer(question="favourite_sport", answer_hash=make_password(fold("Cœur")))

    assert answer.check_answer("Cœur")
