"""Download the CRLs of the accepted card issuers into ETS_SMARTCARD_CRL_DIR (run from cron)."""

import hashlib
import os
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from eprocedures.smartcard import services


def fetch(url: str, timeout: int) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"only http(s) URLs are fetched, not {url!r}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (scheme checked)
        return response.read(50 * 1024 * 1024)


def scope(crl) -> str | None:
    """Which certificates a complete CRL covers ("all", "ca" or "user"); None for a partial
    one (a delta CRL, some reasons only…), which the portal does not use."""
    for_ca, for_cards = services.covers(crl, True), services.covers(crl, False)
    if for_ca and for_cards:
        return "all"
    return "ca" if for_ca else "user" if for_cards else None


def file_name(issuer, coverage: str = "all") -> str:
    """One file per issuer and coverage: a CA-only list never replaces the full one."""
    digest = hashlib.sha256(issuer.public_bytes(serialization.Encoding.DER)).hexdigest()
    return f"{digest[:24]}.crl" if coverage == "all" else f"{digest[:24]}-{coverage}.crl"


def write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".crl-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class Command(BaseCommand):
    help = (
        "Fetch the CRLs of ETS_SMARTCARD_CRL_URLS (and --url), keep those signed by an issuer "
        "of ETS_SMARTCARD_CA_FILE and newer than the copy in ETS_SMARTCARD_CRL_DIR. Exits "
        "non-zero when a download fails or an issuer is left without a current CRL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", action="append", default=[], help="a CRL URL (repeatable)")
        parser.add_argument("--timeout", type=int, default=30)

    def handle(self, *args, url, timeout, **options):
        if not Path(settings.ETS_SMARTCARD_CA_FILE).exists():
            # A portal without smartcards: the cron job has nothing to do, and says so.
            self.stdout.write(f"No card issuer bundle at {settings.ETS_SMARTCARD_CA_FILE}: "
                              "smartcard sign-in is not set up, no CRL to fetch.")
            return
        anchors = services.load_pem_bundle(settings.ETS_SMARTCARD_CA_FILE)
        folder = Path(settings.ETS_SMARTCARD_CRL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        failures = []
        for source in [*settings.ETS_SMARTCARD_CRL_URLS, *url]:
            try:
                crl = services.load_crl(fetch(source, timeout))
            except Exception as exc:  # network errors and parse errors alike
                failures.append(f"{source}: {exc}")
                continue
            issuer = next((a for a in anchors if crl.issuer == a.subject
                           and crl.is_signature_valid(a.public_key())), None)
            if issuer is None:
                failures.append(f"{source}: not signed by an accepted issuer")
                continue
            coverage = scope(crl)
            if coverage is None:
                failures.append(f"{source}: a delta or partial CRL (refused: a complete one "
                                "is needed)")
                continue
            if crl.last_update_utc > datetime.now(UTC) + services.CLOCK_SKEW:
                failures.append(f"{source}: not valid yet (its thisUpdate is ahead of this "
                                "server's clock; the CRL kept stays)")
                continue
            target = folder / file_name(issuer, coverage)
            kept = services.load_crl(target.read_bytes()) if target.exists() else None
            if kept is not None and services.crl_number(crl) < services.crl_number(kept):
                failures.append(f"{source}: older than the CRL already kept (refused)")
                continue
            write_atomically(target, crl.public_bytes(serialization.Encoding.DER))
            if options["verbosity"]:
                self.stdout.write(f"{source} → {target}")
        now = datetime.now(UTC)
        crls = services.revocation_lists()
        for anchor in anchors:
            _crl, fresh = services.own_crl(anchor, crls, now)
            if not fresh:
                failures.append(f"no current CRL for {anchor.subject.rfc4514_string()}")
        if failures:
            raise CommandError("\n".join(failures))
