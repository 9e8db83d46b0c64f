from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe-oublie/", views.reset_request, name="reset_request"),
    path("mot-de-passe-oublie/envoye/", views.reset_sent, name="reset_sent"),
    path("mot-de-passe-oublie/<str:token>/", views.reset_confirm, name="reset_confirm"),
]
