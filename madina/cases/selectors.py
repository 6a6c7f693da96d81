"""Reads of cases and referrals: fetch, authorise and log, so a view never queries them directly.

Every function that returns case content writes an access event. A refusal answers 404, as if
the case did not exist, and is logged against the case when there is one.
"""

from __future__ import annotations

import statistics as pystats
import threading
from collections import Counter, defaultdict
from datetime import timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from madina.cases import access
from madina.cases.models import (
    AccessEvent,
    Approval,
    Case,
    Consent,
    FollowUp,
    Incident,
    PlanItem,
    Referral,
    Transfer,
)
from madina.directory.models import Service

SMALL_CELL = 5


def log_access(case: Case, user, action: str, part: str = "case", detail: str = "") -> None:
    AccessEvent.objects.create(
        case=case,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        part=part[:40],
        detail=detail[:200],
    )


_pending = threading.local()


def log_refusal(case: Case, user, part: str, detail: str = "") -> None:
    """Log a refused access or refused input against the case, and keep it.

    A refusal raised inside a transaction rolls it back, and a log row written there with it:
    so inside a transaction the event waits, and ``flush_refusals`` (run by every case page when
    it has answered, outside any transaction) writes it.
    """
    event = (case.pk, user, part, detail)
    if connection.in_atomic_block:
        if not hasattr(_pending, "events"):
            _pending.events = []
        _pending.events.append(event)
        return
    _write_refusal(*event)


def _write_refusal(case_pk: int, user, part: str, detail: str) -> None:
    AccessEvent.objects.create(
        case_id=case_pk,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=AccessEvent.Action.DENIED,
        part=part[:40],
        detail=detail[:200],
    )


def flush_refusals() -> int:
    """Write the refusals that waited for their transaction to end (see ``log_refusal``)."""
    events = getattr(_pending, "events", [])
    _pending.events = []
    written = 0
    for case_pk, user, part, detail in events:
        if Case.objects.filter(pk=case_pk).exists():
            _write_refusal(case_pk, user, part, detail)
            written += 1
    return written


def _refuse(case: Case | None, user, part: str):
    if case is not None:
        log_refusal(case, user, part)
    raise Http404


def _owner_visible(user) -> Q:
    """Cases on the owner side: supervised organisations' cases and the user's own."""
    supervised = access.supervised_organisations(user)
    workers = [
        org for org, role in access.case_roles(user).items() if role == access.CaseRole.CASE_WORKER
    ]
    return Q(organisation_id__in=supervised) | Q(organisation_id__in=workers, workers=user)


def case_get(user, code: str, *, part: str = "case", log: bool = True) -> Case:
    """The case with ``code`` if ``user`` works on it, else 404; both are logged."""
    case = Case.objects.select_related("person", "organisation").filter(code=code).first()
    if case is None or not access.is_verified(user) or not access.can_see_case(user, case):
        _refuse(case, user, part)
    if log:
        log_access(case, user, AccessEvent.Action.READ, part)
    return case


def case_list(
    user, *, q: str = "", stage: str = "", urgent: bool = False, mine: bool = False
) -> QuerySet[Case]:
    """Cases the user works on, urgent first; codes only, no identity is read."""
    if not access.is_verified(user) or not access.case_roles(user):
        return Case.objects.none()
    queryset = Case.objects.filter(_owner_visible(user)).distinct()
    if mine:
        queryset = queryset.filter(workers=user)
    if q:
        queryset = queryset.filter(code__icontains=q.strip())
    if stage:
        queryset = queryset.filter(stage=stage)
    if urgent:
        queryset = queryset.filter(urgent_until__gt=timezone.now())
    return (
        queryset.select_related("organisation", "person")
        .prefetch_related("workers")
        .order_by("-urgent_until", "stage", "-opened_on", "-id")
    )


def identity_reveal(user, case: Case) -> dict:
    """The person's identity, after the user asked to see it; the reveal is logged."""
    if not access.is_verified(user) or not access.can_reveal(user, case):
        _refuse(case, user, "identity")
    log_access(case, user, AccessEvent.Action.REVEAL, "identity")
    identity = getattr(case.person, "identity", None)
    return dict(identity.data) if identity is not None else {}


def consents_for(case: Case) -> QuerySet[Consent]:
    return case.consents.select_related("recorded_by", "withdrawn_by")


