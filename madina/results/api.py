"""REST endpoints of results frameworks: projects, editions, an edition's framework, an
indicator's values per period, and what one value counted; madina/api/urls.py includes
``urlpatterns``.

Read-only, through the pages' selectors (decision 24): every signed-in user reads them, they
hold counts, never personal data; what does not exist is 404. Values are the stored ones (never
recounted here); a small cell stays null, and a manual value shows only once approved, as on
the pages. The drill-down lists the ids of the records counted that the reader may see
elsewhere, and never any for a confidential source (incidents from cases). Figures are JSON
numbers; communes are given by their code.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.initiatives.selectors import visible_initiatives
from madina.meetings.selectors import visible_meetings, visible_recommendations
from madina.results import compute, selectors
from madina.results.models import Edition, Indicator, IndicatorValue, Project
from madina.territory.models import Area

_NUMBER = {"coerce_to_string": False}

# --- Serializers: projects and editions ---------------------------------------------------------


class DatePeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


def _periods(bounds) -> list[dict]:
    return DatePeriodSerializer([{"start": s, "end": e} for s, e in bounds], many=True).data


class EditionSummarySerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Edition
        fields = [
            "id",
            "name_ar",
            "name_fr",
            "name_en",
            "starts_on",
            "ends_on",
            "reporting_period",
            "computed_at",
            "url",
        ]
        read_only_fields = fields


class ProjectOutputSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    donors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    editions = EditionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "name_ar",
            "name_fr",
            "name_en",
            "donors",
            "editions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EditionDetailSerializer(EditionSummarySerializer):
    project = serializers.IntegerField(source="project_id")
    organisation = serializers.IntegerField(source="project.organisation_id")
    areas = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="Codes of its communes and provinces (a province counts its communes).",
    )
    periods = serializers.SerializerMethodField(help_text="Its reporting periods, in order.")

    class Meta(EditionSummarySerializer.Meta):
        fields = [
            *EditionSummarySerializer.Meta.fields,
            "project",
            "organisation",
            "areas",
            "periods",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DatePeriodSerializer(many=True))
    def get_periods(self, edition) -> list[dict]:
        return _periods(compute.periods(edition))


# --- Serializers: the framework ------------------------------------------------------------------


class IndicatorOutputSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="Code of the national-strategy programme it serves.",
    )
    source_label = serializers.SerializerMethodField()
    confidential = serializers.SerializerMethodField(
        help_text="Counted from confidential records: its values never list them."
    )
    disaggregation = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Breakdowns asked for: any of "sex", "age_band", "commune", "group".',
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "result",
            "code",
            "title_ar",
            "title_fr",
            "title_en",
            "unit",
            "baseline",
            "target",
            "source",
            "source_label",
            "sector",
            "disaggregation",
            "confidential",
            "url",
        ]
        read_only_fields = fields
        extra_kwargs = {"baseline": _NUMBER, "target": _NUMBER}

    def get_source_label(self, indicator) -> str:
        return selectors.source_label(indicator)

    def get_confidential(self, indicator) -> bool:
        return selectors.is_confidential(indicator)


def _number(value: IndicatorValue | None) -> float | None:
    return None if value is None else float(value.value)


class FrameworkRowSerializer(serializers.Serializer):
    """``selectors.IndicatorRow``: the indicator, its total over the edition and per period."""

    indicator = IndicatorOutputSerializer()
    total = serializers.SerializerMethodField(help_text="Over the whole edition.")
    progress = serializers.IntegerField(
        allow_null=True, help_text="(total − baseline) / (target − baseline), in %."
    )
    period_values = serializers.SerializerMethodField(
        help_text="One per reporting period of the framework, in order; null when none."
    )

    def get_total(self, row) -> float | None:
        return _number(row.total)

    def get_period_values(self, row) -> list[float | None]:
        return [_number(value) for value in row.periods]


class OutputBlockSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="result.pk")
    code = serializers.CharField(source="result.code")
    title_ar = serializers.CharField(source="result.title_ar")
    title_fr = serializers.CharField(source="result.title_fr")
    title_en = serializers.CharField(source="result.title_en")
    indicators = FrameworkRowSerializer(source="rows", many=True)


class OutcomeBlockSerializer(OutputBlockSerializer):
    outputs = OutputBlockSerializer(many=True)


class FrameworkSerializer(serializers.Serializer):
    edition = serializers.IntegerField(source="edition.pk")
    periods = serializers.SerializerMethodField()
    outcomes = OutcomeBlockSerializer(many=True)

    @extend_schema_field(DatePeriodSerializer(many=True))
    def get_periods(self, framework) -> list[dict]:
        return _periods(framework.periods)


# --- Serializers: values and the drill-down ------------------------------------------------------

_BREAKDOWN = serializers.DictField(
    child=serializers.DictField(child=serializers.IntegerField(allow_null=True)),
    help_text="Per dimension (sex, age_band, commune by code, group), the count of each cell; "
    "null for a small cell (under 5), never shown.",
)


class IndicatorValueSerializer(serializers.ModelSerializer):
    breakdown = serializers.SerializerMethodField()
    suppressed = serializers.SerializerMethodField(
        help_text="The total was too small to be given: shown as 0, without breakdown."
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "period_start",
            "period_end",
            "is_total",
            "value",
            "breakdown",
            "suppressed",
            "state",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"value": _NUMBER}

    @extend_schema_field(_BREAKDOWN)
    def get_breakdown(self, value) -> dict:
        codes = self.context.get("commune_codes", {})
        breakdown = {}
        for dimension, cells in (value.breakdown or {}).items():
            if not isinstance(cells, dict):
                continue  # the "suppressed" flag
            if dimension == "commune":
                cells = {codes.get(key, key): count for key, count in cells.items()}
            breakdown[dimension] = cells
        return breakdown

    def get_suppressed(self, value) -> bool:
        return bool((value.breakdown or {}).get("suppressed"))


def _commune_codes(values) -> dict[str, str]:
    """The communes of the values' breakdowns, id (as stored, a string) → code: one query."""
    ids = {
        int(key)
        for value in values
        if value is not None
        for key in (value.breakdown or {}).get("commune") or {}
        if str(key).isdigit()
    }
    if not ids:
        return {}
    return {str(pk): code for pk, code in Area.objects.filter(pk__in=ids).values_list("pk", "code")}


