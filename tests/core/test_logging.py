"""No live token in the logs (a refused request's path is logged by Django)."""

import logging

import pytest

from eprocedures.accounts.tokens import make_reset_token
from eprocedures.lib.logfilters import MaskTokens, mask_tokens
from tests.signin.conftest import make_user


@pytest.mark.parametrize(("path", "masked"), [
    ("/mot-de-passe-oublie/eyJ1IjoxLCJzIjoiYWJj:1xWw:JuDWabc/",
     "/mot-de-passe-oublie/…/"),
    ("/activation/eyJ1IjoxLCJzIjoiYWJjZGVmZ2hp/", "/activation/…/"),
    ("/carte-a-puce/activer/Zm9vYmFyYmF6cXV4cXV1eA/", "/carte-a-puce/activer/…/"),
    ("/mot-de-passe-oublie/envoye/", "/mot-de-passe-oublie/envoye/"),  # a fixed page
    ("/connexion/", "/connexion/"),
])
def test_token_segments_are_masked(path, masked):
    assert mask_tokens(f"Method Not Allowed (PUT): {path}") == (
        f"Method Not Allowed (PUT): {masked}")


@pytest.mark.django_db
def test_a_refused_request_on_a_reset_link_logs_no_token(client, caplog):
    token = make_reset_token(make_user())
    handler = logging.StreamHandler()
    handler.addFilter(MaskTokens())
    seen = []
    handler.emit = lambda record: seen.append(record.getMessage())  # as the console's
    logging.getLogger("django.request").addHandler(handler)
    try:
        client.put(f"/mot-de-passe-oublie/{token}/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert seen and all(token not in line for line in seen)
    assert any("/mot-de-passe-oublie/…/" in line for line in seen)


def test_the_console_handler_of_the_settings_masks_tokens(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_tokens"]
