"""The admin site for platform administrators; changes made here are audited like any other.

Initiatives are never deleted here (cancelling is a status), and reach reports are read-only:
they are written through the report form or the API, which respect locked months and the rule
that totals to date never go down.
"""

from django.contrib import admin

from madina.actors.admin import AuditedAdmin
from madina.initiatives.models import (
    ActivityType,
    DraftDecision,
    Initiative,
    InitiativePartner,
    OverlapCandidate,
    ReachByGroup,
    ReachReport,
    ReportingPeriod,
    TargetGroup,
)


class PartnerInline(admin.TabularInline):
    model = InitiativePartner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Initiative)
class InitiativeAdmin(AuditedAdmin):
    list_display = ["title", "lead_organisation", "sector", "status", "start_date", "updated_at"]
    list_filter = ["status", "visibility", "sector"]
    search_fields = ["title", "search_text", "external_id"]
    autocomplete_fields = ["lead_organisation", "funder"]
    filter_horizontal = ["communes", "target_groups"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    list_select_related = ["lead_organisation", "sector"]
    inlines = [PartnerInline]

    def _organisation_id(self, obj) -> int | None:
        return obj.lead_organisation_id

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TargetGroup, ActivityType)
class TaxonomyAdmin(AuditedAdmin):
    list_display = ["code", "name_fr", "name_ar", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_ar", "name_fr", "name_en"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["month", "locked_at", "locked_by"]
    readonly_fields = ["month", "locked_at", "locked_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReachByGroupInline(admin.TabularInline):
    model = ReachByGroup
    extra = 0


@admin.register(ReachReport)
class ReachReportAdmin(admin.ModelAdmin):
    list_display = ["initiative", "commune", "period", "women", "men", "girls", "boys"]
    list_filter = ["period"]
    search_fields = ["initiative__title"]
    list_select_related = ["initiative", "commune", "period"]
    inlines = [ReachByGroupInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OverlapCandidate)
class OverlapCandidateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "first", "second", "score", "state"]
    list_filter = ["state"]
    raw_id_fields = ["first", "second", "reviewed_by"]


@admin.register(DraftDecision)
class DraftDecisionAdmin(admin.ModelAdmin):
    list_display = ["draft_title", "candidate", "decision", "organisation", "created_at"]
    list_filter = ["decision"]
    raw_id_fields = ["candidate", "created_initiative", "organisation", "decided_by"]