def valid_consent(case: Case, purpose: str, recipient_kind: str = "", day=None) -> Consent | None:
    """The most recent consent valid today for this purpose (and kind of recipient)."""
    day = day or timezone.localdate()
    candidates = case.consents.filter(
        purpose=purpose, recipient_kind=recipient_kind, withdrawn_at__isnull=True, given_on__lte=day
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    return candidates.order_by("-given_on", "-id").first()


# -- referrals --------------------------------------------------------------------------------


def receivable_services(user) -> QuerySet[Service]:
    """Services whose referrals the user answers."""
    if not user.is_authenticated or access._token_scoped(user):
        return Service.objects.none()
    focal = Q(
        referral_focal_point__email__iexact=user.email,
        organisation_id__in=list(
            user.memberships.active().values_list("organisation_id", flat=True)
        ),
    )
    return Service.objects.filter(focal | Q(organisation_id__in=list(access.case_roles(user))))


def referral_for_owner(user, pk: int, *, part: str = "referral") -> Referral:
    referral = (
        Referral.objects.select_related("case", "service__organisation").filter(pk=pk).first()
    )
    case = referral.case if referral else None
    if case is None or not access.is_verified(user) or not access.can_see_case(user, case):
        _refuse(case, user, f"{part}:{pk}")
    log_access(case, user, AccessEvent.Action.READ, f"{part}:{pk}")
    return referral


def referral_for_receiver(user, pk: int, *, log: bool = True) -> Referral:
    """The referral as its receiver sees it: only while open and covered by consent (404 else)."""
    referral = (
        Referral.objects.select_related("case", "service__organisation", "consent")
        .filter(pk=pk)
        .first()
    )
    if (
        referral is None
        or not access.is_verified(user)
        or not access.receiver_may_see(user, referral)
    ):
        _refuse(referral.case if referral else None, user, f"packet:{pk}")
    if log:
        log_access(referral.case, user, AccessEvent.Action.READ, f"packet:{pk}")
    return referral


def referral_side(user, pk: int) -> tuple[Referral, str]:
    """The referral and which side the user is on: "owner" or "receiver" (owner wins)."""
    referral = Referral.objects.select_related("case", "service", "consent").filter(pk=pk).first()
    if referral is not None and access.is_verified(user):
        if access.can_see_case(user, referral.case):
            return referral_for_owner(user, pk), "owner"
        if access.receiver_may_see(user, referral):
            return referral_for_receiver(user, pk), "receiver"
    _refuse(referral.case if referral else None, user, f"referral:{pk}")


def referrals_received(user, *, open_only: bool = False) -> QuerySet[Referral]:
    """Referrals sent to the user's services; the list shows codes of referrals, not of cases."""
    if not access.is_verified(user):
        return Referral.objects.none()
    queryset = Referral.objects.filter(service__in=receivable_services(user)).exclude(
        state=Referral.State.DRAFT
    )
    # An open referral whose consent lapsed is not the receiver's any more: not listed.
    today = timezone.localdate()
    consent_valid = Q(consent__withdrawn_at__isnull=True, consent__given_on__lte=today) & (
        Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today)
    )
    covered = ~Q(override_reason="") | consent_valid
    queryset = queryset.filter(~Q(state__in=Referral.OPEN_STATES) | covered)
    if open_only:
        queryset = queryset.filter(state__in=Referral.OPEN_STATES)
    return queryset.select_related("service__organisation").order_by(
        "-is_urgent", "-sent_at", "-id"
    )


def referrals_sent(user) -> QuerySet[Referral]:
    if not access.is_verified(user):
        return Referral.objects.none()
    cases = Case.objects.filter(_owner_visible(user))
    return (
        Referral.objects.filter(case__in=cases)
        .select_related("case", "service__organisation")
        .order_by("-is_urgent", "-created_at", "-id")
    )


def response_times(services) -> dict[int, dict]:
    """Per service: referrals answered, median and slowest hours from sending to the answer."""
    hours: dict[int, list[float]] = defaultdict(list)
    waiting: Counter = Counter()
    rows = Referral.objects.filter(service__in=services, sent_at__isnull=False).values_list(
        "service_id", "sent_at", "responded_at"
    )
    for service_id, sent_at, responded_at in rows:
        if responded_at is None:
            waiting[service_id] += 1
        else:
            hours[service_id].append((responded_at - sent_at).total_seconds() / 3600)
    result = {}
    for service_id in set(hours) | set(waiting):
        values = hours.get(service_id, [])
        result[service_id] = {
            "answered": len(values),
            "waiting": waiting[service_id],
            "median_hours": round(pystats.median(values), 1) if values else None,
            "max_hours": round(max(values), 1) if values else None,
        }
    return result


# -- inbox ------------------------------------------------------------------------------------


