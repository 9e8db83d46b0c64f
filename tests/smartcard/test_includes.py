"""The smartcard line of "Mes informations" and the "Carte à puce" tab of /connexion/."""

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .conftest import enrol, make_user

pytestmark = pytest.mark.django_db


def render(template, user, rf):
    request = rf.get("/")
    request.user = user
    return html.unescape(render_to_string(template, {"user": user, "request": request}))


def test_line_without_card(attorney, rf):
    page = render("smartcard/myinfo_line.html", attorney, rf)
    assert "Aucune carte à puce n'est enregistrée pour votre compte." in page
    assert reverse("smartcard:add") in page


def test_line_with_a_card_shows_holder_expiry_and_removal(attorney, rf, test_pki):
    card = enrol(attorney, test_pki.card("Paul Durand"))
    page = render("smartcard/myinfo_line.html", attorney, rf)
    assert "Une carte à puce est enregistrée pour votre compte." in page
    assert f"Paul Durand – valable jusqu'au {timezone.localtime(card.not_after):%d/%m/%Y}" in page
    assert reverse("smartcard:remove", args=[card.pk]) in page


def test_line_of_a_non_professional_account_has_no_add_button_and_says_why(db, rf):
    page = render("smartcard/myinfo_line.html", make_user(attorney=False), rf)
    assert reverse("smartcard:add") not in page
    assert ("La connexion par carte à puce est réservée aux mandataires habilités "
            "(CPI, avocat, L422-5...).") in page


def test_line_says_when_the_card_cap_is_reached(attorney, rf, test_pki, settings):
    settings.ETS_SMARTCARD_MAX_CARDS = 1
    enrol(attorney, test_pki.card("Paul Durand"))
    page = render("smartcard/myinfo_line.html", attorney, rf)
    assert reverse("smartcard:add") not in page
    assert "Vous avez atteint le nombre maximal de cartes à puce pour votre compte." in page


def test_login_tab_links_to_the_certificate_front(rf, settings):
    settings.ETS_SMARTCARD_URL = "https://carte.portail.example"
    page = render("smartcard/login_tab.html", AnonymousUser(), rf)
    assert 'href="https://carte.portail.example/carte-a-puce/connexion/"' in page
    assert "Connexion par carte à puce" in page


def test_the_card_tab_keeps_where_the_visitor_was_going(client, settings):
    settings.ETS_SMARTCARD_URL = "https://carte.portail.example"
    page = html.unescape(client.get("/connexion/?onglet=carte&next=/mes-informations/")
                         .content.decode())
    assert ('href="https://carte.portail.example/carte-a-puce/connexion/?next=/mes-informations/"'
            in page)
