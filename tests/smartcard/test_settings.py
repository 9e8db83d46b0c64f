"""Settings of the two-host deployment (docs/smartcard.md), read from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = ("from django.conf import settings; "
        "print(settings.SESSION_COOKIE_DOMAIN, settings.LANGUAGE_COOKIE_DOMAIN)")


def settings_with(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k != "SESSION_COOKIE_DOMAIN"}
    environ.update(ETS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="eprocedures.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT, env=environ, capture_output=True, text=True, check=True,
    )
    return result.stdout.split()


def test_the_card_front_on_its_own_host_shares_the_session_cookie(tmp_path):
    """Card sign-in on carte.example.org opens the session the portal on example.org reads."""
    assert settings_with(tmp_path, SESSION_COOKIE_DOMAIN=".portail.example") == [
        ".portail.example", ".portail.example"]


def test_without_it_cookies_stay_on_their_host(tmp_path):
    assert settings_with(tmp_path) == ["None", "None"]
