"""Pages of projects, editions, results frameworks, indicator values, dashboards and reports."""

from django.urls import path

from madina.results import report_views, views

app_name = "results"
urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/editions/new/", views.edition_create, name="edition_create"),
    path("editions/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/edit/", views.edition_update, name="edition_update"),
    path("editions/<int:pk>/recompute/", views.edition_recompute, name="edition_recompute"),
    path("editions/<int:pk>/results/new/", views.result_create, name="result_create"),
    path("results/<int:pk>/edit/", views.result_update, name="result_update"),
    path("results/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_update, name="indicator_update"),
    path("indicators/<int:pk>/manual/", views.manual_value, name="manual_value"),
    path("values/<int:pk>/records/", views.value_records, name="value_records"),
    path("values/<int:pk>/decide/", views.value_decide, name="value_decide"),
    path("values/<int:pk>/evidence/", views.value_evidence, name="value_evidence"),
    path("editions/<int:pk>/sections/", views.section_list, name="section_list"),
    path("editions/<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", views.section_update, name="section_update"),
    path("editions/<int:pk>/dashboard/", report_views.dashboard, name="dashboard"),
    path("editions/<int:pk>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/", report_views.report_render, name="report_render"),
    path("reports/<int:pk>/file.pdf", report_views.report_render_file, name="report_render_file"),
    path("editions/<int:pk>/report.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("alignment/", report_views.alignment, name="alignment"),
    path("spaces/<int:space_pk>/dashboard/", report_views.space_dashboard, name="space_dashboard"),
]
