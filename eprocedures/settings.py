"""Settings of the eprocedures portal.

Everything comes from environment variables (see the README's settings table);
with none set, the portal runs locally on SQLite, an in-process cache and the
local mailbox, keeping its files in ./data.
"""

from pathlib import Path

from eprocedures.lib.env import (
    env_addresses,
    env_bool,
    env_cache,
    env_database,
    env_email,
    env_int,
    env_list,
    env_log_level,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("ETS_DATA_DIR", str(BASE_DIR / "data"))).resolve()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
PORT = env_int("PORT", 8000, minimum=1)
# Links in e-mails are built from this address, never from the request's Host header.
ETS_SITE_URL = env_str("ETS_SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_countries",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    "eprocedures.core",
    "eprocedures.outbox",
    "eprocedures.audit",
    "eprocedures.accounts",
    "eprocedures.registration",
    "eprocedures.signin",
    "eprocedures.myinfo",
    "eprocedures.addressbook",
    "eprocedures.smartcard",
    "eprocedures.procedures",
]

MIDDLEWARE = [
    "eprocedures.core.middleware.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "eprocedures.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eprocedures.core.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "eprocedures.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "eprocedures.urls"
FORM_RENDERER = "eprocedures.core.forms.ETSFormRenderer"
WSGI_APPLICATION = "eprocedures.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eprocedures.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "eprocedures.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env_cache("CACHE_URL")}
CACHE_IS_SHARED = "redis" in CACHES["default"]["BACKEND"].lower()
# Sessions live in the database (server-side); with Redis they are cached there too.
# Django's stores, written once per sign-in instead of three times (accounts/sessionstore).
SESSION_ENGINE = (
    "eprocedures.accounts.sessionstore.cached_db"
    if CACHE_IS_SHARED
    else "eprocedures.accounts.sessionstore.db"
)

# --- Mail -------------------------------------------------------------------
_email = env_email("EMAIL_URL")
ETS_LOCAL_MAILBOX = _email.pop("LOCAL_MAILBOX")
globals().update(_email)
ETS_MAILBOX_DIR = DATA_DIR / "mailbox"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ne-pas-repondre@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
# The outbox retries a failed delivery with exponential back-off, then gives up.
# "Mot de passe oublié" and "Recevoir un nouveau lien" answer no sooner than this, known
# address or not (lib/timing): the known one's extra work must not show in the timing.
ETS_EQUAL_ANSWER_MS = env_int("ETS_EQUAL_ANSWER_MS", 150, minimum=0)
ETS_MAIL_MAX_ATTEMPTS = env_int("ETS_MAIL_MAX_ATTEMPTS", 12, minimum=1)
# Temporary failures are retried until then: the activation link lives 15 days.
ETS_MAIL_GIVE_UP_DAYS = env_int("ETS_MAIL_GIVE_UP_DAYS", 15, minimum=1)
ETS_MAIL_RETRY_BASE_SECONDS = env_int("ETS_MAIL_RETRY_BASE_SECONDS", 30, minimum=1)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "signin:login"
LOGIN_REDIRECT_URL = "/"

# Argon2id at OWASP's parameters; hashes made with others are upgraded at the next sign-in.
ETS_ARGON2_TIME_COST = env_int("ETS_ARGON2_TIME_COST", 2, minimum=1)
ETS_ARGON2_MEMORY_COST = env_int("ETS_ARGON2_MEMORY_COST", 19456, minimum=8)
ETS_ARGON2_PARALLELISM = env_int("ETS_ARGON2_PARALLELISM", 1, minimum=1)
PASSWORD_HASHERS = ["eprocedures.accounts.hashers.ETSArgon2PasswordHasher"]

ETS_PASSWORD_MIN_LENGTH = 8
ETS_PASSWORD_MAX_LENGTH = 32
ETS_PASSWORD_HISTORY_DAYS = env_int("ETS_PASSWORD_HISTORY_DAYS", 365, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "eprocedures.accounts.validators.LengthValidator"},
    {"NAME": "eprocedures.accounts.validators.CharacterClassValidator"},
    {"NAME": "eprocedures.accounts.validators.CommonPasswordValidator"},
    {"NAME": "eprocedures.accounts.validators.PersonalContextValidator"},
    {"NAME": "eprocedures.accounts.validators.PasswordHistoryValidator"},
]

