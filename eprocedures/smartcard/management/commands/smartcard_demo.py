"""Generate a demo PKI for trying card sign-in locally (never for production)."""

import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.smartcard import pki


def write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)


class Command(BaseCommand):
    help = (
        "Create in ETS_DATA_DIR/smartcard a demo certificate authority (ca.pem, the default "
        "ETS_SMARTCARD_CA_FILE), its CRL, a localhost server certificate for the TLS front and "
        "a demo card certificate as demo-card.p12 to import into a browser. Existing files are "
        "kept (the CRL is renewed), so a browser that imported them keeps working."
    )

    def add_arguments(self, parser):
        parser.add_argument("--holder", default="Paul Durand (démo)")
        parser.add_argument("--p12-password", default="demo")
        parser.add_argument(
            "--account", metavar="EMAIL",
            help="also create this professional account (active) and print its password",
        )

    def handle(self, *args, holder, p12_password, account, **options):
        folder = Path(settings.DATA_DIR) / "smartcard"
        ca_file, ca_key_file = folder / "ca.pem", folder / "ca-key.pem"
        if ca_file.exists() and ca_key_file.exists():
            authority = pki.Authority(
                x509.load_pem_x509_certificate(ca_file.read_bytes()),
                load_pem_private_key(ca_key_file.read_bytes(), password=None),
                serial=secrets.randbelow(2**60) + 10_000,
            )
        else:
            authority = pki.Authority.create()
            write(ca_file, pki.pem(authority.certificate))
            write(ca_key_file, pki.pem(authority.key), private=True)
        if not (folder / "server.pem").exists():
            certificate, key = authority.issue_server()
            write(folder / "server.pem", pki.pem(certificate) + pki.pem(authority.certificate))
            write(folder / "server-key.pem", pki.pem(key), private=True)
        card_p12 = folder / "demo-card.p12"
        if not card_p12.exists():
            certificate, key = authority.issue_card(holder)
            write(folder / "demo-card.pem", pki.pem(certificate))
            write(folder / "demo-card-key.pem", pki.pem(key), private=True)
            write(card_p12, pki.p12(certificate, key, authority.certificate, p12_password,
                                    holder), private=True)
        write(folder / "crl" / "demo-ca.crl", pki.pem(authority.crl(days=30)))
        self.stdout.write(f"Demo PKI in {folder}:")
        self.stdout.write(f"  accepted issuers   {ca_file}")
        self.stdout.write(f"  CRL (30 days)      {folder / 'crl' / 'demo-ca.crl'}")
        self.stdout.write(f"  TLS front          {folder / 'server.pem'}")
        self.stdout.write(f"  demo card          {card_p12}  (password: {p12_password})")
        if account:
            self._account(account)

    def _account(self, email: str) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            self.stdout.write(f"  account            {email} (exists, unchanged)")
            return
        password = "Demo-" + secrets.token_urlsafe(9)
        User.objects.create_user(
            email, password, first_name="Paul", last_name="Durand", civility="M",
            street_name="rue bleue", postal_code="59000", city="Lille",
            mobile_phone="+33612345678", is_attorney=True, is_active=True,
            activated_at=timezone.now(),
        )
        self.stdout.write(f"  account            {email}  password: {password}")
