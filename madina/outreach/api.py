"""REST endpoints of outreach: capsules, schools, awareness sessions, trainings and advocacy
actions; madina/api/urls.py includes ``urlpatterns``.

The same selectors and services as the pages (decision 23): every signed-in user reads every
record, what does not exist is 404. The one write, recording an awareness session with its
audience by grade, goes through ``services.session_create`` like the page, so its permission
(the organisation's admins and members, coordinators; 403 for others) and its checks (date,
capsules shown, head counts) are the page's, with the service's translated messages.

Trainings come with counts only: participants are named people, and their names, functions and
scores never leave the training's page. Averages and rates are JSON numbers. Capsules are
filtered by ``capsule_format``, as ``format`` is DRF's choice of renderer.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.actors.models import Organisation
from madina.directory.models import Language
from madina.outreach import selectors, services, training_selectors
from madina.outreach.models import (
    AdvocacyAction,
    Attendance,
    Audience,
    AwarenessSession,
    Capsule,
    CapsuleFile,
    School,
    Training,
)
from madina.outreach.training_services import training_days
from madina.territory.models import Area

# --- Serializers: capsules and schools ----------------------------------------------------------


class SessionTotalsSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    girls = serializers.IntegerField()
    boys = serializers.IntegerField()
    pupils = serializers.IntegerField()
    teachers = serializers.IntegerField()


class CapsuleFileOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CapsuleFile
        fields = ["id", "title", "original_name", "content_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        return reverse("outreach:capsule_file", args=[attachment.capsule_id, attachment.pk])


class CapsuleOutputSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    partners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    languages = serializers.SerializerMethodField(help_text="ISO 639 codes.")
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Capsule.Topic.choices), read_only=True
    )
    # Blank when the capsule has no link: a plain string, not a "uri" that "" fails.
    link = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Capsule
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "partners",
            "title_ar",
            "title_fr",
            "title_en",
            "format",
            "languages",
            "topics",
            "audience",
            "school_level",
            "duration_minutes",
            "link",
            "validated_on",
            "is_active",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_languages(self, capsule) -> list[str]:
        return capsule.languages.split()


class CapsuleDetailSerializer(CapsuleOutputSerializer):
    files = CapsuleFileOutputSerializer(many=True, read_only=True)
    sessions = serializers.SerializerMethodField(
        help_text="The awareness sessions that showed it, and the pupils they reached."
    )

    class Meta(CapsuleOutputSerializer.Meta):
        fields = [*CapsuleOutputSerializer.Meta.fields, "files", "sessions"]
        read_only_fields = fields

    @extend_schema_field(SessionTotalsSerializer)
    def get_sessions(self, capsule) -> dict:
        totals = selectors.session_totals(selectors.capsule_sessions(capsule))
        return SessionTotalsSerializer(totals).data


class SchoolOutputSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # A plain string: another "level" choice set would rename the areas' LevelEnum.
    level = serializers.CharField(help_text="primary, middle, secondary or other.")

    class Meta:
        model = School
        fields = [
            "id",
            "name_ar",
            "name_fr",
            "commune",
            "level",
            "sector",
            "official_code",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SchoolListSerializer(SchoolOutputSerializer):
    session_count = serializers.IntegerField()

    class Meta(SchoolOutputSerializer.Meta):
        fields = [*SchoolOutputSerializer.Meta.fields, "session_count"]
        read_only_fields = fields


class SchoolDetailSerializer(SchoolOutputSerializer):
    sessions = serializers.SerializerMethodField(
        help_text="The awareness sessions held there, and the pupils they reached."
    )

    class Meta(SchoolOutputSerializer.Meta):
        fields = [*SchoolOutputSerializer.Meta.fields, "sessions"]
        read_only_fields = fields

    @extend_schema_field(SessionTotalsSerializer)
    def get_sessions(self, school) -> dict:
        totals = selectors.session_totals(selectors.school_sessions(school))
        return SessionTotalsSerializer(totals).data


class CapsuleFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    capsule_format = serializers.ChoiceField(
        choices=Capsule.Format.choices, required=False, allow_blank=True, default=""
    )
    topic = serializers.ChoiceField(
        choices=Capsule.Topic.choices, required=False, allow_blank=True, default=""
    )
    audience = serializers.ChoiceField(
        choices=Capsule.Audience.choices, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(
        choices=Language.choices, required=False, allow_blank=True, default=""
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )

    def selector_filters(self) -> dict:
        data = dict(self.validated_data)
        data["format"] = data.pop("capsule_format")
        return data


class SchoolFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.communes(), required=False, default=None
    )


# --- Serializers: awareness sessions -------------------------------------------------------------


class AudienceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audience
        fields = ["grade", "girls", "boys"]
        read_only_fields = fields


class AwarenessSessionOutputSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    school_name = serializers.CharField(source="school.name")
    commune = serializers.CharField(source="school.commune.code")
    capsules = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    pupils = serializers.IntegerField(source="audience")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AwarenessSession
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "school",
            "school_name",
            "commune",
            "held_on",
            "capsules",
            "teachers_present",
            "girls",
            "boys",
            "pupils",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AwarenessSessionDetailSerializer(AwarenessSessionOutputSerializer):
    audiences = AudienceOutputSerializer(many=True, read_only=True)

    class Meta(AwarenessSessionOutputSerializer.Meta):
        fields = [*AwarenessSessionOutputSerializer.Meta.fields, "feedback", "audiences"]
        read_only_fields = fields


class GradeField(serializers.ChoiceField):
    """Documented as the list of grades, but passed on as given: the service refuses another
    value with the page's message."""

    def to_internal_value(self, data):
        return str(data)


