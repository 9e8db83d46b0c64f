"""Card enrolment, removal and sign-in, as plain functions called by the views.

Enrolment: a signed-in account (recent password) asks for a card → an e-mail
brings an "Activer" link and a code → on the client-certificate front the code
and the certificate the browser presents are checked together → the card is
recorded. Sign-in: the certificate of the request, verified by services.verify,
signs in the account it is enrolled on.
"""

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import auth
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.models import User
from eprocedures.accounts.sessions import end_card_sessions, mark_authenticated
from eprocedures.audit.services import record
from eprocedures.lib.http import client_network
from eprocedures.lib.throttle import Throttle

from . import emails
from .models import Enrolment, Smartcard
from .services import CertCheck, CertStatus, holder_name

BACKEND = "eprocedures.smartcard.backends.SmartcardBackend"

MESSAGES = {
    "not_allowed": _(
        "La connexion par carte à puce est réservée aux mandataires habilités "
        "(CPI, avocat, L422-5...)."
    ),
    "max_cards": _(
        "Vous avez atteint le nombre maximal de cartes à puce pour votre compte. "
        "Retirez-en une avant d'en ajouter une autre."
    ),
    "code_sent": _(
        "Un courriel contenant le lien « Activer » et votre code d'activation vient de vous "
        "être envoyé."
    ),
    "code_wrong": _("Ce code d'activation n'est pas valide."),
    "code_expired": _(
        "Ce lien d'activation a expiré. Demandez-en un nouveau depuis « Mes informations »."
    ),
    "code_used": _(
        "Ce lien d'activation n'est plus valable. Demandez-en un nouveau depuis "
        "« Mes informations »."
    ),
    "code_locked": _(
        "Trop de codes erronés : ce lien d'activation n'est plus valable. Demandez-en un "
        "nouveau depuis « Mes informations »."
    ),
    "throttled": _("Trop de tentatives. Réessayez dans quelques minutes."),
    "enrolled_elsewhere": _("Ce certificat est déjà enregistré sur un autre compte."),
    "enrolled_here": _("Ce certificat est déjà enregistré pour votre compte."),
    "enrolled": _(
        "Félicitations ! Votre carte à puce est enregistrée. Vous pouvez désormais vous "
        "connecter avec elle depuis l'onglet « Carte à puce »."
    ),
    "removed": _("La carte à puce a été retirée de votre compte."),
    "blocked": _("Votre compte est bloqué (nombre de tentatives maximal atteint)"),
    "not_activated": _(
        "Votre compte n'est pas encore activé : suivez le lien reçu par courriel pour choisir "
        "votre mot de passe."
    ),
    "expiry_reminder": _(
        "Le certificat de votre carte à puce expire le %(date)s : pensez à la faire "
        "renouveler puis à ajouter la nouvelle carte depuis « Mes informations »."
    ),
}

# Wrong codes per client address, on top of the per-link limit.
CODE_THROTTLE = Throttle("smartcard-code", limit=20, window=3600)
# Card sign-in attempts per client address (each one is a TLS handshake and a lookup).
SIGNIN_THROTTLE = Throttle("smartcard-signin", limit=60, window=600)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 10


class EnrolmentError(Exception):
    def __init__(self, code: str, message=None):
        super().__init__(code)
        self.code = code
        self.message = message if message is not None else MESSAGES[code]


# --- Who may add a card ----------------------------------------------------------------


def can_enrol(user) -> bool:
    """Card sign-in is for professional accounts unless ETS_SMARTCARD_OPEN_TO_ALL."""
    return bool(user.is_authenticated and (settings.ETS_SMARTCARD_OPEN_TO_ALL or user.is_attorney))


def has_room(user) -> bool:
    cap = settings.ETS_SMARTCARD_MAX_CARDS
    return cap == 0 or user.smartcards.count() < cap


def enrolment_refusal(user) -> str | None:
    """The key of MESSAGES that forbids this account to add a card now, or None."""
    if not can_enrol(user):
        return "not_allowed"
    if not has_room(user):
        return "max_cards"
    return None


# --- Activation codes --------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def hash_code(link_id: str, code: str) -> str:
    """Keyed hash: a leaked table does not give codes away without SECRET_KEY."""
    key = f"ets.smartcard.code|{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{link_id}|{normalize_code(code)}".encode(), hashlib.sha256).hexdigest()


