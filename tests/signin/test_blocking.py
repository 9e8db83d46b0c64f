from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import RequestFactory

from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail
from eprocedures.signin import flows
from tests.concurrency import in_parallel

from .conftest import PASSWORD, make_user

BLOCKED = "Votre compte est bloqué (nombre de tentatives maximal atteint)"
INVALID = "Adresse courriel ou mot de passe incorrect."
WRONG = "Mauvais;42Mot"


def sign_in(client, email, password):
    return client.post("/connexion/", {"email": email, "password": password})


@pytest.mark.django_db
def test_account_is_blocked_exactly_at_the_limit(client, user, settings):
    settings.ETS_MAX_FAILED_LOGINS = 5
    for attempt in range(1, 5):
        html = sign_in(client, user.email, WRONG).content.decode()
        assert INVALID in html and BLOCKED not in html
        user.refresh_from_db()
        assert (user.failed_login_count, user.blocked_at) == (attempt, None)

    html = sign_in(client, user.email, WRONG).content.decode()

    assert BLOCKED in html
    assert INVALID not in html
    user.refresh_from_db()
    assert user.failed_login_count == 5
    assert user.blocked_at is not None
    assert user.is_active  # blocking never stops the reset e-mail, the way out
    assert AuditEvent.objects.filter(event="account.blocked", user=user).count() == 1
    notice = OutgoingEmail.objects.get(kind="blocked")
    assert notice.to == user.email
    assert notice.subject == (
        "Votre compte de l'espace transactionnel sécurisé de l'INPI est bloqué")
    assert "http://127.0.0.1:8000/mot-de-passe-oublie/" in notice.body_text
    assert "Après 5 tentatives de connexion avec un mot de passe erroné" in notice.body_text


@pytest.mark.django_db
def test_limit_is_a_setting(client, user, settings):
    settings.ETS_MAX_FAILED_LOGINS = 2
    sign_in(client, user.email, WRONG)
    assert BLOCKED in sign_in(client, user.email, WRONG).content.decode()


@pytest.mark.django_db
def test_blocked_account_refuses_the_right_password_without_hashing(client, user):
    for _ in range(5):
        sign_in(client, user.email, WRONG)

    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True,
                           side_effect=MD5PasswordHasher.verify) as verify:
        response = sign_in(client, user.email, PASSWORD)

    assert verify.call_count == 0
    assert BLOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert '<a href="/mot-de-passe-oublie/">Mot de passe oublié</a>' in response.content.decode()


@pytest.mark.django_db
def test_attempts_while_blocked_do_not_count_and_send_no_more_notice(client, user):
    for _ in range(9):
        sign_in(client, user.email, WRONG)

    user.refresh_from_db()
    assert user.failed_login_count == 5
    assert OutgoingEmail.objects.filter(kind="blocked").count() == 1
    reasons = [e.detail["reason"] for e in AuditEvent.objects.filter(event="signin.failure")]
    assert reasons.count("wrong_password") == 5
    assert reasons.count("blocked") == 4


@pytest.mark.django_db
def test_address_variants_count_on_the_same_account(client, user):
    for typed in ["MARIE.CURIE@EXAMPLE.FR", "  marie.curie@example.fr ", "Marie.Curie@Example.fr",
                  "marie.curie@example.fr\t", " MaRiE.cUrIe@eXaMpLe.Fr"]:
        sign_in(client, typed, WRONG)

    user.refresh_from_db()
    assert user.failed_login_count == 5
    assert user.is_blocked


@pytest.mark.django_db
def test_success_resets_the_count(client, user):
    for _ in range(4):
        sign_in(client, user.email, WRONG)

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_login_count == 0
    client.post("/deconnexion/")
    for _ in range(4):  # four more: still not blocked, the count started again
        sign_in(client, user.email, WRONG)
    user.refresh_from_db()
    assert (user.failed_login_count, user.blocked_at) == (4, None)


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_wrong_attempts_block_exactly_at_the_limit(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    settings.ETS_SIGNIN_FAILURES_PER_IP = 1000
    user = make_user()
    factory = RequestFactory()
    requests = [factory.post("/connexion/", REMOTE_ADDR=f"198.51.100.{n % 250}")
                for n in range(50)]

    outcomes = in_parallel(lambda request: flows.sign_in(request, user.email, WRONG).outcome,
                           requests)

    user.refresh_from_db()
    assert user.failed_login_count == 5
    assert user.is_blocked
    assert len(outcomes) == 50
    assert outcomes.count(flows.Outcome.INVALID) == 4
    assert outcomes.count(flows.Outcome.BLOCKED) == 46
    failures = AuditEvent.objects.filter(event="signin.failure", user=user)
    assert failures.count() == 50  # every attempt made is recorded
    assert failures.filter(detail__reason="wrong_password").count() == 5
    assert AuditEvent.objects.filter(event="account.blocked").count() == 1
    assert OutgoingEmail.objects.filter(kind="blocked").count() == 1


@pytest.mark.django_db
def test_blocked_notice_is_in_the_owners_language(client, settings):
    settings.ETS_MAX_FAILED_LOGINS = 2
    owner = make_user(language="en")
    for _ in range(2):
        sign_in(client, owner.email, WRONG)

    notice = OutgoingEmail.objects.get(kind="blocked")
    assert notice.subject == "Your account of the INPI secure transactional space is blocked"
    assert "After 2 sign-in attempts with a wrong password" in notice.body_text
    assert "http://127.0.0.1:8000/mot-de-passe-oublie/" in notice.body_text


@pytest.mark.django_db
def test_blocked_refusal_reads_the_account_and_writes_the_audit_row_only(
        client, user, django_assert_num_queries):
    for _ in range(5):
        sign_in(client, user.email, WRONG)
    client.get("/connexion/")

    with django_assert_num_queries(2) as queries:  # the account, the audit row
        response = sign_in(client, user.email, PASSWORD)

    assert BLOCKED in response.content.decode()
    select, insert = (q["sql"] for q in queries.captured_queries)
    assert select.startswith('SELECT "accounts_user"."id"') and "ORDER BY" not in select
    assert insert.startswith('INSERT INTO "audit_auditevent"')
