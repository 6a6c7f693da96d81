"""REST endpoints of this app; madina/api/urls.py includes ``urlpatterns``.

Thin like the views: input serializer → selector / service → output serializer. The rules are
those of the web pages (outsiders get 404 on another organisation's write, read-only members 403).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.actors import selectors, services
from madina.actors.models import Organisation, Sector
from madina.actors.validators import validate_iati_ref
from madina.territory.models import Area

# --- Serializers --------------------------------------------------------------------------------


class SectorOutputSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Sector
        fields = ["code", "kind", "parent", "name", "name_ar", "name_fr", "name_en", "verified"]


class OrganisationOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    communes_covered = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    phone = serializers.CharField(read_only=True)
    # Blank when not known: plain strings in the schema, not "email"/"uri" formats that "" fails.
    email = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            *services.ORGANISATION_FIELDS,
            *services.ORGANISATION_M2M,
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _communes():
    return Area.objects.communes()


class OrganisationInputSerializer(serializers.Serializer):
    name_ar = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name_fr = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    acronym = serializers.CharField(max_length=32, required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=Organisation.Type.choices)
    institution_sector = serializers.ChoiceField(
        choices=Organisation.InstitutionSector.choices, required=False, allow_blank=True
    )
    mandate = serializers.CharField(required=False, allow_blank=True)
    sectors = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Sector.objects.filter(is_active=True)
    )
    communes_covered = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=_communes()
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    commune = serializers.SlugRelatedField(
        slug_field="code", required=False, allow_null=True, queryset=_communes()
    )
    phone = PhoneNumberField(region="MA", required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    iati_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validate_iati_ref]
    )
    registration_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class OrganisationCreateSerializer(OrganisationInputSerializer):
    confirm_twins = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save even though organisations with the same acronym or a similar name exist.",
    )


class OrganisationFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(
        choices=Organisation.Type.choices, required=False, allow_blank=True, default=""
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", required=False, queryset=Sector.objects.all(), default=None
    )
    province = serializers.SlugRelatedField(
        slug_field="code", required=False, queryset=Area.objects.provinces(), default=None
    )
    commune = serializers.SlugRelatedField(
        slug_field="code", required=False, queryset=_communes(), default=None
    )


TwinsResponse = inline_serializer(
    "ProbableTwins",
    fields={
        "detail": serializers.CharField(),
        "twins": inline_serializer(
            "ProbableTwin",
            fields={
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "acronym": serializers.CharField(),
                "reasons": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
    },
)


def _as_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


# --- Endpoints ----------------------------------------------------------------------------------


class OrganisationListApi(GenericAPIView):
    serializer_class = OrganisationOutputSerializer
    queryset = Organisation.objects.none()

    @extend_schema(
        operation_id="organisations_list",
        summary="The registry of organisations",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Name or acronym in any script or transliteration.",
            ),
            OpenApiParameter("type", OpenApiTypes.STR, enum=Organisation.Type.values),
            OpenApiParameter("sector", OpenApiTypes.STR, description="Sector code."),
            OpenApiParameter("province", OpenApiTypes.STR, description="Province code."),
            OpenApiParameter("commune", OpenApiTypes.STR, description="Commune code."),
        ],
        responses=OrganisationOutputSerializer(many=True),
    )
    def get(self, request):
        filters = OrganisationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        organisations = selectors.organisation_list(user=request.user, **filters.validated_data)
        page = self.paginate_queryset(organisations)
        return self.get_paginated_response(OrganisationOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        summary="Register an organisation",
        request=OrganisationCreateSerializer,
        responses={
            201: OrganisationOutputSerializer,
            400: OpenApiResponse(description="Invalid values, per field."),
            403: OpenApiResponse(description="Not allowed to register organisations."),
            409: OpenApiResponse(
                TwinsResponse,
                description="Probably already registered; resend with confirm_twins=true.",
            ),
        },
    )
    def post(self, request):
        serializer = OrganisationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_twins")
        try:
            organisation = services.organisation_create(
                actor=request.user, data=data, confirm_twins=confirm
            )
        except services.ProbableTwinsError as error:
            return Response(
                {
                    "detail": error.messages[0],
                    "twins": [
                        {
                            "id": twin.organisation.pk,
                            "name": twin.organisation.name,
                            "acronym": twin.organisation.acronym,
                            "reasons": twin.reasons,
                        }
                        for twin in error.twins
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        return Response(
            OrganisationOutputSerializer(organisation).data, status=status.HTTP_201_CREATED
        )


class OrganisationDetailApi(GenericAPIView):
    serializer_class = OrganisationOutputSerializer
    queryset = Organisation.objects.none()

    @extend_schema(operation_id="organisations_retrieve", summary="One organisation")
    def get(self, request, pk: int):
        organisation = selectors.organisation_get_for_user(request.user, pk, for_display=True)
        return Response(OrganisationOutputSerializer(organisation).data)

    @extend_schema(
        operation_id="organisations_partial_update",
        summary="Change an organisation (its admins and coordinators)",
        request=OrganisationInputSerializer(partial=True),
        responses={
            200: OrganisationOutputSerializer,
            400: OpenApiResponse(description="Invalid values, per field."),
            403: OpenApiResponse(description="A member of the organisation without the right."),
            404: OpenApiResponse(description="No such organisation, or not yours."),
        },
    )
    def patch(self, request, pk: int):
        organisation = selectors.organisation_get_for_user(
            request.user, pk, perm="actors.change_organisation"
        )
        serializer = OrganisationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            organisation = services.organisation_update(
                actor=request.user, organisation=organisation, data=serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        organisation = selectors.organisation_get_for_user(request.user, pk, for_display=True)
        return Response(OrganisationOutputSerializer(organisation).data)


class SectorListApi(GenericAPIView):
    serializer_class = SectorOutputSerializer
    queryset = Sector.objects.none()
    pagination_class = None

    @extend_schema(
        operation_id="sectors_list",
        summary="The active sectors of work",
        responses=SectorOutputSerializer(many=True),
    )
    def get(self, request):
        return Response(SectorOutputSerializer(selectors.sector_list(), many=True).data)


urlpatterns = [
    path("organisations/", OrganisationListApi.as_view(), name="actors-api-organisation-list"),
    path(
        "organisations/<int:pk>/",
        OrganisationDetailApi.as_view(),
        name="actors-api-organisation-detail",
    ),
    path("sectors/", SectorListApi.as_view(), name="actors-api-sector-list"),
]
