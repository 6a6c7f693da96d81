"""The portal's consultation pages: ``/<language>/portal/consultations/…`` (namespace
``portal:consultations``)."""

from django.urls import path

from madina.consultations import public_views

app_name = "consultations"

urlpatterns = [
    path("", public_views.consultation_list, name="list"),
    path("<int:pk>/", public_views.answer, name="answer"),
    path("<int:pk>/thanks/", public_views.thanks, name="thanks"),
    path("<int:pk>/what-you-told-us/", public_views.summary, name="summary"),
]
