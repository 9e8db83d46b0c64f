"""A small certificate authority for the local try-out and the tests.

Never used to judge certificates (that is services.py); it only issues them:
a CA, a TLS server certificate, card (client-authentication) certificates,
CRLs and PKCS#12 files to import into a browser.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name: str, organization: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "FR")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _key_usage(*, signature=False, key_encipherment=False, cert_sign=False):
    return x509.KeyUsage(
        digital_signature=signature, content_commitment=False,
        key_encipherment=key_encipherment, data_encipherment=False, key_agreement=False,
        key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    serial: int = 1000

    @classmethod
    def create(cls, common_name: str = "Autorité de démonstration des cartes", *, days=3650):
        key = new_key()
        now = datetime.now(UTC)
        name = _name(common_name, "eprocedures")
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(certificate, key)

    def _builder(self, subject: x509.Name, public_key, not_before, not_after):
        self.serial += 1
        return (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(self.certificate.subject)
            .public_key(public_key).serial_number(self.serial)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    def issue_card(self, holder: str, *, public_key=None, not_before=None, not_after=None,
                   client_auth=True, email: str = ""):
        """A card's authentication certificate; returns (certificate, private key or None)."""
        key = None
        if public_key is None:
            key = new_key()
            public_key = key.public_key()
        now = datetime.now(UTC)
        builder = self._builder(
            _name(holder), public_key,
            not_before or now - timedelta(days=1), not_after or now + timedelta(days=365),
        ).add_extension(_key_usage(signature=True), critical=True)
        usage = (ExtendedKeyUsageOID.CLIENT_AUTH if client_auth
                 else ExtendedKeyUsageOID.EMAIL_PROTECTION)
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if email:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        return builder.sign(self.key, hashes.SHA256()), key

    def issue_server(self, hostnames=("localhost",), addresses=("127.0.0.1", "::1"), *, days=825):
        key = new_key()
        now = datetime.now(UTC)
        names = [x509.DNSName(h) for h in hostnames] + [
            x509.IPAddress(ip_address(a)) for a in addresses]
        certificate = (
            self._builder(_name(hostnames[0]), key.public_key(), now - timedelta(days=1),
                          now + timedelta(days=days))
            .add_extension(_key_usage(signature=True, key_encipherment=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return certificate, key

    def crl(self, revoked=(), *, days=7, last_update=None):
        """A CRL listing these certificates, valid `days` from last_update (default now)."""
        last_update = last_update or datetime.now(UTC) - timedelta(minutes=5)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(last_update).next_update(last_update + timedelta(days=days))
            .add_extension(x509.CRLNumber(self.serial), critical=False)
        )
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(last_update).build()
            )
        return builder.sign(self.key, hashes.SHA256())


def pem(obj) -> bytes:
    """PEM of a certificate, a CRL or a private key (unencrypted PKCS#8)."""
    if isinstance(obj, x509.Certificate | x509.CertificateRevocationList):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def p12(certificate, key, ca_certificate, password: str, name: str) -> bytes:
    """A PKCS#12 file a browser or an operating system imports (the demo "card").

    Encrypted the way every importer understands (3DES, SHA-1 MAC): the macOS
    keychain and older Windows refuse OpenSSL 3's default AES-256 PKCS#12. It only
    carries a demo key, and the newcomer must be able to import it anywhere.
    """
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50000)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (the PKCS#12 MAC importers expect)
        .build(password.encode())
    )
    return pkcs12.serialize_key_and_certificates(
        name.encode(), key, certificate, [ca_certificate], encryption)