ETS_ACTIVATION_DAYS = env_int("ETS_ACTIVATION_DAYS", 15, minimum=1)
ETS_RESET_HOURS = env_int("ETS_RESET_HOURS", 24, minimum=1)
ETS_MAX_FAILED_LOGINS = env_int("ETS_MAX_FAILED_LOGINS", 5, minimum=1)
ETS_REMEMBER_ME_DAYS = env_int("ETS_REMEMBER_ME_DAYS", 30, minimum=1)
ETS_IDLE_MINUTES = env_int("ETS_IDLE_MINUTES", 30, minimum=1)
ETS_SMARTCARD_CA_FILE = env_str("ETS_SMARTCARD_CA_FILE", str(DATA_DIR / "smartcard" / "ca.pem"))
ETS_TRUSTED_PROXIES = env_addresses("ETS_TRUSTED_PROXIES", ["127.0.0.1"])
# Registrations per client address and hour (each final submission sends an e-mail).
ETS_REGISTRATIONS_PER_HOUR = env_int("ETS_REGISTRATIONS_PER_HOUR", 20, minimum=1)

# --- Office -----------------------------------------------------------------
ETS_OFFICE_NAME = env_str("ETS_OFFICE_NAME", "INPI")
ETS_HELPDESK_NAME = env_str("ETS_HELPDESK_NAME", "INPI Direct")
ETS_HELPDESK_PHONE = env_str("ETS_HELPDESK_PHONE", "0 820 210 211")
ETS_HELPDESK_PHONE_ABROAD = env_str("ETS_HELPDESK_PHONE_ABROAD", "+33 1 71 08 71 63")
ETS_HELPDESK_EMAIL = env_str("ETS_HELPDESK_EMAIL", "contact@inpi.fr")
ETS_HELPDESK_HOURS = env_str("ETS_HELPDESK_HOURS", "")  # empty: the translated default

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "ets_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
# Strings of eprocedures/lib (not an app); each app has its own locale folder.
LOCALE_PATHS = [BASE_DIR / "eprocedures" / "lib" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "FR"

# --- Static files -----------------------------------------------------------------
STATIC_URL = "/static/"
# Production sets ETS_STATIC_MANIFEST=true and runs collectstatic once (hashed names);
# otherwise whitenoise serves the apps' static folders directly.
_manifest = env_bool("ETS_STATIC_MANIFEST", False)
STATIC_ROOT = DATA_DIR / "static" if _manifest else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _manifest
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _manifest

# --- Security headers -----------------------------------------------------------
ETS_SECURE_COOKIES = env_bool("ETS_SECURE_COOKIES", ETS_SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = ETS_SECURE_COOKIES
CSRF_COOKIE_SECURE = ETS_SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = ETS_SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "ets_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "eprocedures.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ETS_SECURE_COOKIES:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "eprocedures.lib.logfilters.MaskTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]}},
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- myinfo ("Mes informations") ------------------------------------------------
# Wrong secret answers or current passwords on the profile pages, per account and per
# client address within the window, before those pages refuse further attempts.
ETS_SECRET_ANSWER_MAX_FAILURES = env_int("ETS_SECRET_ANSWER_MAX_FAILURES", 5, minimum=1)
ETS_SECRET_ANSWER_MAX_FAILURES_PER_IP = env_int(
    "ETS_SECRET_ANSWER_MAX_FAILURES_PER_IP", 20, minimum=1)
ETS_SECRET_ANSWER_WINDOW_MINUTES = env_int("ETS_SECRET_ANSWER_WINDOW_MINUTES", 15, minimum=1)
# Time allowed, after both secret answers were right, to type the new identifier.
ETS_IDENTIFIER_CHANGE_MINUTES = env_int("ETS_IDENTIFIER_CHANGE_MINUTES", 10, minimum=1)
# Validity of the link that confirms a new e-mail address.
ETS_EMAIL_CHANGE_HOURS = env_int("ETS_EMAIL_CHANGE_HOURS", 24, minimum=1)

# --- smartcard (client-certificate sign-in) -----------------------------------------
# CRLs of the issuers of ETS_SMARTCARD_CA_FILE (PEM or DER, refreshed by
# `manage.py smartcard_refresh_crls`); without a current one, cards are refused.
ETS_SMARTCARD_CRL_DIR = env_str("ETS_SMARTCARD_CRL_DIR", str(DATA_DIR / "smartcard" / "crl"))
ETS_SMARTCARD_CRL_REQUIRED = env_bool("ETS_SMARTCARD_CRL_REQUIRED", True)
# Header in which the TLS front passes the URL-encoded PEM ($ssl_client_escaped_cert).
ETS_SMARTCARD_CERT_HEADER = env_str("ETS_SMARTCARD_CERT_HEADER", "X-SSL-Client-Cert")
# Public address of the client-certificate front (the "Activer" page and card sign-in).
ETS_SMARTCARD_URL = env_str("ETS_SMARTCARD_URL", ETS_SITE_URL).rstrip("/")
ETS_SMARTCARD_OPEN_TO_ALL = env_bool("ETS_SMARTCARD_OPEN_TO_ALL", False)
ETS_SMARTCARD_REAUTH_MINUTES = env_int("ETS_SMARTCARD_REAUTH_MINUTES", 15, minimum=1)
ETS_SMARTCARD_CODE_MINUTES = env_int("ETS_SMARTCARD_CODE_MINUTES", 60, minimum=1)
ETS_SMARTCARD_CODE_ATTEMPTS = env_int("ETS_SMARTCARD_CODE_ATTEMPTS", 5, minimum=1)
ETS_SMARTCARD_MAX_CARDS = env_int("ETS_SMARTCARD_MAX_CARDS", 5, minimum=0)  # 0: no cap
ETS_SMARTCARD_REMINDER_DAYS = env_int("ETS_SMARTCARD_REMINDER_DAYS", 30, minimum=0)
# ModelBackend stays first; the card backend only accepts a verified certificate.
AUTHENTICATION_BACKENDS = [
    *globals().get("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]),
    "eprocedures.smartcard.backends.SmartcardBackend",
]
# Where `manage.py smartcard_refresh_crls` downloads the CRLs from (comma list of URLs).
ETS_SMARTCARD_CRL_URLS = env_list("ETS_SMARTCARD_CRL_URLS", [])
# With the card front on a host of its own (carte.example.org beside example.org), the
# session opened by card sign-in must reach the portal: SESSION_COOKIE_DOMAIN=.example.org.
# The language cookie follows, so that the card front answers in the chosen language.
SESSION_COOKIE_DOMAIN = env_str("SESSION_COOKIE_DOMAIN", "") or None
LANGUAGE_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN

# --- Address book (addressbook) ---------------------------------------------------
# Largest CSV file "Importer" accepts, in bytes (2 MiB: some 15,000 contacts).
ETS_ADDRESSBOOK_MAX_IMPORT_BYTES = env_int("ETS_ADDRESSBOOK_MAX_IMPORT_BYTES", 2 * 1024 * 1024,
                                           minimum=1024)
ETS_ADDRESSBOOK_MAX_IMPORT_ROWS = env_int("ETS_ADDRESSBOOK_MAX_IMPORT_ROWS", 20_000, minimum=1)
ETS_ADDRESSBOOK_PAGE_SIZE = env_int("ETS_ADDRESSBOOK_PAGE_SIZE", 25, minimum=1)

# --- signin ---------------------------------------------------------------------
# Failed sign-ins (any account) accepted per client address over the window, against
# password spraying; then the 429 page. Counters live in the cache (Redis when shared).
ETS_SIGNIN_FAILURES_PER_IP = env_int("ETS_SIGNIN_FAILURES_PER_IP", 30, minimum=1)
ETS_SIGNIN_THROTTLE_MINUTES = env_int("ETS_SIGNIN_THROTTLE_MINUTES", 15, minimum=1)
# Forgotten-password requests per client address and hour (each may send an e-mail),
# and e-mails sent per account and hour whatever the address asking.
ETS_RESET_REQUESTS_PER_HOUR = env_int("ETS_RESET_REQUESTS_PER_HOUR", 20, minimum=1)
ETS_RESET_EMAILS_PER_ACCOUNT_HOUR = env_int("ETS_RESET_EMAILS_PER_ACCOUNT_HOUR", 3, minimum=1)
# Ends sessions without "Rester identifié" after ETS_IDLE_MINUTES without a request.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "eprocedures.signin.middleware.IdleTimeoutMiddleware",
)