class PeriodValueSerializer(serializers.Serializer):
    """``selectors.PeriodRow``: one reporting period, or the whole edition (``is_total``)."""

    period_start = serializers.DateField(source="start")
    period_end = serializers.DateField(source="end")
    is_total = serializers.BooleanField()
    value = IndicatorValueSerializer(allow_null=True, help_text="Null when there is none yet.")


class IndicatorDetailSerializer(IndicatorOutputSerializer):
    edition = serializers.IntegerField(source="result.edition_id")
    values = serializers.SerializerMethodField(
        help_text="Per reporting period, then the whole edition."
    )

    class Meta(IndicatorOutputSerializer.Meta):
        fields = [*IndicatorOutputSerializer.Meta.fields, "edition", "values"]
        read_only_fields = fields

    @extend_schema_field(PeriodValueSerializer(many=True))
    def get_values(self, indicator) -> list[dict]:
        rows = selectors.indicator_periods(indicator)
        context = {"commune_codes": _commune_codes(row.value for row in rows)}
        return PeriodValueSerializer(rows, many=True, context=context).data


class ValueRecordsSerializer(serializers.Serializer):
    value = IndicatorValueSerializer()
    confidential = serializers.BooleanField(
        help_text="Counted from confidential records, which are never listed."
    )
    model = serializers.CharField(
        help_text='What was counted ("app_label.model"); empty when there is nothing to list.'
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The records counted that you may see."
    )
    hidden = serializers.IntegerField(help_text="Records counted that you may not see.")


