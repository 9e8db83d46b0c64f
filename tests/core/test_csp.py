"""The Content-Security-Policy of every page (the browser tests fail on any refusal)."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict:
    return {part.split()[0]: part.split()[1:]
            for part in response["Content-Security-Policy"].split("; ")}


@pytest.mark.parametrize("path", ["/connexion/", "/nulle-part/", "/inscription/identifiants/",
                                  "/static/core/ets.css"])
def test_every_response_forbids_inline_code_and_framing(client, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["base-uri"] == ["'none'"]


def test_forms_may_post_to_the_portal_and_its_card_front(client, settings):
    settings.ETS_SITE_URL = "https://procedures.example.org"
    settings.ETS_SMARTCARD_URL = "https://carte.procedures.example.org:8443/"

    policy = directives(client.get("/connexion/"))

    assert policy["form-action"] == ["'self'", "https://carte.procedures.example.org:8443",
                                     "https://procedures.example.org"]


def test_no_page_template_carries_inline_script_or_style():
    # The e-mails' templates may (mail clients need it): they are never served as pages.
    import re
    from pathlib import Path

    import eprocedures

    offenders = []
    for template in Path(eprocedures.__file__).parent.glob("*/templates/**/*.html"):
        if "/email/" in str(template):
            continue
        text = template.read_text()
        if re.search(r'\sstyle="|<style\b|<script(?![^>]*\ssrc=)|\son[a-z]+="', text):
            offenders.append(str(template))
    assert offenders == []
