"""Typed readers for environment variables.

Each helper returns a local default when the variable is unset and raises
ImproperlyConfigured with the variable's name when its value cannot be used,
so that a typo in production stops the start instead of weakening a setting.
"""

import contextlib
import ipaddress
import logging
import os
import secrets
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    # Blank: unset (an empty ETS_SITE_URL would make every e-mailed link relative).
    return default if raw is None or raw.strip() == "" else raw


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":  # blank: unset, as for numbers (never a quiet "off")
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_log_level(name: str, default: str) -> str:
    raw = ((os.environ.get(name) or "").strip() or default).upper()
    if raw not in logging.getLevelNamesMapping() or raw == "NOTSET":
        raise ImproperlyConfigured(
            f"{name} must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {raw!r}")
    return raw


def env_addresses(name: str, default: list[str]) -> list[str]:
    """A comma list of IP addresses (not networks: they are compared one by one).

    Here an empty value is a choice, not a blank: no address is trusted."""
    raw = os.environ.get(name)
    values = default if raw is None else _items(raw)
    for value in values:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} lists IP addresses, one by one (no network, no name), not {value!r}"
            ) from None
    return values


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":  # blank: unset (ALLOWED_HOSTS= would refuse all)
        return default
    return _items(raw)


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


# libpq's: seconds to connect; TCP keepalives on an idle connection; milliseconds that sent
# data may stay unacknowledged (a server busy with a long query still acknowledges).
PG_TIMEOUTS = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30,
               "keepalives_interval": 10, "keepalives_count": 3, "tcp_user_timeout": 10000}
# redis-py's, in seconds: a cache operation is a fraction of a millisecond.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}


def env_database(name: str, default_sqlite: Path) -> dict:
    raw = os.environ.get(name) or f"sqlite:///{default_sqlite}"
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # the library raises several kinds
        raise ImproperlyConfigured(f"{name} cannot be read: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} has an unknown scheme: {raw!r}")
    if "postgresql" in config["ENGINE"]:
        # Keep connections across requests; the server closes idle ones.
        config.setdefault("CONN_MAX_AGE", 60)
        config.setdefault("CONN_HEALTH_CHECKS", True)
        # A database that stops answering (host down, a path that drops packets) fails the
        # request within seconds instead of holding a worker until TCP gives up, some 15
        # minutes later. Parameters given in the URL's query string win.
        options = config.setdefault("OPTIONS", {})
        for key, value in PG_TIMEOUTS.items():
            options.setdefault(key, value)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A writer waits up to 20 s for another's lock (an import of thousands of rows holds
        # it for seconds) instead of SQLite's 5 s before "database is locked".
        config.setdefault("OPTIONS", {}).setdefault("timeout", 20)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that needs no round trip (lib/pgbackend).
        config["ENGINE"] = "eprocedures.lib.pgbackend"
    return config


def env_cache(name: str) -> dict:
    raw = os.environ.get(name) or "locmem://"
    if raw.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ets"}
    if raw.startswith(("redis://", "rediss://", "unix://")):
        # Django's own RedisCache, as the stack requires. redis-py waits forever by default:
        # bounded, a Redis that stops answering fails the request instead of holding the
        # worker. Timeouts given in the URL's query string win.
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw,
                "OPTIONS": dict(REDIS_TIMEOUTS)}
    raise ImproperlyConfigured(f"{name} must be locmem:// or redis://…, not {raw!r}")


def env_email(name: str) -> dict:
    """Return the EMAIL_* settings; unset means the local mailbox."""
    raw = os.environ.get(name) or "mailbox://"
    if raw.startswith("mailbox://"):
        return {"EMAIL_BACKEND": "eprocedures.outbox.mailbox.MailboxBackend", "LOCAL_MAILBOX": True}
    if raw.startswith("console://"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "LOCAL_MAILBOX": False,
        }
    if not raw.startswith(("smtp://", "smtp+tls://", "smtps://", "smtp+ssl://")):
        raise ImproperlyConfigured(
            f"{name} must be smtp://, smtp+tls://, smtps://, smtp+ssl://, console:// or "
            "mailbox://"
        )
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} cannot be read: {exc}") from None
    if raw.startswith("smtps://"):
        # "smtps" is SMTP over TLS from the first byte (port 465) everywhere but in
        # django-environ, which reads it as STARTTLS: a server on 465 would never answer.
        config.pop("EMAIL_USE_TLS", None)
        config["EMAIL_USE_SSL"] = True
    config["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    config["LOCAL_MAILBOX"] = False
    return config


def secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    value = (os.environ.get("SECRET_KEY") or "").strip()
    if value:  # blank: unset, as every setting (a one-space key would sign everything)
        return value
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written whole into a file of its own (owner-only rights), then linked into place: of
    # processes starting together, one wins and every other reads the winner's key, never
    # a half-written one.
    fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_text().strip()
