from django.urls import path

from madina.interop import views

app_name = "interop"

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("export/", views.export, name="export"),
    path("export/<str:fmt>/", views.export_download, name="export_download"),
]
