from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("aide/", views.help_page, name="help"),
    path("cgu/", views.terms_page, name="terms"),
    path("healthz", views.healthz, name="healthz"),
]
