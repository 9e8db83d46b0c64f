"""Registration, activation and fresh activation links, as plain functions.

Views translate HTTP into calls of these functions; every change and the
e-mail it causes are written in one transaction (the outbox sends the e-mail
after the commit).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from eprocedures.accounts.models import AdditionalPhone, SecretAnswer, User, new_nonce
from eprocedures.accounts.normalize import normalize_email
from eprocedures.accounts.tokens import TokenStatus, check_activation_token
from eprocedures.audit.services import record
from eprocedures.lib.http import client_network
from eprocedures.lib.throttle import Throttle

from . import emails
from .steps import RegistrationData

HOUR = 3600
# Fresh-link requests: per address quietly (never revealing it), per client loudly.
RESEND_PER_ADDRESS = 3
RESEND_PER_CLIENT = 10


def registration_throttle() -> Throttle:
    return Throttle("registration", settings.ETS_REGISTRATIONS_PER_HOUR, HOUR)


def resend_address_throttle() -> Throttle:
    return Throttle("activation-resend-address", RESEND_PER_ADDRESS, HOUR)


def resend_client_throttle() -> Throttle:
    return Throttle("activation-resend-client", RESEND_PER_CLIENT, HOUR)


# --- Registration --------------------------------------------------------------------


def registration_limited(request) -> bool:
    """Whether this client has completed ETS_REGISTRATIONS_PER_HOUR registrations this hour."""
    limited = registration_throttle().is_limited(client_network(request))
    if limited:
        record(request, "registration.throttled", success=False)
    return limited


def register(request, data: RegistrationData) -> None:
    """Create the account awaiting activation and queue its activation e-mail.

    An address that already has an account is never revealed: the caller shows
    the same message, and the owner of the address gets a notice (active account)
    or a fresh activation link for the new details (account not activated yet).
    Two concurrent registrations of one address end with one account: the unique
    index makes the second insert wait for the first and fail, and the second is
    then handled as a duplicate.
    """
    email = normalize_email(data.email)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = User(email=email)
                _apply(user, data)
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            existing = User.objects.select_for_update().filter(email=email).first()
            if existing is None:
                raise
            _register_again(request, existing, data)
        else:
            _save_related(user, data)
            emails.send_activation(user)
            record(request, "registration.completed", user=user, email=email)
    registration_throttle().hit(client_network(request))


def register_once(request, run_id: str, data: RegistrationData) -> None:
    """register(), once for one run of the wizard (``run_id``).

    A double click sends the last step twice with the same session, both read before
    either saved it: the first registers, the second only shows the same final page (it
    would have replaced the account's details and sent a second activation link, killing
    the first one, the one the visitor usually opens).
    """
    claim = f"registration:submitted:{run_id}"
    if not cache.add(claim, True, timeout=3600):
        return
    try:
        register(request, data)
    except BaseException:
        cache.delete(claim)  # not registered: trying again must work
        raise


def _apply(user: User, data: RegistrationData) -> None:
    user.mobile_phone = data.mobile_phone
    user.language = data.language
    for name, value in data.details.items():
        setattr(user, name, value)
    user.legal_name = data.legal.get("legal_name", "")
    user.legal_form = data.legal.get("legal_form", "")
    user.siren = data.legal.get("siren", "")
    user.registration_number = data.legal.get("registration_number", "")


def _save_related(user: User, data: RegistrationData) -> None:
    user.additional_phones.all().delete()
    AdditionalPhone.objects.bulk_create(
        AdditionalPhone(user=user, number=number, position=index)
        for index, number in enumerate(data.other_phones, start=1)
    )
    user.secret_answers.all().delete()
    SecretAnswer.objects.bulk_create(
        SecretAnswer(user=user, position=index, question=question, answer_hash=answer_hash)
        for index, (question, answer_hash) in enumerate(data.questions, start=1)
    )


def _register_again(request, user: User, data: RegistrationData) -> None:
    # The same quiet per-address limit as "Recevoir un nouveau lien": registering someone
    # else's address again and again must not flood their mailbox. Past it nothing changes
    # (a pending account keeps its details and its link) and the page says the same.
    if resend_address_throttle().hit(user.email) > RESEND_PER_ADDRESS:
        record(request, "registration.duplicate", success=False, user=user, email=user.email,
               pending=user.is_awaiting_activation, reason="throttled")
        return
    if user.is_awaiting_activation:
        # Never proven by its owner, so the latest details win; the old link dies.
        _apply(user, data)
        _restart_activation(user)
        _save_related(user, data)
        emails.send_activation(user)
        record(request, "registration.duplicate", user=user, email=user.email, pending=True)
    else:
        emails.send_already_active(user)
        record(request, "registration.duplicate", user=user, email=user.email, pending=False)


def _restart_activation(user: User) -> None:
    """A fresh link: a new nonce kills every link sent before, and the purge delay restarts.

    An UPDATE only: an account the purge deleted meanwhile fails here instead of coming
    back as a new row without its questions and phones.
    """
    user.activation_nonce = new_nonce()
    user.date_joined = timezone.now()
    user.save(force_update=True)


def send_fresh_activation(user: User) -> None:
    """Kill the links sent before and e-mail a new one (sign-in, reset and support use it)."""
    _restart_activation(user)
    emails.send_activation(user)


# --- Activation ----------------------------------------------------------------------


class LinkProblem:
    EXPIRED = "expired"
    USED = "used"  # the account is already activated
    REPLACED = "replaced"  # a fresher link was sent
    INVALID = "invalid"


@dataclass(frozen=True)
class ActivationLink:
    user: User | None
    problem: str | None = None


def read_activation_link(token: str) -> ActivationLink:
    """What an activation link is worth, and why not when it is not usable."""
    check = check_activation_token(token)
    user = check.user
    authentic = check.status is not TokenStatus.INVALID
    if authentic and user is not None and not user.is_awaiting_activation:
        return ActivationLink(user, LinkProblem.USED)
    if check.status is TokenStatus.VALID:
        return ActivationLink(user)
    if check.status is TokenStatus.EXPIRED:
        return ActivationLink(user, LinkProblem.EXPIRED)
    if check.status is TokenStatus.USED:
        return ActivationLink(user, LinkProblem.REPLACED)
    return ActivationLink(None, LinkProblem.INVALID)


class AlreadyActivated(Exception):
    """Another request activated the account first (double submission)."""


def activate(request, user: User, password: str) -> User:
    """Set the first password and activate the account (the link then dies).

    The password has passed every validator (SetPasswordForm); saving it records
    it in the password history. Returns the account, or raises AlreadyActivated
    when another request activated it first.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_awaiting_activation:
            raise AlreadyActivated
        user.set_password(password)
        user.is_active = True
        user.activated_at = timezone.now()
        user.save()
        record(request, "account.activated", user=user, email=user.email)
    return user


