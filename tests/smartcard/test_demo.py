"""`manage.py smartcard_demo` (run by `make tls-demo`): a demo PKI a newcomer can use as is."""

import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command

from eprocedures.accounts.models import User
from eprocedures.smartcard import services
from eprocedures.smartcard.services import CertStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "smartcard"
    settings.ETS_SMARTCARD_CA_FILE = str(folder / "ca.pem")
    settings.ETS_SMARTCARD_CRL_DIR = str(folder / "crl")
    settings.ETS_SMARTCARD_CRL_REQUIRED = True
    services._cache.clear()
    yield folder
    services._cache.clear()


def test_the_demo_card_imports_and_is_accepted(demo, capsys):
    call_command("smartcard_demo", account="demo@localhost.test")
    out = capsys.readouterr().out
    assert "demo card" in out and "(password: demo)" in out
    assert "demo@localhost.test  password: Demo-" in out
    user = User.objects.get(email="demo@localhost.test")
    assert user.is_attorney and user.is_active

    card = pkcs12.load_pkcs12((demo / "demo-card.p12").read_bytes(), b"demo")
    certificate = card.cert.certificate
    assert services.holder_name(certificate) == "Paul Durand (démo)"
    assert services.verify(certificate).status is CertStatus.OK  # demo CA and its CRL
    for private in ("ca-key.pem", "server-key.pem", "demo-card-key.pem", "demo-card.p12"):
        assert (demo / private).stat().st_mode & 0o077 == 0, private

    # OpenSSL 3 reads it without -legacy, and it is sealed the way every keychain imports
    # (3DES, SHA-1 MAC), not with the AES-256 that the macOS keychain refuses.
    info = subprocess.run(
        ["openssl", "pkcs12", "-in", str(demo / "demo-card.p12"), "-passin", "pass:demo",
         "-info", "-noout"], capture_output=True, text=True, check=True).stderr
    assert "pbeWithSHA1And3-KeyTripleDES-CBC" in info
    assert "MAC: sha1" in info
    assert "AES" not in info


def test_a_second_run_keeps_what_the_browser_imported(demo, capsys):
    call_command("smartcard_demo", account="demo@localhost.test")
    first = {name: (demo / name).read_bytes()
             for name in ("ca.pem", "server.pem", "demo-card.p12")}
    call_command("smartcard_demo", account="demo@localhost.test")
    assert "demo@localhost.test (exists, unchanged)" in capsys.readouterr().out
    assert {name: (demo / name).read_bytes() for name in first} == first
    server = x509.load_pem_x509_certificates((demo / "server.pem").read_bytes())
    names = server[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
