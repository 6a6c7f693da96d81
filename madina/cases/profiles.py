"""Referral profiles: which sections of a case a kind of receiver sees (docs/decisions/0022).

The sender picks a profile that fits the receiving service; the profile decides the sections of
the packet, and the sender may leave sections out but never add one. The packet is built when
the referral is sent and frozen: the receiver sees that, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from madina.cases.models import RecipientKind


class Section:
    NAMES = "names"
    BIRTH = "birth"
    AGE = "age"
    NATIONALITY = "nationality"
    CONTACT = "contact"
    INCIDENTS = "incidents"
    INCIDENT_DETAILS = "incident_details"
    NEEDS = "needs"
    SAFETY_PLAN = "safety_plan"
    MESSAGE = "message"


SECTION_LABELS = {
    Section.NAMES: _("names"),
    Section.BIRTH: _("date of birth"),
    Section.AGE: _("sex and age band"),
    Section.NATIONALITY: _("nationality"),
    Section.CONTACT: _("phone and safe way to contact"),
    Section.INCIDENTS: _("incidents: type, date and commune"),
    Section.INCIDENT_DETAILS: _("incidents: what happened"),
    Section.NEEDS: _("needs and risk level"),
    Section.SAFETY_PLAN: _("safety plan"),
    Section.MESSAGE: _("message from the sender"),
}


@dataclass(frozen=True)
class Profile:
    code: str
    label: str
    recipient_kind: str
    sections: tuple[str, ...]
    # Service types and cell kinds this profile may be sent to.
    service_types: tuple[str, ...] = ()
    cell_kinds: tuple[str, ...] = ()


S = Section
PROFILES: dict[str, Profile] = {
    p.code: p
    for p in (
        Profile(
            "court_cell",
            _("court cell"),
            RecipientKind.COURT_CELL,
            (
                S.NAMES,
                S.BIRTH,
                S.AGE,
                S.NATIONALITY,
                S.CONTACT,
                S.INCIDENTS,
                S.INCIDENT_DETAILS,
                S.NEEDS,
                S.MESSAGE,
            ),
            cell_kinds=("court",),
        ),
        Profile(
            "hospital_unit",
            _("hospital unit"),
            RecipientKind.HOSPITAL_UNIT,
            (S.NAMES, S.BIRTH, S.AGE, S.CONTACT, S.INCIDENTS, S.NEEDS, S.MESSAGE),
            cell_kinds=("hospital",),
        ),
        Profile(
            "police",
            _("police or gendarmerie cell"),
            RecipientKind.POLICE,
            (
                S.NAMES,
                S.BIRTH,
                S.AGE,
                S.NATIONALITY,
                S.CONTACT,
                S.INCIDENTS,
                S.INCIDENT_DETAILS,
                S.MESSAGE,
            ),
            cell_kinds=("police", "gendarmerie"),
        ),
        Profile(
            "health",
            _("health service"),
            RecipientKind.HEALTH,
            (S.NAMES, S.AGE, S.CONTACT, S.INCIDENTS, S.NEEDS, S.MESSAGE),
            service_types=("medical",),
        ),
        Profile(
            "psychosocial",
            _("psychosocial support"),
            RecipientKind.PSYCHOSOCIAL,
            (S.NAMES, S.AGE, S.CONTACT, S.NEEDS, S.MESSAGE),
            service_types=("psychosocial",),
        ),
        Profile(
            "shelter",
            _("shelter"),
            RecipientKind.SHELTER,
            (S.NAMES, S.AGE, S.CONTACT, S.NEEDS, S.SAFETY_PLAN, S.MESSAGE),
            service_types=("shelter",),
        ),
        Profile(
            "legal_aid",
            _("legal aid"),
            RecipientKind.LEGAL_AID,
            (S.NAMES, S.BIRTH, S.AGE, S.NATIONALITY, S.CONTACT, S.INCIDENTS, S.MESSAGE),
            service_types=("legal", "police_justice"),
        ),
        Profile(
            "other_service",
            _("other service (minimal packet)"),
            RecipientKind.OTHER_SERVICE,
            (S.AGE, S.NEEDS, S.MESSAGE),
            service_types=(
                "medical",
                "psychosocial",
                "legal",
                "shelter",
                "police_justice",
                "education",
                "livelihood",
                "documentation",
                "other",
            ),
        ),
    )
}


def profiles_for(service) -> list[Profile]:
    """The profiles that may be sent to ``service``: a cell gets its own, others by type."""
    if service.is_specialised_cell:
        return [p for p in PROFILES.values() if service.cell_kind in p.cell_kinds]
    return [p for p in PROFILES.values() if service.type in p.service_types]
