from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("inscription/", views.wizard, name="wizard"),
]
