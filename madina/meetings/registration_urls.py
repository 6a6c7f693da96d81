"""URLs of invitations and registrations, included by ``urls.py`` in the ``meetings`` namespace."""

from django.urls import path

from madina.meetings import registration_views as views

urlpatterns = [
    path("<int:pk>/invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/reserved/", views.invitation_reserved, name="invitation_reserved"),
]
