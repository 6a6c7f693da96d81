"""Public pages of feedback, under ``/<language>/portal/feedback/`` (``portal:feedback``)."""

from django.urls import path

from madina.feedback import public_views

app_name = "feedback"

urlpatterns = [
    path("", public_views.give, name="give"),
    path("status/", public_views.status, name="status"),
    path("results/", public_views.results, name="results"),
]
