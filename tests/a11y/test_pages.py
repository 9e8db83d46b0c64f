"""Accessibility tour of every page of the portal in Chromium, in French and English.

Every page reachable from the interface (anonymous and signed in, each registration
step, the "not yet open" procedure pages, help, terms, the 404, 405, 429 and 503 pages; the
support desk's admin excluded) is checked with axe-core; each must declare its
language, have one <h1>, and give every form field an accessible name. Then every
form of the portal, posted with nothing filled in, must put the focus on its error
summary (role=alert). Keyboard journeys and the portal without JavaScript are in
test_keyboard_and_nojs.py.
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from eprocedures.accounts import tokens
from eprocedures.addressbook.models import Contact
from eprocedures.myinfo import flows as myinfo_flows
from eprocedures.myinfo.models import PendingEmailChange
from eprocedures.procedures.catalogue import PROCEDURES
from eprocedures.smartcard.models import Enrolment, Smartcard
from tests.factories import PASSWORD, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fr", "en"]

# Fields without an accessible name (label, aria-label, aria-labelledby, title).
UNNAMED_FIELDS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea')).filter(el => {
  if (el.labels && Array.from(el.labels).some(l => l.innerText.trim())) return false;
  if ((el.getAttribute('aria-label') || '').trim()) return false;
  const by = el.getAttribute('aria-labelledby');
  if (by && by.split(/\\s+/).some(id => (document.getElementById(id) || {}).innerText))
    return false;
  if ((el.getAttribute('title') || '').trim()) return false;
  return true;
}).map(el => el.outerHTML.slice(0, 160))"""


@pytest.fixture
def portal(settings, live_server):
    settings.ETS_SITE_URL = live_server.url
    settings.ETS_SMARTCARD_URL = live_server.url
    settings.ETS_LOCAL_MAILBOX = True
    return live_server.url


class Tour:
    """Checks pages (axe, language, one h1, named fields) and keeps every problem found."""

    def __init__(self, page, axe_check, language):
        self.page = page
        self.axe_check = axe_check
        self.language = language
        self.problems: list[str] = []

    def check(self, what: str):
        page = self.page
        lang = page.get_attribute("html", "lang")
        if lang != self.language:
            self.problems.append(f"{what}: <html lang={lang!r}>, expected {self.language}")
        h1s = page.locator("h1").count()
        if h1s != 1:
            self.problems.append(f"{what}: {h1s} <h1>")
        unnamed = page.evaluate(UNNAMED_FIELDS)
        if unnamed:
            self.problems.append(f"{what}: fields without an accessible name: {unnamed}")
        try:
            self.axe_check(page, what)
        except AssertionError as error:
            self.problems.append(str(error))

    def visit(self, base: str, path: str):
        self.page.goto(base + path)
        self.check(path)


def in_language(page, portal, language):
    page.context.add_cookies([{"name": "ets_language", "value": language, "url": portal}])


def fill(page, data: dict):
    """Fill fields by name as a person would: type, choose, tick."""
    for name, value in data.items():
        field = page.locator(f"[name='{name}']")
        kind = field.first.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
        if kind.startswith("select"):
            field.select_option(value)
        elif kind.endswith(":radio"):
            page.locator(f"[name='{name}'][value='{value}']").check()
        else:
            field.fill(value)


