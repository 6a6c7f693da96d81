"""REST endpoints of this app; madina/api/urls.py includes ``urlpatterns``.

Thin like the pages: input serializer → selector / service → output serializer, with the same
rules (someone who may not see an initiative gets 404, a read-only member 403 on a write).
Organisations are referred to by id; sectors, communes, target groups and activity types by code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.actors.models import Organisation, Sector
from madina.core.concurrency import etag, if_match_version, is_stale
from madina.initiatives import selectors, services
from madina.initiatives.models import (
    ActivityType,
    Initiative,
    InitiativePartner,
    ReachReport,
    TargetGroup,
)
from madina.territory.models import Area

# --- Serializers --------------------------------------------------------------------------------


class PartnerSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=InitiativePartner.Role.choices)


class PartnerOutputSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.CharField()


class InitiativeOutputSerializer(serializers.ModelSerializer):
    lead_organisation_name = serializers.CharField(source="lead_organisation.name")
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subsector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    activity_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    communes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    partners = PartnerOutputSerializer(source="partnerships", many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            *services.INITIATIVE_FIELDS,
            "lead_organisation_name",
            "communes",
            "target_groups",
            "partners",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InitiativeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=Initiative._meta.get_field("language").choices, required=False, allow_blank=True
    )
    translations = serializers.DictField(child=serializers.DictField(), required=False)
    lead_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    subsector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )
    activity_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityType.objects.all(), required=False, allow_null=True
    )
    communes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Area.objects.communes()
    )
    target_groups = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=TargetGroup.objects.all(), required=False
    )
    partners = PartnerSerializer(many=True, required=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Initiative.Status.choices, required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    funder = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    target_people = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    targets = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Initiative.Visibility.choices, required=False)
    external_id = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def service_data(self) -> dict:
        data = dict(self.validated_data)
        if "partners" in data:
            data["partners"] = [(p["organisation"], p["role"]) for p in data["partners"]]
        return data


class InitiativeFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, default=None
    )
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.provinces(), required=False, default=None
    )
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.communes(), required=False, default=None
    )
    target_group = serializers.SlugRelatedField(
        slug_field="code", queryset=TargetGroup.objects.all(), required=False, default=None
    )
    status = serializers.ChoiceField(
        choices=Initiative.Status.choices, required=False, allow_blank=True, default=""
    )
    period_start = serializers.DateField(required=False, default=None)
    period_end = serializers.DateField(required=False, default=None)
    modified_since = serializers.DateTimeField(required=False, default=None)


class ByGroupSerializer(serializers.Serializer):
    target_group = serializers.SlugRelatedField(
        slug_field="code", queryset=TargetGroup.objects.all()
    )
    people = serializers.IntegerField(min_value=0)


class ReachReportOutputSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = serializers.DateField(source="period.month")
    locked = serializers.BooleanField(source="period.is_locked")
    by_group = serializers.SerializerMethodField()

    class Meta:
        model = ReachReport
        fields = [
            "id",
            "commune",
            "month",
            "locked",
            *services.REACH_FIELDS,
            "by_group",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_by_group(self, report) -> list[dict]:
        return [
            {"target_group": row.target_group.code, "people": row.people}
            for row in report.by_group.all()
        ]


class ReachReportInputSerializer(serializers.Serializer):
    commune = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.communes())
    month = serializers.DateField(
        input_formats=["%Y-%m", "%Y-%m-%d"], help_text="YYYY-MM (or any day of the month)."
    )
    women = serializers.IntegerField(min_value=0, default=0)
    men = serializers.IntegerField(min_value=0, default=0)
    girls = serializers.IntegerField(min_value=0, default=0)
    boys = serializers.IntegerField(min_value=0, default=0)
    cumulative_women = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    cumulative_men = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    cumulative_girls = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    cumulative_boys = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    by_group = ByGroupSerializer(many=True, required=False)


def _as_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _etag(initiative: Initiative) -> dict[str, str]:
    """The version to send back in ``If-Match`` when changing it (decision 27)."""
    return {"ETag": etag(initiative)}


_ERRORS = {
    400: OpenApiResponse(description="Invalid values, per field."),
    403: OpenApiResponse(description="Visible to you, but you may not change it."),
    404: OpenApiResponse(description="No such initiative, or not visible to you."),
}

# --- Endpoints ----------------------------------------------------------------------------------


class InitiativeListApi(GenericAPIView):
    serializer_class = InitiativeOutputSerializer
    queryset = Initiative.objects.none()

    @extend_schema(
        operation_id="initiatives_list",
        summary="The registry of initiatives you may see",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words of the title or description, any script."
            ),
            OpenApiParameter(
                "organisation", OpenApiTypes.INT, description="Lead or partner (organisation id)."
            ),
            OpenApiParameter(
                "sector", OpenApiTypes.STR, description="Sector code (with its sub-sectors)."
            ),
            OpenApiParameter("province", OpenApiTypes.STR, description="Province code."),
            OpenApiParameter("commune", OpenApiTypes.STR, description="Commune code."),
            OpenApiParameter("target_group", OpenApiTypes.STR, description="Target group code."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Initiative.Status.values),
            OpenApiParameter(
                "period_start", OpenApiTypes.DATE, description="Active on or after this date."
            ),
            OpenApiParameter(
                "period_end", OpenApiTypes.DATE, description="Active on or before this date."
            ),
            OpenApiParameter(
                "modified_since",
                OpenApiTypes.DATETIME,
                description="Only initiatives changed at or after this ISO 8601 date and time.",
            ),
        ],
        responses=InitiativeOutputSerializer(many=True),
    )
    def get(self, request):
        filters = InitiativeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        initiatives = selectors.initiative_list(
            user=request.user, filters=dict(filters.validated_data)
        ).order_by("-updated_at", "-id")
        page = self.paginate_queryset(initiatives)
        return self.get_paginated_response(InitiativeOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="initiatives_create",
        summary="Register an initiative",
        request=InitiativeInputSerializer,
        responses={201: InitiativeOutputSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def post(self, request):
        serializer = InitiativeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            initiative = services.initiative_create(
                actor=request.user, data=serializer.service_data()
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        initiative = selectors.initiative_get_for_user(
            request.user, initiative.pk, for_display=True
        )
        return Response(InitiativeOutputSerializer(initiative).data, status=status.HTTP_201_CREATED)


class InitiativeDetailApi(GenericAPIView):
    serializer_class = InitiativeOutputSerializer
    queryset = Initiative.objects.none()

    @extend_schema(
        operation_id="initiatives_retrieve",
        summary="One initiative",
        responses={200: InitiativeOutputSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        initiative = selectors.initiative_get_for_user(request.user, pk, for_display=True)
        return Response(InitiativeOutputSerializer(initiative).data, headers=_etag(initiative))

    @extend_schema(
        operation_id="initiatives_partial_update",
        summary="Change an initiative (its lead's admins and members, coordinators)",
        request=InitiativeInputSerializer(partial=True),
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                description="The ETag of the version you read: if it changed since, nothing is "
                "written and the answer is 412.",
            )
        ],
        responses={
            200: InitiativeOutputSerializer,
            **_ERRORS,
            412: OpenApiResponse(description="Someone else changed it since you read it."),
        },
    )
    def patch(self, request, pk: int):
        initiative = selectors.initiative_get_for_user(
            request.user, pk, perm="initiatives.change_initiative"
        )
        serializer = InitiativeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.initiative_update(
                actor=request.user,
                initiative=initiative,
                data=serializer.service_data(),
                version=if_match_version(request),
            )
        except DjangoValidationError as error:
            if is_stale(error):
                return Response(
                    {"non_field_errors": error.messages},
                    status=status.HTTP_412_PRECONDITION_FAILED,
                )
            raise _as_drf(error) from error
        initiative = selectors.initiative_get_for_user(request.user, pk, for_display=True)
        return Response(InitiativeOutputSerializer(initiative).data, headers=_etag(initiative))


class ReachReportListApi(GenericAPIView):
    serializer_class = ReachReportOutputSerializer
    queryset = ReachReport.objects.none()

    @extend_schema(
        operation_id="initiatives_reach_reports_list",
        summary="The monthly reach reports of an initiative, newest first",
        responses={200: ReachReportOutputSerializer(many=True), 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        initiative = selectors.initiative_get_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.reach_reports(initiative))
        return self.get_paginated_response(ReachReportOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="initiatives_reach_reports_save",
        summary="Report one commune's reach for one month (replaces that month's report)",
        request=ReachReportInputSerializer,
        responses={201: ReachReportOutputSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        initiative = selectors.initiative_get_for_user(
            request.user, pk, perm="initiatives.report_reach"
        )
        serializer = ReachReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commune, month = data.pop("commune"), data.pop("month")
        by_group = data.pop("by_group", None)
        try:
            report = services.reach_report_save(
                actor=request.user,
                initiative=initiative,
                commune=commune,
                month=month,
                values=data,
                by_group=None
                if by_group is None
                else {row["target_group"]: row["people"] for row in by_group},
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        report = selectors.reach_reports(initiative).get(pk=report.pk)
        return Response(ReachReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("initiatives/", InitiativeListApi.as_view(), name="initiatives-api-list"),
    path("initiatives/<int:pk>/", InitiativeDetailApi.as_view(), name="initiatives-api-detail"),
    path(
        "initiatives/<int:pk>/reach-reports/",
        ReachReportListApi.as_view(),
        name="initiatives-api-reach-reports",
    ),
]
