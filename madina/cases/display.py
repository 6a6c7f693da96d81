"""The access log in words: what the stored part and detail codes mean, translated.

Access events store short codes ("referral:12", "requested:plan"), never values; these
functions say them in the reader's language. An unknown code is left out rather than shown.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from madina.cases.models import (
    Approval,
    Consent,
    Incident,
    RecipientKind,
    Referral,
    Transfer,
)

PARTS = {
    "case": pgettext_lazy("part of a case", "the case"),
    "identity": pgettext_lazy("part of a case", "identity"),
    "consent": pgettext_lazy("part of a case", "consents"),
    "assessment": pgettext_lazy("part of a case", "assessment"),
    "incident": pgettext_lazy("part of a case", "incidents"),
    "plan": pgettext_lazy("part of a case", "service plan"),
    "follow_up": pgettext_lazy("part of a case", "follow-ups"),
    "approval": pgettext_lazy("part of a case", "approvals"),
    "assignment": pgettext_lazy("part of a case", "case workers"),
    "transfer": pgettext_lazy("part of a case", "transfer"),
    "attachment": pgettext_lazy("part of a case", "document"),
    "referral": pgettext_lazy("part of a case", "referral"),
    "packet": pgettext_lazy("part of a case", "referral packet, by the receiver"),
    "slip": pgettext_lazy("part of a case", "referral slip"),
    "export": pgettext_lazy("part of a case", "export"),
    "person_export": pgettext_lazy("part of a case", "export of the person's data"),
    "access_log": pgettext_lazy("part of a case", "access log"),
}

WORDS = {
    "opened": pgettext_lazy("event on a case", "opened"),
    "corrected": pgettext_lazy("event on a case", "corrected"),
    "added": pgettext_lazy("event on a case", "added"),
    "deleted": pgettext_lazy("event on a case", "deleted"),
    "requested": pgettext_lazy("event on a case", "requested"),
    "withdrawn": pgettext_lazy("event on a case", "withdrawn"),
    "reopened": pgettext_lazy("event on a case", "reopened"),
    "anonymised": pgettext_lazy("event on a case", "anonymised"),
    "override": pgettext_lazy("event on a case", "without consent, by override"),
    "handed over": pgettext_lazy("event on a case", "slip handed over"),
    "urgent health line": pgettext_lazy("event on a case", "urgent health line added"),
    "consent": pgettext_lazy("event on a case", "no valid consent"),
}
for choices in (
    Referral.State,
    Approval.Decision,
    Approval.Kind,
    Transfer.State,
    Consent.Purpose,
    RecipientKind,
    Incident.Type,
):
    for value, label in choices.choices:
        WORDS.setdefault(value, label)


def describe_part(part: str) -> str:
    name, _sep, number = part.partition(":")
    label = PARTS.get(name)
    if label is None:
        return ""
    return f"{label} {number}".strip() if number.isdigit() else str(label)


def describe_detail(detail: str) -> str:
    words = [WORDS.get(token) for token in detail.split(":") if token and not token.isdigit()]
    return " · ".join(str(word) for word in words if word is not None)
