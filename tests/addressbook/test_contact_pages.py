import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from eprocedures.addressbook.models import Contact
from eprocedures.addressbook.validators import reject_control_characters

from .conftest import add_contact, legal, natural

pytestmark = pytest.mark.django_db

LIST = "/carnet-adresses/"
ADD = "/carnet-adresses/ajouter/"


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_pages_need_a_signed_in_user(client, user):
    contact = add_contact(user)
    for url in (LIST, ADD, f"/carnet-adresses/{contact.pk}/modifier/",
                f"/carnet-adresses/{contact.pk}/supprimer/", "/carnet-adresses/export/",
                "/carnet-adresses/import/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("signin:login") + "?next=")


def test_urls_are_those_of_the_contract():
    assert reverse("addressbook:list") == LIST
    assert reverse("addressbook:export") == "/carnet-adresses/export/"
    assert reverse("addressbook:import") == "/carnet-adresses/import/"


def test_a_natural_person_is_added_with_phones_in_e164(signed_in, user):
    response = signed_in.post(ADD, natural())

    assert response.status_code == 302
    assert response["Location"] == LIST
    contact = Contact.objects.get()
    assert contact.owner == user
    assert (contact.kind, contact.civility, contact.last_name, contact.first_name) == (
        "physique", "MME", "Martin", "Claire")
    assert str(contact.phone) == "+33145678901"
    assert str(contact.mobile_phone) == "+33612345678"
    assert contact.email == "claire.martin@example.fr"
    page = signed_in.get(LIST).content.decode()
    assert "Le contact a été ajouté à votre carnet d&#x27;adresses." in page
    assert "Mme Martin Claire" in page


def test_a_legal_person_is_added_with_its_siren_compacted(signed_in):
    response = signed_in.post(ADD, legal())

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.kind, contact.legal_name, contact.legal_form, contact.siren) == (
        "morale", "Brevets & Cie", "SAS", "732829320")
    assert (contact.civility, contact.last_name, contact.first_name) == ("", "", "")


def test_fields_of_the_other_kind_are_not_kept(signed_in):
    signed_in.post(ADD, natural(legal_name="Oubliée SA", legal_form="SA", siren="123"))

    contact = Contact.objects.get()
    assert (contact.legal_name, contact.legal_form, contact.siren) == ("", "", "")


def test_each_kind_requires_its_own_fields(signed_in):
    response = signed_in.post(ADD, natural(civility="", last_name="", first_name=""))
    for field in ("civility", "last_name", "first_name"):
        assert errors_of(response, field) == ["Ce champ est obligatoire."]

    response = signed_in.post(ADD, legal(legal_name="", legal_form=""))
    for field in ("legal_name", "legal_form"):
        assert errors_of(response, field) == ["Ce champ est obligatoire."]
    assert errors_of(response, "last_name") == []
    assert Contact.objects.count() == 0


def test_an_invalid_siren_is_refused(signed_in):
    response = signed_in.post(ADD, legal(siren="732 829 321"))

    assert errors_of(response, "siren") == [
        "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise)."]
    assert Contact.objects.count() == 0


def test_address_rules_are_those_of_registration(signed_in):
    response = signed_in.post(ADD, natural(street_number="12 bis", postal_code="7501"))

    assert errors_of(response, "street_number") == [
        "Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », « ter », "
        "une lettre…, laissez ce champ vide et écrivez l'adresse complète dans « Libellé de "
        "voie »."]
    assert errors_of(response, "postal_code") == ["Un code postal français comporte 5 chiffres."]
    # Outside France the postal code is free.
    response = signed_in.post(ADD, natural(country="BE", postal_code="1000",
                                           phone_number="", mobile_phone_number=""))
    assert response.status_code == 302


def test_phone_rules_are_those_of_registration(signed_in):
    response = signed_in.post(ADD, natural(phone_number="12345",
                                           mobile_phone_number="01 45 67 89 01"))

    assert errors_of(response, "phone") == [
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté)."]
    assert errors_of(response, "mobile_phone") == [
        "Ce numéro n'est pas un numéro de téléphone mobile."]


