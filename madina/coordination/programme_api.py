"""REST endpoints of programmes; ``madina.coordination.api`` adds ``urlpatterns`` to its own.

The same selectors and services as the pages: whoever may not see a space's content gets 404,
whoever sees it but may not do what they asked 403. Items come as a flat list in the tree's
order, each with its parent, depth, rolled-up progress and lead organisation.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from madina.coordination import programme_selectors as selectors
from madina.coordination import programme_services as services
from madina.coordination.api import _as_drf
from madina.coordination.models import Programme, ProgrammeItem
from madina.coordination.selectors import space_get_for_user

_ERRORS = {
    400: OpenApiResponse(description="Invalid values, per field."),
    403: OpenApiResponse(description="Visible to you, but you may not change it."),
    404: OpenApiResponse(description="No such record, or not visible to you."),
}


class ProgrammeOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Programme.Kind.choices, read_only=True)
    status = serializers.ChoiceField(choices=Programme.Status.choices, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "space", *services.PROGRAMME_FIELDS, "url"]
        read_only_fields = fields


class ItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    parent = serializers.IntegerField(source="item.parent_id", allow_null=True)
    depth = serializers.IntegerField()
    kind = serializers.ChoiceField(source="item.kind", choices=ProgrammeItem.Kind.choices)
    code = serializers.CharField(source="item.code")
    title = serializers.CharField(source="item.title")
    start_date = serializers.DateField(source="item.start_date", allow_null=True)
    due_date = serializers.DateField(source="item.due_date", allow_null=True)
    status = serializers.ChoiceField(source="item.status", choices=ProgrammeItem.Status.choices)
    status_overridden = serializers.BooleanField(source="item.status_overridden")
    progress = serializers.IntegerField(source="progress_percent", allow_null=True)
    lead_organisation = serializers.SerializerMethodField()
    awaiting_review = serializers.BooleanField()

    def get_lead_organisation(self, node) -> int | None:
        return node.lead.organisation_id if node.lead else None


class ProgrammeDetailSerializer(ProgrammeOutputSerializer):
    progress = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta(ProgrammeOutputSerializer.Meta):
        fields = [*ProgrammeOutputSerializer.Meta.fields, "progress", "items"]
        read_only_fields = fields

    def get_progress(self, programme) -> int | None:
        return self.context["tree"].progress_percent

    def get_items(self, programme) -> list[dict]:
        return ItemOutputSerializer(self.context["tree"].nodes, many=True).data


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProgrammeItem.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    progress = serializers.IntegerField(required=False, allow_null=True, default=None)


class SpaceProgrammeListApi(GenericAPIView):
    serializer_class = ProgrammeOutputSerializer
    queryset = Programme.objects.none()

    @extend_schema(
        operation_id="spaces_programmes_list",
        summary="The programmes and roadmaps of a space",
        responses={200: ProgrammeOutputSerializer(many=True), 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        space = space_get_for_user(request.user, pk)
        programmes = selectors.space_programmes(request.user, space)
        if programmes is None:
            raise NotFound
        page = self.paginate_queryset(programmes)
        return self.get_paginated_response(ProgrammeOutputSerializer(page, many=True).data)


class ProgrammeDetailApi(GenericAPIView):
    serializer_class = ProgrammeDetailSerializer
    queryset = Programme.objects.none()

    @extend_schema(
        operation_id="programmes_retrieve",
        summary="A programme with its items, progress and leads",
        responses={200: ProgrammeDetailSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, pk: int):
        programme = selectors.programme_get_for_user(request.user, pk)
        tree = selectors.programme_tree(programme)
        return Response(ProgrammeDetailSerializer(programme, context={"tree": tree}).data)


class ItemStatusApi(GenericAPIView):
    serializer_class = StatusInputSerializer
    queryset = ProgrammeItem.objects.none()

    @extend_schema(
        operation_id="programme_items_status",
        summary="Update an action's or milestone's status (its lead, the space's editors)",
        request=StatusInputSerializer,
        responses={200: ItemOutputSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        item = selectors.item_get_for_user(request.user, pk, perm="coordination.update_item_status")
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.item_set_status(actor=request.user, item=item, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        tree = selectors.programme_tree(item.programme)
        node = next(node for node in tree.nodes if node.item.pk == item.pk)
        return Response(ItemOutputSerializer(node).data)


urlpatterns = [
    path(
        "spaces/<int:pk>/programmes/",
        SpaceProgrammeListApi.as_view(),
        name="spaces-api-programmes",
    ),
    path("programmes/<int:pk>/", ProgrammeDetailApi.as_view(), name="programmes-api-detail"),
    path(
        "programme-items/<int:pk>/status/",
        ItemStatusApi.as_view(),
        name="programme-items-api-status",
    ),
]
