"""Every URL of the project, with plausible and absurd parameters and form values.

The walk visits each route (django.urls.get_resolver) with its parameters filled in
(valid, truncated, tampered and random tokens; another account's objects; unknown
slugs; NUL bytes), as four visitors: anonymous, signed in, blocked (a session opened
before the block) and awaiting activation. Each page is read (GET), then each of its
forms is posted with the CSRF token of that GET and with odd values in every field:
empty, 100 kB, NUL bytes, control characters, several values of the wrong type,
bodies that are not UTF-8, and once without a CSRF token.

It asserts: never a 5xx; anonymous visitors of private pages are sent to
/connexion/?next=<the page>; another account's objects are "not found"; every HTML
page declares its language and has exactly one <h1>.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from eprocedures.accounts import tokens
from eprocedures.accounts.models import User
from eprocedures.accounts.sessions import AUTH_AT, AUTH_METHOD
from eprocedures.addressbook.models import Contact
from eprocedures.myinfo import flows as myinfo_flows
from eprocedures.myinfo.models import PendingEmailChange
from eprocedures.procedures.catalogue import PROCEDURES
from eprocedures.registration.steps import ALL_STEPS
from eprocedures.smartcard.models import Enrolment, Smartcard
from tests.factories import person

from .helpers import RAW_BODIES, Route, action_path, forms_of, odd_variants, project_routes

pytestmark = pytest.mark.django_db


# Pages anyone may open; every other route must send anonymous visitors to sign in.
PUBLIC = {
    "procedures:home",  # redirects to /connexion/ itself ("/" needs no ?next=)
    "core:help", "core:terms", "core:healthz",
    "outbox:mailbox", "outbox:mailbox_message",
    "registration:wizard", "registration:done", "registration:terms", "registration:add_phone",
    "registration:step", "registration:resend", "registration:resend_done",
    "registration:activate",
    "signin:login", "signin:logout", "signin:reset_request", "signin:reset_sent",
    "signin:reset_confirm",
    "myinfo:email_confirm",  # the e-mailed link: the token is the credential
    "smartcard:activate", "smartcard:login",  # behind the client-certificate front
    "set_language",
}

IDENTITIES = ["anonymous", "signed-in", "blocked", "awaiting-activation"]

LINK = re.compile(r"<html\b[^>]*\blang=\"(fr|en)\"")
H1 = re.compile(r"<h1[\s>]", re.I)


def belongings(user, n):
    """A contact, a card, a card request and an address change of ``user``."""
    contact = Contact.objects.create(
        owner=user, kind="physique", civility="M", last_name=f"Contact{n}", first_name="Jean",
        country="FR", street_name="avenue de la Gare", postal_code="69001", city="Lyon")
    now = timezone.now()
    card = Smartcard.objects.create(
        user=user, fingerprint=f"{n:064x}", subject=f"CN=Titulaire {n}", holder=f"Titulaire {n}",
        issuer="CN=Autorité", serial=str(n), not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=300))
    enrolment = Enrolment.objects.create(user=user, code_hash="0" * 64,
                                         expires_at=now + timedelta(hours=1))
    PendingEmailChange.objects.create(user=user, new_email=f"nouvelle{n}@example.fr")
    return {"contact": contact.pk, "card": card.pk, "link": enrolment.link_id,
            "email_token": myinfo_flows.make_email_change_token(user)}


@dataclass
class World:
    owner: User
    other: User
    blocked: User
    awaiting: User
    own: dict
    others: dict
    activation_token: str
    reset_token: str
    posted: set = field(default_factory=set)  # paths whose forms were posted
    problems: dict = field(default_factory=lambda: {
        "5xx": [], "html": [], "anonymous": [], "not-found": []})


@pytest.fixture
def world(db, settings):
    settings.ETS_LOCAL_MAILBOX = True
    owner = person("paul.durand@example.fr")
    other = person("claire.martin@example.fr", first_name="Claire", last_name="Martin")
    blocked = person("bloque@example.fr", blocked_at=timezone.now(), failed_login_count=5)
    awaiting = person("attente@example.fr", is_active=False, activated_at=None)
    return World(owner, other, blocked, awaiting, belongings(owner, 1), belongings(other, 2),
                 tokens.make_activation_token(awaiting), tokens.make_reset_token(owner))


def spoilt(token: str) -> list[tuple[str, str]]:
    """A valid token, then the same cut short, tampered with, and made up."""
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    payload_changed = ("x" + token[1:]) if token else "x"
    return [("valid", token), ("truncated", token[: len(token) // 2]), ("tampered", tampered),
            ("payload-changed", payload_changed), ("random", "q3V9kz-0fJ2mNw8xLr4T"),
            ("nul", "abc\x00def"), ("long", "A" * 3000), ("dots", ".."),
            ("unicode", "é\u202e\ufeff")]


ABSURD_INTS = [("zero", "0"), ("int32-overflow", str(2**31)), ("int64-overflow", str(2**63)),
               ("huge", "9" * 40)]


def cases(route: Route, world: World) -> list[tuple[str, str, str | None]]:
    """(label, path, expectation) for a route; expectation "404" for objects not the visitor's."""
    params = route.parameters
    if not params:
        return [("", route.fill({}), None)]
    [(kind, name)] = params
    own, others = world.own, world.others
    found: list[tuple[str, str, str | None]] = []

    def add(label, value, expect=None):
        found.append((label, route.fill({name: quote(value, safe="")}), expect))

    if route.name in ("addressbook:edit", "addressbook:delete"):
        add("own", str(own["contact"]))
        add("another-account's", str(others["contact"]), "404")
        for label, value in ABSURD_INTS:
            add(label, value, "404")
    elif route.name == "smartcard:remove":
        add("own", str(own["card"]))
        add("another-account's", str(others["card"]), "404")
        for label, value in ABSURD_INTS:
            add(label, value, "404")
    elif route.name == "registration:activate":
        for label, value in spoilt(world.activation_token):
            add(label, value)
        add("reset-token-as-activation", world.reset_token)
    elif route.name == "signin:reset_confirm":
        for label, value in spoilt(world.reset_token):
            add(label, value)
        add("activation-token-as-reset", world.activation_token)
    elif route.name == "myinfo:email_confirm":
        for label, value in spoilt(own["email_token"]):
            add(label, value)
        add("another-account's", others["email_token"])
    elif route.name == "smartcard:activate":
        for label, value in spoilt(own["link"]):
            add(label, value)
        add("another-account's", others["link"])
    elif route.name == "outbox:mailbox_message":
        for label, value in [("random", "inconnu.eml"), ("dots", ".."), ("nul", "a\x00.eml"),
                             ("traversal", "../../secret_key"), ("long", "m" * 3000)]:
            add(label, value)
    elif route.name == "procedures:start":
        for procedure in PROCEDURES:
            add(procedure.slug, procedure.slug)
        add("unknown", "brevet-inconnu")
    elif route.name == "registration:step":
        for slug in ALL_STEPS:
            add(slug, slug)
        add("unknown", "etape-inconnue")
    else:
        pytest.fail(f"no values for the parameters of {route.name} ({route.route}): add them")
    return found


