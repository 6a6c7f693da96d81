"""Reads of the initiatives registry: fetch-and-authorise helpers used by pages and the API.

Who sees what is the rule ``initiatives.view_initiative`` of ``madina/initiatives/rules.py``:
coordinators see everything; any signed-in user sees what is shared with every organisation;
the lead's and the partners' people (read-only members included) also see what is kept to them.
``visible_initiatives`` is the same rule written as one query, for lists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import Organisation, Sector
from madina.actors.selectors import audit_rows
from madina.core.audit import trail_for
from madina.core.languages import staff_languages
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.text import search_q
from madina.initiatives.models import (
    ActivityType,
    Initiative,
    InitiativePartner,
    ReachReport,
    ReportingPeriod,
    TargetGroup,
)

REACH_KEYS = ("women", "men", "girls", "boys")


def _organisation_ids(user) -> list[int]:
    return organisation_ids(user)


def visible_initiatives(user) -> QuerySet[Initiative]:
    """Every initiative ``user`` may see, unfiltered and not prefetched."""
    if not user.is_authenticated:
        return Initiative.objects.none()
    if is_coordinator(user):
        return Initiative.objects.all()
    organisation_ids = _organisation_ids(user)
    partnered = InitiativePartner.objects.filter(organisation_id__in=organisation_ids).values(
        "initiative_id"
    )
    return Initiative.objects.filter(
        Q(visibility=Initiative.Visibility.SHARED)
        | Q(lead_organisation_id__in=organisation_ids)
        | Q(pk__in=partnered)
    )


def _partnerships():
    return Prefetch(
        "partnerships",
        queryset=InitiativePartner.objects.select_related("organisation").order_by(
            "role", "organisation__name_fr"
        ),
    )


def with_display_relations(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Everything a card, a table row or the detail page shows, in a fixed number of queries."""
    return queryset.select_related(
        "lead_organisation", "sector", "subsector", "activity_type", "funder"
    ).prefetch_related("communes__parent", "target_groups", _partnerships())


def initiative_get_for_user(
    user, pk: int, *, perm: str = "initiatives.view_initiative", for_display: bool = False
) -> Initiative:
    """The initiative ``pk`` if ``user`` may do ``perm`` on it.

    404 when it does not exist or the user may not see it; 403 when they may see it but not do
    ``perm`` (a read-only member asking to edit, a member of another organisation asking to
    edit a shared initiative).
    """
    queryset = with_display_relations(Initiative.objects.all()) if for_display else None
    initiative = get_object_or_404(
        queryset if queryset is not None else Initiative.objects.all(), pk=pk
    )
    visible = user.has_perm("initiatives.view_initiative", initiative)
    require(user, perm, initiative, visible=visible)
    return initiative


def _value(filters: dict, key: str):
    value = filters.get(key)
    return None if value in (None, "", []) else value


def initiative_list(*, user, filters: dict) -> QuerySet[Initiative]:
    """The registry as ``user`` may see it, filtered.

    ``filters`` may hold: ``q`` (forgiving search over titles, descriptions and their
    translations, in Arabic or Latin letters), ``organisation`` (lead or partner),
    ``sector`` (a programme with its sub-sectors, or one sub-sector), ``province``,
    ``commune``, ``target_group``, ``activity_type``, ``status``, ``period_start`` and
    ``period_end`` (initiatives whose dates overlap the range) and ``modified_since`` (a
    datetime). Empty values are ignored. The result is prefetched: listing it costs the same
    number of queries for 3 or 300 rows.
    """
    queryset = visible_initiatives(user)
    q = _value(filters, "q")
    if q and str(q).strip():
        queryset = queryset.filter(search_q(str(q)))
    organisation = _value(filters, "organisation")
    if organisation is not None:
        partnered = InitiativePartner.objects.filter(organisation=organisation).values(
            "initiative_id"
        )
        queryset = queryset.filter(Q(lead_organisation=organisation) | Q(pk__in=partnered))
    sector = _value(filters, "sector")
    if sector is not None:
        queryset = queryset.filter(
            Q(sector=sector) | Q(subsector=sector) | Q(subsector__parent=sector)
        )
    province = _value(filters, "province")
    if province is not None:
        queryset = queryset.filter(
            pk__in=Initiative.objects.filter(communes__parent=province).values("pk")
        )
    commune = _value(filters, "commune")
    if commune is not None:
        queryset = queryset.filter(pk__in=Initiative.objects.filter(communes=commune).values("pk"))
    target_group = _value(filters, "target_group")
    if target_group is not None:
        queryset = queryset.filter(
            pk__in=Initiative.objects.filter(target_groups=target_group).values("pk")
        )
    activity_type = _value(filters, "activity_type")
    if activity_type is not None:
        queryset = queryset.filter(activity_type=activity_type)
    status = _value(filters, "status")
    if status is not None:
        queryset = queryset.filter(status=status)
    start, end = _value(filters, "period_start"), _value(filters, "period_end")
    if start is not None or end is not None:
        queryset = queryset.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=end or datetime.date.max),
            Q(end_date__isnull=True) | Q(end_date__gte=start or datetime.date.min),
        )
    modified_since = _value(filters, "modified_since")
    if modified_since is not None:
        queryset = queryset.filter(updated_at__gte=modified_since)
    return with_display_relations(queryset)


