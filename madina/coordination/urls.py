from django.urls import path

from madina.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.space_list, name="space_list"),
    path("new/", views.space_create, name="space_create"),
    path("<int:pk>/", views.space_detail, name="space_detail"),
    path("<int:pk>/edit/", views.space_update, name="space_update"),
    path("<int:pk>/close/", views.space_close, name="space_close"),
    path("<int:pk>/reopen/", views.space_reopen, name="space_reopen"),
    path("<int:pk>/history/", views.space_audit, name="space_audit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_update, name="member_update"),
    path("<int:pk>/members/<int:member_pk>/end/", views.member_end, name="member_end"),
    path("<int:pk>/roles/", views.role_list, name="role_list"),
    path("<int:pk>/roles/<int:role_pk>/revoke/", views.role_revoke, name="role_revoke"),
]
