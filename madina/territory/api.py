"""REST endpoints of this app; madina/api/urls.py includes ``urlpatterns``.

Administrative areas are public reference data: anyone may read them, nobody writes them here.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from madina.territory.models import Area
from madina.territory.selectors import area_search


class AreaFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Words of the name, in Arabic or Latin script; spelling variants match.",
    )
    level = serializers.ChoiceField(choices=Area.Level.choices, required=False)
    parent = serializers.CharField(
        required=False, max_length=32, help_text="Official code of the parent area."
    )


class AreaOutputSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True, allow_null=True
    )

    class Meta:
        model = Area
        fields = [
            "code",
            "level",
            "iso_code",
            "parent",
            "name_ar",
            "name_fr",
            "name_en",
            "alt_names",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
            "source",
        ]
        read_only_fields = fields


class AreaListApi(generics.ListAPIView):
    """Current administrative areas; best matches first when searching."""

    permission_classes = [AllowAny]
    serializer_class = AreaOutputSerializer

    def get_queryset(self):
        filters = AreaFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        areas = area_search(data.get("q", ""), level=data.get("level"))
        if data.get("parent"):
            areas = areas.filter(parent__code=data["parent"])
        return areas

    @extend_schema(parameters=[AreaFilterSerializer], operation_id="areas_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AreaDetailApi(generics.RetrieveAPIView):
    """One administrative area, by its official code."""

    permission_classes = [AllowAny]
    serializer_class = AreaOutputSerializer
    queryset = Area.objects.select_related("parent")
    lookup_field = "code"

    @extend_schema(operation_id="areas_retrieve")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("areas/", AreaListApi.as_view(), name="area-list"),
    path("areas/<str:code>/", AreaDetailApi.as_view(), name="area-detail"),
]
