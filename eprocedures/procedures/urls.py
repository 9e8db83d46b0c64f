from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.home, name="home"),
    path("e-procedures/", views.procedure_list, name="list"),
    path("e-procedures/<slug:slug>/nouveau/", views.start, name="start"),
]
