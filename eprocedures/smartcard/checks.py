"""Configuration of card sign-in checked at start."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

from . import services


@register()
def check_ca_bundle(app_configs, **kwargs):
    path = Path(settings.ETS_SMARTCARD_CA_FILE)
    if not path.exists():
        return []  # the deploy check below says it
    try:
        certificates = services.load_pem_bundle(path)
    except (OSError, ValueError) as exc:
        return [Error(
            f"ETS_SMARTCARD_CA_FILE ({path}) is not a PEM bundle of certificates: {exc}",
            id="smartcard.E001",
        )]
    if not any(services.is_root(c) for c in certificates):
        return [Error(
            f"ETS_SMARTCARD_CA_FILE ({path}) holds no root (self-signed) certificate: "
            "every card will be refused.",
            hint="Chains are checked up to a root, each intermediate against its issuer's "
                 "CRL: put the root with the intermediates.",
            id="smartcard.E002",
        )]
    return []


@register(deploy=True)
def check_ca_bundle_exists(app_configs, **kwargs):
    path = Path(settings.ETS_SMARTCARD_CA_FILE)
    if not path.exists():
        return [Warning(
            f"ETS_SMARTCARD_CA_FILE ({path}) does not exist: every smartcard will be refused.",
            hint="Point it at the PEM bundle of accepted card issuers, or run "
                 "`manage.py smartcard_demo` for a local try-out.",
            id="smartcard.W001",
        )]
    return []


@register(deploy=True)
def check_crls(app_configs, **kwargs):
    path = Path(settings.ETS_SMARTCARD_CA_FILE)
    if not settings.ETS_SMARTCARD_CRL_REQUIRED or not path.exists():
        return []
    try:
        anchors = services.load_pem_bundle(path)
    except (OSError, ValueError):
        return []  # reported by check_ca_bundle
    crls = services.revocation_lists()
    missing = [a for a in anchors if services.own_crl(a, crls, services.now())[0] is None]
    return [Warning(
        f"No CRL in ETS_SMARTCARD_CRL_DIR for {a.subject.rfc4514_string()}: its cards are "
        "refused while ETS_SMARTCARD_CRL_REQUIRED is on.",
        hint="Run `manage.py smartcard_refresh_crls` (cron) or copy the CRL there.",
        id="smartcard.W002",
    ) for a in missing]
