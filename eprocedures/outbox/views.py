from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from eprocedures.core.decorators import allow_get

from . import mailbox


def _local_only():
    if not settings.ETS_LOCAL_MAILBOX:
        raise Http404


@allow_get
def mailbox_list(request):
    _local_only()
    return render(request, "outbox/mailbox_list.html", {"messages_": mailbox.list_messages()})


@allow_get
def mailbox_detail(request, name):
    _local_only()
    message = mailbox.get_message(name)
    if message is None:
        raise Http404
    return render(request, "outbox/mailbox_detail.html", {"message_": message})
