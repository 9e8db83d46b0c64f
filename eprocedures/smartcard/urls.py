from django.urls import path

from . import views

app_name = "smartcard"
urlpatterns = [
    path("carte-a-puce/ajouter/", views.add, name="add"),
    path("carte-a-puce/<int:pk>/retirer/", views.remove, name="remove"),
    # Served behind the client-certificate front (deploy/nginx/snippets/eprocedures-card-front.conf):
    path("carte-a-puce/activer/<slug:link_id>/", views.activate, name="activate"),
    path("carte-a-puce/connexion/", views.login, name="login"),
]
