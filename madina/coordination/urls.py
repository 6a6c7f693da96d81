from django.urls import path

from madina.coordination import evidence_views, programme_views, views

app_name = "coordination"
P = programme_views

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
    # Programmes and roadmaps (docs/decisions/0014)
    path("<int:pk>/programmes/new/", P.programme_create, name="programme_create"),
    path("<int:pk>/overdue/", P.space_overdue, name="space_overdue"),
    path("programmes/<int:pk>/", P.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", P.programme_update, name="programme_update"),
    path("programmes/<int:pk>/items/new/", P.item_create, name="item_create"),
    path("programmes/<int:pk>/raci/", P.programme_raci, name="programme_raci"),
    path("programmes/<int:pk>/timeline/", P.programme_timeline, name="programme_timeline"),
    path("programmes/<int:pk>/programme.xlsx", P.programme_xlsx, name="programme_xlsx"),
    path("programmes/<int:pk>/programme.pdf", P.programme_pdf, name="programme_pdf"),
    path("items/<int:pk>/", P.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", P.item_update, name="item_update"),
    path("items/<int:pk>/status/", P.item_status, name="item_status"),
    path("items/<int:pk>/responsibilities/new/", P.responsibility_add, name="responsibility_add"),
    path("responsibilities/<int:pk>/edit/", P.responsibility_update, name="responsibility_update"),
    path(
        "responsibilities/<int:pk>/remove/", P.responsibility_remove, name="responsibility_remove"
    ),
    path("reviews/<int:pk>/", P.review_answer, name="review_answer"),
    path("items/<int:pk>/evidence/new/", evidence_views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", evidence_views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", evidence_views.evidence_remove, name="evidence_remove"),
    path(
        "organisations/<int:pk>/responsibilities/",
        P.organisation_responsibilities,
        name="organisation_responsibilities",
    ),
]
