"""Pages of outreach and capacity building."""

from django.urls import path

from madina.outreach import training_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("capsules/", views.capsule_list, name="capsule_list"),
    path("capsules/new/", views.capsule_create, name="capsule_create"),
    path("capsules/<int:pk>/", views.capsule_detail, name="capsule_detail"),
    path("capsules/<int:pk>/edit/", views.capsule_update, name="capsule_update"),
    path("capsules/<int:pk>/files/new/", views.capsule_file_add, name="capsule_file_add"),
    path(
        "capsules/<int:pk>/files/<int:file_pk>/",
        views.capsule_file_download,
        name="capsule_file",
    ),
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_update, name="school_update"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_update, name="session_update"),
    path("trainings/", training_views.training_list, name="training_list"),
    path("trainings/new/", training_views.training_create, name="training_create"),
    path("trainings/<int:pk>/", training_views.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", training_views.training_update, name="training_update"),
    path(
        "trainings/<int:pk>/participants/new/",
        training_views.participant_add,
        name="participant_add",
    ),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/",
        training_views.participant_update,
        name="participant_update",
    ),
    path(
        "trainings/<int:pk>/attendance/",
        training_views.attendance,
        name="attendance",
    ),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/certificate.pdf",
        training_views.certificate,
        name="certificate",
    ),
    path("advocacy/", training_views.advocacy_list, name="advocacy_list"),
    path("advocacy/new/", training_views.advocacy_create, name="advocacy_create"),
    path("advocacy/<int:pk>/", training_views.advocacy_detail, name="advocacy_detail"),
    path("advocacy/<int:pk>/edit/", training_views.advocacy_update, name="advocacy_update"),
]
