from django import template
from django.conf import settings
from django.urls import reverse

from eprocedures.smartcard import flows

register = template.Library()


@register.filter
def can_add_smartcard(user) -> bool:
    return flows.enrolment_refusal(user) is None


@register.filter
def smartcard_refusal(user) -> str:
    """Why this account cannot add a card now ("" when it can), shown beside the line."""
    key = flows.enrolment_refusal(user)
    return flows.MESSAGES[key] if key else ""


@register.simple_tag
def smartcard_url(name: str, *args) -> str:
    """An absolute URL on the client-certificate front (ETS_SMARTCARD_URL)."""
    return settings.ETS_SMARTCARD_URL + reverse(name, args=args)


@register.simple_tag
def portal_url(name: str, *args) -> str:
    """An absolute URL on the portal (ETS_SITE_URL), for links leaving the certificate front."""
    return settings.ETS_SITE_URL + reverse(name, args=args)
