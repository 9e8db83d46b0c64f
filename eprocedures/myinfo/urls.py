from django.urls import path

from . import views

app_name = "myinfo"
urlpatterns = [
    path("mes-informations/", views.index, name="index"),
]
