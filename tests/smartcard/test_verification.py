"""services.verify and the reading of the certificate from the trusted front only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from eprocedures.smartcard import services
from eprocedures.smartcard.checks import check_ca_bundle
from eprocedures.smartcard.management.commands import smartcard_refresh_crls as command
from eprocedures.smartcard.pki import Authority, pem
from eprocedures.smartcard.services import CertStatus

from .conftest import cert_meta, text


def test_a_valid_card_certificate_is_ok(test_pki):
    check = services.verify(test_pki.card())
    assert check.status is CertStatus.OK
    assert len(check.fingerprint) == 64


def test_no_certificate(test_pki):
    check = services.verify(None)
    assert check.status is CertStatus.NO_CERTIFICATE
    assert str(check.message).startswith("Aucun certificat n'a été présenté.")


def test_expired(test_pki):
    check = services.verify(test_pki.expired())
    assert check.status is CertStatus.EXPIRED
    assert check.message == "Le certificat de cette carte à puce a expiré."


def test_not_yet_valid(test_pki):
    check = services.verify(test_pki.not_yet_valid())
    assert check.status is CertStatus.NOT_YET_VALID
    assert check.message == "Le certificat de cette carte à puce n'est pas encore valide."


def test_wrong_issuer(test_pki):
    check = services.verify(test_pki.wrong_issuer())
    assert check.status is CertStatus.UNTRUSTED_ISSUER
    assert check.message == (
        "Le certificat de cette carte à puce n'a pas été délivré par une autorité reconnue."
    )


def test_a_self_signed_copy_of_the_ca_name_is_untrusted(test_pki):
    # Same issuer name as the accepted CA, but another key: the signature decides.
    impostor = Authority.create("Autorité de test")
    check = services.verify(impostor.issue_card("Paul Durand")[0])
    assert check.status is CertStatus.UNTRUSTED_ISSUER


def test_without_client_auth_usage(test_pki):
    check = services.verify(test_pki.without_client_auth())
    assert check.status is CertStatus.NO_CLIENT_AUTH


def test_revoked_in_the_crl(test_pki):
    certificate = test_pki.card()
    test_pki.revoke(certificate)
    check = services.verify(certificate)
    assert check.status is CertStatus.REVOKED
    assert check.message == "Le certificat de cette carte à puce a été révoqué."
    # Another card of the same CA is still fine.
    assert services.verify(test_pki.card()).ok


def test_missing_crl_fails_closed(test_pki):
    for path in test_pki.crl_dir.iterdir():
        path.unlink()
    assert services.verify(test_pki.card()).status is CertStatus.REVOCATION_UNAVAILABLE


def test_stale_crl_fails_closed(test_pki):
    test_pki.write_crl(last_update=datetime.now(UTC) - timedelta(days=10), days=7)
    assert services.verify(test_pki.card()).status is CertStatus.REVOCATION_UNAVAILABLE


def test_missing_crl_is_accepted_when_the_setting_says_so(test_pki, settings):
    settings.ETS_SMARTCARD_CRL_REQUIRED = False
    for path in test_pki.crl_dir.iterdir():
        path.unlink()
    assert services.verify(test_pki.card()).ok


def test_a_crl_signed_by_another_ca_is_ignored(test_pki):
    certificate = test_pki.card()
    forged = test_pki.other_ca.crl([certificate])
    # Wrong signer: it neither revokes nor counts as current.
    for path in test_pki.crl_dir.iterdir():
        path.unlink()
    (test_pki.crl_dir / "forged.crl").write_bytes(pem(forged))
    assert services.verify(certificate).status is CertStatus.REVOCATION_UNAVAILABLE


def test_no_ca_bundle_refuses_everything(test_pki, settings, tmp_path):
    settings.ETS_SMARTCARD_CA_FILE = str(tmp_path / "missing.pem")
    assert services.verify(test_pki.card()).status is CertStatus.UNTRUSTED_ISSUER


def test_system_check_fails_when_the_bundle_does_not_parse(settings, tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    settings.ETS_SMARTCARD_CA_FILE = str(bad)
    [error] = check_ca_bundle(None)
    assert error.id == "smartcard.E001"


def test_system_check_passes_with_a_good_bundle(test_pki):
    assert check_ca_bundle(None) == []


def test_header_is_read_from_a_trusted_proxy(test_pki):
    certificate = test_pki.card()
    request = RequestFactory().get("/", **cert_meta(certificate))
    assert services.certificate_from_request(request) == certificate


def test_forged_header_from_an_untrusted_address_is_ignored(test_pki):
    request = RequestFactory().get("/", **cert_meta(test_pki.card(), remote="203.0.113.7"))
    assert services.certificate_from_request(request) is None
    assert services.check_request(request).status is CertStatus.NO_CERTIFICATE


def test_the_wsgi_server_environ_key_is_believed(test_pki, settings):
    settings.ETS_TRUSTED_PROXIES = []
    certificate = test_pki.card()
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")
    request.META[services.ENVIRON_KEY] = pem(certificate).decode()
    assert services.certificate_from_request(request) == certificate


def test_empty_and_garbage_headers_mean_no_certificate(test_pki):
    for value in ("", "-", "garbage", "-----BEGIN%20CERTIFICATE-----%0Axx"):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_SSL_CLIENT_CERT=value)
        assert services.certificate_from_request(request) is None


def test_refresh_crls_command_downloads_and_checks_signatures(test_pki, tmp_path, monkeypatch):
    certificate = test_pki.card()
    fresh = test_pki.ca.crl([certificate])
    forged = test_pki.other_ca.crl([])
    answers = {"http://crl.test/ca.crl": pem(fresh), "http://crl.test/forged.crl": pem(forged)}
    monkeypatch.setattr(command, "fetch", lambda url, timeout: answers[url])
    with pytest.raises(CommandError) as failure:
        call_command("smartcard_refresh_crls", url=list(answers), verbosity=0)
    assert str(failure.value) == "http://crl.test/forged.crl: not signed by an accepted issuer"
    assert services.verify(certificate).status is CertStatus.REVOKED
    assert sorted(p.name for p in test_pki.crl_dir.iterdir()) == sorted(
        ["test-ca.crl", command.file_name(test_pki.ca.certificate)]
    )


def with_garbled_extension(oid, value: bytes, *, client_auth=True):
    """A certificate whose extension bytes do not decode (they are decoded on first use)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Carte abîmée")])
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(1)
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=9))
               .add_extension(x509.UnrecognizedExtension(oid, value), critical=False))
    if client_auth:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(key, hashes.SHA256())


