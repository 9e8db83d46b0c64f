from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from eprocedures.core.decorators import allow_get

from .catalogue import BY_SLUG, by_family


@allow_get
def home(request):
    """The e-procedures home: latest filings, drafts, and what can be started."""
    if not request.user.is_authenticated:
        return redirect("signin:login")  # "/" is the portal's address: no ?next= needed
    return render(request, "procedures/home.html", {
        # No filing or draft is stored by this portal yet: the blocks say so honestly.
        "procedures": [],
        "drafts": [],
        "families": by_family(),
    })


@login_required
@allow_get
def procedure_list(request):
    """"En voir plus": every e-procedure of the account."""
    return render(request, "procedures/list.html", {"procedures": []})


@login_required
@allow_get
def start(request, slug):
    """A start link: the procedure is not yet open here."""
    procedure = BY_SLUG.get(slug)
    if procedure is None:
        raise Http404
    return render(request, "procedures/not_open.html", {"procedure": procedure})
