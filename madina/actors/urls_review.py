"""The coordinators' review of probable duplicate organisations.

Included by the project's urls.py under ``organisations/review/`` (namespace ``actors_review``).
"""

from django.urls import path

from madina.actors import twins_review_views as views

app_name = "actors_review"

urlpatterns = [
    path("", views.twins_review_list, name="twins_review_list"),
    path("<int:first>/<int:second>/", views.twins_review_detail, name="twins_review_detail"),
]