GARBLED = [
    ("key usage", "KEY_USAGE", b"\x01\x02garbage", True),
    ("extended key usage", "EXTENDED_KEY_USAGE", b"\x30\x03garbage", False),
    ("subject alternative name", "SUBJECT_ALTERNATIVE_NAME", b"zz", True),
]


@pytest.mark.parametrize(("what", "oid", "value", "client_auth"), GARBLED,
                         ids=[g[0] for g in GARBLED])
def test_an_extension_that_does_not_decode_is_refused_not_an_error(
        test_pki, what, oid, value, client_auth):
    from cryptography.x509.oid import ExtensionOID

    certificate = with_garbled_extension(getattr(ExtensionOID, oid), value,
                                         client_auth=client_auth)
    check = services.verify(certificate)
    assert check.status is CertStatus.UNTRUSTED_ISSUER


@pytest.mark.django_db
def test_card_sign_in_with_a_garbled_certificate_answers_the_refusal_page(client, test_pki):
    from cryptography.x509.oid import ExtensionOID

    from eprocedures.audit.models import AuditEvent

    certificate = with_garbled_extension(ExtensionOID.KEY_USAGE, b"\x01\x02garbage")
    response = client.get("/carte-a-puce/connexion/", **cert_meta(certificate))

    assert response.status_code == 403
    assert "n'a pas été délivré par une autorité reconnue" in text(response)
    event = AuditEvent.objects.get()
    assert (event.event, event.detail["reason"]) == ("smartcard.login", "untrusted_issuer")


def test_a_request_the_tls_worker_served_never_falls_back_to_the_header(test_pki, settings):
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]
    meta = cert_meta(test_pki.card())  # the header, from a trusted address
    request = RequestFactory().get("/", **meta)
    assert services.certificate_from_request(request) is not None  # behind nginx: believed
    request = RequestFactory().get("/", **meta, **{services.ENVIRON_KEY: ""})
    assert services.certificate_from_request(request) is None  # the TLS server saw none
