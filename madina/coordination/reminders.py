"""Reminders of the daily job and the weekly digest to each space's secretariat.

``today`` is a parameter everywhere, so that tests freeze time by passing a date. Like the
other notifications, the e-mails name organisations, programmes and actions only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madina.coordination import notifications
from madina.coordination.models import (
    Programme,
    ProgrammeItem,
    Reminder,
    Responsibility,
    ReviewRequest,
    Space,
    SpaceMember,
)

DAYS_BEFORE_DUE = 7
DIGEST_DAYS_AHEAD = 14
Status = ProgrammeItem.Status


def _running_items():
    """Actions and milestones of adopted programmes in open spaces, not done or dropped."""
    return (
        ProgrammeItem.objects.filter(
            kind__in=ProgrammeItem.TRACKED,
            programme__status=Programme.Status.ADOPTED,
            programme__space__closed_on__isnull=True,
            due_date__isnull=False,
        )
        .exclude(status__in=ProgrammeItem.CLOSED_STATUSES)
        .select_related("programme__space", "parent")
    )


def _lead(item: ProgrammeItem) -> Responsibility | None:
    return (
        Responsibility.objects.filter(
            item=notifications.action_of(item), role=Responsibility.Role.ACCOUNTABLE
        )
        .select_related("organisation", "contact")
        .first()
    )


@transaction.atomic
def send_reminders(
    *, today: datetime.date | None = None, days_before: int = DAYS_BEFORE_DUE
) -> int:
    """E-mail each lead ``days_before`` days before a due date, and once an item is late.

    Each reminder goes once per item, kind and due date (a new due date earns a new one). An
    item whose lead is missing gets none: the gap is flagged on the programme and in the digest.
    Returns the number of e-mails queued.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days_before)
    items = _running_items().filter(
        Q(due_date__gte=today, due_date__lte=horizon) | Q(due_date__lt=today, status=Status.LATE)
    )
    sent_before = set(
        Reminder.objects.filter(item__in=items).values_list("item_id", "kind", "due_date")
    )
    sent = 0
    for item in items.order_by("due_date", "pk"):
        kind = Reminder.Kind.LATE if item.due_date < today else Reminder.Kind.DUE_SOON
        if (item.pk, kind, item.due_date) in sent_before:
            continue
        lead = _lead(item)
        if lead is None:
            continue
        addresses = notifications.recipients([lead.organisation_id], editors_only=True)
        if lead.contact is not None and lead.contact.email:
            addresses.setdefault(lead.contact.email.lower(), settings.LANGUAGE_CODE)
        sent += notifications.send(addresses, _composer(item, kind, lead, today))
        Reminder.objects.create(item=item, kind=kind, due_date=item.due_date, sent_on=today)
    return sent


def _composer(item: ProgrammeItem, kind: str, lead: Responsibility, today: datetime.date):
    def compose():
        facts = {
            "action": str(item),
            "programme": item.programme.title,
            "space": item.programme.space.name,
            "lead": lead.organisation.name,
            "date": date_format(item.due_date, "DATE_FORMAT"),
            "url": notifications.link(item.get_absolute_url()),
        }
        if kind == Reminder.Kind.LATE:
            subject = _("Late: %(action)s") % facts
            body = (
                _(
                    "“%(action)s” of “%(programme)s” (%(space)s) was due on %(date)s and is late. "
                    "As its lead organisation, %(lead)s can update its status, or give a reason "
                    "for another status, here:"
                )
                % facts
            )
        else:
            subject = _("Due on %(date)s: %(action)s") % facts
            body = (
                _(
                    "“%(action)s” of “%(programme)s” (%(space)s) is due on %(date)s. As its lead "
                    "organisation, %(lead)s can update its status here:"
                )
                % facts
            )
        return subject, f"{body}\n{facts['url']}\n"

    return compose


def send_weekly_digest(*, today: datetime.date | None = None) -> int:
    """E-mail the people of each open space's secretariat what is late, what is due in the
    coming two weeks, what waits for review and which actions have no lead."""
    today = today or timezone.localdate()
    sent = 0
    spaces = Space.objects.filter(
        closed_on__isnull=True, programmes__status=Programme.Status.ADOPTED
    ).distinct()
    for space in spaces:
        secretariat = SpaceMember.objects.current(today).filter(
            space=space, position=SpaceMember.Position.SECRETARIAT
        )
        addresses = notifications.recipients(secretariat.values_list("organisation_id", flat=True))
        if not addresses:
            continue
        sent += notifications.send(addresses, _digest_composer(space, today))
    return sent


def _digest_composer(space: Space, today: datetime.date):
    running = list(_running_items().filter(programme__space=space).order_by("due_date", "pk"))
    horizon = today + datetime.timedelta(days=DIGEST_DAYS_AHEAD)
    lead_objects = {
        each.item_id: each.organisation
        for each in Responsibility.objects.filter(
            item__programme__space=space, role=Responsibility.Role.ACCOUNTABLE
        ).select_related("organisation")
    }
    waiting = set(
        ReviewRequest.objects.filter(
            item__programme__space=space, state=ReviewRequest.State.PENDING
        ).values_list("item_id", flat=True)
    )
    gaps = list(
        ProgrammeItem.objects.filter(
            programme__space=space,
            programme__status=Programme.Status.ADOPTED,
            kind=ProgrammeItem.Kind.ACTION,
        )
        .exclude(responsibilities__role=Responsibility.Role.ACCOUNTABLE)
        .order_by("code", "pk")
    )

    def lead_name(item):
        organisation = lead_objects.get(notifications.action_of(item).pk)
        return organisation.name if organisation else _("no lead organisation yet")

    def compose():
        overdue = [item for item in running if item.due_date < today]
        coming = [item for item in running if today <= item.due_date <= horizon]
        reviews = [item for item in running if item.pk in waiting]
        lines = [
            _("Weekly summary of the programmes of “%(space)s”.") % {"space": space.name},
            "",
        ]
        sections = [
            (
                ngettext(
                    "%(count)d action past its due date:",
                    "%(count)d actions past their due date:",
                    len(overdue),
                ),
                overdue,
            ),
            (
                ngettext(
                    "%(count)d action due in the next two weeks:",
                    "%(count)d actions due in the next two weeks:",
                    len(coming),
                ),
                coming,
            ),
            (
                ngettext(
                    "%(count)d action waiting for review:",
                    "%(count)d actions waiting for review:",
                    len(reviews),
                ),
                reviews,
            ),
        ]
        for heading, items in sections:
            lines.append(heading % {"count": len(items)})
            for item in items:
                lines.append(
                    f"- {item} ({date_format(item.due_date, 'SHORT_DATE_FORMAT')}) — "
                    f"{lead_name(item)}"
                )
            lines.append("")
        lines.append(
            ngettext(
                "%(count)d action without a lead organisation:",
                "%(count)d actions without a lead organisation:",
                len(gaps),
            )
            % {"count": len(gaps)}
        )
        lines += [f"- {item}" for item in gaps]
        lines += ["", notifications.link(space.get_absolute_url())]
        subject = _("Programmes of %(space)s: the week") % {"space": space.name}
        return subject, "\n".join(lines) + "\n"

    return compose
