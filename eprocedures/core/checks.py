"""Configuration mistakes caught at start (manage.py check --deploy and every command)."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.http import is_same_domain


@register(Tags.security, deploy=True)
def check_production(app_configs, **kwargs):
    problems = []
    if settings.ETS_LOCAL_MAILBOX:
        problems.append(Warning(
            "E-mails go to the local mailbox, not to users.",
            hint="Set EMAIL_URL to smtp://… or smtp+tls://… in production.",
            id="eprocedures.W001",
        ))
    if not settings.CACHE_IS_SHARED:
        problems.append(Warning(
            "The cache is in-process: throttling counters are not shared between instances.",
            hint="Set CACHE_URL=redis://… when more than one process serves the portal.",
            id="eprocedures.W002",
        ))
    if not settings.ETS_SITE_URL.startswith("https://"):
        problems.append(Warning(
            "ETS_SITE_URL is not https: links in e-mails and cookies are not protected.",
            id="eprocedures.W003",
        ))
    if settings.CACHE_IS_SHARED and not os.environ.get("SECRET_KEY"):
        problems.append(Warning(
            "SECRET_KEY is generated in this instance's data folder while the cache is shared: "
            "instances with different keys refuse each other's sessions and links.",
            hint="Set the same SECRET_KEY on every instance.",
            id="eprocedures.W004",
        ))
    return problems


@register()
def check_site_url(app_configs, **kwargs):
    host = urlsplit(settings.ETS_SITE_URL).hostname
    if not host:
        return [Error("ETS_SITE_URL must be an absolute URL.", id="eprocedures.E001")]
    allowed = settings.ALLOWED_HOSTS
    if not any(is_same_domain(host, h) for h in allowed):  # Django's own rule ("*", ".x")
        return [Error(
            f"The host of ETS_SITE_URL ({host}) is not in ALLOWED_HOSTS.",
            hint="Add it to ALLOWED_HOSTS, or fix ETS_SITE_URL.",
            id="eprocedures.E002",
        )]
    return []
