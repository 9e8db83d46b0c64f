from django.urls import path

from . import views

app_name = "addressbook"
urlpatterns = [
    path("carnet-adresses/", views.contact_list, name="list"),
    path("carnet-adresses/ajouter/", views.contact_add, name="add"),
    path("carnet-adresses/<int:pk>/modifier/", views.contact_edit, name="edit"),
    path("carnet-adresses/<int:pk>/supprimer/", views.contact_delete, name="delete"),
    path("carnet-adresses/export/", views.export, name="export"),
    path("carnet-adresses/import/", views.import_contacts, name="import"),
]
