"""Trust in client certificates: where they are read from, and whether they are acceptable.

The TLS front (nginx) asks the browser for a certificate without judging it
(``ssl_verify_client optional_no_ca``) and passes it on; this module decides:
chain to an issuer of ETS_SMARTCARD_CA_FILE (cryptography's X.509 verification
API), validity dates, usage for client authentication, and revocation against the
CRLs of ETS_SMARTCARD_CRL_DIR. Every answer is a ``CertCheck`` with a status.
"""

import enum
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)
from django.conf import settings
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

# The gunicorn worker of gunicorn_worker.py puts the peer certificate here:
# a WSGI key without the HTTP_ prefix, which no request header can produce.
ENVIRON_KEY = "ets.client_certificate"
# Card issuers sit one or two levels below their root.
MAX_CHAIN_DEPTH = 4


class CertStatus(enum.Enum):
    OK = "ok"
    NO_CERTIFICATE = "no_certificate"
    UNKNOWN = "unknown"  # trusted, but enrolled on no account (decided by the flows)
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    REVOKED = "revoked"
    NO_CLIENT_AUTH = "no_client_auth"
    REVOCATION_UNAVAILABLE = "revocation_unavailable"  # CRL missing or stale: fail closed


MESSAGES = {
    CertStatus.NO_CERTIFICATE: _(
        "Aucun certificat n'a été présenté. Insérez votre carte à puce, puis réessayez et "
        "choisissez son certificat lorsque votre navigateur le propose."
    ),
    CertStatus.UNKNOWN: _(
        "Ce certificat n'est enregistré sur aucun compte. Connectez-vous par courriel et mot "
        "de passe, puis ajoutez votre carte à puce depuis « Mes informations »."
    ),
    CertStatus.EXPIRED: _("Le certificat de cette carte à puce a expiré."),
    CertStatus.NOT_YET_VALID: _("Le certificat de cette carte à puce n'est pas encore valide."),
    CertStatus.UNTRUSTED_ISSUER: _(
        "Le certificat de cette carte à puce n'a pas été délivré par une autorité reconnue."
    ),
    CertStatus.REVOKED: _("Le certificat de cette carte à puce a été révoqué."),
    CertStatus.NO_CLIENT_AUTH: _(
        "Ce certificat ne permet pas l'authentification : choisissez le certificat "
        "d'authentification de votre carte à puce."
    ),
    CertStatus.REVOCATION_UNAVAILABLE: _(
        "La validité de ce certificat ne peut pas être vérifiée pour le moment. "
        "Réessayez plus tard ou connectez-vous par courriel et mot de passe."
    ),
}


@dataclass(frozen=True)
class CertCheck:
    """The verdict on the certificate of one request."""

    status: CertStatus
    certificate: x509.Certificate | None = None

    @property
    def ok(self) -> bool:
        return self.status is CertStatus.OK

    @property
    def message(self):
        return MESSAGES.get(self.status, "")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate) if self.certificate is not None else ""


# --- Reading the certificate of a request --------------------------------------------


def _header_meta_key() -> str:
    return "HTTP_" + settings.ETS_SMARTCARD_CERT_HEADER.upper().replace("-", "_")


def certificate_from_request(request) -> x509.Certificate | None:
    """The client certificate, only as the trusted front passed it; None otherwise.

    Either the WSGI server put it in the environ itself (gunicorn serving TLS), or
    the request comes from an address of ETS_TRUSTED_PROXIES, whose header is
    believed (nginx: URL-encoded PEM, $ssl_client_escaped_cert). The same header
    from any other address is ignored.
    """
    if ENVIRON_KEY in request.META:
        # The TLS server's own word, even "no certificate" (empty): a header never counts
        # then, whoever sends it (a local process, a port forwarder).
        value = request.META[ENVIRON_KEY]
    else:
        if request.META.get("REMOTE_ADDR", "") not in settings.ETS_TRUSTED_PROXIES:
            return None
        value = request.META.get(_header_meta_key(), "")
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    value = unquote(value).strip()
    if not value or value == "-" or "BEGIN CERTIFICATE" not in value:
        return None
    try:
        return x509.load_pem_x509_certificate(value.encode("ascii", "replace"))
    except ValueError:
        log.warning("smartcard: the front passed a certificate that does not parse")
        return None