class AudienceInputSerializer(serializers.Serializer):
    grade = GradeField(choices=Audience.Grade.choices)
    # No lower bound here: the service refuses a negative count with the page's message. The
    # upper bound is the page's form's.
    girls = serializers.IntegerField(max_value=10_000, default=0)
    boys = serializers.IntegerField(max_value=10_000, default=0)


class AwarenessSessionInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="The facilitating organisation."
    )
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    held_on = serializers.DateField()
    # As on the page, only capsules in use may be chosen; none at all is the service's to refuse.
    capsules = serializers.PrimaryKeyRelatedField(
        queryset=Capsule.objects.filter(is_active=True), many=True, allow_empty=True, default=list
    )
    teachers_present = serializers.IntegerField(min_value=0, max_value=32_767, default=0)
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    audiences = AudienceInputSerializer(many=True, allow_empty=True)


class AwarenessSessionFilterSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.all(), required=False, default=None
    )
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.communes(), required=False, default=None
    )
    capsule = serializers.PrimaryKeyRelatedField(
        queryset=Capsule.objects.all(), required=False, default=None
    )
    date_from = serializers.DateField(required=False, default=None)
    date_to = serializers.DateField(required=False, default=None)


# --- Serializers: trainings and advocacy ---------------------------------------------------------


class RoundedField(serializers.FloatField):
    """A figure rounded to one decimal, as the pages show it."""

    def to_representation(self, value):
        return None if value is None else round(float(value), 1)


class TrainingOutputSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "title",
            "topic",
            "starts_on",
            "ends_on",
            "commune",
            "venue",
            "trainers",
            "pre_test_on",
            "post_test_on",
            "max_score",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TrainingListSerializer(TrainingOutputSerializer):
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    participants = serializers.SerializerMethodField()
    gain_average = RoundedField(
        allow_null=True, help_text="Mean gain from pre- to post-test, in points."
    )
    gain_percent = RoundedField(
        allow_null=True, help_text="Mean gain from pre- to post-test, in % of the top score."
    )
    attendance_rate = serializers.SerializerMethodField(
        help_text="Days present, in % of participants × days."
    )

    class Meta(TrainingOutputSerializer.Meta):
        fields = [
            *TrainingOutputSerializer.Meta.fields,
            "women",
            "men",
            "participants",
            "gain_average",
            "gain_percent",
            "attendance_rate",
        ]
        read_only_fields = fields

    def get_participants(self, training) -> int:
        return training.women + training.men

    def get_attendance_rate(self, training) -> float | None:
        """As ``training_selectors.training_summary`` has it, from the days present counted for
        the whole page at once (``days_present`` in the context)."""
        participants = training.women + training.men
        if not participants:
            return None
        present = self.context.get("days_present", {}).get(training.pk, 0)
        days = len(training_days(training))
        return float((Decimal(present) * 100 / (participants * days)).quantize(Decimal(1)))