def initiative_counts(queryset: QuerySet[Initiative]) -> dict[str, int]:
    """How many initiatives of a list are in each status (one query)."""
    counts = dict.fromkeys(Initiative.Status.values, 0)
    rows = queryset.order_by().values("status")
    # DISTINCT only when a join can repeat an initiative: over the whole registry it made the
    # count ~20× slower (a sort of every id) for nothing (issue 8).
    for row in rows.annotate(n=Count("pk", distinct=_joins_repeat_rows(rows.query))):
        counts[row["status"]] = row["n"]
    return counts


def _joins_repeat_rows(query) -> bool:
    """Whether a join of ``query`` follows a to-many relation (and may repeat a row)."""
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.many_to_many or field.one_to_many):
            return True
    return False


# --- Reach --------------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    locked: bool
    communes: list[ReachReport] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(getattr(r, key) for r in self.communes) for key in REACH_KEYS}

    @property
    def total(self) -> int:
        return sum(self.totals.values())


@dataclass
class CumulativeRow:
    """The latest totals to date of one commune: distinct people since the start."""

    commune: Any
    as_of: datetime.date
    values: dict[str, int | None]

    @property
    def total(self) -> int | None:
        if any(value is None for value in self.values.values()):
            return None
        return sum(self.values.values())


@dataclass
class ReachSummary:
    months: list[MonthRow]
    cumulative: list[CumulativeRow]

    @property
    def cumulative_totals(self) -> dict[str, int | None]:
        """Across communes: the sum of each commune's latest total to date (never of months)."""
        result: dict[str, int | None] = {}
        for key in REACH_KEYS:
            values = [row.values[key] for row in self.cumulative]
            result[key] = None if not values or None in values else sum(values)
        return result

    @property
    def cumulative_total(self) -> int | None:
        totals = self.cumulative_totals
        if any(value is None for value in totals.values()):
            return None
        return sum(totals.values())


def reach_reports(initiative: Initiative) -> QuerySet[ReachReport]:
    return (
        initiative.reach_reports.select_related("commune", "period")
        .prefetch_related("by_group__target_group")
        .order_by("-period__month", "commune__name_fr")
    )


def initiative_translations(initiative: Initiative) -> list[dict[str, str]]:
    """The translations of the title and description to show, the reader's language first.

    A translation into the language the text is written in, or without a title, is left out.
    """
    labels = {"ar": _("In Arabic"), "fr": _("In French"), "en": _("In English")}
    saved = initiative.translations if isinstance(initiative.translations, dict) else {}
    reader = (get_language() or "")[:2]
    shown = []
    for code, language in staff_languages():
        translation = saved.get(code)
        if code == initiative.language or not isinstance(translation, dict):
            continue
        title = str(translation.get("title") or "").strip()
        if not title:
            continue
        shown.append(
            {
                "code": code,
                "label": labels.get(code, language),
                "title": title,
                "description": str(translation.get("description") or "").strip(),
            }
        )
    shown.sort(key=lambda item: item["code"] != reader)
    return shown


def reach_totals(initiative: Initiative) -> ReachSummary:
    """The initiative's reach, as two tables that are never added together.

    ``months``: for each reported month (newest first), the figures of each commune that month.
    ``cumulative``: for each commune, its latest reported totals to date, as they were reported
    (a commune whose latest report has no totals to date falls back to the latest one that has).
    """
    reports = list(reach_reports(initiative))
    months: dict[datetime.date, MonthRow] = {}
    latest: dict[int, ReachReport] = {}
    for report in reports:
        month = report.period.month
        row = months.setdefault(month, MonthRow(month=month, locked=report.period.is_locked))
        row.communes.append(report)
        has_cumulative = any(getattr(report, f"cumulative_{key}") is not None for key in REACH_KEYS)
        if has_cumulative and report.commune_id not in latest:
            latest[report.commune_id] = report
    cumulative = [
        CumulativeRow(
            commune=report.commune,
            as_of=report.period.month,
            values={key: getattr(report, f"cumulative_{key}") for key in REACH_KEYS},
        )
        for report in sorted(latest.values(), key=lambda r: r.commune.name)
    ]
    return ReachSummary(months=list(months.values()), cumulative=cumulative)


