import pytest
from django.core.exceptions import ImproperlyConfigured

from eprocedures.lib import env


def test_bad_values_stop_the_start_with_the_variables_name(monkeypatch):
    monkeypatch.setenv("ETS_MAX_FAILED_LOGINS", "five")
    with pytest.raises(ImproperlyConfigured, match="ETS_MAX_FAILED_LOGINS must be a whole number"):
        env.env_int("ETS_MAX_FAILED_LOGINS", 5, minimum=1)

    monkeypatch.setenv("ETS_MAX_FAILED_LOGINS", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("ETS_MAX_FAILED_LOGINS", 5, minimum=1)

    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env.env_bool("DEBUG", False)


def test_urls_are_read_by_scheme(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5433/ets")
    db = env.env_database("DATABASE_URL", tmp_path / "x.sqlite3")
    assert db["ENGINE"] == "eprocedures.lib.pgbackend"  # Django's, with a cheaper health check
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "ets")
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)

    monkeypatch.delenv("DATABASE_URL")
    db = env.env_database("DATABASE_URL", tmp_path / "x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"

    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    assert env.env_cache("CACHE_URL")["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    monkeypatch.setenv("CACHE_URL", "memcached://x")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env.env_cache("CACHE_URL")

    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:secret@smtp.example:587")
    mail = env.env_email("EMAIL_URL")
    assert mail["EMAIL_HOST"] == "smtp.example"
    assert mail["EMAIL_PORT"] == 587
    assert mail["EMAIL_USE_TLS"] is True
    assert mail["EMAIL_HOST_PASSWORD"] == "secret"
    monkeypatch.delenv("EMAIL_URL")
    assert env.env_email("EMAIL_URL")["LOCAL_MAILBOX"] is True
    monkeypatch.setenv("EMAIL_URL", "ftp://x")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.env_email("EMAIL_URL")


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    first = env.secret_key(tmp_path)
    second = env.secret_key(tmp_path)

    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_site_url_host_must_be_allowed(settings):
    from eprocedures.core.checks import check_site_url

    settings.ETS_SITE_URL = "https://procedures.example.org"
    settings.ALLOWED_HOSTS = ["localhost"]
    [error] = check_site_url(None)
    assert error.id == "eprocedures.E002"

    settings.ALLOWED_HOSTS = ["procedures.example.org"]
    assert check_site_url(None) == []


def test_log_level_takes_any_case_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert env.env_log_level("LOG_LEVEL", "INFO") == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL must be DEBUG, INFO"):
        env.env_log_level("LOG_LEVEL", "INFO")


def test_a_blank_boolean_is_its_default_never_a_quiet_off(monkeypatch):
    monkeypatch.setenv("ETS_SMARTCARD_CRL_REQUIRED", "  ")
    assert env.env_bool("ETS_SMARTCARD_CRL_REQUIRED", True) is True
    monkeypatch.setenv("ETS_SMARTCARD_CRL_REQUIRED", "false")
    assert env.env_bool("ETS_SMARTCARD_CRL_REQUIRED", True) is False


def test_trusted_proxies_are_addresses_one_by_one(monkeypatch):
    monkeypatch.setenv("ETS_TRUSTED_PROXIES", "127.0.0.1, ::1")
    assert env.env_addresses("ETS_TRUSTED_PROXIES", []) == ["127.0.0.1", "::1"]
    monkeypatch.setenv("ETS_TRUSTED_PROXIES", "")
    assert env.env_addresses("ETS_TRUSTED_PROXIES", ["127.0.0.1"]) == []  # none believed
    monkeypatch.setenv("ETS_TRUSTED_PROXIES", "10.0.0.0/8")
    with pytest.raises(ImproperlyConfigured, match="ETS_TRUSTED_PROXIES lists IP addresses"):
        env.env_addresses("ETS_TRUSTED_PROXIES", [])


def _read_key(folder, results):
    results.put(env.secret_key(__import__("pathlib").Path(folder)))


def test_processes_starting_together_share_one_generated_key(monkeypatch, tmp_path):
    import multiprocessing

    monkeypatch.delenv("SECRET_KEY", raising=False)
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    processes = [ctx.Process(target=_read_key, args=(str(tmp_path / "data"), results))
                 for _ in range(8)]
    for p in processes:
        p.start()
    keys = [results.get(timeout=30) for _ in processes]
    for p in processes:
        p.join(timeout=30)

    assert len(set(keys)) == 1 and len(keys[0]) > 40
    assert (tmp_path / "data" / "secret_key").read_text() == keys[0]
    assert oct((tmp_path / "data" / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]


def test_a_leading_dot_in_allowed_hosts_covers_the_site(settings):
    from eprocedures.core.checks import check_site_url

    settings.ETS_SITE_URL = "https://example.org"
    settings.ALLOWED_HOSTS = [".example.org"]
    assert check_site_url(None) == []
    settings.ALLOWED_HOSTS = ["other.example"]
    assert [e.id for e in check_site_url(None)] == ["eprocedures.E002"]


def test_the_deploy_check_names_each_unsafe_production_setting(settings, monkeypatch):
    from eprocedures.core.checks import check_production

    settings.ETS_LOCAL_MAILBOX = True
    settings.CACHE_IS_SHARED = False
    settings.ETS_SITE_URL = "http://procedures.example.org"
    assert [w.id for w in check_production(None)] == [
        "eprocedures.W001", "eprocedures.W002", "eprocedures.W003"]

    settings.ETS_LOCAL_MAILBOX = False
    settings.CACHE_IS_SHARED = True
    settings.ETS_SITE_URL = "https://procedures.example.org"
    monkeypatch.delenv("SECRET_KEY", raising=False)
    # Several instances (a shared cache) with a key each: sessions and links break.
    assert [w.id for w in check_production(None)] == ["eprocedures.W004"]
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    assert check_production(None) == []


def test_an_sqlite_writer_waits_20_seconds_for_the_lock(monkeypatch, tmp_path):
    # SQLite's own 5 s made a second address-book import of a large file fail with
    # "database is locked" while the first was still writing.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.env_database("DATABASE_URL", tmp_path / "db.sqlite3")

    assert config["OPTIONS"] == {"timeout": 20}


def test_a_blank_text_or_list_counts_as_unset(monkeypatch):
    # ETS_SITE_URL= would make every e-mailed link relative; ALLOWED_HOSTS= would refuse
    # every request; ETS_DATA_DIR= would put the database in the current directory.
    monkeypatch.setenv("ETS_SITE_URL", "  ")
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    assert env.env_str("ETS_SITE_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert env.env_list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_an_empty_list_of_trusted_proxies_trusts_none(monkeypatch):
    monkeypatch.setenv("ETS_TRUSTED_PROXIES", "")
    assert env.env_addresses("ETS_TRUSTED_PROXIES", ["127.0.0.1"]) == []
    monkeypatch.delenv("ETS_TRUSTED_PROXIES")
    assert env.env_addresses("ETS_TRUSTED_PROXIES", ["127.0.0.1"]) == ["127.0.0.1"]


@pytest.mark.parametrize(("url", "tls", "ssl"), [
    ("smtp+tls://u:p@smtp.example:587", True, False),  # STARTTLS
    ("smtps://u:p@smtp.example:465", False, True),  # TLS from the first byte, as usual
    ("smtp+ssl://u:p@smtp.example:465", False, True),
    ("smtp://smtp.example:25", False, False),
])
def test_each_mail_scheme_means_what_mail_servers_mean(monkeypatch, url, tls, ssl):
    monkeypatch.setenv("EMAIL_URL", url)
    mail = env.env_email("EMAIL_URL")
    assert (bool(mail.get("EMAIL_USE_TLS")), bool(mail.get("EMAIL_USE_SSL"))) == (tls, ssl)


def test_a_blank_log_level_or_secret_key_counts_as_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("LOG_LEVEL", " ")
    assert env.env_log_level("LOG_LEVEL", "INFO") == "INFO"
    monkeypatch.setenv("SECRET_KEY", "  ")
    key = env.secret_key(tmp_path)
    assert len(key) > 40 and key == (tmp_path / "secret_key").read_text().strip()


def test_gunicorn_refuses_to_start_on_a_setting_the_checks_find_wrong(tmp_path):
    # gunicorn imports eprocedures.wsgi and never runs the system checks itself.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "ETS_SITE_URL": "procedures.example.org",  # no scheme
                   "ETS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "eprocedures.settings"}
    environment.pop("DATABASE_URL", None)
    started = subprocess.run([sys.executable, "-c", "import eprocedures.wsgi"], cwd=root,
                             env=environment, capture_output=True, text=True, timeout=120)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "ETS_SITE_URL" in started.stderr

    environment["ETS_SITE_URL"] = "https://procedures.example.org"
    environment["ALLOWED_HOSTS"] = "procedures.example.org"
    started = subprocess.run([sys.executable, "-c", "import eprocedures.wsgi"], cwd=root,
                             env=environment, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr[-2000:]
