"""Staff pages of consultations: ``/<language>/consultations/…``."""

from django.urls import path

from madina.consultations import views

app_name = "consultations_staff"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/edit/", views.consultation_update, name="update"),
    path("<int:pk>/publish/", views.consultation_publish, name="publish"),
    path("<int:pk>/close/", views.consultation_close, name="close"),
    path("<int:pk>/questions/new/", views.question_edit, name="question_create"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_update"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:pk>/responses/new/", views.response_create, name="response_create"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/answers.csv", views.export_csv, name="export_csv"),
    path("<int:pk>/answers.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/summary/", views.summary_edit, name="summary"),
]
