"""gunicorn serving TLS itself: the worker hands the peer certificate to the portal."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings

from eprocedures.smartcard import pki, tlsfront

from ..conftest import free_port

pytestmark = pytest.mark.e2e


# With the default ETS_TRUSTED_PROXIES (127.0.0.1) too: a header from a local process
# must not count when gunicorn itself serves TLS.
@pytest.mark.parametrize("trusted_proxies", ["", "127.0.0.1"])
def test_the_peer_certificate_reaches_the_portal_and_headers_do_not(test_pki, tmp_path,
                                                                    trusted_proxies):
    certificate, key = test_pki.ca.issue_server()
    (tmp_path / "server.pem").write_bytes(pki.pem(certificate))
    (tmp_path / "server-key.pem").write_bytes(pki.pem(key))
    card, card_key = test_pki.card_with_key()
    (tmp_path / "card.pem").write_bytes(pki.pem(card))
    (tmp_path / "card-key.pem").write_bytes(pki.pem(card_key))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ETS_DATA_DIR": str(tmp_path / "data"),
        "ETS_SMARTCARD_CA_FILE": str(test_pki.ca_file),
        "ETS_SMARTCARD_CRL_DIR": str(test_pki.crl_dir),
        "ETS_TRUSTED_PROXIES": trusted_proxies,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, check=True,
                   cwd=settings.BASE_DIR)
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "eprocedures.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
         "-k", "eprocedures.smartcard.gunicorn_worker.CertificateWorker",
         "--certfile", str(tmp_path / "server.pem"), "--keyfile", str(tmp_path / "server-key.pem"),
         "--cert-reqs", "1", "--ca-certs", str(test_pki.ca_file)],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        tlsfront.wait_for_port(port)
        url = f"https://localhost:{port}/carte-a-puce/connexion/"

        def reason(*args):
            out = subprocess.run(["curl", "-sk", *args, url], capture_output=True, text=True,
                                 check=True).stdout
            return out.split('data-reason="', 1)[1].split('"', 1)[0]

        # A trusted card not enrolled here: the portal saw the certificate.
        assert reason("--cert", str(tmp_path / "card.pem"),
                      "--key", str(tmp_path / "card-key.pem")) == "unknown"
        # The same certificate in a header: ignored.
        forged = quote(pki.pem(card).decode())
        assert reason("-H", f"X-SSL-Client-Cert: {forged}") == "no_certificate"
    finally:
        server.terminate()
        server.wait(timeout=10)
