import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from .normalize import fold, normalize_email
from .questions import QUESTION_LABELS, SECRET_QUESTIONS


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **fields):
        user = self.model(email=normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("first_name", "Support")
        fields.setdefault("last_name", "Desk")
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        fields.setdefault("activated_at", timezone.now())
        return self.create_user(email, password, **fields)


class Civility(models.TextChoices):
    MR = "M", _("M.")
    MRS = "MME", _("Mme")


class User(AbstractBaseUser, PermissionsMixin):
    """An account of the secure transactional space, identified by its e-mail address.

    States: awaiting activation (is_active False, activated_at empty), active, and
    blocked (blocked_at set). Blocking never touches is_active so that the
    forgotten-password e-mail, the way out of a block, still reaches the owner.
    """

    email = models.EmailField(_("adresse courriel"), max_length=254, unique=True)
    mobile_phone = PhoneNumberField(_("numéro de téléphone mobile"))

    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    country = CountryField(_("pays"), default="FR")
    street_number = models.CharField(_("n° de voie"), max_length=10, blank=True)
    street_type = models.CharField(_("type de voie"), max_length=40, blank=True)
    street_name = models.CharField(_("libellé de voie"), max_length=200)
    address_complement = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    po_box = models.CharField(_("boîte postale"), max_length=50, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20)
    city = models.CharField(_("ville"), max_length=100)
    is_attorney = models.BooleanField(_("mandataire habilité"), default=False)
    is_legal_person = models.BooleanField(_("agit en tant que personne morale"), default=False)
    legal_name = models.CharField(_("dénomination"), max_length=200, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=100, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    registration_number = models.CharField(_("numéro d'immatriculation"), max_length=50, blank=True)

    language = models.CharField(_("langue"), max_length=8, default="fr")
    is_active = models.BooleanField(_("actif"), default=False)
    is_staff = models.BooleanField(_("équipe support"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    activated_at = models.DateTimeField(_("activé le"), null=True, blank=True)
    # Changing the nonce kills every activation link sent before.
    activation_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    failed_login_count = models.PositiveIntegerField(_("échecs de connexion consécutifs"), default=0)
    blocked_at = models.DateTimeField(_("bloqué le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_email = user.__dict__.get("email")
        return user

    def save(self, *args, **kwargs):
        # A new or changed address is normalised; one stored before a change of the rule
        # and left as it was (accounts migration 0003: its new form belonged to another
        # account) stays as it is rather than collide with that account at every save.
        if self._state.adding or self.email != getattr(self, "_stored_email", None):
            self.email = normalize_email(self.email)
        super().save(*args, **kwargs)
        self._stored_email = self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def is_awaiting_activation(self) -> bool:
        return self.activated_at is None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def state_label(self):
        if self.is_blocked:
            return _("bloqué")
        if self.is_awaiting_activation:
            return _("en attente d'activation")
        return _("actif")

    def context_words(self) -> list[str]:
        """Words a password must not contain (used by the password validators)."""
        words = [self.first_name, self.last_name, self.email.split("@")[0]]
        words += self.email.split("@")[1].split(".")[:-1] if "@" in self.email else []
        words.append(settings.ETS_OFFICE_NAME)
        return [w for w in words if w]


class AdditionalPhone(models.Model):
    """Further numbers given with "Ajouter un numéro de téléphone"."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="additional_phones")
    number = PhoneNumberField(_("numéro de téléphone"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("autre numéro de téléphone")
        verbose_name_plural = _("autres numéros de téléphone")

    def __str__(self):
        return str(self.number)


# What phones and word processors put in place of what the owner typed when registering:
# curly apostrophes, and the "oe"/"ae" they join into one letter.
_ANSWER_SPELLINGS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'",
                                   "œ": "oe", "æ": "ae"})


def fold_answer(answer: str) -> str:
    """An answer's folded form: case, accents, spaces, apostrophes and œ/æ set aside."""
    return fold(answer).translate(_ANSWER_SPELLINGS)


def hash_secret_answer(answer: str) -> str:
    """Answers are kept only as Argon2 hashes of their folded form (fold_answer)."""
    return make_password(fold_answer(answer))


class SecretAnswer(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="secret_answers")
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=40, choices=SECRET_QUESTIONS)
    answer_hash = models.CharField(max_length=200)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "position"], name="accounts_secret_position"),
        ]
        verbose_name = _("question secrète")
        verbose_name_plural = _("questions secrètes")

    def __str__(self):
        return str(QUESTION_LABELS.get(self.question, self.question))

    @property
    def question_label(self):
        return QUESTION_LABELS.get(self.question, self.question)

    def check_answer(self, answer: str) -> bool:
        folded, older = fold_answer(answer), fold(answer)
        if check_password(folded, self.answer_hash):
            return True
        # An answer hashed before apostrophes and œ/æ were folded: its older form.
        return folded != older and check_password(older, self.answer_hash)


class PasswordHistory(models.Model):
    """Every password set, as a hash with its date, for the one-year reuse rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ancien mot de passe")
        verbose_name_plural = _("anciens mots de passe")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """The sessions an account signed in with, so that they can be ended together."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session_key"], name="accounts_user_session"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.session_key[:6]}…"
