from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
]
