from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent

from .conftest import form_errors, mails_to, make_user, page, sign_in

URL = "/mes-informations/coordonnees/"


def contact_data(**overrides):
    data = {
        "civility": "MME", "last_name": "Martin", "first_name": "Claire", "country": "FR",
        "street_number": "12", "street_type": "avenue", "street_name": "des Lilas",
        "address_complement": "", "po_box": "", "postal_code": "69003", "city": "LYON",
        "is_attorney": "non", "is_legal_person": "non",
        "phones-TOTAL_FORMS": "1", "phones-INITIAL_FORMS": "0",
        "phones-MIN_NUM_FORMS": "0", "phones-MAX_NUM_FORMS": "5",
        "phones-0-number_region": "FR", "phones-0-number_number": "",
    }
    data.update(overrides)
    return data


def test_the_form_is_filled_with_the_current_details(signed_in):
    html = page(signed_in.get(URL))

    assert 'name="last_name" value="Durand"' in html
    assert 'name="street_name" value="rue bleue"' in html
    assert '<option value="FR" selected>France</option>' in html
    assert "Ajouter un numéro de téléphone" in html


def test_valid_details_are_saved_audited_and_notified(signed_in, user):
    response = signed_in.post(URL, contact_data(**{"phones-0-number_number": "03 20 00 00 00"}))

    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert (user.civility, user.last_name, user.first_name) == ("MME", "Martin", "Claire")
    assert (user.street_number, user.street_type, user.street_name) == ("12", "avenue",
                                                                          "des Lilas")
    assert (user.postal_code, user.city) == ("69003", "LYON")
    assert [str(p.number) for p in user.additional_phones.all()] == ["+33320000000"]
    html = page(signed_in.get("/mes-informations/"))
    assert "Vos coordonnées ont été modifiées." in html
    assert "Mme Martin Claire" in html
    assert "Bonjour Claire Martin" in html
    [notice] = mails_to(user.email)
    assert notice.subject == "Vos coordonnées ont été modifiées"
    event = AuditEvent.objects.get(event="myinfo.contact_changed")
    assert "last_name" in event.detail["fields"]
    assert "additional_phones" in event.detail["fields"]


def test_registration_step_2_rules_apply(signed_in, user):
    response = signed_in.post(URL, contact_data(street_number="3 bis", postal_code="6900",
                                                last_name=""))

    assert form_errors(response) == [
        "Ce champ est obligatoire.",
        "Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », "
        "« ter », une lettre…, laissez ce champ vide et écrivez l'adresse complète dans "
        "« Libellé de voie ».",
        "Un code postal français comporte 5 chiffres.",
    ]
    html = page(response)
    assert 'name="street_number" value="3 bis"' in html  # what the user typed stays
    user.refresh_from_db()
    assert user.last_name == "Durand"
    assert "Bonjour Paul Durand" in html  # the header is not changed by a refused form
    assert mails_to(user.email) == []


def test_an_emptied_phone_is_removed_and_a_wrong_one_refused(client, db):
    user = make_user()
    user.additional_phones.create(number="+33320000000", position=0)
    sign_in(client, user)
    base = contact_data(**{"phones-TOTAL_FORMS": "2", "phones-INITIAL_FORMS": "1",
                           "phones-1-number_region": "FR", "phones-1-number_number": ""})

    response = client.post(URL, {**base, "phones-0-number_number": "12"})
    assert form_errors(response) == [
        "Un numéro français doit comporter 9 chiffres après +33 (par exemple 6 12 34 56 78 ; "
        "le 0 initial est accepté)."]

    response = client.post(URL, {**base, "phones-0-number_number": ""})
    assert response["Location"] == "/mes-informations/"
    assert not user.additional_phones.exists()


def test_a_legal_person_gives_its_company_data(signed_in, user):
    response = signed_in.post(URL, contact_data(is_legal_person="oui", **{
        "legal-legal_name": "", "legal-legal_form": "SAS", "legal-siren": "123"}))

    assert form_errors(response) == [
        "Ce champ est obligatoire.",
        "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise).",
    ]

    response = signed_in.post(URL, contact_data(is_legal_person="oui", **{
        "legal-legal_name": "Martin SAS", "legal-legal_form": "SAS",
        "legal-siren": "732 829 320"}))
    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert (user.is_legal_person, user.legal_name, user.siren) == (True, "Martin SAS",
                                                                  "732829320")


def test_a_foreign_legal_person_gives_a_registration_number(signed_in, user):
    response = signed_in.post(URL, contact_data(
        country="BE", postal_code="1000", city="Bruxelles", is_legal_person="oui",
        **{"legal-legal_name": "Martin SPRL", "legal-legal_form": "SPRL",
           "legal-registration_number": "0123.456.789"}))

    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert (user.country.code, user.registration_number, user.siren) == (
        "BE", "0123.456.789", "")


def test_leaving_the_legal_person_clears_its_data(client, db):
    user = make_user(is_legal_person=True, legal_name="Durand SA", legal_form="SA",
                     siren="732829320")
    sign_in(client, user)

    response = client.post(URL, contact_data(is_legal_person="non"))

    assert response["Location"] == "/mes-informations/"
    user = User.objects.get(pk=user.pk)
    assert (user.is_legal_person, user.legal_name, user.siren) == (False, "", "")


def test_the_password_page_lists_each_rule_on_its_own(signed_in):
    import re

    html = signed_in.get("/mes-informations/mot-de-passe/").content.decode()

    found = re.search(r'<ul class="rules"[^>]*>(.*?)</ul>', html, re.S)[1]
    rules = re.findall(r"<li>(.*?)</li>", found)
    assert len(rules) == 8
    assert "doit contenir au moins un chiffre [0-9]." in rules


def test_saving_the_details_as_shown_records_and_sends_nothing(signed_in, user):
    from eprocedures.outbox.models import OutgoingEmail

    signed_in.post(URL, contact_data())  # now the details are these
    before = OutgoingEmail.objects.count()
    AuditEvent.objects.all().delete()

    response = signed_in.post(URL, contact_data())

    assert response["Location"] == "/mes-informations/"
    assert not AuditEvent.objects.filter(event="myinfo.contact_changed").exists()
    assert OutgoingEmail.objects.count() == before


def test_a_change_of_details_does_not_write_back_an_address_changed_meanwhile(signed_in, user):
    # The page read the account, then the address changed from its link before the save:
    # only the edited fields are written.
    from eprocedures.myinfo import flows

    stale = User.objects.get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(email="paul.nouveau@example.fr")
    stale.city = "ROUBAIX"
    request = type("Request", (), {"META": {"REMOTE_ADDR": "127.0.0.1"}, "user": stale})()

    flows.update_contact_details(request, stale, ["city"], [])

    fresh = User.objects.get(pk=user.pk)
    assert (fresh.email, fresh.city) == ("paul.nouveau@example.fr", "ROUBAIX")


def test_a_yes_no_answer_changed_from_the_stored_one_counts_as_a_change():
    from eprocedures.lib.formfields import YesNoField

    field = YesNoField()
    assert field.has_changed(True, "non") and field.has_changed(False, "oui")
    assert not field.has_changed(True, "oui") and not field.has_changed(False, "non")
