from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("madina.territory.api")),
    path("", include("madina.actors.api")),
    path("", include("madina.initiatives.api")),
    path("", include("madina.coordination.api")),
    path("", include("madina.meetings.api")),
    path("", include("madina.directory.api")),
    path("", include("madina.outreach.api")),
    path("", include("madina.results.api")),
]