def test_control_characters_are_refused(signed_in):
    response = signed_in.post(ADD, natural(city="Pa\tris"))

    assert errors_of(response, "city") == [
        "Ce champ contient des caractères non autorisés (caractères de contrôle, tabulations ou "
        "retours à la ligne)."]


def test_an_identical_contact_is_refused(signed_in):
    signed_in.post(ADD, natural())
    # Same contact, other case and accents: identical once normalised.
    response = signed_in.post(ADD, natural(last_name="MARTIN", city="PARÍS"))

    assert response.context["form"].non_field_errors() == [
        "Ce contact existe déjà dans votre carnet d'adresses."]
    assert Contact.objects.count() == 1


def test_a_twin_saved_meanwhile_is_refused_as_a_duplicate_not_an_error(
        signed_in, user, monkeypatch):
    from eprocedures.addressbook.forms import ContactForm

    looked = ContactForm.validate_unique
    twin_saved = []

    def looked_then_twin_saved(form):
        looked(form)  # found no twin...
        if not twin_saved:  # ...then a double click's first request saves one
            twin_saved.append(True)
            ContactForm(natural(), owner=user).save()

    monkeypatch.setattr(ContactForm, "validate_unique", looked_then_twin_saved)
    response = signed_in.post(ADD, natural())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ce contact existe déjà dans votre carnet d'adresses."]
    assert 'value="Martin"' in response.content.decode()  # what was typed is kept
    assert Contact.objects.count() == 1


def test_a_contact_is_edited(signed_in, user):
    contact = add_contact(user)
    url = f"/carnet-adresses/{contact.pk}/modifier/"
    page = signed_in.get(url).content.decode()
    assert 'value="Dupont"' in page

    response = signed_in.post(url, natural(last_name="Dupond"))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_name == "Dupond"
    assert Contact.objects.count() == 1
    assert "Le contact a été modifié." in signed_in.get(LIST).content.decode()


def test_saving_a_contact_unchanged_is_not_a_duplicate(signed_in):
    signed_in.post(ADD, natural())
    contact = Contact.objects.get()

    response = signed_in.post(f"/carnet-adresses/{contact.pk}/modifier/", natural())

    assert response.status_code == 302


def test_delete_asks_for_confirmation_then_deletes_on_post(signed_in, user):
    contact = add_contact(user)
    url = f"/carnet-adresses/{contact.pk}/supprimer/"

    page = signed_in.get(url).content.decode()
    assert "Voulez-vous vraiment supprimer le contact « Dupont Jean »" in page
    assert Contact.objects.count() == 1

    response = signed_in.post(url)
    assert response.status_code == 302
    assert Contact.objects.count() == 0
    assert "Le contact a été supprimé." in signed_in.get(LIST).content.decode()


def test_nobody_sees_or_changes_another_accounts_contacts(signed_in, make_user):
    other = make_user()
    theirs = add_contact(other, last_name="Secret")

    assert "Secret" not in signed_in.get(LIST).content.decode()
    assert "Secret" not in signed_in.get(LIST + "?q=secret").content.decode()
    assert "Secret" not in b"".join(signed_in.get("/carnet-adresses/export/").streaming_content
                                    ).decode()
    for url in (f"/carnet-adresses/{theirs.pk}/modifier/",
                f"/carnet-adresses/{theirs.pk}/supprimer/"):
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, natural()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.last_name == "Secret"


def test_search_matches_name_legal_name_city_and_email_ignoring_case_and_accents(signed_in,
                                                                                 user):
    add_contact(user, last_name="Éluard", first_name="Paul")
    add_contact(user, kind="morale", civility="", last_name="", first_name="",
                legal_name="Société Générale des Brevets", legal_form="SA")
    add_contact(user, last_name="Nantais", city="Nantes")
    add_contact(user, last_name="Courriel", email="zoe@exemple.org")

    def names(query):
        response = signed_in.get(LIST, {"q": query})
        return [c.display_name for c in response.context["page"].object_list]

    assert names("eluard") == ["Éluard Paul"]
    assert names("GENERALE brevets") == ["Société Générale des Brevets"]
    assert names("nantes") == ["Nantais Jean"]
    assert names("exemple.org") == ["Courriel Jean"]
    assert names("inconnu") == []
    assert "Aucun contact ne correspond à « inconnu »." in signed_in.get(
        LIST, {"q": "inconnu"}).content.decode()


