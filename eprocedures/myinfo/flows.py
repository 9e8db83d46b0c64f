"""The flows of "Mes informations": contact details and identifier changes.

Identifiers (e-mail address, mobile number) change only after both secret
questions are answered ("Ces questions vous seront posées si vous souhaitez
modifier vos identifiants"); the password and the secret questions change only
with the current password. Wrong answers and wrong current passwords share one
pair of throttles (per account, per client address). Every change is audited
and e-mailed to the owner as a security notice, in the same transaction.
"""

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts import tokens
from eprocedures.accounts.models import (
    AdditionalPhone,
    SecretAnswer,
    User,
    hash_secret_answer,
    new_nonce,
)
from eprocedures.accounts.normalize import normalize_email
from eprocedures.accounts.sessions import end_other_sessions, keep_this_session
from eprocedures.audit.services import record
from eprocedures.lib.http import client_network
from eprocedures.lib.throttle import Throttle

from . import emails
from .models import PendingEmailChange

GRANT_KEY = "ets_myinfo_grant"
EMAIL_CHANGE_PURPOSE = "email-change"
LEGAL_FIELDS = ("legal_name", "legal_form", "siren", "registration_number")


# --- Verification: secret answers and current password -----------------------------


def _window() -> int:
    return settings.ETS_SECRET_ANSWER_WINDOW_MINUTES * 60


def account_throttle() -> Throttle:
    return Throttle("myinfo-verify-account", settings.ETS_SECRET_ANSWER_MAX_FAILURES, _window())


def address_throttle() -> Throttle:
    return Throttle(
        "myinfo-verify-ip", settings.ETS_SECRET_ANSWER_MAX_FAILURES_PER_IP, _window()
    )


class Verdict(enum.Enum):
    RIGHT = "right"
    WRONG = "wrong"
    THROTTLED = "throttled"  # this account or this client address used up its attempts


def verify(request, user: User, what: str, check: Callable[[], bool]) -> Verdict:
    """Check a secret-answer pair ("secret_answers") or the current password ("password").

    The attempt is counted before ``check()`` runs and a right one is taken back after:
    parallel attempts each get their own number, and those past the limit are refused
    without being checked, so no more than the limit are ever checked in a window
    (counting after the check let every attempt in flight through). Wrong attempts are
    audited; the owner is told once, when the account's limit is reached.
    """
    accounts, addresses = account_throttle(), address_throttle()
    account, address = str(user.pk), client_network(request)
    failures = accounts.hit(account)
    from_address = addresses.hit(address)
    if failures > accounts.limit or from_address > addresses.limit:
        return Verdict.THROTTLED
    if check():
        # Only this attempt is taken back: the count is shared by answers and passwords, and
        # a right password must not wipe out wrong answers (nor the other way round), or
        # the two could be alternated without end. (Right answers, which open an identifier
        # change, clear it: verification_succeeded.)
        accounts.undo(account)
        addresses.undo(address)
        return Verdict.RIGHT
    record(request, "myinfo.verification_failed", user=user, success=False,
           what=what, failures=failures)
    if failures == accounts.limit:
        with transaction.atomic():
            record(request, "myinfo.verification_throttled", user=user, success=False)
            emails.send_verification_locked(user)
    if failures >= accounts.limit or from_address >= addresses.limit:
        return Verdict.THROTTLED
    return Verdict.WRONG


def verification_succeeded(request, user: User, what: str) -> None:
    account_throttle().reset(str(user.pk))
    record(request, "myinfo.verification_succeeded", user=user, what=what)


def secret_answers_of(user: User) -> list[SecretAnswer]:
    return list(user.secret_answers.order_by("position")[:2])


def grant_identifier_change(request, purpose: str) -> None:
    """Both secret answers were right: the new identifier may now be typed, for a while."""
    request.session[GRANT_KEY] = {"purpose": purpose, "at": int(time.time())}


def has_identifier_grant(request, purpose: str) -> bool:
    grant = request.session.get(GRANT_KEY) or {}
    limit = settings.ETS_IDENTIFIER_CHANGE_MINUTES * 60
    return grant.get("purpose") == purpose and time.time() - grant.get("at", 0) <= limit


def _consume_grant(request) -> None:
    request.session.pop(GRANT_KEY, None)


# --- Contact details ------------------------------------------------------------------


