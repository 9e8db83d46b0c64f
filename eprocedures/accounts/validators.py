"""Password rules of the specification (part II, step 5), plus what ASVS and the CNIL ask.

Each rule is a Django password validator, so every page that sets a password
(activation, forgotten password, change in "Mes informations") runs them all
through ``validate_password(password, user)``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .normalize import fold

PUNCTUATION = ",;.+:!?=@"


class LengthValidator:
    """Between 8 and 32 characters; nothing is ever truncated."""

    def validate(self, password, user=None):
        low, high = settings.ETS_PASSWORD_MIN_LENGTH, settings.ETS_PASSWORD_MAX_LENGTH
        if not low <= len(password) <= high:
            raise ValidationError(
                _("Le mot de passe doit contenir entre %(min)d et %(max)d caractères."),
                code="password_length",
                params={"min": low, "max": high},
            )

    def get_help_text(self):
        return _("doit contenir entre %(min)d et %(max)d caractères.") % {
            "min": settings.ETS_PASSWORD_MIN_LENGTH,
            "max": settings.ETS_PASSWORD_MAX_LENGTH,
        }


def _has_lower(p):
    return any("a" <= c <= "z" for c in p)


def _has_upper(p):
    return any("A" <= c <= "Z" for c in p)


def _has_digit(p):
    return any("0" <= c <= "9" for c in p)


def _has_punctuation(p):
    return any(c in PUNCTUATION for c in p)


# (code, test, message, help text): the classes of the specification, in its order.

CHARACTER_CLASSES = [
    (
        "password_no_lower",
        _has_lower,
        gettext_noop("Le mot de passe doit contenir au moins une lettre minuscule [a-z]."),
        gettext_noop("doit contenir au moins une lettre minuscule [a-z]."),
    ),
    (
        "password_no_upper",
        _has_upper,
        gettext_noop("Le mot de passe doit contenir au moins une lettre majuscule [A-Z]."),
        gettext_noop("doit contenir au moins une lettre majuscule [A-Z]."),
    ),
    (
        "password_no_digit",
        _has_digit,
        gettext_noop("Le mot de passe doit contenir au moins un chiffre [0-9]."),
        gettext_noop("doit contenir au moins un chiffre [0-9]."),
    ),
    (
        "password_no_punctuation",
        _has_punctuation,
        gettext_noop(
            "Le mot de passe doit contenir au moins un signe de ponctuation parmi "
            "[, ; . + : ! ? = @]."
        ),
        gettext_noop("doit contenir au moins un signe de ponctuation parmi [, ; . + : ! ? = @]."),
    ),
]


class CharacterClassValidator:
    """A lower-case letter, an upper-case letter, a digit and one of , ; . + : ! ? = @.

    Other printable characters (accents, spaces…) are allowed but count for none
    of the classes, exactly as the specification's bracketed sets say.
    """

    def validate(self, password, user=None):
        errors = [
            ValidationError(_(message), code=code)
            for code, test, message, _help in CHARACTER_CLASSES
            if not test(password)
        ]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return " ".join(_(help_text) for *_rest, help_text in CHARACTER_CLASSES)


# Passwords French users pick often, beyond Django's (English-centred) list of 20,000.
FRENCH_COMMON = {
    "motdepasse", "azerty", "azertyuiop", "soleil", "bonjour", "doudou", "loulou",
    "chouchou", "marseille", "paris", "france", "coucou", "nicolas", "julien",
    "camille", "chocolat", "amour", "jetaime", "qwerty", "password", "bienvenue",
}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Refuses common passwords, ignoring case and the digits and signs around them.

    "Azerty123!" satisfies every class of the specification yet is among the first
    guesses of any attacker, so its core "azerty" is looked up too.
    """

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = lowered.strip("0123456789" + PUNCTUATION + " _-*#$%&")
        candidates = {lowered, core}
        if any(c in self.passwords or c in FRENCH_COMMON for c in candidates if c):
            raise ValidationError(
                _("Ce mot de passe est trop courant : choisissez-en un moins prévisible."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("ne doit pas être un mot de passe courant.")


class PersonalContextValidator:
    """Refuses a password containing the user's names, e-mail or the office's name."""

    min_word_length = 3

    def validate(self, password, user=None):
        words = list(user.context_words()) if user is not None else []
        words.append(settings.ETS_OFFICE_NAME)
        folded = fold(password).replace(" ", "")
        letters = _letters(folded)
        # Short names and addresses are words of less than 3 letters each, but whole they
        # are not: "Jo.Li2024!" for Jo Li, "J1@ab.fr" for j1@ab.fr. Compared letters only.
        wholes = _whole_phrases(user) if user is not None else []
        if (any(len(t) >= self.min_word_length and t in folded
                for t in (fold(w).replace(" ", "") for w in words))
                or any(len(t) >= self.min_word_length and t in letters for t in wholes)):
            raise ValidationError(
                _(
                    "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, "
                    "ni votre adresse courriel, ni le nom de l'office."
                ),
                code="password_personal",
            )

    def get_help_text(self):
        return _("ne doit contenir ni vos nom et prénom, ni votre adresse courriel.")


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


def _whole_phrases(user) -> list[str]:
    """The user's full name both ways and whole address, folded, letters only."""
    first, last = _letters(fold(user.first_name)), _letters(fold(user.last_name))
    local, _at, domain = (user.email or "").partition("@")
    site = domain.rsplit(".", 1)[0]
    return [first + last, last + first, _letters(fold(local + site)),
            _letters(fold(user.email or ""))]


class PasswordHistoryValidator:
    """Refuses a password used within ETS_PASSWORD_HISTORY_DAYS, and records each new one."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, h) for h in self.used_within_window(user)):
            days = settings.ETS_PASSWORD_HISTORY_DAYS
            if days == 365:  # the specification's words
                message = _("Ce mot de passe a déjà été utilisé au cours de la dernière année.")
            else:
                message = ngettext(
                    "Ce mot de passe a déjà été utilisé au cours du dernier jour.",
                    "Ce mot de passe a déjà été utilisé au cours des %(days)d derniers jours.",
                    days) % {"days": days}
            raise ValidationError(message, code="password_reused")

    @staticmethod
    def used_within_window(user) -> list[str]:
        """The hashes of the passwords in use at some moment of the window, the current one first.

        A password was in use from its own date until the next one's: it counts if it was
        replaced within the window, whenever it was set (the one in use when the window
        began included), not only if it was set within it.
        """
        since = timezone.now() - timedelta(days=settings.ETS_PASSWORD_HISTORY_DAYS)
        hashes = [user.password] if user.has_usable_password() else []
        history = user.password_history.order_by("-created_at").values_list(
            "password_hash", "created_at")
        for password_hash, created_at in history.iterator():
            if password_hash not in hashes:
                hashes.append(password_hash)
            if created_at < since:  # in use when the window began; older ones were replaced before
                break
        return hashes

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None and user.has_usable_password():
            user.password_history.create(password_hash=user.password)

    def get_help_text(self):
        days = settings.ETS_PASSWORD_HISTORY_DAYS
        if days == 365:
            return _("ne doit pas avoir été utilisé au cours de la dernière année.")
        return ngettext("ne doit pas avoir été utilisé au cours du dernier jour.",
                        "ne doit pas avoir été utilisé au cours des %(days)d derniers jours.",
                        days) % {"days": days}


def password_rules() -> list[tuple[str, str]]:
    """(code, text) of each rule shown behind the (i) on the password page.

    The texts are the validators' own help texts; the codes are those of their
    errors, and the page's script ticks the ones it can check as the user types.
    """
    classes = [(code, _(help_text)) for code, _test, _msg, help_text in CHARACTER_CLASSES]
    return [
        ("password_length", LengthValidator().get_help_text()),
        *classes,
        ("password_reused", PasswordHistoryValidator().get_help_text()),
        ("password_too_common", CommonPasswordValidator().get_help_text()),
        ("password_personal", PersonalContextValidator().get_help_text()),
    ]
