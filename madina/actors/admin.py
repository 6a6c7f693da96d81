"""The admin site for platform administrators; changes made here are audited like any other."""

from django.contrib import admin
from django.db import models

from madina.actors.models import FocalPerson, Organisation, Sector
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """Record an audit event for every save and delete, many-to-many fields included."""

    def _organisation_id(self, obj) -> int | None:
        return None

    def save_model(self, request, obj, form, change):
        request._madina_before = (
            snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        record(
            actor=request.user,
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            instance=obj,
            before=getattr(request, "_madina_before", None),
            after=snapshot(obj),
            organisation_id=self._organisation_id(obj),
        )

    def delete_model(self, request, obj):
        record(
            actor=request.user,
            action=AuditEvent.Action.DELETE,
            instance=obj,
            before=snapshot(obj),
            organisation_id=self._organisation_id(obj),
        )
        super().delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["__str__", "acronym", "type", "commune", "is_active", "updated_at"]
    list_filter = ["type", "is_active", "sectors"]
    search_fields = ["name_ar", "name_fr", "name_en", "acronym", "search_text"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["sectors", "communes_covered"]
    raw_id_fields = ["commune"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["commune"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _organisation_id(self, obj) -> int | None:
        return obj.pk


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ["code", "__str__", "kind", "parent", "verified", "is_active"]
    list_filter = ["kind", "verified", "is_active"]
    search_fields = ["code", "name_ar", "name_fr", "name_en"]
    list_select_related = ["parent"]


@admin.register(FocalPerson)
class FocalPersonAdmin(AuditedAdmin):
    list_display = ["full_name", "role", "organisation", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["full_name", "role", "organisation__name_fr", "organisation__name_ar"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def _organisation_id(self, obj) -> int | None:
        return obj.organisation_id
