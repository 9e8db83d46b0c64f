"""In a real browser: change the e-mail address through the secret questions and the link
received by real SMTP; every page of "Mes informations" is clean for axe-core in FR and EN."""

import re

import pytest
from django.test import Client

from .conftest import ANSWERS, make_user, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW = "paul.nouveau@example.fr"


def open_signed_in(page, live_server, user, language="fr"):
    """Sign in with a Django client and hand its session cookie to the browser."""
    client = sign_in(Client(), user)
    cookies = [{"name": "ets_session", "value": client.cookies["ets_session"].value,
                "url": live_server.url}]
    if language != "fr":
        cookies.append({"name": "ets_language", "value": language, "url": live_server.url})
    page.context.add_cookies(cookies)


@pytest.fixture
def mail_settings(settings, live_server, smtp_server):
    settings.ETS_SITE_URL = live_server.url
    return smtp_server


def test_the_address_changes_through_the_questions_and_the_emailed_link(
        page, live_server, mail_settings, run_mail_worker, axe_check):
    user = make_user()
    open_signed_in(page, live_server, user)

    page.goto(live_server.url + "/mes-informations/")
    page.locator("a[href='/mes-informations/courriel/']").click()
    page.get_by_label("Nom de jeune fille de votre mère").fill(ANSWERS["answer_1"])
    page.get_by_label("Votre sport favori").fill(ANSWERS["answer_2"])
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("Nouvelle adresse courriel").fill(NEW)
    page.get_by_role("button", name="Valider").click()

    assert page.url == live_server.url + "/mes-informations/"
    assert "Un message contenant un lien de confirmation a été envoyé" in page.inner_text("main")
    run_mail_worker()
    [message] = mail_settings.to(NEW)
    assert message["Subject"] == "Confirmez votre nouvelle adresse courriel"
    link = re.search(r"http://\S+/confirmer/\S+/", mail_settings.text(message)).group(0)
    [told] = mail_settings.to("paul.durand@example.fr")
    assert told["Subject"] == "Demande de changement de votre adresse courriel"

    page.goto(link)
    axe_check(page, "confirmation")
    page.get_by_role("button", name="Confirmer").click()

    assert page.url == live_server.url + "/mes-informations/"
    main = page.inner_text("main")
    assert f"Votre adresse courriel a été modifiée : connectez-vous désormais avec {NEW}." in main
    assert NEW in page.inner_text("#myinfo-email")
    run_mail_worker()
    assert [str(m["Subject"]).strip() for m in mail_settings.to(NEW)][-1] == (
        "L'adresse courriel de votre compte a été modifiée")
    assert [str(m["Subject"]).strip() for m in mail_settings.to("paul.durand@example.fr")][-1] == (
        "L'adresse courriel de votre compte a été modifiée")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pages_are_accessible(page, live_server, axe_check, language):
    user = make_user(is_legal_person=True, legal_name="Durand SA", legal_form="SA",
                     siren="732829320")
    user.additional_phones.create(number="+33320000000", position=0)
    open_signed_in(page, live_server, user, language)
    base = live_server.url + "/mes-informations/"

    for path in ("", "coordonnees/", "courriel/", "mobile/", "mot-de-passe/",
                 "questions-secretes/"):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"{path} ({language})")

    # Pages showing errors.
    page.goto(base + "coordonnees/")
    page.get_by_label("Code postal" if language == "fr" else "Postal code").fill("123")
    page.locator("form[novalidate] button[type=submit]").click()
    assert page.locator(".error-summary").count() >= 1
    axe_check(page, f"contact errors ({language})")

    page.goto(base + "courriel/")
    page.locator("form[novalidate] button[type=submit]").click()
    axe_check(page, f"secret answers errors ({language})")

    page.goto(base + "mot-de-passe/")
    page.locator("form[novalidate] button[type=submit]").click()
    axe_check(page, f"password errors ({language})")

    # The new-identifier pages, once the questions are answered.
    for path, label in (("courriel/", "nouvelle-adresse/"), ("mobile/", "nouveau-numero/")):
        page.goto(base + path)
        page.locator("#id_answer_1").fill(ANSWERS["answer_1"])
        page.locator("#id_answer_2").fill(ANSWERS["answer_2"])
        page.locator("form[novalidate] button[type=submit]").click()
        assert page.url == base + path + label
        axe_check(page, f"{path}{label} ({language})")
        page.locator("form[novalidate] button[type=submit]").click()
        axe_check(page, f"{path}{label} errors ({language})")

    page.goto(base + "courriel/confirmer/not-a-token/")
    axe_check(page, f"invalid link ({language})")