def _days_present(trainings) -> dict[int, int]:
    """Days of attendance recorded per training, for a page of trainings: one query."""
    rows = (
        Attendance.objects.filter(participant__training__in=[t.pk for t in trainings])
        .values("participant__training")
        .annotate(days=Count("pk"))
        .order_by()
    )
    return {row["participant__training"]: row["days"] for row in rows}


class TrainingSummarySerializer(serializers.Serializer):
    """``training_selectors.TrainingSummary``: counts and averages, never a person."""

    women = serializers.IntegerField()
    men = serializers.IntegerField()
    participants = serializers.IntegerField()
    scored = serializers.IntegerField(help_text="Participants who took both tests.")
    pre_average = RoundedField(allow_null=True)
    post_average = RoundedField(allow_null=True)
    gain_average = RoundedField(allow_null=True, help_text="Mean gain, in points.")
    pre_percent = RoundedField(allow_null=True)
    post_percent = RoundedField(allow_null=True)
    gain_percent = RoundedField(allow_null=True, help_text="Mean gain, in % of the top score.")
    days = serializers.IntegerField()
    attendance_rate = RoundedField(
        allow_null=True, help_text="Days present, in % of participants × days."
    )


class TrainingDetailSerializer(TrainingOutputSerializer):
    summary = serializers.SerializerMethodField()

    class Meta(TrainingOutputSerializer.Meta):
        fields = [*TrainingOutputSerializer.Meta.fields, "summary"]
        read_only_fields = fields

    @extend_schema_field(TrainingSummarySerializer)
    def get_summary(self, training) -> dict:
        participants = training_selectors.training_participants(training)
        summary = training_selectors.training_summary(training, participants)
        return TrainingSummarySerializer(summary).data


class TrainingFilterSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(
        choices=Training.Topic.choices, required=False, allow_blank=True, default=""
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.communes(), required=False, default=None
    )
    since = serializers.DateField(required=False, default=None)
    until = serializers.DateField(required=False, default=None)


class AdvocacyActionOutputSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AdvocacyAction
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "kind",
            "held_on",
            "target",
            "message",
            "commune",
            "people_reached",
            "outcome",
            "outcome_notes",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AdvocacyFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=AdvocacyAction.Kind.choices, required=False, allow_blank=True, default=""
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, default=None
    )
    outcome = serializers.ChoiceField(
        choices=AdvocacyAction.Outcome.choices, required=False, allow_blank=True, default=""
    )
    since = serializers.DateField(required=False, default=None)
    until = serializers.DateField(required=False, default=None)


def _as_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _filters(serializer_class, request) -> dict:
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


_ERRORS = {
    400: OpenApiResponse(description="Invalid values, per field."),
    403: OpenApiResponse(description="You may not record for this organisation."),
    404: OpenApiResponse(description="No such record."),
}
_ORGANISATION = OpenApiParameter("organisation", OpenApiTypes.INT, description="Organisation id.")
_COMMUNE = OpenApiParameter("commune", OpenApiTypes.STR, description="Commune code.")
_SINCE = OpenApiParameter(
    "since", OpenApiTypes.DATE, description="Took place, even partly, on or after this date."
)
_UNTIL = OpenApiParameter(
    "until", OpenApiTypes.DATE, description="Took place, even partly, on or before this date."
)

# --- Endpoints: capsules and schools -------------------------------------------------------------