# Query strings every GET is also tried with (search, pagination, tabs, next).
ODD_QUERY = "?q=%00%FF&page=-1&onglet=%00&next=%00javascript:alert(1)&page=99999999999999999999"

# Certificate headers the smartcard pages read when they come from the trusted proxy.
ODD_CERTIFICATES = ["-----BEGIN CERTIFICATE-----%0Agarbage%0A-----END CERTIFICATE-----",
                    "%00%FF", "A" * 20000]


class Visitor:
    """A test client acting as one of the identities, re-signed-in for every request."""

    def __init__(self, world: World, identity: str):
        self.world = world
        self.identity = identity
        self._handler = None

    def client(self) -> Client:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        # One handler for all: building one (middleware, whitenoise's file scan) is the
        # slowest part of a request in tests.
        if self._handler is None:
            self._handler = client.handler
        client.handler = self._handler
        user = {"signed-in": self.world.owner, "blocked": self.world.blocked,
                "awaiting-activation": self.world.awaiting}.get(self.identity)
        if user is not None:
            client.force_login(user)
            session = client.session
            session[AUTH_AT] = int(time.time())
            session[AUTH_METHOD] = "password"
            session.save()
        return client

    def still_signed_in(self, client: Client) -> bool:
        if self.identity not in ("signed-in", "blocked"):
            return True
        return "_auth_user_id" in client.session


