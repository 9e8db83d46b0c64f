from django.urls import path

from . import views

app_name = "myinfo"
urlpatterns = [
    path("mes-informations/", views.index, name="index"),
    path("mes-informations/coordonnees/", views.contact, name="contact"),
    path("mes-informations/courriel/", views.email_verify, name="email_verify"),
    path("mes-informations/courriel/nouvelle-adresse/", views.email_new, name="email_new"),
    path("mes-informations/courriel/confirmer/<str:token>/", views.email_confirm,
         name="email_confirm"),
    path("mes-informations/mobile/", views.mobile_verify, name="mobile_verify"),
    path("mes-informations/mobile/nouveau-numero/", views.mobile_new, name="mobile_new"),
    path("mes-informations/mot-de-passe/", views.password, name="password"),
    path("mes-informations/questions-secretes/", views.secret_questions,
         name="secret_questions"),
]