class CapsuleListApi(GenericAPIView):
    serializer_class = CapsuleOutputSerializer
    queryset = Capsule.objects.none()

    @extend_schema(
        operation_id="capsules_list",
        summary="Awareness capsules, newest first",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words of the title, any script or spelling."
            ),
            OpenApiParameter("capsule_format", OpenApiTypes.STR, enum=Capsule.Format.values),
            OpenApiParameter("topic", OpenApiTypes.STR, enum=Capsule.Topic.values),
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Capsule.Audience.values),
            OpenApiParameter("language", OpenApiTypes.STR, enum=Language.values),
            OpenApiParameter(
                "organisation", OpenApiTypes.INT, description="Producer or partner (id)."
            ),
        ],
        responses=CapsuleOutputSerializer(many=True),
    )
    def get(self, request):
        filters = CapsuleFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        capsules = selectors.capsule_list(user=request.user, **filters.selector_filters())
        page = self.paginate_queryset(capsules.prefetch_related("partners"))
        return self.get_paginated_response(CapsuleOutputSerializer(page, many=True).data)


class CapsuleDetailApi(GenericAPIView):
    serializer_class = CapsuleDetailSerializer
    queryset = Capsule.objects.none()

    @extend_schema(
        operation_id="capsules_retrieve",
        summary="One capsule, with its files and the sessions that showed it",
        responses={200: CapsuleDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        capsule = selectors.capsule_get_for_user(request.user, pk, for_display=True)
        return Response(CapsuleDetailSerializer(capsule).data)


class SchoolListApi(GenericAPIView):
    serializer_class = SchoolListSerializer
    queryset = School.objects.none()

    @extend_schema(
        operation_id="schools_list",
        summary="Schools, by name, each with its number of awareness sessions",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words of the name, or the official code."
            ),
            _COMMUNE,
        ],
        responses=SchoolListSerializer(many=True),
    )
    def get(self, request):
        schools = selectors.school_list(
            user=request.user, **_filters(SchoolFilterSerializer, request)
        )
        page = self.paginate_queryset(schools)
        return self.get_paginated_response(SchoolListSerializer(page, many=True).data)


