from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from eprocedures.signin import views as signin_views

# Tried in order: the sign-in page, the most requested, first.
urlpatterns = [
    path("", include("eprocedures.signin.urls")),
    path("", include("eprocedures.procedures.urls")),
    path("", include("eprocedures.core.urls")),
    path("", include("eprocedures.outbox.urls")),
    path("", include("eprocedures.registration.urls")),
    path("", include("eprocedures.myinfo.urls")),
    path("", include("eprocedures.addressbook.urls")),
    path("", include("eprocedures.smartcard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign in, out and change their password through the portal's own pages (block,
    # throttle, audit, notices), not Django's admin ones.
    path("admin/login/", signin_views.admin_login, name="admin_login"),
    path("admin/logout/", signin_views.logout),
    path("admin/password_change/", RedirectView.as_view(pattern_name="myinfo:password")),
    path("admin/password_change/done/", RedirectView.as_view(pattern_name="myinfo:index")),
    path("admin/", admin.site.urls),
]

# 503 instead of 500 when the database or the cache cannot be reached (core/views).
handler500 = "eprocedures.core.views.server_error"
