from django_tasks import task

from . import delivery
from .models import OutgoingEmail


@task()
def deliver_email(email_id: int) -> str:
    """Worker side of the outbox: send, and on failure enqueue the next try.

    Only the task that tried enqueues the next one: a task that found the e-mail not
    due (delivery.NOT_DUE) leaves it to the one that holds its retries.
    """
    status = delivery.deliver(email_id)
    if status == OutgoingEmail.Status.PENDING:
        email = OutgoingEmail.objects.get(pk=email_id)
        deliver_email.using(run_after=email.next_attempt_at).enqueue(email_id)
    return status