def resend_activation(request, address: str) -> None:
    """Send a fresh activation link (killing the old one) to an account awaiting activation.

    The caller answers the same whatever the address: an active account gets a
    notice instead, an unknown address gets nothing, and a quiet per-address limit
    keeps anyone from flooding a mailbox.
    """
    address = normalize_email(address)
    resend_client_throttle().hit(client_network(request))
    if resend_address_throttle().hit(address) > RESEND_PER_ADDRESS:
        record(request, "activation.resent", success=False, email=address, reason="throttled")
        return
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=address).first()
        if user is None:
            record(request, "activation.resent", success=False, email=address, reason="unknown")
        elif user.is_awaiting_activation:
            _restart_activation(user)
            emails.send_activation(user)
            record(request, "activation.resent", user=user, email=address)
        else:
            emails.send_already_active(user)
            record(request, "activation.resent", user=user, email=address, success=False,
                   reason="already_active")


def resend_limited(request) -> bool:
    return resend_client_throttle().is_limited(client_network(request))


# --- Purge ---------------------------------------------------------------------------


def unactivated_registrations(now=None):
    """Accounts whose last activation link was sent more than ETS_ACTIVATION_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ETS_ACTIVATION_DAYS)
    return User.objects.filter(
        activated_at__isnull=True,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        last_login__isnull=True,
        date_joined__lt=cutoff,
    )


def purge_unactivated(now=None, *, dry_run: bool = False) -> int:
    """Delete the registrations never activated in time; return how many."""
    with transaction.atomic():
        stale = list(unactivated_registrations(now).select_for_update())
        if dry_run:
            return len(stale)
        for user in stale:
            record(None, "registration.purged", email=user.email,
                   joined=user.date_joined.isoformat())
        User.objects.filter(pk__in=[u.pk for u in stale]).delete()
    return len(stale)
