from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("inscription/", views.wizard, name="wizard"),
    path("inscription/terminee/", views.done, name="done"),
    path("inscription/conditions/", views.terms, name="terms"),
    path("inscription/informations/telephone/", views.add_phone, name="add_phone"),
    path("inscription/<slug:slug>/", views.step, name="step"),
    # Before <token>: "nouveau-lien" must not be read as a token.
    path("activation/nouveau-lien/", views.resend, name="resend"),
    path("activation/nouveau-lien/envoye/", views.resend_done, name="resend_done"),
    path("activation/<str:token>/", views.activate, name="activate"),
]
