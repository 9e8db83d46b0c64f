"""The texts of the notices: right language, right advice, right grammar (review of e-mails)."""

import pytest
from django.test import Client

from eprocedures.myinfo import emails

from .conftest import ANSWERS, PASSWORD, mails_to, make_user, sign_in

pytestmark = pytest.mark.django_db


def change_address(client, new):
    client.post("/mes-informations/courriel/", ANSWERS)
    client.post("/mes-informations/courriel/nouvelle-adresse/", {"email": new})


def test_the_address_taken_notice_is_in_the_language_of_the_account_it_reaches():
    make_user("owner.en@example.org", language="en")
    asker = sign_in(Client(), make_user(language="fr"))

    change_address(asker, "owner.en@example.org")

    [notice] = mails_to("owner.en@example.org")
    assert notice.language == "en"
    assert "Bonjour" not in notice.body_text


def test_the_old_address_is_told_to_call_the_help_desk_not_to_reset():
    user = make_user()
    emails.send_email_changed(user, "paul.durand@example.fr", "paul.neuf@example.fr")

    [old] = mails_to("paul.durand@example.fr")
    [new] = mails_to("paul.neuf@example.fr")
    assert "contactez sans attendre" in old.body_text
    assert "/mot-de-passe-oublie/" not in old.body_text + old.body_html
    assert "/mot-de-passe-oublie/" in new.body_text  # the owner there can still reset


def test_english_dates_do_not_end_a_sentence_with_two_full_stops():
    user = make_user(language="en")
    client = sign_in(Client(), user)

    client.post("/mes-informations/mot-de-passe/", {
        "current_password": PASSWORD, "password1": "Falaise:Rouge42",
        "password2": "Falaise:Rouge42"})

    [notice] = mails_to(user.email)
    assert ".." not in notice.body_text
    assert "the password of your account was changed." in notice.body_text


def test_one_hour_is_said_in_the_singular(settings):
    settings.ETS_EMAIL_CHANGE_HOURS = 1
    user = make_user()

    emails.send_email_change_link(user, "paul.neuf@example.fr", "https://x.example/lien/")

    [link] = mails_to("paul.neuf@example.fr")
    assert "suivez ce lien dans l'heure :" in link.body_text
    assert "1 heures" not in link.body_text


def test_the_support_desk_changing_a_mobile_number_tells_the_owner(admin_client):
    user = make_user()
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(dict.fromkeys(("street_number", "street_type", "address_complement", "po_box"), ""))

    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", {
        **{k: (str(v) if not isinstance(v, bool) else ("on" if v else "")) for k, v in data.items()},
        "mobile_phone": "+33698765432",
        "additional_phones-TOTAL_FORMS": "0", "additional_phones-INITIAL_FORMS": "0",
        "secret_answers-TOTAL_FORMS": "0", "secret_answers-INITIAL_FORMS": "0",
        "smartcards-TOTAL_FORMS": "0", "smartcards-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    kinds = [m.kind for m in mails_to(user.email)]
    assert "mobile_changed" in kinds
