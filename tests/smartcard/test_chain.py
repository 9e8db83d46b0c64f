"""Chains through an intermediate authority, and which CRLs count (services.verify)."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from eprocedures.smartcard import pki, services
from eprocedures.smartcard.services import CertStatus

NOW = datetime.now(UTC)


def ca_certificate(name, key, issuer: pki.Authority | None, path_length):
    builder = (
        x509.CertificateBuilder()
        .subject_name(pki._name(name, "eprocedures"))
        .issuer_name(issuer.certificate.subject if issuer else pki._name(name, "eprocedures"))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=3000))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(pki._key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False)
    return builder.sign((issuer.key if issuer else key), hashes.SHA256())


def crl(authority, revoked=(), *, extensions=(), last_update=None, number=None):
    last_update = last_update or NOW - timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder().issuer_name(authority.certificate.subject)
        .last_update(last_update).next_update(last_update + timedelta(days=7))
        .add_extension(x509.CRLNumber(number or authority.serial), critical=False)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(certificate.serial_number)
            .revocation_date(last_update).build())
    return builder.sign(authority.key, hashes.SHA256())


@pytest.fixture
def pki_tree(tmp_path, settings):
    """A root, an intermediate issuing the cards, the bundle holding both."""
    root_key, sub_key = pki.new_key(), pki.new_key()
    root = pki.Authority(ca_certificate("Racine", root_key, None, None), root_key)
    sub = pki.Authority(ca_certificate("Autorité des cartes", sub_key, root, 0), sub_key)
    (tmp_path / "crl").mkdir()
    (tmp_path / "ca.pem").write_bytes(pki.pem(root.certificate) + pki.pem(sub.certificate))
    settings.ETS_SMARTCARD_CA_FILE = str(tmp_path / "ca.pem")
    settings.ETS_SMARTCARD_CRL_DIR = str(tmp_path / "crl")
    settings.ETS_SMARTCARD_CRL_REQUIRED = True
    services._cache.clear()

    def write(name, revocation_list):
        (tmp_path / "crl" / f"{name}.crl").write_bytes(pki.pem(revocation_list))

    yield root, sub, write, tmp_path
    services._cache.clear()


def test_a_card_of_the_intermediate_is_accepted_with_both_crls(pki_tree):
    root, sub, write, _ = pki_tree
    write("root", crl(root))
    write("sub", crl(sub))
    card, _ = sub.issue_card("Paul Durand")
    assert services.verify(card).status is CertStatus.OK


def test_a_revoked_intermediate_revokes_its_cards(pki_tree):
    root, sub, write, _ = pki_tree
    write("root", crl(root, [sub.certificate]))
    write("sub", crl(sub))
    card, _ = sub.issue_card("Paul Durand")
    assert services.verify(card).status is CertStatus.REVOKED


def test_without_the_roots_crl_the_intermediate_cannot_be_checked(pki_tree):
    _, sub, write, _ = pki_tree
    write("sub", crl(sub))
    card, _ = sub.issue_card("Paul Durand")
    assert services.verify(card).status is CertStatus.REVOCATION_UNAVAILABLE


def test_an_intermediate_alone_is_no_anchor(pki_tree):
    root, sub, write, tmp_path = pki_tree
    (tmp_path / "ca.pem").write_bytes(pki.pem(sub.certificate))
    write("sub", crl(sub))
    card, _ = sub.issue_card("Paul Durand")
    assert services.verify(card).status is CertStatus.UNTRUSTED_ISSUER


@pytest.mark.parametrize("partial", [
    [(x509.DeltaCRLIndicator(1), True)],
    [(x509.IssuingDistributionPoint(None, None, False, True, None, False, False), True)],
    [(x509.IssuingDistributionPoint(
        None, None, False, False,
        frozenset({x509.ReasonFlags.key_compromise}), False, False), True)],
], ids=["delta CRL", "CA certificates only", "some reasons only"])
def test_a_fresher_partial_crl_does_not_hide_a_revocation(pki_tree, partial):
    root, sub, write, _ = pki_tree
    card, _ = sub.issue_card("Paul Durand")
    write("root", crl(root))
    write("sub-full", crl(sub, [card], last_update=NOW - timedelta(hours=2), number=1))
    write("sub-partial", crl(sub, extensions=partial, last_update=NOW - timedelta(minutes=1),
                             number=2))
    assert services.verify(card).status is CertStatus.REVOKED


def test_a_crl_dated_in_the_future_is_not_yet_one(pki_tree):
    root, sub, write, _ = pki_tree
    card, _ = sub.issue_card("Paul Durand")
    write("root", crl(root))
    write("sub-now", crl(sub, [card], number=1))
    write("sub-tomorrow", crl(sub, last_update=NOW + timedelta(days=1), number=2))
    assert services.verify(card).status is CertStatus.REVOKED


def card_builder(sub, **extra):
    key = pki.new_key()
    builder = (
        x509.CertificateBuilder().subject_name(pki._name("Paul Durand"))
        .issuer_name(sub.certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(pki._key_usage(signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    for extension, critical in extra.get("extensions", ()):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(sub.key, hashes.SHA256())


@pytest.mark.parametrize("extensions", [
    [],  # no authority key identifier
    [(x509.CertificatePolicies([x509.PolicyInformation(
        x509.ObjectIdentifier("1.2.250.1.999.1"), None)]), True)],  # critical policies
], ids=["without AKI", "critical certificate policies"])
def test_genuine_cards_outside_web_pki_habits_are_accepted(pki_tree, extensions):
    root, sub, write, _ = pki_tree
    write("root", crl(root))
    write("sub", crl(sub))
    assert services.verify(card_builder(sub, extensions=extensions)).status is CertStatus.OK


def test_the_refresh_keeps_a_full_crl_from_a_delta_one(pki_tree, monkeypatch):
    from django.core.management import CommandError, call_command

    from eprocedures.smartcard.management.commands import smartcard_refresh_crls as command

    root, sub, write, tmp_path = pki_tree
    card, _ = sub.issue_card("Paul Durand")
    full = crl(sub, [card], number=5)
    delta = crl(sub, extensions=[(x509.DeltaCRLIndicator(5), True)], number=6)
    ca_only = crl(root, extensions=[(x509.IssuingDistributionPoint(
        None, None, False, True, None, False, False), True)], number=7)
    answers = {"http://crl.test/sub.crl": pki.pem(full), "http://crl.test/delta.crl":
               pki.pem(delta), "http://crl.test/root-ca.crl": pki.pem(ca_only)}
    monkeypatch.setattr(command, "fetch", lambda url, timeout: answers[url])

    with pytest.raises(CommandError) as failure:
        call_command("smartcard_refresh_crls", url=list(answers), verbosity=0)

    assert str(failure.value) == ("http://crl.test/delta.crl: a delta or partial CRL (refused: "
                                  "a complete one is needed)")
    assert sorted(p.name for p in (tmp_path / "crl").iterdir()) == sorted([
        command.file_name(sub.certificate), command.file_name(root.certificate, "ca")])
    assert services.verify(card).status is CertStatus.REVOKED


def test_a_bundle_without_a_root_is_an_error_at_start(pki_tree):
    from eprocedures.smartcard.checks import check_ca_bundle

    _, sub, _, tmp_path = pki_tree
    assert check_ca_bundle(None) == []
    (tmp_path / "ca.pem").write_bytes(pki.pem(sub.certificate))
    [error] = check_ca_bundle(None)
    assert error.id == "smartcard.E002"


def test_a_certificate_with_a_roots_name_but_another_keys_signature_is_no_root(pki_tree):
    root, sub, write, tmp_path = pki_tree
    new_key = pki.new_key()
    # A re-keyed root's link certificate: the root's name, the new key, signed by the old.
    link = (
        x509.CertificateBuilder().subject_name(root.certificate.subject)
        .issuer_name(root.certificate.subject).public_key(new_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(pki._key_usage(cert_sign=True), critical=True)
        .sign(root.key, hashes.SHA256()))
    assert services.is_root(root.certificate)
    assert not services.is_root(link)


def test_the_deploy_check_reads_a_roots_ca_only_list(pki_tree):
    from eprocedures.smartcard.checks import check_crls

    root, sub, write, _ = pki_tree
    write("root-ca", crl(root, extensions=[(x509.IssuingDistributionPoint(
        None, None, False, True, None, False, False), True)]))
    write("sub", crl(sub))
    assert check_crls(None) == []


def test_a_crl_a_few_minutes_ahead_of_this_clock_is_current(pki_tree):
    root, sub, write, _ = pki_tree
    card, _ = sub.issue_card("Paul Durand")
    write("root", crl(root))
    write("sub", crl(sub, [card], last_update=NOW + timedelta(minutes=2)))
    assert services.verify(card).status is CertStatus.REVOKED


def test_the_refresh_keeps_the_current_crl_rather_than_one_not_valid_yet(pki_tree, monkeypatch):
    from django.core.management import CommandError, call_command

    from eprocedures.smartcard.management.commands import smartcard_refresh_crls as command

    root, sub, write, tmp_path = pki_tree
    write("root", crl(root))
    current = crl(sub, number=5)
    (tmp_path / "crl" / command.file_name(sub.certificate)).write_bytes(pki.pem(current))
    ahead = crl(sub, last_update=NOW + timedelta(hours=3), number=6)
    monkeypatch.setattr(command, "fetch", lambda url, timeout: pki.pem(ahead))

    with pytest.raises(CommandError, match="not valid yet"):
        call_command("smartcard_refresh_crls", url=["http://crl.test/sub.crl"], verbosity=0)

    card, _ = sub.issue_card("Paul Durand")
    assert services.verify(card).status is CertStatus.OK  # the current CRL still serves


def test_the_crl_job_on_a_portal_without_smartcards_says_so_and_succeeds(settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.ETS_SMARTCARD_CA_FILE = str(tmp_path / "absent.pem")
    out = io.StringIO()

    call_command("smartcard_refresh_crls", stdout=out)  # no exception: exit code 0

    assert "No card issuer bundle" in out.getvalue()
