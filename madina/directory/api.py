"""The Open Referral HSDS 3.0 API of the directory: ``/api/hsds/``, ``services``, one service,
and the whole directory as HSDS tables (``datapackage.zip``).

Read-only, for signed-in users and organisation tokens, like the rest of the API; the same rule
as the pages decides what is seen (active services only here). madina/api/urls.py includes
``urlpatterns``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from madina.actors.models import Organisation
from madina.core.permissions import require
from madina.core.text import search_q
from madina.directory.hsds import (
    HSDS_PROFILE,
    HSDS_VERSION,
    export_queryset,
    hsds_page,
    organisation_uuid,
    service_to_hsds,
)
from madina.directory.hsds_tables import FILENAME, datapackage_zip

MAX_PER_PAGE = 100
# Far beyond any directory, and small enough that the row offset fits the database's integers.
MAX_PAGE = 100_000
_LANGUAGES = [code for code, _name in settings.LANGUAGES]


class ServicesQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)
    per_page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE, default=50
    )
    search = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    organization_id = serializers.UUIDField(required=False, default=None)
    modified_after = serializers.CharField(required=False, default="")
    language = serializers.ChoiceField(choices=_LANGUAGES, required=False, default="fr")

    def validate_modified_after(self, value: str):
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise serializers.ValidationError("Give an ISO 8601 date and time.")
        return parsed


def _organisation_pk(organisation_uuid_value) -> int | None:
    wanted = str(organisation_uuid_value)
    for pk in Organisation.objects.values_list("pk", flat=True):
        if organisation_uuid(pk) == wanted:
            return pk
    return None


class HsdsRootApi(APIView):
    @extend_schema(
        operation_id="hsds_root",
        summary="HSDS: version and profile of this publication",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        require(request.user, "directory.view_service")
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("api-schema")),
            }
        )


class HsdsServiceListApi(APIView):
    @extend_schema(
        operation_id="hsds_services_list",
        summary="HSDS: the active services, paginated (HSDS Page)",
        parameters=[ServicesQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        require(request.user, "directory.view_service")
        query = ServicesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        services = export_queryset()
        if params["search"].strip():
            services = services.filter(search_q(params["search"]))
        if params["organization_id"] is not None:
            services = services.filter(organisation_id=_organisation_pk(params["organization_id"]))
        if params["modified_after"] is not None:
            services = services.filter(updated_at__gt=params["modified_after"])
        total = services.count()
        per_page, page = params["per_page"], params["page"]
        rows = services[(page - 1) * per_page : page * per_page]
        return Response(
            hsds_page(
                rows,
                page_number=page,
                per_page=per_page,
                total=total,
                language=params["language"],
            )
        )


class HsdsServiceDetailApi(APIView):
    @extend_schema(
        operation_id="hsds_services_retrieve",
        summary="HSDS: one service, fully nested",
        parameters=[OpenApiParameter("language", OpenApiTypes.STR, enum=_LANGUAGES)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, service_id):
        require(request.user, "directory.view_service")
        service = export_queryset().filter(uuid=service_id).first()
        if service is None:
            raise Http404
        language = request.query_params.get("language", "fr")
        if language not in _LANGUAGES:
            language = "fr"
        return Response(service_to_hsds(service, language=language))


class HsdsDataPackageApi(APIView):
    @extend_schema(
        operation_id="hsds_datapackage",
        summary="HSDS: every active service as HSDS tables (Frictionless data package, ZIP)",
        parameters=[OpenApiParameter("language", OpenApiTypes.STR, enum=_LANGUAGES)],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        require(request.user, "directory.view_service")
        language = request.query_params.get("language", "fr")
        if language not in _LANGUAGES:
            language = "fr"
        content = datapackage_zip(export_queryset(), language=language)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # A ZIP whatever the Accept header; errors still come out as JSON.
        return super().perform_content_negotiation(request, force=True)


urlpatterns = [
    path("hsds/", HsdsRootApi.as_view(), name="directory-api-hsds-root"),
    path(
        "hsds/datapackage.zip", HsdsDataPackageApi.as_view(), name="directory-api-hsds-datapackage"
    ),
    path("hsds/services", HsdsServiceListApi.as_view(), name="directory-api-hsds-services"),
    path(
        "hsds/services/<uuid:service_id>",
        HsdsServiceDetailApi.as_view(),
        name="directory-api-hsds-service",
    ),
]