# --- Trust anchors and revocation lists ----------------------------------------------


def load_pem_bundle(path: str | os.PathLike) -> list[x509.Certificate]:
    """Every certificate of a PEM file; ValueError when it holds none or does not parse."""
    certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    if not certificates:
        raise ValueError("no certificate in the bundle")
    return certificates


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN X509 CRL-----" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


_cache: dict[str, tuple[tuple, object]] = {}


def _stamp(paths: list[Path]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def is_root(certificate: x509.Certificate) -> bool:
    """Self-signed: its own name as issuer and its own key behind the signature (a
    re-keyed CA's link certificate has the name but another key's signature)."""
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def trust_anchors() -> list[x509.Certificate]:
    """The roots of the bundle (self-signed): the anchors every chain must reach."""
    return [c for c in bundle() if is_root(c)]


def bundle_intermediates() -> list[x509.Certificate]:
    """The other certificates of the bundle: intermediates that chains are built through,
    so that each one's own revocation is checked against its issuer's CRL."""
    return [c for c in bundle() if not is_root(c)]


def bundle() -> list[x509.Certificate]:
    """The certificates of ETS_SMARTCARD_CA_FILE, re-read when it changes; empty if unreadable."""
    path = Path(settings.ETS_SMARTCARD_CA_FILE)
    try:
        stamp = _stamp([path])
    except OSError:
        return []
    cached = _cache.get("ca")
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        anchors = load_pem_bundle(path)
    except (OSError, ValueError):
        log.error("smartcard: %s cannot be read as a PEM bundle", path)
        anchors = []
    _cache["ca"] = (stamp, anchors)
    return anchors


def crl_files() -> list[Path]:
    folder = Path(settings.ETS_SMARTCARD_CRL_DIR)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".crl", ".pem", ".der"})


def revocation_lists() -> list[x509.CertificateRevocationList]:
    """The CRLs of ETS_SMARTCARD_CRL_DIR (PEM or DER), re-read when a file changes."""
    files = crl_files()
    try:
        stamp = _stamp(files)
    except OSError:
        return []
    cached = _cache.get("crl")
    if cached and cached[0] == stamp:
        return cached[1]
    crls = []
    for path in files:
        try:
            crls.append(load_crl(path.read_bytes()))
        except (OSError, ValueError):
            log.error("smartcard: %s is not a CRL", path)
    _cache["crl"] = (stamp, crls)
    return crls


def crl_number(crl: x509.CertificateRevocationList) -> int:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return -1


# A CRL issued a little ahead of this server's clock is current all the same.
CLOCK_SKEW = timedelta(minutes=5)


def covers(crl: x509.CertificateRevocationList, subject_is_ca: bool) -> bool:
    """Whether this CRL lists every revoked certificate of the subject's kind.

    A delta CRL lists only the changes since a base CRL, and a CRL with an issuing
    distribution point may be limited to CA certificates, to end-entity ones or to some
    revocation reasons: taken as complete, a fresher partial list would hide revocations.
    """
    extensions = crl.extensions
    try:
        extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        return False
    except x509.ExtensionNotFound:
        pass
    try:
        scope = extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except x509.ExtensionNotFound:
        return True
    if scope.only_some_reasons or scope.only_contains_attribute_certs or scope.indirect_crl:
        return False
    return not (scope.only_contains_ca_certs and not subject_is_ca
                or scope.only_contains_user_certs and subject_is_ca)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def own_crl(authority: x509.Certificate, crls, when: datetime):
    """The CRL an authority of the bundle must publish (crl_for): a root's covers the
    intermediates it signs, any other's the cards."""
    return crl_for(authority, crls, when, subject_is_ca=is_root(authority))


