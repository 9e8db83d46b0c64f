"""Address-book pages: thin views over forms.py and services.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from eprocedures.audit.services import record
from eprocedures.core.decorators import allow_get, allow_get_post

from . import services
from .csvformat import MESSAGES as CSV_MESSAGES
from .csvformat import ImportRefused, size_label
from .forms import ContactForm, ImportForm
from .models import Contact


def _own_contact(request: HttpRequest, pk: int) -> Contact:
    # Another account's contact is "not found", never "forbidden".
    return get_object_or_404(Contact, pk=pk, owner=request.user)


@login_required
@allow_get
def contact_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    contacts = services.contacts_of(request.user, query)
    page = Paginator(contacts, settings.ETS_ADDRESSBOOK_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "addressbook/list.html", {
        "page": page, "query": query, "import_form": ImportForm(),
    })


@login_required
@allow_get_post
def contact_add(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, owner=request.user)
    if request.method == "POST" and form.is_valid() and form.save_unless_duplicate():
        messages.success(request, _("Le contact a été ajouté à votre carnet d'adresses."))
        return redirect("addressbook:list")
    return render(request, "addressbook/form.html", {"form": form, "is_new": True})


@login_required
@allow_get_post
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own_contact(request, pk)
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid() and form.save_unless_duplicate():
        messages.success(request, _("Le contact a été modifié."))
        return redirect("addressbook:list")
    return render(request, "addressbook/form.html", {"form": form, "is_new": False,
                                                      "contact": contact})


@login_required
@allow_get_post
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own_contact(request, pk)
    if request.method == "POST":
        contact.delete()
        messages.success(request, _("Le contact a été supprimé."))
        return redirect("addressbook:list")
    return render(request, "addressbook/delete.html", {"contact": contact})


@login_required
@allow_get
def export(request: HttpRequest) -> HttpResponse:
    filename = f"carnet-adresses-{timezone.localdate():%Y-%m-%d}.csv"
    if request.method == "HEAD":
        # The headers alone: no contact is read or sent, so no export is recorded.
        response = HttpResponse(content_type="text/csv; charset=utf-8")
    else:
        record(request, "addressbook.export", user=request.user,
               contacts=request.user.contacts.count())
        response = StreamingHttpResponse(services.export_lines(request.user),
                                         content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@allow_get_post
def import_contacts(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context = {"form": form, "row_errors": []}
    if request.method != "POST" or not form.is_valid():
        return render(request, "addressbook/import.html", context)
    upload = form.cleaned_data["file"]
    limit = settings.ETS_ADDRESSBOOK_MAX_IMPORT_BYTES
    try:
        if upload.size > limit:  # refused before reading a byte of it
            raise ImportRefused("too_large", CSV_MESSAGES["too_large"] % {
                "max": size_label(limit)})
        result = services.import_file(request.user, upload.read(limit + 1))
    except ImportRefused as refusal:
        for message in refusal.messages:
            form.add_error("file", message)
        record(request, "addressbook.import", user=request.user, success=False,
               reason=refusal.code)
        return render(request, "addressbook/import.html", context)
    if result.errors:
        context["row_errors"] = result.errors
        context["more_errors"] = result.more_errors
        context["max_errors"] = services.MAX_LISTED_ERRORS
        context["error_lines"] = len({e.line for e in result.errors})
        record(request, "addressbook.import", user=request.user, success=False,
               reason="rows", errors=len(result.errors))
        return render(request, "addressbook/import.html", context)
    record(request, "addressbook.import", user=request.user, created=result.created,
           skipped=result.skipped, repeated=result.repeated)
    messages.success(request, ngettext(
        "%(count)d contact importé.", "%(count)d contacts importés.", result.created,
    ) % {"count": result.created})
    if result.skipped:
        messages.info(request, ngettext(
            "%(count)d contact était déjà dans votre carnet d'adresses : il n'a pas été "
            "dupliqué.",
            "%(count)d contacts étaient déjà dans votre carnet d'adresses : ils n'ont pas été "
            "dupliqués.",
            result.skipped,
        ) % {"count": result.skipped})
    if result.repeated:
        messages.info(request, ngettext(
            "%(count)d ligne du fichier répétait un contact d'une ligne précédente : il n'a "
            "été importé qu'une fois.",
            "%(count)d lignes du fichier répétaient un contact d'une ligne précédente : chacun "
            "n'a été importé qu'une fois.",
            result.repeated,
        ) % {"count": result.repeated})
    return redirect("addressbook:list")