def update_contact_details(request, user: User, changed: list[str], phones: list) -> None:
    """Save the contact details already set on ``user`` by the forms, and its other phones.

    Legal-person data is cleared when the account no longer acts as a legal
    person, and the company number that does not apply to the country is dropped.
    """
    if not user.is_legal_person:
        for name in LEGAL_FIELDS:
            setattr(user, name, "")
    elif user.country == "FR":
        user.registration_number = ""
    else:
        user.siren = ""
    with transaction.atomic():
        before = [str(p.number) for p in user.additional_phones.all()]
        after = [str(p) for p in phones]
        if before != after:
            user.additional_phones.all().delete()
            AdditionalPhone.objects.bulk_create(
                AdditionalPhone(user=user, number=number, position=i)
                for i, number in enumerate(phones)
            )
            changed = [*changed, "additional_phones"]
        if not changed:
            return  # saved as shown: nothing to record, nobody to tell
        # Only the fields this page edits: a whole-row save would write back an address or
        # a password changed meanwhile by another request with the values read before it.
        columns = {f.name for f in User._meta.concrete_fields}
        user.save(update_fields=sorted((set(changed) | set(LEGAL_FIELDS)) & columns))
        record(request, "myinfo.contact_changed", user=user, fields=changed)
        emails.send_contact_changed(user)


# --- E-mail address --------------------------------------------------------------------


def _email_change_state(user: User) -> str:
    # The current address, the pending one and its nonce: a newer request, the change
    # itself or any other change of the address kills the link. The password hash too:
    # the notice to the old address tells an owner who did not ask to change the password,
    # and a new password (changed here or reset) must then kill a link an intruder asked.
    pending = PendingEmailChange.objects.filter(user=user).first()
    if pending is None:
        return f"{user.email}|{user.password}|none"
    return f"{user.email}|{user.password}|{pending.new_email}|{pending.nonce}"


# E-mails this page sends to one typed address (link or "already has an account" notice):
# as few as registration sends, so that it cannot be used to flood someone's mailbox.
EMAIL_CHANGE_PER_ADDRESS = 3


def email_change_address_throttle() -> Throttle:
    return Throttle("myinfo-email-change-address", EMAIL_CHANGE_PER_ADDRESS, 3600)


def make_email_change_token(user: User) -> str:
    return tokens.make_token(EMAIL_CHANGE_PURPOSE, user, _email_change_state(user))


def live_email_change(user: User) -> PendingEmailChange | None:
    """The address change awaiting confirmation, unless its link has expired."""
    since = timezone.now() - timedelta(hours=settings.ETS_EMAIL_CHANGE_HOURS)
    return PendingEmailChange.objects.filter(user=user, created_at__gt=since).first()


def check_email_change_token(token: str) -> tokens.TokenCheck:
    max_age = timedelta(hours=settings.ETS_EMAIL_CHANGE_HOURS)
    return tokens.check_token(EMAIL_CHANGE_PURPOSE, token, max_age, _email_change_state)


def address_taken(address: str, user: User) -> bool:
    """Whether another account already uses this address (case-insensitive)."""
    return User.objects.filter(email__iexact=normalize_email(address)).exclude(pk=user.pk).exists()


def request_email_change(request, user: User, new_email: str) -> None:
    """Send the confirmation link to the new address; the old address is told of the request.

    When the new address already belongs to another account, no link is made: that
    mailbox is told so instead, and the page shows the same answer as for a free
    address, so that the portal never says which addresses have an account.
    """
    new_email = normalize_email(new_email)
    _consume_grant(request)
    with transaction.atomic():
        emails.send_email_change_requested(user, new_email)
        # The same pending change shown in both cases (a new nonce kills any earlier link):
        # the page must not tell a free address from one that has an account.
        PendingEmailChange.objects.update_or_create(user=user, defaults={
            "new_email": new_email, "nonce": new_nonce(), "created_at": timezone.now()})
        over_limit = email_change_address_throttle().hit(new_email) > EMAIL_CHANGE_PER_ADDRESS
        if address_taken(new_email, user):
            record(request, "myinfo.email_change_requested", user=user, success=False,
                   reason="address_taken", new_email=new_email, sent=not over_limit)
            if not over_limit:
                emails.send_email_address_taken(user, new_email)
            return
        if over_limit:
            record(request, "myinfo.email_change_requested", user=user, success=False,
                   reason="too_many_emails", new_email=new_email)
            return
        token = make_email_change_token(user)
        link = settings.ETS_SITE_URL + reverse("myinfo:email_confirm", args=[token])
        record(request, "myinfo.email_change_requested", user=user, new_email=new_email)
        emails.send_email_change_link(user, new_email, link)