def activation_url(enrolment: Enrolment) -> str:
    path = reverse("smartcard:activate", args=[enrolment.link_id])
    return f"{settings.ETS_SMARTCARD_URL}{path}"


@transaction.atomic
def start_enrolment(request, user) -> Enrolment:
    """Replace any pending request of this account by a new one and e-mail its code."""
    now = timezone.now()
    Enrolment.objects.filter(user=user, used_at=None, cancelled_at=None).update(cancelled_at=now)
    code = new_code()
    enrolment = Enrolment(user=user, expires_at=now + timedelta(
        minutes=settings.ETS_SMARTCARD_CODE_MINUTES))
    enrolment.code_hash = hash_code(enrolment.link_id, code)
    enrolment.save()
    record(request, "smartcard.enrolment_requested", user=user, email=user.email)
    emails.send_activation_code(user, activation_url(enrolment), code)
    return enrolment


def enrolment_state(enrolment: Enrolment) -> str | None:
    """Why this link can no longer be used (a key of MESSAGES), or None."""
    if enrolment.used_at or enrolment.cancelled_at:
        return "code_used"
    if enrolment.failed_attempts >= settings.ETS_SMARTCARD_CODE_ATTEMPTS:
        return "code_locked"
    if enrolment.expires_at <= timezone.now():
        return "code_expired"
    return None


def find_enrolment(link_id: str) -> Enrolment | None:
    return Enrolment.objects.select_related("user").filter(link_id=link_id).first()


def complete_enrolment(request, link_id: str, code: str, check: CertCheck) -> Smartcard:
    """Check the code and the certificate together and record the card.

    Raises EnrolmentError; wrong codes are counted even though the error rolls
    back nothing else.
    """
    ip = client_network(request)
    if CODE_THROTTLE.is_limited(ip):
        raise EnrolmentError("throttled")
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related("user").get(
            link_id=link_id)
        user = enrolment.user
        state = enrolment_state(enrolment)
        if state:
            raise EnrolmentError(state)
        if not hmac.compare_digest(enrolment.code_hash, hash_code(link_id, code)):
            enrolment.failed_attempts += 1
            enrolment.save(update_fields=["failed_attempts"])
            CODE_THROTTLE.hit(ip)
            record(request, "smartcard.enrolment_failed", user=user, success=False,
                   email=user.email, reason="code_wrong", attempts=enrolment.failed_attempts)
            locked = enrolment.failed_attempts >= settings.ETS_SMARTCARD_CODE_ATTEMPTS
            error = EnrolmentError("code_locked" if locked else "code_wrong")
        else:
            error = None
    if error:
        raise error
    return _record_card(request, enrolment, check)


def _record_card(request, enrolment: Enrolment, check: CertCheck) -> Smartcard:
    """Record the card of a checked code, once: the code is claimed in the same transaction.

    Refusals are audited after their transaction rolled back, so that the audit row stays.
    """
    user = enrolment.user
    try:
        if not check.ok:
            raise EnrolmentError(check.status.value, check.message)
        with transaction.atomic():
            # Claiming the code first makes parallel requests with the same code wait here,
            # then find it used: one card per code.
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk, used_at__isnull=True, cancelled_at__isnull=True,
            ).update(used_at=timezone.now())
            if not claimed:
                raise EnrolmentError("code_used")
            # The account's row lock serialises the count of its cards (ETS_SMARTCARD_MAX_CARDS)
            # across its other codes.
            user = User.objects.select_for_update().get(pk=user.pk)
            refusal = "blocked" if user.is_blocked else enrolment_refusal(user)
            if refusal:
                raise EnrolmentError(refusal)
            existing = Smartcard.objects.filter(fingerprint=check.fingerprint).first()
            if existing is not None:
                raise EnrolmentError(
                    "enrolled_here" if existing.user_id == user.pk else "enrolled_elsewhere")
            card = _create_card(user, check)
            record(request, "smartcard.enrolled", user=user, email=user.email,
                   fingerprint=card.fingerprint, subject=card.subject, serial=card.serial)
            emails.send_card_added(user, card)
    except EnrolmentError as error:
        detail = {"fingerprint": check.fingerprint} if check.ok else {}
        record(request, "smartcard.enrolment_failed", user=user, success=False,
               email=user.email, reason=error.code, **detail)
        raise
    return card