REGISTRATION = [
    ("identifiants", {"email": "jeanne.dupont@example.fr", "mobile_phone_region": "FR",
                      "mobile_phone_number": "6 12 34 56 78"}),
    ("informations", {"civility": "MME", "last_name": "Dupont", "first_name": "Jeanne",
                      "street_name": "rue verte", "postal_code": "59000", "city": "LILLE",
                      "is_attorney": "non", "is_legal_person": "oui"}),
    ("personne-morale", {"legal_name": "Dupont SA", "legal_form": "SA",
                         "siren": "732 829 320"}),
    ("questions-secretes", {"question_1": "mother_maiden_name", "answer_1": "Durand",
                            "question_2": "favourite_sport", "answer_2": "Danse"}),
    ("conditions", {"accept_terms": "oui"}),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_anonymous_page_passes_axe(portal, page, axe_check, settings, language):
    active = person("paul.durand@example.fr")
    awaiting = person("attente@example.fr", is_active=False, activated_at=None)
    enrolment = Enrolment.objects.create(user=active, code_hash="0" * 64,
                                         expires_at=timezone.now() + timedelta(hours=1))
    in_language(page, portal, language)
    tour = Tour(page, axe_check, language)
    activation = quote(tokens.make_activation_token(awaiting), safe="")
    reset = quote(tokens.make_reset_token(active), safe="")

    for path in ["/connexion/", "/connexion/?onglet=carte", "/mot-de-passe-oublie/",
                 "/mot-de-passe-oublie/envoye/", f"/mot-de-passe-oublie/{reset}/",
                 "/mot-de-passe-oublie/lien-invalide/", f"/activation/{activation}/",
                 "/activation/lien-invalide/", "/activation/nouveau-lien/",
                 "/activation/nouveau-lien/envoye/", "/aide/", "/cgu/",
                 "/page-inexistante/", "/deconnexion/", "/carte-a-puce/connexion/",
                 f"/carte-a-puce/activer/{enrolment.link_id}/", "/boite-locale/",
                 "/mes-informations/courriel/confirmer/lien-invalide/"]:
        tour.visit(portal, path)

    # The registration wizard, step by step (a legal person has one step more), then done.
    page.goto(f"{portal}/inscription/")
    button = "Valider" if language == "fr" else "Confirm"
    for slug, data in REGISTRATION:
        tour.check(f"registration step {slug}")
        fill(page, data)
        page.get_by_role("button", name=button, exact=True).first.click()
    page.wait_for_url(f"{portal}/inscription/terminee/")
    tour.check("registration done")

    # The 429 page: too many refused sign-ins from this address.
    settings.ETS_SIGNIN_FAILURES_PER_IP = 1
    for _ in range(2):
        page.goto(f"{portal}/connexion/")
        fill(page, {"email": "personne@example.fr", "password": "Mauvais;42"})
        page.locator("#panel-password button[type=submit]").click()
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() in ("Trop de tentatives", "Too many attempts")
    tour.check("429 page")

    # The 503 page: the cache that holds those counters cannot be reached.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    page.goto(f"{portal}/connexion/")
    fill(page, {"email": "personne@example.fr", "password": "Mauvais;42"})
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() in (
        "Service momentanément indisponible", "Service temporarily unavailable")
    tour.check("503 page")

    assert not tour.problems, "\n".join(tour.problems)


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def sign_in(page, portal, email, password=PASSWORD):
    page.goto(f"{portal}/connexion/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_url(f"{portal}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_signed_in_page_passes_axe(portal, page, axe_check, language):
    user = person("paul.durand@example.fr")
    contact = Contact.objects.create(
        owner=user, kind="physique", civility="M", last_name="Dupont", first_name="Jean",
        country="FR", street_name="avenue de la Gare", postal_code="69001", city="Lyon")
    now = timezone.now()
    card = Smartcard.objects.create(
        user=user, fingerprint="a" * 64, subject="CN=Paul Durand", holder="Paul Durand",
        issuer="CN=Autorité", serial="1", not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=300))
    PendingEmailChange.objects.create(user=user, new_email="paul.nouveau@example.fr")
    email_token = quote(myinfo_flows.make_email_change_token(user), safe="")
    in_language(page, portal, language)
    sign_in(page, portal, user.email)
    tour = Tour(page, axe_check, language)

    paths = ["/", "/e-procedures/", *(f"/e-procedures/{p.slug}/nouveau/" for p in PROCEDURES),
             "/mes-informations/", "/mes-informations/coordonnees/",
             "/mes-informations/courriel/", "/mes-informations/mobile/",
             "/mes-informations/mot-de-passe/", "/mes-informations/questions-secretes/",
             "/carnet-adresses/", "/carnet-adresses/ajouter/",
             f"/carnet-adresses/{contact.pk}/modifier/",
             f"/carnet-adresses/{contact.pk}/supprimer/", "/carnet-adresses/import/",
             "/carte-a-puce/ajouter/", f"/carte-a-puce/{card.pk}/retirer/",
             f"/mes-informations/courriel/confirmer/{email_token}/",
             "/page-inexistante/", "/aide/", "/cgu/", "/admin/login/"]  # the last: 403
    for path in paths:
        tour.visit(portal, path)

    # "Me déconnecter" refused for its token (a sign-in in another tab rotated it).
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": portal}])
    page.locator(".user-menu summary").click()
    page.locator(".user-menu__items button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() in ("Formulaire expiré", "Form expired")
    assert page.locator("main form button[type=submit]").count() == 1  # a fresh sign-out
    tour.check("sign-out refused for its token")

    # The new-address page opens after both secret answers.
    page.goto(f"{portal}/mes-informations/courriel/")
    fill(page, {"answer_1": "Durand", "answer_2": "Danse"})
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(f"{portal}/mes-informations/courriel/nouvelle-adresse/")
    tour.check("new e-mail address")

    assert not tour.problems, "\n".join(tour.problems)


def error_summary_has_focus(page) -> bool:
    return page.evaluate("""() => document.activeElement !== null &&
        document.activeElement.matches('[data-error-summary][role=alert]')""")


def describe_focus(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? e.tagName + '#' + e.id + ' ' + (e.innerText || '').trim().slice(0, 60) : ''; }""")


def post_empty(page, portal, path, refused):
    """Post the page's main form with its text fields emptied; the summary must get focus."""
    page.goto(f"{portal}{path}")
    form = page.locator("main form[method=post]").first
    for field in form.locator("input[type=text], input[type=email], input[type=password], "
                              "input[type=tel]").all():
        if field.is_visible():
            field.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    if not error_summary_has_focus(page):
        refused.append(f"{path}: focus on {describe_focus(page)!r}")


def test_every_refused_form_moves_focus_to_its_error_summary(portal, page):
    user = person("paul.durand@example.fr")
    awaiting = person("attente@example.fr", is_active=False, activated_at=None)
    refused: list[str] = []

    for path in ["/connexion/", "/mot-de-passe-oublie/", "/activation/nouveau-lien/",
                 "/inscription/identifiants/",
                 f"/activation/{quote(tokens.make_activation_token(awaiting), safe='')}/"]:
        post_empty(page, portal, path, refused)
    sign_in(page, portal, user.email)
    for path in ["/mes-informations/coordonnees/", "/mes-informations/mot-de-passe/",
                 "/mes-informations/questions-secretes/", "/mes-informations/courriel/",
                 "/mes-informations/mobile/", "/carnet-adresses/ajouter/",
                 "/carnet-adresses/import/"]:
        post_empty(page, portal, path, refused)

    assert not refused, "\n".join(refused)