def crl_for(issuer: x509.Certificate, crls, when: datetime, subject_is_ca: bool = False):
    """The freshest complete CRL signed by this issuer for this kind of subject (card or
    CA), and whether it is still current. A CRL dated in the future is not yet one."""
    candidates = [
        crl for crl in crls
        if crl.issuer == issuer.subject and crl.last_update_utc <= when + CLOCK_SKEW
        and covers(crl, subject_is_ca) and crl.is_signature_valid(issuer.public_key())
    ]
    if not candidates:
        return None, False
    crl = max(candidates, key=lambda c: (c.last_update_utc, crl_number(c)))
    fresh = crl.next_update_utc is None or crl.next_update_utc >= when
    return crl, fresh


# --- Verification --------------------------------------------------------------------


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def holder_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def _allows_client_auth(certificate: x509.Certificate) -> bool:
    """Key usage (when present) must allow signatures; extended key usage must say clientAuth."""
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        if not key_usage.digital_signature:
            return False
    except x509.ExtensionNotFound:
        pass
    try:
        eku = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False  # a card's authentication certificate always states its purpose
    return ExtendedKeyUsageOID.CLIENT_AUTH in eku


def _verifier(anchors, when: datetime):
    # Card certificates name their holder in the subject; many carry no
    # subjectAltName, which the Web PKI default would require of a leaf.
    ee_policy = (
        ExtensionPolicy.webpki_defaults_ee()
        .may_be_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
        # Card issuers are not Web PKI: some leave out the authority key identifier, some
        # mark their certificate policies critical. The chain and its signatures decide.
        .may_be_present(x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None)
        .may_be_present(x509.CertificatePolicies, Criticality.AGNOSTIC, None)
    )
    return (
        PolicyBuilder()
        .store(Store(anchors))
        .time(when)
        .max_chain_depth(MAX_CHAIN_DEPTH)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee_policy)
        .build_client_verifier()
    )


def now() -> datetime:
    return datetime.now(UTC)


def verify(certificate: x509.Certificate | None, intermediates=(), at: datetime | None = None):
    """Judge a client certificate; returns a CertCheck (never raises on a bad certificate)."""
    if certificate is None:
        return CertCheck(CertStatus.NO_CERTIFICATE)
    when = at or now()
    if when < certificate.not_valid_before_utc:
        return CertCheck(CertStatus.NOT_YET_VALID, certificate)
    if when > certificate.not_valid_after_utc:
        return CertCheck(CertStatus.EXPIRED, certificate)
    try:
        allowed = _allows_client_auth(certificate)
    except (ValueError, x509.DuplicateExtension) as exc:
        # Extensions are decoded on first use: no authority of a card issues these.
        log.info("smartcard: unreadable extensions: %s", exc)
        return CertCheck(CertStatus.UNTRUSTED_ISSUER, certificate)
    if not allowed:
        return CertCheck(CertStatus.NO_CLIENT_AUTH, certificate)
    anchors = trust_anchors()
    if not anchors:
        return CertCheck(CertStatus.UNTRUSTED_ISSUER, certificate)
    try:
        verified = _verifier(anchors, when).verify(
            certificate, [*intermediates, *bundle_intermediates()])
    except VerificationError as exc:
        log.info("smartcard: chain refused: %s", exc)
        return CertCheck(CertStatus.UNTRUSTED_ISSUER, certificate)
    return CertCheck(_revocation_status(verified.chain, when), certificate)


def _revocation_status(chain: list[x509.Certificate], when: datetime) -> CertStatus:
    """Every certificate of the chain below its anchor is looked up in its issuer's CRL."""
    crls = revocation_lists()
    for subject, issuer in zip(chain, chain[1:], strict=False):
        crl, fresh = crl_for(issuer, crls, when, subject_is_ca=_is_ca(subject))
        if crl is not None and crl.get_revoked_certificate_by_serial_number(
            subject.serial_number
        ) is not None:
            return CertStatus.REVOKED
        if (crl is None or not fresh) and settings.ETS_SMARTCARD_CRL_REQUIRED:
            log.error(
                "smartcard: no current CRL for %s (run manage.py smartcard_refresh_crls)",
                issuer.subject.rfc4514_string(),
            )
            return CertStatus.REVOCATION_UNAVAILABLE
    return CertStatus.OK


def check_request(request) -> CertCheck:
    """Read and judge the certificate of this request."""
    return verify(certificate_from_request(request))