def reach_report_for(initiative: Initiative, commune, month: datetime.date) -> ReachReport | None:
    return (
        initiative.reach_reports.filter(commune=commune, period__month=month)
        .prefetch_related("by_group")
        .first()
    )


def period_list() -> QuerySet[ReportingPeriod]:
    """Reporting months, newest first, each with its number of reports (``reports``)."""
    return (
        ReportingPeriod.objects.select_related("locked_by")
        .annotate(reports=Count("reach_reports"))
        .order_by("-month")
    )


def locked_months() -> set[datetime.date]:
    return set(
        ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("month", flat=True)
    )


# --- Audit trail --------------------------------------------------------------------------------


def initiative_audit_trail(*, user, initiative: Initiative) -> QuerySet[AuditEvent]:
    """The initiative's history and its reach reports', newest first (its editors, coordinators)."""
    require(
        user,
        "initiatives.change_initiative",
        initiative,
        visible=user.has_perm("initiatives.view_initiative", initiative),
    )
    report_ids = [str(pk) for pk in initiative.reach_reports.values_list("pk", flat=True)]
    reports = AuditEvent.objects.filter(
        object_type=ReachReport._meta.label_lower, object_id__in=report_ids
    )
    return (trail_for(initiative) | reports).select_related("actor")


# --- Choices for forms and filters --------------------------------------------------------------


def top_level_sectors() -> QuerySet[Sector]:
    """The sectors an initiative is filed under: the programmes of the national strategy."""
    return Sector.objects.filter(parent__isnull=True, is_active=True)


def subsectors() -> QuerySet[Sector]:
    return Sector.objects.filter(parent__isnull=False, is_active=True).select_related("parent")


def target_groups(*, active_only: bool = True) -> QuerySet[TargetGroup]:
    queryset = TargetGroup.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def activity_types(*, active_only: bool = True) -> QuerySet[ActivityType]:
    queryset = ActivityType.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def lead_organisation_choices(user) -> QuerySet[Organisation]:
    """Organisations ``user`` may register an initiative for."""
    queryset = Organisation.objects.filter(is_active=True)
    if is_coordinator(user):
        return queryset
    from madina.accounts.models import Membership

    editable = Membership.objects.active().filter(
        user=user, role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER]
    )
    return queryset.filter(pk__in=editable.values("organisation_id"))


def group_counts(report: ReachReport | None) -> dict[int, int]:
    if report is None:
        return {}
    return {row.target_group_id: row.people for row in report.by_group.all()}


def _partner_labels(values, organisations: dict, roles: dict) -> str:
    if not values:
        return "—"
    labels = []
    for value in values:
        organisation_id, _sep, role = str(value).partition(":")
        name = organisations.get(int(organisation_id), f"#{organisation_id}")
        labels.append(f"{name} ({roles.get(role, role)})")
    return ", ".join(labels)


def _group_labels(values, groups: dict) -> str:
    if not values:
        return "—"
    labels = []
    for value in values:
        group_id, _sep, people = str(value).partition(":")
        labels.append(f"{groups.get(int(group_id), f'#{group_id}')}: {people}")
    return ", ".join(labels)


def initiative_audit_rows(events) -> list[dict]:
    """Audit events in words, with the partners (and their roles) and the counts by group that
    the registry's services record under keys of their own."""
    events = list(events)
    special: dict[int, dict] = {}
    organisation_ids, group_ids = set(), set()
    for event in events:
        extra = {
            key: event.changes.pop(key)
            for key in ("partnerships", "by_group")
            if key in event.changes
        }
        special[event.pk] = extra
        for value in extra.get("partnerships") or [None, None]:
            organisation_ids.update(int(v.split(":")[0]) for v in value or [])
        for value in extra.get("by_group") or [None, None]:
            group_ids.update(int(v.split(":")[0]) for v in value or [])
    organisations = {
        pk: str(o) for pk, o in Organisation.objects.in_bulk(list(organisation_ids)).items()
    }
    groups = {pk: str(g) for pk, g in TargetGroup.objects.in_bulk(list(group_ids)).items()}
    roles = dict(InitiativePartner.Role.choices)
    rows = audit_rows(events)
    for row in rows:
        extra = special[row["event"].pk]
        row["event"].changes.update(extra)
        if "partnerships" in extra:
            before, after = extra["partnerships"]
            row["changes"].append(
                {
                    "label": _("partners"),
                    "before": _partner_labels(before, organisations, roles),
                    "after": _partner_labels(after, organisations, roles),
                }
            )
        if "by_group" in extra:
            before, after = extra["by_group"]
            row["changes"].append(
                {
                    "label": _("Of whom, by population group"),
                    "before": _group_labels(before, groups),
                    "after": _group_labels(after, groups),
                }
            )
    return rows
