"""Sign-in by e-mail and password, blocking, forgotten password and sign-out.

Views only translate HTTP to calls of these functions. Every security event is
written to the audit log here, in the same transaction as the change it records.

Rules kept in one place:
- an unknown address, an account without a password yet and a wrong password
  give the same answer and each cost one password hash;
- after ETS_MAX_FAILED_LOGINS consecutive failures the account is blocked: it then
  answers "blocked" without hashing anything, even for the right password, until a
  new password is set through the forgotten-password link or the support unblocks it;
- failures are also counted per client address in the shared cache (password
  spraying across accounts) and answered with HTTP 429 past the limit.
"""

import enum
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from eprocedures.accounts.models import User, UserSession
from eprocedures.accounts.sessions import (
    end_other_sessions,
    keep_this_session,
    mark_authenticated,
    mark_last_login_saved,
)
from eprocedures.accounts.tokens import reset_state
from eprocedures.audit.services import record
from eprocedures.lib.hotsql import CompiledQuery, CompiledUpdate
from eprocedures.lib.http import client_network
from eprocedures.lib.throttle import Throttle
from eprocedures.registration.flows import send_fresh_activation

from . import emails

# Session keys: whether "Rester identifié" was ticked, and the last request seen.
REMEMBER = "ets_remember"
LAST_SEEN = "ets_last_seen"
BACKEND = "django.contrib.auth.backends.ModelBackend"


class Outcome(enum.Enum):
    SIGNED_IN = "signed_in"
    INVALID = "invalid"  # unknown address, no password yet, wrong password
    BLOCKED = "blocked"
    INACTIVE = "inactive"  # right password, account not yet activated
    THROTTLED = "throttled"
    ACCEPTED = "accepted"  # forgotten-password request taken (whatever the address)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    user: User | None = None


def failure_throttle() -> Throttle:
    """Failed sign-ins per client address over ETS_SIGNIN_THROTTLE_MINUTES."""
    return Throttle(
        "signin-failures-ip",
        settings.ETS_SIGNIN_FAILURES_PER_IP,
        settings.ETS_SIGNIN_THROTTLE_MINUTES * 60,
    )


def reset_ip_throttle() -> Throttle:
    return Throttle("reset-requests-ip", settings.ETS_RESET_REQUESTS_PER_HOUR, 3600)