# Records counted in places only some may see: the selectors the drill-down page uses. Every
# signed-in user reads the outreach records (decision 23).
_VISIBLE = {
    "initiatives.initiative": visible_initiatives,
    "meetings.meeting": visible_meetings,
    "meetings.recommendation": visible_recommendations,
}


def _value_records(user, value: IndicatorValue) -> dict:
    listed = {"value": value, "confidential": False, "model": "", "ids": [], "hidden": 0}
    if selectors.is_confidential(value.indicator):
        return {**listed, "confidential": True}
    model = (value.records or {}).get("model", "")
    if model not in selectors.RECORD_LISTS:
        return listed
    ids = sorted({int(pk) for pk in (value.records or {}).get("ids", [])})
    visible = _VISIBLE.get(model)
    if visible is None or not ids:
        return {**listed, "model": model, "ids": ids}
    shown = sorted(set(visible(user).filter(pk__in=ids).values_list("pk", flat=True)))
    return {**listed, "model": model, "ids": shown, "hidden": len(ids) - len(shown)}


_NOT_FOUND = OpenApiResponse(description="No such record.")

# --- Endpoints -----------------------------------------------------------------------------------


class ProjectListApi(GenericAPIView):
    serializer_class = ProjectOutputSerializer
    queryset = Project.objects.none()

    @extend_schema(
        operation_id="projects_list",
        summary="Projects, by name, each with its editions (latest first) and donors",
        responses=ProjectOutputSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.project_list(user=request.user))
        return self.get_paginated_response(ProjectOutputSerializer(page, many=True).data)


class EditionDetailApi(GenericAPIView):
    serializer_class = EditionDetailSerializer
    queryset = Edition.objects.none()

    @extend_schema(
        operation_id="editions_retrieve",
        summary="One edition of a project: its dates, territory and reporting periods",
        responses={200: EditionDetailSerializer, 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        edition = selectors.edition_get_for_user(request.user, pk)
        return Response(EditionDetailSerializer(edition).data)


class EditionFrameworkApi(GenericAPIView):
    serializer_class = FrameworkSerializer
    queryset = Edition.objects.none()

    @extend_schema(
        operation_id="editions_framework",
        summary="An edition's results framework: outcomes → outputs → indicators, with values",
        responses={200: FrameworkSerializer, 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        edition = selectors.edition_get_for_user(request.user, pk)
        return Response(FrameworkSerializer(selectors.framework(edition)).data)


class IndicatorDetailApi(GenericAPIView):
    serializer_class = IndicatorDetailSerializer
    queryset = Indicator.objects.none()

    @extend_schema(
        operation_id="indicators_retrieve",
        summary="One indicator with its value, breakdown and state per reporting period",
        responses={200: IndicatorDetailSerializer, 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        indicator = selectors.indicator_get_for_user(request.user, pk)
        return Response(IndicatorDetailSerializer(indicator).data)


class ValueRecordsApi(GenericAPIView):
    serializer_class = ValueRecordsSerializer
    queryset = IndicatorValue.objects.none()

    @extend_schema(
        operation_id="indicator_values_records",
        summary="What one value counted: the ids of its records (none for a confidential source)",
        responses={200: ValueRecordsSerializer, 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        value = selectors.value_get_for_user(request.user, pk)
        data = _value_records(request.user, value)
        context = {"commune_codes": _commune_codes([value])}
        return Response(ValueRecordsSerializer(data, context=context).data)


urlpatterns = [
    path("projects/", ProjectListApi.as_view(), name="projects-api-list"),
    path("editions/<int:pk>/", EditionDetailApi.as_view(), name="editions-api-detail"),
    path(
        "editions/<int:pk>/framework/",
        EditionFrameworkApi.as_view(),
        name="editions-api-framework",
    ),
    path("indicators/<int:pk>/", IndicatorDetailApi.as_view(), name="indicators-api-detail"),
    path(
        "indicator-values/<int:pk>/records/",
        ValueRecordsApi.as_view(),
        name="indicator-values-api-records",
    ),
]
