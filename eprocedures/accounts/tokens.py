"""Signed, salted, expiring tokens for the links sent by e-mail.

Each purpose has its own salt, so an activation token is worthless where a
reset token is expected and the reverse. A token carries the account id and a
fingerprint of the state it was made for; when that state changes (account
activated, fresh link asked for, password changed) the token dies.
"""

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from .models import User


class TokenStatus(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"  # the state it was made for has moved on (used, replaced)
    INVALID = "invalid"


@dataclass(frozen=True)
class TokenCheck:
    status: TokenStatus
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.status is TokenStatus.VALID


def _fingerprint(value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:20]


def make_token(purpose: str, user: User, state: str) -> str:
    payload = {"u": user.pk, "s": _fingerprint(state)}
    return signing.TimestampSigner(salt=f"ets.{purpose}").sign_object(payload)


def check_token(purpose: str, token: str, max_age: timedelta, state_of) -> TokenCheck:
    """Read a token made by make_token; state_of(user) gives the user's current state."""
    signer = signing.TimestampSigner(salt=f"ets.{purpose}")
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        payload = signer.unsign_object(token)  # authentic, only too old
        user = User.objects.filter(pk=payload.get("u")).first()
        return TokenCheck(TokenStatus.EXPIRED, user)
    except (signing.BadSignature, ValueError, TypeError):
        return TokenCheck(TokenStatus.INVALID)
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        return TokenCheck(TokenStatus.INVALID)
    if not hmac.compare_digest(str(payload.get("s", "")), _fingerprint(state_of(user))):
        return TokenCheck(TokenStatus.USED, user)
    return TokenCheck(TokenStatus.VALID, user)


# --- Activation ------------------------------------------------------------------


def _activation_state(user: User) -> str:
    # Activation sets activated_at; a fresh link rotates the nonce: both kill old links.
    return f"{user.activation_nonce}|{user.activated_at}"


def make_activation_token(user: User) -> str:
    return make_token("activation", user, _activation_state(user))


def check_activation_token(token: str) -> TokenCheck:
    max_age = timedelta(days=settings.ETS_ACTIVATION_DAYS)
    return check_token("activation", token, max_age, _activation_state)


# --- Forgotten password ------------------------------------------------------------


def reset_state(user: User) -> str:
    # The password hash changes with any new password, by whatever way it is set;
    # the address is part of it so that a link sent to a former address dies.
    return f"{user.password}|{user.last_login}|{user.activated_at}|{user.email}"


def make_reset_token(user: User) -> str:
    return make_token("password-reset", user, reset_state(user))


def check_reset_token(token: str) -> TokenCheck:
    max_age = timedelta(hours=settings.ETS_RESET_HOURS)
    return check_token("password-reset", token, max_age, reset_state)