class ChangeOutcome(enum.Enum):
    CHANGED = "changed"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"
    TAKEN = "taken"


@dataclass(frozen=True)
class EmailChangeResult:
    outcome: ChangeOutcome
    user: User | None = None
    new_email: str = ""


_STATUS_OUTCOME = {
    tokens.TokenStatus.EXPIRED: ChangeOutcome.EXPIRED,
    tokens.TokenStatus.USED: ChangeOutcome.USED,
    tokens.TokenStatus.INVALID: ChangeOutcome.INVALID,
}


def pending_email_change(token: str) -> EmailChangeResult:
    """What the link would change, without changing anything (the page shown on GET)."""
    check = check_email_change_token(token)
    if not check.ok:
        return EmailChangeResult(_STATUS_OUTCOME[check.status], check.user)
    pending = PendingEmailChange.objects.get(user=check.user)
    return EmailChangeResult(ChangeOutcome.CHANGED, check.user, pending.new_email)


def confirm_email_change(request, token: str) -> EmailChangeResult:
    """Follow the link: the address changes, both addresses are told, the link dies."""
    with transaction.atomic():
        check = check_email_change_token(token)
        if check.user is not None:
            # Two clicks at once: the second waits here, then finds the link used.
            User.objects.select_for_update().filter(pk=check.user.pk).first()
            check = check_email_change_token(token)
        if not check.ok:
            record(request, "myinfo.email_change_link_refused", user=check.user, success=False,
                   reason=check.status.value)
            return EmailChangeResult(_STATUS_OUTCOME[check.status], check.user)
        user = User.objects.get(pk=check.user.pk)
        pending = PendingEmailChange.objects.get(user=user)
        new_email, old_email = pending.new_email, user.email
        pending.delete()
        taken = address_taken(new_email, user)
        if not taken:
            user.email = new_email
            try:
                with transaction.atomic():
                    user.save(update_fields=["email"])
            except IntegrityError:  # registered between the check and the save
                taken = True
        if taken:
            record(request, "myinfo.email_change_link_refused", user=user, success=False,
                   reason="address_taken", new_email=new_email)
            return EmailChangeResult(ChangeOutcome.TAKEN, user, new_email)
        record(request, "myinfo.email_changed", user=user, old_email=old_email,
               new_email=new_email)
        emails.send_email_changed(user, old_email, new_email)
    return EmailChangeResult(ChangeOutcome.CHANGED, user, new_email)


# --- Mobile phone ----------------------------------------------------------------------


def change_mobile_phone(request, user: User, number) -> None:
    _consume_grant(request)
    with transaction.atomic():
        old = str(user.mobile_phone)
        user.mobile_phone = number
        user.save(update_fields=["mobile_phone"])
        record(request, "myinfo.mobile_changed", user=user, old=old, new=str(number))
        emails.send_mobile_changed(user)


# --- Password and secret questions --------------------------------------------------------


def change_password(request, user: User, password: str) -> int:
    """Set the new password, end every other session, keep this one signed in.

    Returns the number of other sessions ended.
    """
    with transaction.atomic():
        user.set_password(password)
        # The password only (the history is recorded by set_password's validators): a
        # whole-row save would write back an address confirmed meanwhile from its link.
        user.save(update_fields=["password"])
        ended = end_other_sessions(user, keep_session_key=request.session.session_key)
        keep_this_session(request, user)
        record(request, "myinfo.password_changed", user=user, sessions_ended=ended)
        emails.send_password_changed(user)
    return ended


def change_secret_questions(request, user: User, questions: list[tuple[str, str]]) -> None:
    """Replace both questions and answers; answers are kept only as hashes."""
    _consume_grant(request)
    with transaction.atomic():
        for position, (question, answer) in enumerate(questions, start=1):
            SecretAnswer.objects.update_or_create(
                user=user, position=position,
                defaults={"question": question, "answer_hash": hash_secret_answer(answer)},
            )
        record(request, "myinfo.secret_questions_changed", user=user)
        emails.send_secret_questions_changed(user)