def inbox(user) -> dict:
    """What waits for the user: cases, referrals, approvals, transfers and overdue tasks."""
    today = timezone.localdate()
    cases = case_list(user, mine=True).exclude(stage=Case.Stage.CLOSED)
    owner_cases = (
        Case.objects.filter(_owner_visible(user))
        if access.is_verified(user)
        else (Case.objects.none())
    )
    supervised = access.supervised_organisations(user) if access.is_verified(user) else []
    later_follow_up = FollowUp.objects.filter(case=OuterRef("case"), on__gt=OuterRef("on"))
    return {
        "cases": cases[:50],
        "received": referrals_received(user, open_only=True)[:50],
        "sent_pending": referrals_sent(user).filter(state=Referral.State.SENT)[:50],
        "approvals": Approval.objects.filter(
            case__organisation_id__in=supervised, decision=Approval.Decision.PENDING
        )
        .select_related("case", "requested_by")
        .order_by("created_at")[:50],
        "transfers": Transfer.objects.filter(
            to_organisation_id__in=supervised, state=Transfer.State.PENDING
        )
        .select_related("case", "from_organisation")
        .order_by("created_at")[:50],
        "overdue_plan": PlanItem.objects.filter(
            case__in=owner_cases.exclude(stage=Case.Stage.CLOSED),
            status__in=[PlanItem.Status.PLANNED, PlanItem.Status.REFERRED],
            due_on__lt=today,
        )
        .select_related("case")
        .order_by("-is_urgent", "due_on")[:50],
        "overdue_follow_ups": FollowUp.objects.filter(
            case__in=owner_cases.exclude(stage=Case.Stage.CLOSED), next_due_on__lt=today
        )
        .exclude(Exists(later_follow_up))
        .select_related("case")
        .order_by("next_due_on")[:50],
    }


def access_log(user, case: Case) -> QuerySet[AccessEvent]:
    """The case's access log, for its workers and supervisors."""
    if not access.can_see_case(user, case):
        _refuse(case, user, "access_log")
    return case.access_events.select_related("user")


# -- statistics -------------------------------------------------------------------------------

DIMENSIONS = ("month", "province", "commune", "age_band", "sex")


def statistics_organisations(user) -> list[int] | None:
    """Whose incidents the user may count: all (None) for coordinators, else supervised ones."""
    if user.is_authenticated and user.is_coordinator and not access._token_scoped(user):
        return None
    return access.supervised_organisations(user)


def may_see_statistics(user) -> bool:
    orgs = statistics_organisations(user)
    return orgs is None or bool(orgs)


def consented_incidents() -> QuerySet[Incident]:
    """Incidents whose case has consent to anonymous statistics today.

    The only way other apps (the results framework) count incidents: they get these rows'
    type, date, commune, sex and age band, and must suppress small cells themselves.
    """
    today = timezone.localdate()
    consented = Consent.objects.filter(
        case=OuterRef("case"),
        purpose=Consent.Purpose.STATISTICS,
        withdrawn_at__isnull=True,
        given_on__lte=today,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return Incident.objects.filter(Exists(consented))


def statistics(user, *, dimension: str, start=None, end=None, province=None) -> dict:
    """Incidents counted by GBVIMS type and one dimension, only with consent to statistics.

    Every cell (and every total) under 5 is suppressed (``None``); nothing is broken down below
    the commune. Consent is read as it is today: a withdrawn consent takes the incident out.
    """
    if dimension not in DIMENSIONS or not may_see_statistics(user):
        raise Http404
    incidents = consented_incidents()
    orgs = statistics_organisations(user)
    if orgs is not None:
        incidents = incidents.filter(case__organisation_id__in=orgs)
    if start:
        incidents = incidents.filter(occurred_on__gte=start)
    if end:
        incidents = incidents.filter(occurred_on__lte=end)
    if province is not None:
        incidents = incidents.filter(commune__parent=province)
    key = {
        "month": "occurred_on",
        "province": "commune__parent_id",
        "commune": "commune_id",
        "age_band": "age_band",
        "sex": "sex",
    }[dimension]
    counts: Counter = Counter()
    for type_, value in incidents.values_list("type", key):
        if dimension == "month":
            value = value.strftime("%Y-%m")
        counts[(type_, value)] += 1
    columns = sorted({value for _, value in counts}, key=lambda v: (v is None, str(v)))
    types = [t for t in Incident.Type.values if any(k[0] == t for k in counts)]

    def shown(n: int) -> int | None:
        return n if n >= SMALL_CELL else None

    rows = []
    for type_ in types:
        cells = [shown(counts[(type_, column)]) for column in columns]
        rows.append(
            {
                "type": type_,
                "cells": cells,
                "total": shown(sum(counts[(type_, column)] for column in columns)),
            }
        )
    column_totals = [shown(sum(counts[(t, column)] for t in types)) for column in columns]
    return {
        "dimension": dimension,
        "columns": columns,
        "rows": rows,
        "column_totals": column_totals,
        "total": shown(sum(counts.values())),
        "small_cell": SMALL_CELL,
    }


def reporting_delay_days(incident: Incident) -> int:
    return (incident.reported_on - incident.occurred_on).days


def overdue_cutoff():
    return timezone.localdate() - timedelta(days=0)
