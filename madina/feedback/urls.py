"""Staff pages of feedback, under ``/<language>/feedback/``."""

from django.urls import path

from madina.feedback import views

app_name = "feedback_staff"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.create, name="create"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/sensitive/", views.sensitive, name="sensitive"),
    path("teams/", views.teams, name="teams"),
    path("teams/<str:key>/add/", views.team_add, name="team_add"),
    path("teams/members/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("you-said-we-did/", views.you_said_list, name="you_said_list"),
    path("you-said-we-did/new/", views.you_said_edit, name="you_said_create"),
    path("you-said-we-did/<int:pk>/", views.you_said_edit, name="you_said_update"),
]