def test_the_list_is_sorted_and_paginated(signed_in, user, settings):
    settings.ETS_ADDRESSBOOK_PAGE_SIZE = 2
    for name in ("Caron", "Abel", "Bernard", "Dumas", "Éva"):
        add_contact(user, last_name=name)

    first = signed_in.get(LIST)
    assert [c.last_name for c in first.context["page"].object_list] == ["Abel", "Bernard"]
    assert "Page 1 sur 3" in first.content.decode()
    third = signed_in.get(LIST, {"page": 3})
    assert [c.last_name for c in third.context["page"].object_list] == ["Éva"]
    # Past the end: the last page, not an error.
    assert signed_in.get(LIST, {"page": 99}).context["page"].number == 3
    # The search is kept in the page links.
    assert '?q=jean&amp;page=2' in signed_in.get(LIST, {"q": "jean"}).content.decode()


def test_an_empty_book_says_so(signed_in):
    page = signed_in.get(LIST).content.decode()
    assert "Votre carnet d'adresses est vide." in page


def test_the_myinfo_block_offers_voir_importer_exporter(signed_in):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/mes-informations/")
    html = render_to_string("addressbook/myinfo_block.html", request=request)
    assert '<a class="button" href="/carnet-adresses/">Voir</a>' in html
    assert 'action="/carnet-adresses/import/"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<input type="file" name="file"' in html
    assert ">Importer</button>" in html
    assert 'href="/carnet-adresses/export/" download>Exporter</a>' in html


@pytest.mark.parametrize(("value", "refused"), [
    ("Rue des Lilas", False), ("Bâtiment\u00a0B", False), ("Zoë\u200bCie", False),
    ("می\u200cخواهم", False),  # the non-joiner some scripts need inside a word
    ("a\u2028b", True), ("a\u2029b", True),  # line and paragraph separators
    ("Durand\u202egro.lpmaxe", True), ("a\u2066b", True),  # text direction turned
    ("Mar\u200ftin", True), ("a\u200eb", True), ("a\u061cb", True),  # direction marks
    ("Pa\ufeffris", True),  # a byte-order mark left inside
    ("a\tb", True), ("a\x7fb", True), ("a\x85b", True), ("a\x00b", True),
])
def test_only_control_characters_are_refused(value, refused):
    try:
        reject_control_characters(value)
    except ValidationError as error:
        assert refused and error.code == "control_characters"
    else:
        assert not refused


def test_the_identity_constraint_is_still_validated_outside_forms(user):
    add_contact(user)
    twin = Contact(owner=user, kind="physique", civility="M", last_name="DUPONT",
                   first_name="Jean", country="FR", street_name="avenue de la Gare",
                   postal_code="69001", city="Lyon")
    twin.refresh_derived()
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.messages == [
        "Un objet Contact avec ces champs Titulaire du carnet et Identity key existe déjà."]


def test_both_kinds_mandatory_fields_are_marked_and_phones_are_not_autocompleted(signed_in):
    import re

    html = signed_in.get("/carnet-adresses/ajouter/").content.decode()

    for field_id in ("id_last_name", "id_legal_name", "id_legal_form"):
        label = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)[1]
        assert '<span class="required" aria-hidden="true"> *</span>' in label, field_id
        assert 'aria-required="true"' in re.search(rf'<[^>]*id="{field_id}"[^>]*>', html)[0]
    for phone in re.findall(r'<(?:input|select)[^>]*name="(?:phone|mobile_phone)_[^"]*"[^>]*>', html):
        assert 'autocomplete="off"' in phone
