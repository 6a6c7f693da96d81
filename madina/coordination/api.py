"""REST endpoints of coordination spaces; madina/api/urls.py includes ``urlpatterns``.

Thin like the pages: input serializer → selector / service → output serializer, with the same
rules (someone who may not see a space gets 404, someone who sees it but may not change it 403).
Areas are referred to by code, organisations by id. An organisation's API token acts for that
organisation only: it sees what the organisation's seat shows and holds no space role.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.actors.models import FocalPerson, Organisation
from madina.coordination import selectors, services
from madina.coordination.models import Space, SpaceMember
from madina.territory.models import Area

# --- Serializers --------------------------------------------------------------------------------


class MemberOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    delegates = serializers.SerializerMethodField()

    class Meta:
        model = SpaceMember
        fields = ["id", "organisation", "organisation_name", "position", "start_date", "end_date"]
        fields += ["delegates"]
        read_only_fields = fields

    def get_delegates(self, member) -> list[str]:
        return [person.full_name for person in member.delegates.all()]


class SpaceOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    territory = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Space
        fields = [
            "id",
            "name",
            *services.SPACE_FIELDS,
            "territory",
            "closed_on",
            "closing_reason",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SpaceInputSerializer(serializers.Serializer):
    name_ar = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name_fr = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    acronym = serializers.CharField(max_length=32, required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=Space.Type.choices)
    purpose_ar = serializers.CharField(required=False, allow_blank=True)
    purpose_fr = serializers.CharField(required=False, allow_blank=True)
    purpose_en = serializers.CharField(required=False, allow_blank=True)
    composition = serializers.CharField(required=False, allow_blank=True)
    decision_making = serializers.CharField(required=False, allow_blank=True)
    created_on = serializers.DateField(required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Space.objects.all(), required=False, allow_null=True
    )
    visibility = serializers.ChoiceField(choices=Space.Visibility.choices, required=False)
    territory = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Area.objects.all(), required=False
    )


class MemberInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    position = serializers.ChoiceField(choices=SpaceMember.Position.choices)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    delegates = serializers.PrimaryKeyRelatedField(
        queryset=FocalPerson.objects.all(), many=True, required=False
    )


class SpaceFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(
        choices=Space.Type.choices, required=False, allow_blank=True, default=""
    )
    visibility = serializers.ChoiceField(
        choices=Space.Visibility.choices, required=False, allow_blank=True, default=""
    )
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), required=False, default=None
    )
    mine = serializers.BooleanField(required=False, default=False)


def _as_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


_ERRORS = {
    400: OpenApiResponse(description="Invalid values, per field."),
    403: OpenApiResponse(description="Visible to you, but you may not change it."),
    404: OpenApiResponse(description="No such space, or not visible to you."),
}

# --- Endpoints ----------------------------------------------------------------------------------


class SpaceListApi(GenericAPIView):
    serializer_class = SpaceOutputSerializer
    queryset = Space.objects.none()

    @extend_schema(
        operation_id="spaces_list",
        summary="The coordination spaces you may see",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name, any script."),
            OpenApiParameter("type", OpenApiTypes.STR, enum=Space.Type.values),
            OpenApiParameter("visibility", OpenApiTypes.STR, enum=Space.Visibility.values),
            OpenApiParameter(
                "area", OpenApiTypes.STR, description="Area code (also finds the areas around)."
            ),
            OpenApiParameter(
                "mine", OpenApiTypes.BOOL, description="Only the spaces you take part in."
            ),
        ],
        responses=SpaceOutputSerializer(many=True),
    )
    def get(self, request):
        filters = SpaceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        spaces = selectors.space_list(user=request.user, **filters.validated_data).order_by("pk")
        page = self.paginate_queryset(spaces)
        return self.get_paginated_response(SpaceOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="spaces_create",
        summary="Create a coordination space (coordinators)",
        request=SpaceInputSerializer,
        responses={201: SpaceOutputSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def post(self, request):
        serializer = SpaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            space = services.space_create(actor=request.user, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        space = selectors.space_get_for_user(request.user, space.pk, for_display=True)
        return Response(SpaceOutputSerializer(space).data, status=status.HTTP_201_CREATED)


class SpaceDetailApi(GenericAPIView):
    serializer_class = SpaceOutputSerializer
    queryset = Space.objects.none()

    @extend_schema(
        operation_id="spaces_retrieve",
        summary="One coordination space",
        responses={200: SpaceOutputSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        space = selectors.space_get_for_user(request.user, pk, for_display=True)
        return Response(SpaceOutputSerializer(space).data)

    @extend_schema(
        operation_id="spaces_partial_update",
        summary="Change a coordination space (its editors and admins, coordinators)",
        request=SpaceInputSerializer(partial=True),
        responses={200: SpaceOutputSerializer, **_ERRORS},
    )
    def patch(self, request, pk: int):
        space = selectors.space_get_for_user(request.user, pk, perm="coordination.change_space")
        serializer = SpaceInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.space_update(actor=request.user, space=space, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        space = selectors.space_get_for_user(request.user, pk, for_display=True)
        return Response(SpaceOutputSerializer(space).data)


class SpaceMemberListApi(GenericAPIView):
    serializer_class = MemberOutputSerializer
    queryset = SpaceMember.objects.none()

    @extend_schema(
        operation_id="spaces_members_list",
        summary="The member organisations of a space, past and present",
        responses={200: MemberOutputSerializer(many=True), 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        space = selectors.space_get_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.space_members(space))
        return self.get_paginated_response(MemberOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="spaces_members_add",
        summary="Seat an organisation in a space (its editors and admins, coordinators)",
        request=MemberInputSerializer,
        responses={201: MemberOutputSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_members")
        serializer = MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            member = services.member_add(
                actor=request.user, space=space, data=serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        member = selectors.space_members(space).get(pk=member.pk)
        return Response(MemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("spaces/", SpaceListApi.as_view(), name="spaces-api-list"),
    path("spaces/<int:pk>/", SpaceDetailApi.as_view(), name="spaces-api-detail"),
    path("spaces/<int:pk>/members/", SpaceMemberListApi.as_view(), name="spaces-api-members"),
    # Programmes and roadmaps (docs/decisions/0014).
    path("", include("madina.coordination.programme_api")),
]
