from django.urls import include, path

from madina.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_update, name="meeting_update"),
    path("<int:pk>/agenda/new/", views.agenda_item_edit, name="agenda_item_add"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path(
        "<int:pk>/agenda/<int:item_pk>/delete/",
        views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path("<int:pk>/sessions/new/", views.session_edit, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/delete/", views.session_delete, name="session_delete"),
    path(
        "<int:pk>/sessions/<int:session_pk>/speakers/new/",
        views.speaker_edit,
        name="speaker_add",
    ),
    path(
        "<int:pk>/sessions/<int:session_pk>/speakers/<int:speaker_pk>/edit/",
        views.speaker_edit,
        name="speaker_edit",
    ),
    path("<int:pk>/speakers/<int:speaker_pk>/delete/", views.speaker_delete, name="speaker_delete"),
    path("<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("", include("madina.meetings.registration_urls")),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/publish/", views.minutes_publish, name="minutes_publish"),
    path("<int:pk>/minutes/files/new/", views.minutes_file_add, name="minutes_file_add"),
    path("minutes/files/<int:pk>/", views.minutes_file, name="minutes_file"),
    path("minutes/files/<int:pk>/remove/", views.minutes_file_remove, name="minutes_file_remove"),
    path(
        "recommendations/updates/<int:pk>/evidence/", views.update_evidence, name="update_evidence"
    ),
    path(
        "<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/edit/",
        views.recommendation_update,
        name="recommendation_update",
    ),
    path(
        "recommendations/<int:pk>/follow-up/",
        views.recommendation_add_update,
        name="recommendation_add_update",
    ),
    path(
        "recommendations/<int:pk>/actions/link/",
        views.recommendation_link_action,
        name="recommendation_link_action",
    ),
    path(
        "recommendations/<int:pk>/actions/<int:link_pk>/unlink/",
        views.recommendation_unlink_action,
        name="recommendation_unlink_action",
    ),
    path(
        "spaces/<int:space_pk>/recommendations/",
        views.space_recommendations,
        name="space_recommendations",
    ),
    path("spaces/<int:space_pk>/calendar.ics", views.space_calendar, name="space_calendar"),
    path("strategy/", include("madina.meetings.strategy_views")),
    path(
        "public/spaces/<int:space_pk>/recommendations/",
        views.public_space_recommendations,
        name="public_space_recommendations",
    ),
    path(
        "public/recommendations/<int:pk>/",
        views.public_recommendation,
        name="public_recommendation",
    ),
]