def _create_card(user, check: CertCheck) -> Smartcard:
    cert = check.certificate
    try:
        with transaction.atomic():
            return Smartcard.objects.create(
                user=user,
                fingerprint=check.fingerprint,
                subject=cert.subject.rfc4514_string()[:500],
                holder=holder_name(cert)[:200],
                issuer=cert.issuer.rfc4514_string()[:500],
                serial=format(cert.serial_number, "x"),
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
            )
    except IntegrityError:  # the same certificate enrolled at the same instant elsewhere
        raise EnrolmentError("enrolled_elsewhere") from None


@transaction.atomic
def remove_card(request, card: Smartcard, *, by_support: bool = False) -> None:
    """Remove a card (its owner from "Mes informations", or the support desk): audited, notified."""
    user = card.user
    who = {"by": "support", "staff": request.user.email} if by_support else {}
    # A removed card may be a lost one: the sessions it opened end (but the owner's own,
    # from which the removal is made).
    keep = None if by_support else request.session.session_key
    ended = end_card_sessions(user, card.fingerprint, keep_session_key=keep)
    record(request, "smartcard.removed", user=user, email=user.email,
           fingerprint=card.fingerprint, subject=card.subject, sessions_ended=ended, **who)
    emails.send_card_removed(user, card)
    card.delete()


# --- Sign-in ---------------------------------------------------------------------------


class SignInStatus(enum.Enum):
    OK = "ok"
    BLOCKED = "blocked"
    NOT_ACTIVATED = "not_activated"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    reason: str  # a CertStatus or SignInStatus value
    message: str = ""
    user: object = None
    card: Smartcard | None = None


def _refuse(request, reason: str, message, *, user=None, fingerprint="") -> SignInResult:
    record(request, "smartcard.login", user=user, success=False,
           email=user.email if user else "", reason=reason, fingerprint=fingerprint)
    return SignInResult(False, reason, message, user)


def sign_in(request, check: CertCheck) -> SignInResult:
    """Sign in the account whose enrolled card presented this verified certificate."""
    ip = client_network(request)
    if SIGNIN_THROTTLE.hit(ip) > SIGNIN_THROTTLE.limit:
        return _refuse(request, SignInStatus.THROTTLED.value, MESSAGES["throttled"])
    if not check.ok:
        return _refuse(request, check.status.value, check.message, fingerprint=check.fingerprint)
    card = Smartcard.objects.select_related("user").filter(fingerprint=check.fingerprint).first()
    if card is None:
        unknown = CertCheck(CertStatus.UNKNOWN, check.certificate)
        return _refuse(request, CertStatus.UNKNOWN.value, unknown.message,
                       fingerprint=check.fingerprint)
    user = card.user
    if user.is_blocked:
        return _refuse(request, SignInStatus.BLOCKED.value, MESSAGES["blocked"], user=user,
                       fingerprint=check.fingerprint)
    if not user.is_active or user.is_awaiting_activation:
        return _refuse(request, SignInStatus.NOT_ACTIVATED.value, MESSAGES["not_activated"],
                       user=user, fingerprint=check.fingerprint)
    authenticated = auth.authenticate(request, smartcard_check=check)
    if authenticated is None or authenticated.pk != user.pk:
        return _refuse(request, CertStatus.UNKNOWN.value, MESSAGES["not_activated"], user=user)
    with transaction.atomic():
        auth.login(request, authenticated)  # rotates the session key
        mark_authenticated(request, "smartcard", card.fingerprint)
        card.last_used_at = timezone.now()
        card.save(update_fields=["last_used_at"])
        record(request, "smartcard.login", user=user, email=user.email,
               fingerprint=card.fingerprint)
    return SignInResult(True, SignInStatus.OK.value, "", user, card)


def expiry_reminder(card: Smartcard):
    """The reminder to show when the card expires soon (and e-mail it once), else None."""
    now = timezone.now()
    if card.not_after - now > timedelta(days=settings.ETS_SMARTCARD_REMINDER_DAYS):
        return None
    if card.reminder_sent_at is None:
        with transaction.atomic():
            card.reminder_sent_at = now
            card.save(update_fields=["reminder_sent_at"])
            emails.send_expiry_reminder(card.user, card)
    date = formats.date_format(timezone.localtime(card.not_after), "SHORT_DATE_FORMAT")
    return MESSAGES["expiry_reminder"] % {"date": date}
