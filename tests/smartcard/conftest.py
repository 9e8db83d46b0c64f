"""Fixtures of the smartcard tests: a CA of their own, its CRL, and card certificates."""

import html
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone, translation

from eprocedures.accounts.models import User
from eprocedures.accounts.sessions import AUTH_AT, AUTH_METHOD
from eprocedures.smartcard import pki, services, tlsfront
from eprocedures.smartcard.models import Smartcard

from ..conftest import free_port


class Pki:
    """The test PKI: certificates of every kind, the trusted bundle and the CRL folder."""

    def __init__(self, folder):
        self.folder = folder
        self.ca = pki.Authority.create("Autorité de test")
        self.other_ca = pki.Authority.create("Autorité inconnue")
        self.ca_file = folder / "ca.pem"
        self.ca_file.write_bytes(pki.pem(self.ca.certificate))
        self.crl_dir = folder / "crl"
        self.crl_dir.mkdir()
        self.revoked = []
        self.write_crl()

    def write_crl(self, **kwargs):
        crl = self.ca.crl(self.revoked, **kwargs)
        (self.crl_dir / "test-ca.crl").write_bytes(pki.pem(crl))

    def card(self, holder="Paul Durand", **kwargs):
        certificate, _key = self.ca.issue_card(holder, **kwargs)
        return certificate

    def card_with_key(self, holder="Paul Durand", **kwargs):
        return self.ca.issue_card(holder, **kwargs)

    def expired(self):
        now = datetime.now(UTC)
        return self.card(not_before=now - timedelta(days=400), not_after=now - timedelta(days=1))

    def not_yet_valid(self):
        now = datetime.now(UTC)
        return self.card(not_before=now + timedelta(days=2), not_after=now + timedelta(days=400))

    def wrong_issuer(self):
        return self.other_ca.issue_card("Paul Durand")[0]

    def without_client_auth(self):
        return self.card(client_auth=False)

    def revoke(self, certificate):
        self.revoked.append(certificate)
        self.write_crl()


@pytest.fixture
def test_pki(tmp_path, settings):
    authority = Pki(tmp_path)
    settings.ETS_SMARTCARD_CA_FILE = str(authority.ca_file)
    settings.ETS_SMARTCARD_CRL_DIR = str(authority.crl_dir)
    settings.ETS_SMARTCARD_CRL_REQUIRED = True
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]
    services._cache.clear()
    yield authority
    services._cache.clear()


def header(certificate) -> str:
    """What nginx's $ssl_client_escaped_cert holds: the URL-encoded PEM."""
    return quote(pki.pem(certificate).decode())


def text(response) -> str:
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def cert_meta(certificate, remote="127.0.0.1") -> dict:
    meta = {"REMOTE_ADDR": remote}
    if certificate is not None:
        meta["HTTP_X_SSL_CLIENT_CERT"] = header(certificate)
    return meta


def make_user(email="paul.durand@example.fr", *, attorney=True, password="Motdepasse-2024",
              **fields) -> User:
    defaults = {
        "first_name": "Paul", "last_name": "Durand", "civility": "M",
        "street_name": "rue bleue", "postal_code": "59000", "city": "Lille",
        "mobile_phone": "+33612345678", "is_attorney": attorney, "is_active": True,
        "activated_at": timezone.now(),
    }
    defaults.update(fields)
    return User.objects.create_user(email, password, **defaults)


@pytest.fixture
def attorney(db):
    return make_user()


def sign_in_by_password(client, user, *, minutes_ago=0):
    """As the sign-in flow does: force_login, then the recent-authentication marker."""
    client.force_login(user)
    session = client.session
    session[AUTH_AT] = int(timezone.now().timestamp()) - minutes_ago * 60
    session[AUTH_METHOD] = "password"
    session.save()


def enrol(user, certificate):
    """A card recorded directly, as a completed enrolment leaves it."""
    return Smartcard.objects.create(
        user=user,
        fingerprint=services.fingerprint(certificate),
        subject=certificate.subject.rfc4514_string(),
        holder=services.holder_name(certificate),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


@pytest.fixture
def front(live_server, test_pki, tmp_path, settings):
    """Debian's nginx on loopback (the shipped snippets), proxying to the live server."""
    certificate, key = test_pki.ca.issue_server()
    (tmp_path / "server.pem").write_bytes(pki.pem(certificate))
    (tmp_path / "server-key.pem").write_bytes(pki.pem(key))
    local = tlsfront.render(
        tmp_path / "nginx", upstream=f"127.0.0.1:{live_server.thread.port}",
        cert=tmp_path / "server.pem", key=tmp_path / "server-key.pem",
        portal_port=free_port(), card_port=free_port(),
    )
    settings.ETS_SITE_URL = local.portal_url
    settings.ETS_SMARTCARD_URL = local.card_url
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    process = tlsfront.start(local)
    yield local
    tlsfront.stop(process)


@pytest.fixture(autouse=True)
def _french():
    """A request in English leaves its language active in the thread: start each test in French."""
    translation.activate("fr")
    yield
    translation.activate("fr")
