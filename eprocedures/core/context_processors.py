from django.conf import settings


def portal(request):
    return {
        "office_name": settings.ETS_OFFICE_NAME,
        "local_mailbox": settings.ETS_LOCAL_MAILBOX,
    }