def check(world: World, identity: str, method: str, url: str, response, variant="",
          expect=None, route: Route | None = None):
    where = f"{identity} {method} {url[:120]!r} {variant}".strip()
    status = response.status_code
    if status >= 500:
        error = ""
        if getattr(response, "exc_info", None):
            error = f": {response.exc_info[0].__name__}: {str(response.exc_info[1])[:200]}"
        world.problems["5xx"].append(f"{where} -> {status}{error}")
        return
    signed_in = identity in ("signed-in", "blocked")
    without_token = variant.endswith(("no-csrf", "stray-post", "broken-multipart"))
    refused_for_csrf = status == 403 and without_token
    if expect == "404" and signed_in and method != "HEAD" and status != 404 and not refused_for_csrf:
        world.problems["not-found"].append(f"{where} -> {status}, expected 404")
    if (identity == "anonymous" and route is not None and route.name not in PUBLIC
            and method == "GET"):
        location = response.get("Location", "")
        parts = urlsplit(location)
        target = parse_qs(parts.query).get("next", [""])[0]
        if status != 302 or parts.path != "/connexion/" or target != url:
            world.problems["anonymous"].append(
                f"{where} -> {status} {location!r}, expected /connexion/?next={url}")
    content_type = response.get("Content-Type", "")
    # (405 answers of Django's method decorators have no body: nothing to read.)
    if (content_type.startswith("text/html") and not 300 <= status < 400 and method != "HEAD"
            and not getattr(response, "streaming", False) and response.content):
        html = response.content.decode("utf-8", "replace")
        if not LINK.search(html):
            world.problems["html"].append(f"{where} -> {status}: no <html lang=...>")
        h1s = len(H1.findall(html))
        if h1s != 1:
            world.problems["html"].append(f"{where} -> {status}: {h1s} <h1>")


def post_forms(world, visitor: Visitor, page_url: str, route: Route, expect, seen=None):
    """Post each form of the page with odd values, with the CSRF token of a real GET.

    ``seen`` keeps the forms already tried (the same form shown on many pages, e.g. the
    fresh-link form of every spoilt activation token, is posted once).
    """
    client = visitor.client()
    response = client.get(page_url)
    if response.status_code != 200 and response.status_code < 400:
        return
    if "text/html" not in response.get("Content-Type", ""):
        return
    forms = forms_of(response.content.decode())
    for form in forms:
        target = action_path(form, page_url)
        if target.startswith("/i18n/") and route.name != "core:help":
            continue  # the language switcher of every page: posted on one page only
        if target.startswith("/deconnexion/") and route.name != "procedures:home":
            continue  # the sign-out button of the menu: likewise
        key = (route.name if not form.action else urlsplit(target).path, tuple(form.names()),
               response.status_code)
        if seen is not None:
            if key in seen:
                continue
            seen.add(key)
        world.posted.add(urlsplit(target).path)
        variants = {"as-shown": {}, **odd_variants(form)}
        kinds = form.kinds()
        for name, payload in variants.items():
            if not visitor.still_signed_in(client):
                client = visitor.client()  # a post signed out: sign in again, fresh token
                client.get(page_url)
            data = {**form.defaults(), **payload}
            data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value if (
                "csrftoken" in client.cookies) else ""
            for field_name, kind in kinds.items():
                if kind == "file":
                    data[field_name] = SimpleUploadedFile(
                        "carnet.csv", b"\xff\xfe\x00;;\r\n" + b"\x00" * 5000 + b";\xe9\n",
                        content_type="text/csv")
            response = client.post(target, data)
            check(world, visitor.identity, "POST", target, response, name, expect)
        # Without a CSRF token, bodies that are not UTF-8, a broken multipart body.
        check(world, visitor.identity, "POST", target, visitor.client().post(target, {}),
              "no-csrf", expect)
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        for n, body in enumerate(RAW_BODIES):
            response = client.generic("POST", target, body, HTTP_X_CSRFTOKEN=token,
                                      content_type="application/x-www-form-urlencoded")
            check(world, visitor.identity, "POST", target, response, f"raw-body-{n}", expect)
        response = client.generic("POST", target, b"--x\r\nbroken", HTTP_X_CSRFTOKEN=token,
                                  content_type="multipart/form-data; boundary=x")
        check(world, visitor.identity, "POST", target, response, "broken-multipart", expect)


