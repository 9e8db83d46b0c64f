"""A SoftHSM2 token stands in for the card: its key is made on the token and never leaves it.

softhsm2-util creates the token, pkcs11-tool generates the key pair ON it, the
test CA certifies the token's public key, and curl signs in through nginx with
OpenSSL's pkcs11 engine, the private key addressed by a pkcs11: URI and the PIN.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_der_public_key

from eprocedures.audit.models import AuditEvent
from eprocedures.smartcard import pki

from .conftest import enrol, make_user

pytestmark = pytest.mark.e2e

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
ENGINE = Path("/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so")
PIN = "123456"


@pytest.fixture
def token(tmp_path, monkeypatch):
    for need in (MODULE, ENGINE):
        if not need.exists():
            pytest.fail(f"{need} is missing: scripts/system-deps.sh installs it")
    if not (shutil.which("softhsm2-util") and shutil.which("pkcs11-tool")):
        pytest.fail("softhsm2-util / pkcs11-tool missing: scripts/system-deps.sh installs them")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    openssl_conf = tmp_path / "openssl.cnf"
    openssl_conf.write_text(
        "openssl_conf = openssl_init\n[openssl_init]\nengines = engine_section\n"
        "[engine_section]\npkcs11 = pkcs11_section\n[pkcs11_section]\nengine_id = pkcs11\n"
        f"dynamic_path = {ENGINE}\nMODULE_PATH = {MODULE}\ninit = 0\n"
    )
    monkeypatch.setenv("OPENSSL_CONF", str(openssl_conf))

    def run(*args):
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    run("softhsm2-util", "--init-token", "--free", "--label", "card",
        "--pin", PIN, "--so-pin", "12345678")
    tool = ["pkcs11-tool", "--module", str(MODULE), "--token-label", "card"]
    run(*tool, "--login", "--pin", PIN, "--keypairgen", "--key-type", "EC:prime256v1",
        "--id", "01", "--label", "auth")
    listing = run(*tool, "--login", "--pin", PIN, "--list-objects", "--type", "privkey")
    assert "never extractable" in listing  # generated on the token, cannot be exported
    public_der = tmp_path / "public.der"
    run(*tool, "--read-object", "--type", "pubkey", "--id", "01", "-o", str(public_der))
    return load_der_public_key(public_der.read_bytes())


def curl_with_token(url: str, cert_path: Path, key_uri: str):
    return subprocess.run(
        ["curl", "-sk", "--engine", "pkcs11", "--key-type", "ENG", "--key", key_uri,
         "--cert", str(cert_path), "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
         url],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )


def test_sign_in_with_a_key_that_stays_on_the_token(front, token, test_pki, tmp_path):
    user = make_user()
    certificate, _ = test_pki.ca.issue_card("Paul Durand", public_key=token)
    assert _ is None  # no private key exists outside the token
    cert_path = tmp_path / "card.pem"
    cert_path.write_bytes(pki.pem(certificate))
    enrol(user, certificate)
    url = front.card_url + "/carte-a-puce/connexion/"

    # Without the PIN the token refuses to sign: no TLS client authentication.
    without_pin = curl_with_token(url, cert_path, "pkcs11:token=card;object=auth;type=private")
    assert without_pin.returncode != 0
    assert "No PIN code was entered" in without_pin.stderr
    assert not AuditEvent.objects.filter(event="smartcard.login", outcome="success").exists()

    with_pin = curl_with_token(
        url, cert_path, f"pkcs11:token=card;object=auth;type=private;pin-value={PIN}")
    assert with_pin.returncode == 0, with_pin.stderr
    assert with_pin.stdout == f"302 {front.portal_url}/"
    event = AuditEvent.objects.get(event="smartcard.login", outcome="success")
    assert event.user == user