def reset_account_throttle() -> Throttle:
    return Throttle("reset-emails-account", settings.ETS_RESET_EMAILS_PER_ACCOUNT_HOUR, 3600)


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash made with the current hasher and costs, to verify against when no account matches."""
    key = (
        tuple(settings.PASSWORD_HASHERS),
        settings.ETS_ARGON2_TIME_COST,
        settings.ETS_ARGON2_MEMORY_COST,
        settings.ETS_ARGON2_PARALLELISM,
    )
    if key not in _dummy_hashes:
        _dummy_hashes[key] = make_password(secrets.token_urlsafe(24))
    return _dummy_hashes[key]


def burn_one_hash(password: str) -> None:
    """Spend exactly what checking a real password would, so timing tells nothing."""
    check_password(password, _dummy_hash())


# --- Sign-in ------------------------------------------------------------------------

# What deciding a sign-in reads of an account: loading the whole row (addresses, phone
# numbers parsed into objects...) costs more CPU than refusing a blocked account does.
# Any other field is loaded on first use (the blocked notice reloads the account).
SIGNIN_FIELDS = ("id", "password", "email", "last_login", "is_active", "activated_at",
                 "blocked_at", "failed_login_count")


# The address is unique: no ORDER BY (which first() would add) is needed. Compiled once:
# the ORM's compilation cost more than the query on a refused attempt (lib/hotsql).
_ACCOUNT_BY_EMAIL = CompiledQuery(
    lambda email: User.objects.filter(email=email).only(*SIGNIN_FIELDS)[:1])


_RESET_UNLESS_BLOCKED = CompiledUpdate(
    lambda pk: User.objects.filter(pk=pk, blocked_at__isnull=True))


def _find_account(email: str) -> User | None:
    """The account of a normalised address (unique), with only what sign-in needs."""
    return _ACCOUNT_BY_EMAIL.first(email)


def sign_in(request, email: str, password: str, *, remember: bool = False) -> Result:
    """Check an address (already normalised) and a password; sign the session in on success."""
    ip = client_network(request)
    throttle = failure_throttle()
    if throttle.is_limited(ip):
        record(request, "signin.throttled", success=False, email=email)
        return Result(Outcome.THROTTLED)

    user = _find_account(email)
    if user is None or not user.has_usable_password():
        # An account awaiting activation has no password yet: nothing to guess, nothing counted.
        burn_one_hash(password)
        throttle.hit(ip)
        reason = "unknown_account" if user is None else "no_password"
        record(request, "signin.failure", success=False, user=user, email=email, reason=reason)
        return Result(Outcome.INVALID)

    if user.is_blocked:
        # No hash: a blocked account costs almost nothing to refuse.
        throttle.hit(ip)
        record(request, "signin.failure", success=False, user=user, email=email, reason="blocked")
        return Result(Outcome.BLOCKED, user)

    if not user.check_password(password):  # also upgrades a hash made with other costs
        throttle.hit(ip)
        return _count_failure(request, user, email)

    if not user.is_active:
        throttle.hit(ip)
        reason = "not_activated" if user.is_awaiting_activation else "disabled"
        record(request, "signin.failure", success=False, user=user, email=email, reason=reason)
        return Result(Outcome.INACTIVE if user.is_awaiting_activation else Outcome.INVALID, user)

    # One transaction (one commit) for the writes of a sign-in.
    with transaction.atomic():
        # The count goes back to zero and the sign-in time is written in one UPDATE, unless
        # parallel failures blocked the account meanwhile.
        now = timezone.now()
        if not _RESET_UNLESS_BLOCKED.update(user.pk, failed_login_count=0, last_login=now):
            record(request, "signin.failure", success=False, user=user, email=email,
                   reason="blocked")
            return Result(Outcome.BLOCKED, user)
        user.failed_login_count = 0
        user.last_login = now
        mark_last_login_saved(user)

        auth.login(request, user, backend=BACKEND)  # a new session key: no fixation
        request.session.set_expiry(settings.ETS_REMEMBER_ME_DAYS * 86400 if remember else 0)
        request.session[REMEMBER] = remember
        request.session[LAST_SEEN] = int(time.time())
        mark_authenticated(request, "password")
        record(request, "signin.success", user=user, email=email, remember=remember)
    return Result(Outcome.SIGNED_IN, user)


def _count_failure(request, user: User, email: str) -> Result:
    """One more consecutive failure, counted exactly even with parallel attempts."""
    limit = settings.ETS_MAX_FAILED_LOGINS
    with transaction.atomic():
        # The row lock serialises parallel failures: each sees the count of the one before.
        count, blocked_at = (
            User.objects.select_for_update()
            .filter(pk=user.pk)
            .values_list("failed_login_count", "blocked_at")
            .get()
        )
        if blocked_at is not None:  # blocked by a parallel attempt: not counted
            record(request, "signin.failure", success=False, user=user, email=email,
                   reason="blocked")
            return Result(Outcome.BLOCKED, user)
        count += 1
        blocking = count >= limit
        User.objects.filter(pk=user.pk).update(
            failed_login_count=count, blocked_at=timezone.now() if blocking else None
        )
        record(request, "signin.failure", success=False, user=user, email=email,
               reason="wrong_password", failed_login_count=count)
        if not blocking:
            return Result(Outcome.INVALID, user)
        record(request, "account.blocked", success=True, user=user, email=email,
               failed_login_count=count)
        emails.send_blocked_notice(User.objects.get(pk=user.pk))  # name, language
    return Result(Outcome.BLOCKED, user)


def sign_out(request) -> None:
    """End this session (and forget it among the account's sessions)."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        record(request, "signout", user=user, email=user.email)
        UserSession.objects.filter(user=user, session_key=request.session.session_key).delete()
    auth.logout(request)


def unblock(request, user: User) -> None:
    """The support desk lifts a block (the owner's way out is the forgotten password)."""
    User.objects.filter(pk=user.pk).update(failed_login_count=0, blocked_at=None)
    record(request, "account.unblocked", user=user, email=user.email, by="support",
           staff=getattr(request.user, "email", ""))


def resend_activation(request, user: User) -> bool:
    """The support desk sends a fresh activation link to an account awaiting activation."""
    if not user.is_awaiting_activation:
        return False
    with transaction.atomic():
        send_fresh_activation(user)
        record(request, "activation.resent", user=user, email=user.email, by="support",
               staff=getattr(request.user, "email", ""))
    return True


# --- Forgotten password ---------------------------------------------------------------


def request_reset(request, email: str) -> Result:
    """Send the reset link (or a fresh activation link) if the address has an account.

    The answer is the same whatever the address: only the e-mail tells the owner.
    """
    # Both limits count the request first and refuse past the limit: parallel requests
    # each get their own number, none slips through between a check and its count.
    ip_throttle = reset_ip_throttle()
    if ip_throttle.hit(client_network(request)) > ip_throttle.limit:
        record(request, "password_reset.throttled", success=False, email=email)
        return Result(Outcome.THROTTLED)

    user = User.objects.filter(email=email).first()
    if user is None:
        record(request, "password_reset.requested", success=False, email=email,
               reason="unknown_account")
        return Result(Outcome.ACCEPTED)
    account_throttle = reset_account_throttle()
    if account_throttle.hit(str(user.pk)) > account_throttle.limit:
        # The owner already has recent links: no more e-mails (the answer stays the same).
        record(request, "password_reset.requested", success=False, user=user, email=email,
               reason="too_many_emails")
        return Result(Outcome.ACCEPTED, user)

    with transaction.atomic():
        if user.is_awaiting_activation:
            send_fresh_activation(user)
            record(request, "activation.resent", user=user, email=email,
                   reason="password_reset_requested")
        elif not user.is_active:  # disabled by the support desk
            record(request, "password_reset.requested", success=False, user=user, email=email,
                   reason="disabled")
        else:
            emails.send_reset_link(user)
            record(request, "password_reset.requested", user=user, email=email)
    return Result(Outcome.ACCEPTED, user)


def complete_reset(request, user: User, password: str) -> bool:
    """Set the new password (already validated): unblock, end other sessions, notify.

    ``user`` is the account as the link was checked against. The link is single-use even
    when it is posted several times at once: under the account's row lock, a password or
    sign-in that changed since (another post of the same link, say) refuses it (False).
    """
    # Before the new hash is saved: the session's user, read after, would no longer match
    # its session (Django then flushes it, signing this browser out).
    same_account = request.user.is_authenticated and request.user.pk == user.pk
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if reset_state(locked) != reset_state(user):
            return False
        user = locked
        was_blocked = user.is_blocked
        user.set_password(password)  # the reset token dies with the old hash
        user.failed_login_count = 0
        user.blocked_at = None
        user.save()  # records the password in the history
        keep = request.session.session_key if same_account else None
        ended = end_other_sessions(user, keep_session_key=keep)
        if same_account:
            keep_this_session(request, user)
        emails.send_password_changed(user)
        record(request, "password_reset.completed", user=user, email=user.email,
               sessions_ended=ended)
        if was_blocked:
            record(request, "account.unblocked", user=user, email=user.email,
                   by="password_reset")
    return True
