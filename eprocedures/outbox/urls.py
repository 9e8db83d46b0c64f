from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("boite-locale/", views.mailbox_list, name="mailbox"),
    path("boite-locale/<str:name>/", views.mailbox_detail, name="mailbox_message"),
]
