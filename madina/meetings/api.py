"""REST endpoints of meetings and recommendations; madina/api/urls.py includes ``urlpatterns``.

Read endpoints follow the pages' rules (someone who may not see the space's content gets 404);
the one write, a recommendation's change of state, goes through the same service as the page
(someone who sees the recommendation but holds no role in its space gets 403). Unpublished
minutes are left out for whoever may not edit the meeting.
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
from madina.coordination.models import Space
from madina.meetings import registration_selectors, selectors, services
from madina.meetings.models import Meeting, Recommendation, RecommendationUpdate

# --- Serializers --------------------------------------------------------------------------------


class SpeakerSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField()
    affiliation = serializers.IntegerField(source="affiliation_id", allow_null=True)
    bio = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    speakers = SpeakerSerializer(many=True)


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    number = serializers.CharField()
    depth = serializers.IntegerField()
    parent = serializers.IntegerField(source="item.parent_id", allow_null=True)
    title = serializers.CharField(source="item.title")
    description = serializers.CharField(source="item.description")
    duration_minutes = serializers.IntegerField(source="item.duration_minutes", allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()


class MeetingOutputSerializer(serializers.ModelSerializer):
    space = serializers.IntegerField(source="space_id")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organiser = serializers.IntegerField(source="organiser_id")
    co_organisers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "space",
            "title",
            "description",
            "type",
            "mode",
            "status",
            "starts_at",
            "ends_at",
            "commune",
            "address",
            "online_url",
            "organiser",
            "co_organisers",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MinutesSerializer(serializers.Serializer):
    text = serializers.CharField()
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class MeetingDetailSerializer(MeetingOutputSerializer):
    agenda = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()

    class Meta(MeetingOutputSerializer.Meta):
        fields = [
            *MeetingOutputSerializer.Meta.fields,
            "agenda",
            "sessions",
            "attendance",
            "minutes",
            "recommendations",
        ]
        read_only_fields = fields

    def get_agenda(self, meeting) -> list[dict]:
        return AgendaItemSerializer(selectors.agenda_rows(meeting), many=True).data

    def get_sessions(self, meeting) -> list[dict]:
        return SessionSerializer(selectors.sessions_with_speakers(meeting), many=True).data

    def get_attendance(self, meeting) -> dict:
        table = selectors.attendance_table(meeting)
        return {
            "rows": AttendanceSerializer(table.rows, many=True).data,
            "women": table.women,
            "men": table.men,
            "other": table.other,
            "total": table.total,
        }

    def get_minutes(self, meeting) -> dict | None:
        minutes = selectors.minutes_for_user(self.context["request"].user, meeting)
        return None if minutes is None else MinutesSerializer(minutes).data

    def get_recommendations(self, meeting) -> list[int]:
        return list(meeting.recommendations.order_by("number").values_list("pk", flat=True))


class UpdateOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecommendationUpdate
        fields = ["id", "on", "text", "state_before", "state_after", "evidence_url"]
        fields += ["evidence_note", "created_at"]
        read_only_fields = fields


class RecommendationOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    meeting = serializers.IntegerField(source="meeting_id")
    space = serializers.IntegerField(source="meeting.space_id")
    session = serializers.IntegerField(source="session_id", allow_null=True)
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    addressees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "code",
            "meeting",
            "space",
            "session",
            "number",
            "title",
            "text",
            "language",
            "translations",
            "theme",
            "addressees",
            "priority",
            "state",
            "state_justification",
            "is_public",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecommendationDetailSerializer(RecommendationOutputSerializer):
    updates = UpdateOutputSerializer(many=True, read_only=True)
    allowed_states = serializers.SerializerMethodField()

    class Meta(RecommendationOutputSerializer.Meta):
        fields = [*RecommendationOutputSerializer.Meta.fields, "allowed_states", "updates"]
        read_only_fields = fields

    def get_allowed_states(self, recommendation) -> list[str]:
        return list(services.allowed_states(recommendation))


class StateChangeInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Recommendation.State.choices)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingFilterSerializer(serializers.Serializer):
    space = serializers.PrimaryKeyRelatedField(
        queryset=Space.objects.all(), required=False, default=None
    )
    when = serializers.ChoiceField(
        choices=["upcoming", "past"], required=False, allow_blank=True, default=""
    )


class RecommendationFilterSerializer(serializers.Serializer):
    space = serializers.PrimaryKeyRelatedField(
        queryset=Space.objects.all(), required=False, default=None
    )
    theme = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, default=None
    )
    addressee = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )
    state = serializers.ChoiceField(
        choices=Recommendation.State.choices, required=False, allow_blank=True, default=""
    )


def _as_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


_ERRORS = {
    400: OpenApiResponse(description="Invalid values, per field."),
    403: OpenApiResponse(description="Visible to you, but you may not change it."),
    404: OpenApiResponse(description="No such record, or not visible to you."),
}

# --- Endpoints ----------------------------------------------------------------------------------


class MeetingListApi(GenericAPIView):
    serializer_class = MeetingOutputSerializer
    queryset = Meeting.objects.none()

    @extend_schema(
        operation_id="meetings_list",
        summary="The meetings you may see",
        parameters=[
            OpenApiParameter("space", OpenApiTypes.INT, description="A coordination space's id."),
            OpenApiParameter("when", OpenApiTypes.STR, enum=["upcoming", "past"]),
        ],
        responses=MeetingOutputSerializer(many=True),
    )
    def get(self, request):
        filters = MeetingFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        meetings = selectors.meeting_list(user=request.user, **filters.validated_data)
        page = self.paginate_queryset(meetings.prefetch_related("co_organisers"))
        return self.get_paginated_response(MeetingOutputSerializer(page, many=True).data)


class MeetingDetailApi(GenericAPIView):
    serializer_class = MeetingDetailSerializer
    queryset = Meeting.objects.none()

    @extend_schema(
        operation_id="meetings_retrieve",
        summary="One meeting, with its agenda, sessions and speakers, attendance and minutes",
        responses={200: MeetingDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        meeting = selectors.meeting_get_for_user(request.user, pk, for_display=True)
        return Response(MeetingDetailSerializer(meeting, context={"request": request}).data)


class RecommendationListApi(GenericAPIView):
    serializer_class = RecommendationOutputSerializer
    queryset = Recommendation.objects.none()

    @extend_schema(
        operation_id="recommendations_list",
        summary="The recommendations you may see",
        parameters=[
            OpenApiParameter("space", OpenApiTypes.INT, description="A coordination space's id."),
            OpenApiParameter("theme", OpenApiTypes.STR, description="A sector's code."),
            OpenApiParameter("addressee", OpenApiTypes.INT, description="An organisation's id."),
            OpenApiParameter("state", OpenApiTypes.STR, enum=Recommendation.State.values),
        ],
        responses=RecommendationOutputSerializer(many=True),
    )
    def get(self, request):
        filters = RecommendationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        recommendations = selectors.recommendation_list(user=request.user, **filters.validated_data)
        page = self.paginate_queryset(recommendations)
        return self.get_paginated_response(RecommendationOutputSerializer(page, many=True).data)


class RecommendationDetailApi(GenericAPIView):
    serializer_class = RecommendationDetailSerializer
    queryset = Recommendation.objects.none()

    @extend_schema(
        operation_id="recommendations_retrieve",
        summary="One recommendation with its dated updates",
        responses={200: RecommendationDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        recommendation = selectors.recommendation_get_for_user(request.user, pk)
        return Response(RecommendationDetailSerializer(recommendation).data)


class RecommendationStateApi(GenericAPIView):
    serializer_class = StateChangeInputSerializer
    queryset = Recommendation.objects.none()

    @extend_schema(
        operation_id="recommendations_change_state",
        summary="Move a recommendation to a new state (its space's role holders, coordinators)",
        request=StateChangeInputSerializer,
        responses={201: RecommendationDetailSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        recommendation = selectors.recommendation_get_for_user(
            request.user, pk, perm="meetings.change_recommendation"
        )
        serializer = StateChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.recommendation_change_state(
                actor=request.user,
                recommendation=recommendation,
                base_url=request.build_absolute_uri("/"),
                **serializer.validated_data,
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        recommendation = selectors.recommendation_get_for_user(request.user, pk)
        return Response(
            RecommendationDetailSerializer(recommendation).data, status=status.HTTP_201_CREATED
        )


class PlacesOutputSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(allow_null=True)
    places_left = serializers.IntegerField(source="left", allow_null=True)


class MeetingPlacesApi(GenericAPIView):
    serializer_class = PlacesOutputSerializer
    queryset = Meeting.objects.none()

    @extend_schema(
        operation_id="meetings_places",
        summary="How many places a meeting has and how many are left (null: no limit)",
        responses={200: PlacesOutputSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        meeting = selectors.meeting_get_for_user(
            request.user, pk, perm="meetings.view_places", visible_perm="meetings.view_places"
        )
        return Response(PlacesOutputSerializer(registration_selectors.places(meeting)).data)


urlpatterns = [
    path("meetings/", MeetingListApi.as_view(), name="meetings-api-list"),
    path("meetings/<int:pk>/places/", MeetingPlacesApi.as_view(), name="meetings-api-places"),
    path("meetings/<int:pk>/", MeetingDetailApi.as_view(), name="meetings-api-detail"),
    path("recommendations/", RecommendationListApi.as_view(), name="recommendations-api-list"),
    path(
        "recommendations/<int:pk>/",
        RecommendationDetailApi.as_view(),
        name="recommendations-api-detail",
    ),
    path(
        "recommendations/<int:pk>/state/",
        RecommendationStateApi.as_view(),
        name="recommendations-api-state",
    ),
]