class SchoolDetailApi(GenericAPIView):
    serializer_class = SchoolDetailSerializer
    queryset = School.objects.none()

    @extend_schema(
        operation_id="schools_retrieve",
        summary="One school, with the totals of its awareness sessions",
        responses={200: SchoolDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        school = selectors.school_get_for_user(request.user, pk)
        return Response(SchoolDetailSerializer(school).data)


# --- Endpoints: awareness sessions ---------------------------------------------------------------


class AwarenessSessionListApi(GenericAPIView):
    serializer_class = AwarenessSessionOutputSerializer
    queryset = AwarenessSession.objects.none()

    @extend_schema(
        operation_id="awareness_sessions_list",
        summary="Awareness sessions given in schools, latest first",
        parameters=[
            OpenApiParameter(
                "organisation", OpenApiTypes.INT, description="Facilitating organisation (id)."
            ),
            OpenApiParameter("school", OpenApiTypes.INT, description="School id."),
            OpenApiParameter("commune", OpenApiTypes.STR, description="The school's commune code."),
            OpenApiParameter("capsule", OpenApiTypes.INT, description="A capsule shown (id)."),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Held on or after."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Held on or before."),
        ],
        responses=AwarenessSessionOutputSerializer(many=True),
    )
    def get(self, request):
        sessions = selectors.session_list(
            user=request.user, **_filters(AwarenessSessionFilterSerializer, request)
        )
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(AwarenessSessionOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="awareness_sessions_create",
        summary="Record an awareness session with its audience by grade (the facilitating "
        "organisation's admins and members, coordinators)",
        request=AwarenessSessionInputSerializer,
        responses={201: AwarenessSessionDetailSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def post(self, request):
        serializer = AwarenessSessionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation, audiences = data.pop("organisation"), data.pop("audiences")
        try:
            session = services.session_create(
                actor=request.user, organisation=organisation, data=data, audiences=audiences
            )
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        session = selectors.session_get_for_user(request.user, session.pk, for_display=True)
        return Response(
            AwarenessSessionDetailSerializer(session).data, status=status.HTTP_201_CREATED
        )


class AwarenessSessionDetailApi(GenericAPIView):
    serializer_class = AwarenessSessionDetailSerializer
    queryset = AwarenessSession.objects.none()

    @extend_schema(
        operation_id="awareness_sessions_retrieve",
        summary="One awareness session, with its audience by grade and sex",
        responses={200: AwarenessSessionDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        session = selectors.session_get_for_user(request.user, pk, for_display=True)
        return Response(AwarenessSessionDetailSerializer(session).data)


# --- Endpoints: trainings and advocacy -----------------------------------------------------------


class TrainingListApi(GenericAPIView):
    serializer_class = TrainingListSerializer
    queryset = Training.objects.none()

    @extend_schema(
        operation_id="trainings_list",
        summary="Trainings, latest first, with participants by sex, attendance and mean gain",
        parameters=[
            OpenApiParameter("topic", OpenApiTypes.STR, enum=Training.Topic.values),
            _ORGANISATION,
            _COMMUNE,
            _SINCE,
            _UNTIL,
        ],
        responses=TrainingListSerializer(many=True),
    )
    def get(self, request):
        trainings = training_selectors.training_list(
            user=request.user, **_filters(TrainingFilterSerializer, request)
        )
        page = self.paginate_queryset(trainings)
        context = {"days_present": _days_present(page)}
        return self.get_paginated_response(
            TrainingListSerializer(page, many=True, context=context).data
        )


class TrainingDetailApi(GenericAPIView):
    serializer_class = TrainingDetailSerializer
    queryset = Training.objects.none()

    @extend_schema(
        operation_id="trainings_retrieve",
        summary="One training with its figures: participants by sex, tests, attendance",
        responses={200: TrainingDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        training = training_selectors.training_get_for_user(request.user, pk)
        return Response(TrainingDetailSerializer(training).data)


class AdvocacyActionListApi(GenericAPIView):
    serializer_class = AdvocacyActionOutputSerializer
    queryset = AdvocacyAction.objects.none()

    @extend_schema(
        operation_id="advocacy_actions_list",
        summary="Advocacy actions and mobilisation events, latest first",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=AdvocacyAction.Kind.values),
            _ORGANISATION,
            OpenApiParameter("outcome", OpenApiTypes.STR, enum=AdvocacyAction.Outcome.values),
            OpenApiParameter("since", OpenApiTypes.DATE, description="Held on or after."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Held on or before."),
        ],
        responses=AdvocacyActionOutputSerializer(many=True),
    )
    def get(self, request):
        actions = training_selectors.advocacy_list(
            user=request.user, **_filters(AdvocacyFilterSerializer, request)
        )
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(AdvocacyActionOutputSerializer(page, many=True).data)


class AdvocacyActionDetailApi(GenericAPIView):
    serializer_class = AdvocacyActionOutputSerializer
    queryset = AdvocacyAction.objects.none()

    @extend_schema(
        operation_id="advocacy_actions_retrieve",
        summary="One advocacy action or mobilisation event",
        responses={200: AdvocacyActionOutputSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        action = training_selectors.advocacy_get_for_user(request.user, pk)
        return Response(AdvocacyActionOutputSerializer(action).data)


urlpatterns = [
    path("capsules/", CapsuleListApi.as_view(), name="capsules-api-list"),
    path("capsules/<int:pk>/", CapsuleDetailApi.as_view(), name="capsules-api-detail"),
    path("schools/", SchoolListApi.as_view(), name="schools-api-list"),
    path("schools/<int:pk>/", SchoolDetailApi.as_view(), name="schools-api-detail"),
    path(
        "awareness-sessions/",
        AwarenessSessionListApi.as_view(),
        name="awareness-sessions-api-list",
    ),
    path(
        "awareness-sessions/<int:pk>/",
        AwarenessSessionDetailApi.as_view(),
        name="awareness-sessions-api-detail",
    ),
    path("trainings/", TrainingListApi.as_view(), name="trainings-api-list"),
    path("trainings/<int:pk>/", TrainingDetailApi.as_view(), name="trainings-api-detail"),
    path("advocacy-actions/", AdvocacyActionListApi.as_view(), name="advocacy-actions-api-list"),
    path(
        "advocacy-actions/<int:pk>/",
        AdvocacyActionDetailApi.as_view(),
        name="advocacy-actions-api-detail",
    ),
]
