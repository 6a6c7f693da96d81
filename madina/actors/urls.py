from django.urls import path

from madina.actors import views

app_name = "actors"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("<int:pk>/history/", views.organisation_audit, name="organisation_audit"),
    path(
        "<int:pk>/focal-persons/new/",
        views.focal_person_create,
        name="focal_person_create",
    ),
    path(
        "<int:pk>/focal-persons/<int:focal_pk>/edit/",
        views.focal_person_update,
        name="focal_person_update",
    ),
    path(
        "<int:pk>/focal-persons/<int:focal_pk>/delete/",
        views.focal_person_delete,
        name="focal_person_delete",
    ),
]
