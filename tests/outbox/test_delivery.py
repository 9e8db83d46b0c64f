from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from eprocedures.outbox.models import OutgoingEmail
from eprocedures.outbox.services import send_templated

pytestmark = pytest.mark.django_db(transaction=True)


def queue_test_email(to="paul@example.fr", language="fr"):
    return send_templated(
        "outbox/email/test", to, {"name": "Paul"}, language=language
    )


def time_passes():
    """Every retry waiting becomes due: its task and its e-mail."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    OutgoingEmail.objects.filter(status="pending").update(next_attempt_at=timezone.now())


def ready_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def test_email_reaches_a_real_smtp_peer_with_text_and_html(smtp_server, run_mail_worker):
    queue_test_email()
    run_mail_worker()

    [message] = smtp_server.to("paul@example.fr")
    assert message["Subject"] == "Message d'essai de l'INPI"
    assert "Bonjour Paul" in smtp_server.text(message)
    assert "<p>Bonjour Paul</p>" in smtp_server.html(message)
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_email_is_rendered_in_the_recipients_language(smtp_server, run_mail_worker):
    queue_test_email(language="en")
    run_mail_worker()

    [message] = smtp_server.messages
    assert message["Subject"] == "Test message from INPI"
    assert "Hello Paul" in smtp_server.text(message)


def test_nothing_is_queued_when_the_transaction_rolls_back(smtp_server, run_mail_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_test_email()
        raise RuntimeError("the change failed")
    run_mail_worker()

    assert OutgoingEmail.objects.count() == 0
    assert smtp_server.messages == []


def test_nothing_is_lost_while_smtp_is_down(settings, smtp_server, run_mail_worker):
    smtp_server.stop()  # the peer is down: connections are refused
    email = queue_test_email()
    run_mail_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefused" in email.last_error
    assert email.next_attempt_at > timezone.now()

    # Later: the SMTP server is back and the retry becomes due.
    smtp_server.start()
    time_passes()
    run_mail_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 2
    assert len(smtp_server.to("paul@example.fr")) == 1


def test_a_recipient_refused_for_good_is_given_up_after_the_maximum_attempts(
        settings, smtp_server, run_mail_worker):
    settings.ETS_MAIL_MAX_ATTEMPTS = 2
    smtp_server.refused.add("paul@example.fr")
    email = queue_test_email()

    for _ in range(3):
        time_passes()
        run_mail_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == 2
    assert "SMTPRecipientsRefused" in email.last_error


def test_a_server_down_longer_than_the_attempts_loses_nothing(
        settings, smtp_server, run_mail_worker):
    # A weekend without SMTP: the attempts run out, the e-mail must still go once it is back.
    settings.ETS_MAIL_MAX_ATTEMPTS = 2
    smtp_server.stop()
    email = queue_test_email()
    for _ in range(5):
        time_passes()
        run_mail_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 5)

    smtp_server.start()
    time_passes()
    run_mail_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(smtp_server.to("paul@example.fr")) == 1


def test_a_server_down_is_given_up_once_the_email_outlived_its_links(
        settings, smtp_server, run_mail_worker):
    settings.ETS_MAIL_GIVE_UP_DAYS = 15
    smtp_server.stop()
    email = queue_test_email()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(days=15, minutes=1))

    run_mail_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED


def test_what_another_try_cannot_change_is_told_apart():
    import smtplib

    from eprocedures.outbox.delivery import is_permanent

    assert is_permanent(smtplib.SMTPRecipientsRefused({"a@b.fr": (550, b"no")}))
    assert not is_permanent(smtplib.SMTPRecipientsRefused({"a@b.fr": (451, b"later")}))
    assert is_permanent(smtplib.SMTPDataError(554, b"spam"))
    assert not is_permanent(smtplib.SMTPDataError(452, b"full"))
    assert is_permanent(UnicodeEncodeError("idna", "x", 0, 1, "label empty"))
    assert not is_permanent(ConnectionRefusedError())
    assert not is_permanent(smtplib.SMTPAuthenticationError(535, b"bad login"))


def test_the_support_desk_sends_a_given_up_email_again(
        settings, smtp_server, run_mail_worker, admin_client):
    from eprocedures.audit.models import AuditEvent

    email = queue_test_email()
    OutgoingEmail.objects.filter(pk=email.pk).update(status="failed", attempts=12)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # its tasks ended long ago

    response = admin_client.post("/admin/outbox/outgoingemail/", {
        "action": "send_again", "_selected_action": [email.pk]})
    assert response.status_code == 302
    run_mail_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert len(smtp_server.to("paul@example.fr")) == 1
    assert AuditEvent.objects.filter(event="outbox.sent_again").count() == 1


def test_retry_delay_grows_exponentially(settings):
    from eprocedures.outbox.delivery import retry_delay

    settings.ETS_MAIL_RETRY_BASE_SECONDS = 30
    assert retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(2) == timedelta(seconds=60)
    assert retry_delay(5) == timedelta(seconds=480)
    assert retry_delay(30) == timedelta(hours=6)


def test_a_second_task_for_the_same_email_neither_sends_early_nor_doubles_the_retries(
        smtp_server, run_mail_worker):
    from django.core.management import call_command

    smtp_server.stop()
    email = queue_test_email()  # its task, enqueued at commit
    call_command("outbox_requeue", verbosity=0)  # the hourly cron, while the worker is behind
    assert ready_tasks() == 2

    run_mail_worker()

    email.refresh_from_db()
    assert email.attempts == 1  # the second task found it not due: no early retry
    assert ready_tasks() == 1  # and one chain of retries, not two
    time_passes()
    run_mail_worker()
    email.refresh_from_db()
    assert (email.attempts, ready_tasks()) == (2, 1)


def test_a_retry_that_is_not_yet_due_is_not_sent(smtp_server):
    from eprocedures.outbox.delivery import NOT_DUE, deliver

    email = queue_test_email()
    OutgoingEmail.objects.update(attempts=1,
                                 next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert deliver(email.pk) == NOT_DUE
    assert smtp_server.messages == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)


def test_a_first_attempt_is_due_whatever_the_clocks_say(smtp_server, run_mail_worker):
    # The web server's clock ahead of the worker's: its "now" is the worker's future.
    email = queue_test_email()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    run_mail_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(smtp_server.messages) == 1


def test_no_transaction_is_open_while_the_smtp_server_is_talked_to(smtp_server, monkeypatch):
    # With SQLite an open transaction would stop every other write for as long as SMTP takes.
    from django.core.mail import EmailMultiAlternatives
    from django.db import connection

    from eprocedures.outbox.delivery import deliver

    seen = []
    send = EmailMultiAlternatives.send

    def watched(message, *args, **kwargs):
        seen.append(connection.in_atomic_block)
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", watched)
    email = queue_test_email()

    assert deliver(email.pk) == "sent"
    assert seen == [False]


def test_subject_and_text_are_not_html_escaped_but_html_is(settings):
    settings.ETS_OFFICE_NAME = "Office d'État & Cie <OEC>"
    from eprocedures.registration import emails
    from tests.factories import person

    user = person("k.o'brien@example.fr", first_name="Kate", last_name="O'Brien")
    email = emails.send_already_active(user)

    assert "Office d'État & Cie <OEC>" in email.subject
    assert "Bonjour M. O'Brien," in email.body_text
    assert "&#x27;" not in email.subject + email.body_text
    assert "O&#x27;Brien" in email.body_html and "&amp; Cie &lt;OEC&gt;" in email.body_html


def test_an_internationalised_domain_receives_its_own_mail(smtp_server, run_mail_worker):
    from eprocedures.accounts.normalize import normalize_email

    queue_test_email(to=normalize_email("Paul@Straße.de"))
    run_mail_worker()

    [message] = smtp_server.messages
    assert smtp_server.to("paul@xn--strae-oqa.de") == [message]  # not strasse.de


def test_the_support_desk_never_sees_the_links_an_email_carries(admin_client):
    from eprocedures.accounts.tokens import make_reset_token
    from tests.factories import person

    user = person("paul.durand@example.fr")
    token = make_reset_token(user)
    email = send_templated("outbox/email/test", user.email, {"name": f"lien /{token}/"})
    assert token in email.body_text

    page = admin_client.get(f"/admin/outbox/outgoingemail/{email.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert token not in html
    assert "paul.durand@example.fr" in html  # the recipient, status and subject stay
