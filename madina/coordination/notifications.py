"""E-mails that the responsibility matrix drives, and the reminders of the daily job.

Each message is written in its recipient's language and names organisations, programmes and
actions only: never a person, and never the free text of a reason or a review comment (which
may name someone). It is queued through ``core.tasks.send_email`` once the writer's transaction
commits, one message per address, so that no recipient sees the others' addresses.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from madina.accounts.models import Membership
from madina.coordination.models import ProgrammeItem, Responsibility, ReviewRequest
from madina.core.tasks import send_email

Role = Responsibility.Role
EDITING = (Membership.Role.ADMIN, Membership.Role.MEMBER)


def recipients(organisation_ids: Iterable[int], *, editors_only: bool = False) -> dict[str, str]:
    """The addresses of the organisations' active people, each with their language."""
    memberships = Membership.objects.active().filter(
        organisation_id__in=list(organisation_ids), user__is_active=True
    )
    if editors_only:
        memberships = memberships.filter(role__in=EDITING)
    found = {}
    for email, language in memberships.values_list("user__email", "user__preferred_language"):
        if email:
            found[email.lower()] = language or settings.LANGUAGE_CODE
    return found


def send(addresses: dict[str, str], compose) -> int:
    """Queue ``compose()`` → (subject, body), rendered in each address's language."""
    messages = []
    for email, language in sorted(addresses.items()):
        with translation.override(language):
            subject, body = compose()
        messages.append((" ".join(str(subject).split()), str(body), email))

    def queue():
        for subject, body, email in messages:
            send_email(subject=subject, body=body, recipients=[email])

    transaction.on_commit(queue)
    return len(messages)


def link(path: str) -> str:
    """An address to open on the platform (``MADINA_BASE_URL`` names the site, if set)."""
    return getattr(settings, "MADINA_BASE_URL", "").rstrip("/") + path


def action_of(item: ProgrammeItem) -> ProgrammeItem:
    return item.parent if item.kind == ProgrammeItem.Kind.MILESTONE else item


def organisation_ids(item: ProgrammeItem, role: str) -> list[int]:
    return list(
        Responsibility.objects.filter(item=action_of(item), role=role).values_list(
            "organisation_id", flat=True
        )
    )


def lead_name(item: ProgrammeItem) -> str:
    lead = (
        Responsibility.objects.filter(item=action_of(item), role=Role.ACCOUNTABLE)
        .select_related("organisation")
        .first()
    )
    return lead.organisation.name if lead else _("no lead organisation yet")


def _facts(item: ProgrammeItem) -> dict[str, str]:
    return {
        "action": str(item),
        "programme": item.programme.title,
        "space": item.programme.space.name,
        "lead": lead_name(item),
        "status": str(ProgrammeItem.Status(item.status).label),
        "url": link(item.get_absolute_url()),
    }


def review_requested(item: ProgrammeItem, reviews: list[ReviewRequest]) -> int:
    sent = 0
    for review in reviews:

        def compose(review=review):
            facts = {**_facts(item), "organisation": review.organisation.name}
            facts["url"] = link(review.get_absolute_url())
            subject = _("Review requested: %(action)s") % facts
            body = (
                _(
                    "%(lead)s, the lead organisation of the action “%(action)s” of "
                    "“%(programme)s” (%(space)s), proposes to mark it done. Your organisation, "
                    "%(organisation)s, is consulted on it: approve, or ask for changes, here:"
                )
                % facts
            )
            return subject, f"{body}\n{facts['url']}\n"

        sent += send(recipients([review.organisation_id], editors_only=True), compose)
    return sent


def changes_requested(item: ProgrammeItem, review: ReviewRequest) -> int:
    def compose():
        facts = {**_facts(item), "organisation": review.organisation.name}
        subject = _("Changes requested: %(action)s") % facts
        body = (
            _(
                "%(organisation)s asks for changes before the action “%(action)s” of "
                "“%(programme)s” is marked done. Read its comment here:"
            )
            % facts
        )
        return subject, f"{body}\n{facts['url']}\n"

    lead = organisation_ids(item, Role.ACCOUNTABLE)
    return send(recipients(lead, editors_only=True), compose)


def status_changed(item: ProgrammeItem) -> int:
    def compose():
        facts = _facts(item)
        subject = _("%(action)s: %(status)s") % facts
        body = (
            _(
                "The status of “%(action)s” in “%(programme)s” (%(space)s) is now: %(status)s. "
                "Lead organisation: %(lead)s. You are told because your organisation is "
                "informed of this action."
            )
            % facts
        )
        return subject, f"{body}\n{facts['url']}\n"

    return send(recipients(organisation_ids(item, Role.INFORMED)), compose)


def item_changed(item: ProgrammeItem) -> int:
    def compose():
        facts = _facts(item)
        subject = _("%(action)s has changed") % facts
        body = (
            _(
                "The title, dates or status of “%(action)s” in “%(programme)s” (%(space)s) have "
                "changed. Lead organisation: %(lead)s. You are told because your organisation "
                "is informed of this action."
            )
            % facts
        )
        return subject, f"{body}\n{facts['url']}\n"

    return send(recipients(organisation_ids(item, Role.INFORMED)), compose)