def walk(world: World, identity: str):
    visitor = Visitor(world, identity)
    seen: set = set()
    for route in project_routes():
        for label, url, expect in cases(route, world):
            client = visitor.client()
            check(world, identity, "GET", url, client.get(url), label, expect, route)
            check(world, identity, "GET", url + ODD_QUERY, client.get(url + ODD_QUERY),
                  f"{label} odd-query", expect)
            check(world, identity, "HEAD", url, client.head(url), label, expect)
            if route.name.startswith("smartcard:"):
                for n, value in enumerate(ODD_CERTIFICATES):
                    response = visitor.client().get(url, HTTP_X_SSL_CLIENT_CERT=value)
                    check(world, identity, "GET", url, response, f"{label} odd-cert-{n}", expect)
            post_forms(world, visitor, url, route, expect, seen)
            # A POST to a page without a form (or to a GET-only page) is answered too.
            check(world, identity, "POST", url, visitor.client().post(url, {"x": "1"}),
                  f"{label} stray-post", expect)


def report(world, kind):
    found = world.problems[kind]
    return f"{len(found)} problem(s):\n" + "\n".join(sorted(set(found))[:60])


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_url_answers_a_server_error(world, identity):
    walk(world, identity)

    # The walk did reach the forms (a parser or CSRF mistake would silently skip them).
    expected = {"/i18n/setlang/", "/activation/nouveau-lien/", "/mot-de-passe-oublie/"}
    if identity in ("signed-in", "blocked"):
        expected |= {"/mes-informations/coordonnees/", "/mes-informations/mot-de-passe/",
                     "/mes-informations/questions-secretes/", "/mes-informations/courriel/",
                     "/carnet-adresses/ajouter/", "/carnet-adresses/import/", "/deconnexion/"}
    if identity == "signed-in":
        expected |= {f"/carnet-adresses/{world.own['contact']}/modifier/",
                     f"/carte-a-puce/{world.own['card']}/retirer/"}
    if identity in ("anonymous", "awaiting-activation"):
        expected |= {"/connexion/", "/inscription/identifiants/",
                     f"/activation/{quote(world.activation_token, safe='')}/",
                     f"/mot-de-passe-oublie/{quote(world.reset_token, safe='')}/"}
    assert expected <= world.posted, sorted(expected - world.posted)

    assert not world.problems["5xx"], report(world, "5xx")
    assert not world.problems["not-found"], report(world, "not-found")
    assert not world.problems["anonymous"], report(world, "anonymous")
    assert not world.problems["html"], report(world, "html")


def test_the_walk_covers_every_route_of_the_project(world):
    """Each route has values for its parameters; a new route without them fails here."""
    routes = project_routes()
    names = {r.name for r in routes}

    assert {"signin:login", "addressbook:edit", "smartcard:remove", "myinfo:email_confirm",
            "registration:activate", "procedures:start"} <= names
    for route in routes:
        assert cases(route, world)


def test_registration_steps_survive_odd_values_once_reached(world, client):
    """The wizard's later steps are only reachable after valid earlier ones: fuzz them there."""
    valid = {
        "identifiants": {"email": "jeanne.dupont@example.fr", "mobile_phone_region": "FR",
                         "mobile_phone_number": "6 12 34 56 78"},
        "informations": {"civility": "MME", "last_name": "Dupont", "first_name": "Jeanne",
                         "country": "FR", "street_name": "rue verte", "postal_code": "59000",
                         "city": "LILLE", "is_attorney": "non", "is_legal_person": "oui"},
        "personne-morale": {"legal_name": "Dupont SA", "legal_form": "SA",
                            "siren": "732 829 320"},
        "questions-secretes": {"question_1": "mother_maiden_name", "answer_1": "Durand",
                               "question_2": "favourite_sport", "answer_2": "Danse"},
    }
    route = Route("registration:step", "inscription/<slug:slug>/")
    visitor = Visitor(world, "anonymous")
    shared = Client(enforce_csrf_checks=False, raise_request_exception=False)
    visitor.client = lambda: shared  # one session: the wizard's state lives in it
    for slug in [*valid, "conditions"]:
        url = "/inscription/conditions/" if slug == "conditions" else f"/inscription/{slug}/"
        post_forms(world, visitor, url, route, None)
        if slug in valid:
            response = shared.post(url, valid[slug])
            assert response.status_code == 302, (slug, response.content.decode()[:2000])

    assert not world.problems["5xx"], report(world, "5xx")
    assert not world.problems["html"], report(world, "html")
