from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from madina.core import views as core_views
from madina.portal import views as portal_views

urlpatterns = [
    # The first screen: choose a language (the public portal's door; staff go on to their home).
    path("", portal_views.choose_language, name="choose_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("api/", include("madina.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("madina.core.urls")),
    path("accounts/", include("madina.accounts.urls")),
    path("territory/", include("madina.territory.urls")),
    path("organisations/review/", include("madina.actors.urls_review")),
    path("organisations/", include("madina.actors.urls")),
    path("initiatives/", include("madina.initiatives.urls")),
    path("spaces/", include("madina.coordination.urls")),
    path("meetings/", include("madina.meetings.urls")),
    path("data/", include("madina.interop.urls")),
    path("services/", include("madina.directory.urls")),
    path("cases/", include("madina.cases.urls")),
    path("outreach/", include("madina.outreach.urls")),
    path("results/", include("madina.results.urls")),
    path("consultations/", include("madina.consultations.urls")),
    path("feedback/", include("madina.feedback.urls")),
    path("portal/", include("madina.portal.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
)
