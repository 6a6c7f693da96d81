"""The public portal: ``/<language>/portal/…``, no sign-in. Consultations and feedback have their
own apps; their public pages are included here so that every public page shares this prefix."""

from django.urls import include, path

from madina.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("services/<uuid:uuid>/", views.service_detail, name="service_detail"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("open-data/", views.open_data, name="open_data"),
    path("consultations/", include("madina.consultations.public_urls")),
    path("feedback/", include("madina.feedback.public_urls")),
]
