from django import template

from ..forms import ImportForm

register = template.Library()


@register.inclusion_tag("addressbook/_import_form.html", takes_context=True)
def addressbook_import_form(context, form=None):
    """The "Importer" form; a page that builds none ("Mes informations") gets a blank one."""
    return {"import_form": form or ImportForm(), "csrf_token": context.get("csrf_token")}
