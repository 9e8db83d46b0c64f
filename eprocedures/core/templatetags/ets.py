"""Template tags of the layout."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.translation import gettext

register = template.Library()


def _has_errors(value) -> bool:
    # Only forms the view has validated already: reading .errors of a bound form the view
    # did not validate would run its checks here (a sign-in form checks a password).
    if isinstance(value, BaseForm):
        return bool(value._errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value._errors is not None and (
            any(value._errors) or bool(value._non_form_errors))
    if isinstance(value, dict):
        return any(_has_errors(v) for v in value.values())
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Erreur : " before the page's title when one of its forms was refused (WCAG 3.3.1:
    the title, read first, says it)."""
    if any(_has_errors(v) for v in context.flatten().values()):
        return gettext("Erreur :") + " "
    return ""


@register.filter
def error_count(form) -> int:
    """The number of messages the error summary lists (a field may have several)."""
    return sum(len(messages) for messages in form.errors.values())
