"""Pages of referrals: the sender's draft and follow-up, the receiver's packet, the printed slip.

The sender (owner side) sees the referral and its case's code; the receiver sees the packet
frozen when it was sent, the sending organisation and nothing else of the case, and only while
the referral is open. Which side a user is on is decided by ``selectors.referral_side``.
"""

from __future__ import annotations

import datetime as dt
import gettext as pygettext
import unicodedata
from functools import lru_cache, wraps

import pycountry
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from madina.cases import access, selectors, services
from madina.cases.forms_referrals import (
    NEED_LABELS,
    CompleteForm,
    HandoverForm,
    ReferralFilterForm,
    ReferralForm,
    RespondForm,
    RevokeForm,
    SendForm,
    ServiceSearchForm,
    plan_item_label,
)
from madina.cases.models import (
    AgeBand,
    Case,
    Consent,
    Incident,
    RecipientKind,
    Referral,
    Sex,
)
from madina.cases.profiles import PROFILES, SECTION_LABELS, profiles_for
from madina.cases.views.common import case_view
from madina.core.forms import add_service_errors
from madina.core.pdf import pdf_response, render_pdf
from madina.directory.models import Service
from madina.territory.models import Area

PAGE_SIZE = 25
OWNER, RECEIVER = "owner", "receiver"


# -- what a packet shows ----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _country_catalogue(language: str):
    try:
        return pygettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return pygettext.NullTranslations()


def country_name(code: str) -> str:
    """The country's name in the active language, from its ISO 3166 alpha-2 code."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    language = (translation.get_language() or "en")[:2]
    return _country_catalogue(language).gettext(country.name)


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def packet_display(packet: dict) -> dict:
    """The packet with its codes turned into what people read; only the keys it holds."""
    shown: dict = {
        "code": packet.get("code", ""),
        "sections": [SECTION_LABELS.get(s, s) for s in packet.get("sections", [])],
    }
    if "names" in packet:
        shown["names"] = packet["names"]
    if "birth_date" in packet:
        shown["birth_date"] = _date(packet["birth_date"])
        shown["birth_date_is_estimate"] = bool(packet.get("birth_date_is_estimate"))
    if "sex" in packet:
        shown["sex"] = _label(Sex.choices, packet["sex"])
    if "age_band" in packet:
        shown["age_band"] = _label(AgeBand.choices, packet["age_band"])
    if "nationality" in packet:
        shown["nationality"] = country_name(packet["nationality"])
    if "contact" in packet:
        contact = packet["contact"] or {}
        shown["contact"] = {
            "phone": contact.get("phone", ""),
            "channel": _label(Case.ContactChannel.choices, contact.get("channel")),
            "notes": contact.get("notes", ""),
        }
    if "incidents" in packet:
        communes = Area.objects.in_bulk(
            [i["commune"] for i in packet["incidents"] if i.get("commune")]
        )
        shown["incidents"] = [
            {
                "type": _label(Incident.Type.choices, incident.get("type")),
                "occurred_on": _date(incident.get("occurred_on")),
                "occurred_at_hour": incident.get("occurred_at_hour"),
                "reported_on": _date(incident.get("reported_on")),
                "commune": communes[incident["commune"]].name
                if incident.get("commune") in communes
                else "",
                "contexts": [
                    _label(Incident.Context.choices, c) for c in incident.get("contexts") or []
                ],
                "has_description": "description" in incident,
                "description": incident.get("description", ""),
            }
            for incident in packet["incidents"]
        ]
    if "needs" in packet:
        shown["needs"] = [str(NEED_LABELS.get(n, n)) for n in packet["needs"] or []]
        shown["risk"] = _label(Case.Risk.choices, packet.get("risk"))
    if "safety_plan" in packet:
        shown["safety_plan"] = packet["safety_plan"]
    if "message" in packet:
        shown["message"] = packet["message"]
    return shown


def _isolate(text: str) -> str:
    """Text typed by people, kept in its own direction inside a page of the other direction.

    The PDF renderer ignores dir="auto" and Unicode isolates; a mark of the text's own
    direction at both ends (LRM or RLM, after its first strong letter) keeps a French sentence's
    full stop at its end on an Arabic slip, and an Arabic one's on a French slip.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"L", "R", "AL"}:
            mark = "\u200e" if kind == "L" else "\u200f"
            return f"{mark}{text}{mark}"
    return text


def _isolated(shown: dict) -> dict:
    for key in ("safety_plan", "message"):
        if shown.get(key):
            shown[key] = _isolate(shown[key])
    if shown.get("contact", {}).get("notes"):
        shown["contact"]["notes"] = _isolate(shown["contact"]["notes"])
    for incident in shown.get("incidents", []):
        incident["description"] = _isolate(incident["description"])
    return shown


def _hours(start, end) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


# -- who is on which side ---------------------------------------------------------------------


def _side(request, pk: int, wanted: str) -> Referral:
    """The referral if the user is on the ``wanted`` side of it; 404 (logged) otherwise."""
    referral, side = selectors.referral_side(request.user, pk)
    if side != wanted:
        selectors.log_refusal(referral.case, request.user, f"referral:{pk}")
        raise Http404
    return referral


def _action(side: str):
    """A POST-only action on one side of a referral; whoever is not on that side gets 404 first,
    whatever the method, so that an intruder learns nothing from a 405."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk: int):
            referral = _side(request, pk, side)
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, referral)

        return case_view(wrapper)

    return decorator


def _refusal(error: PermissionDenied) -> str:
    return str(error.args[0]) if error.args else _("You may not do this.")


# -- new referral -----------------------------------------------------------------------------


def _consents_by_profile(case: Case, profiles) -> list[dict]:
    """For each profile: the consent to share with its kind of recipient, valid or not."""
    rows = []
    for profile in profiles:
        kind = profile.recipient_kind
        valid = selectors.valid_consent(case, Consent.Purpose.REFERRAL, kind)
        others = [
            c
            for c in selectors.consents_for(case).filter(
                purpose=Consent.Purpose.REFERRAL, recipient_kind=kind
            )
            if valid is None or c.pk != valid.pk
        ]
        rows.append(
            {
                "profile": profile,
                "kind": _label(RecipientKind.choices, kind),
                "valid": valid,
                "others": others,
            }
        )
    return rows


def _referrable(service: Service | None) -> bool:
    return bool(
        service is not None
        and service.is_active
        and service.accepts_referrals
        and profiles_for(service)
    )


@case_view
def referral_new(request, code: str):
    case = selectors.case_get(request.user, code, part="referral")
    plan_item = None
    wanted_item = request.GET.get("plan_item", "")
    if wanted_item:
        plan_item = (
            case.plan_items.filter(pk=wanted_item).first() if wanted_item.isdigit() else None
        )
        if plan_item is None:
            raise Http404
    wanted_service = request.GET.get("service", "")
    service = None
    refused = ""
    if wanted_service:
        service = (
            Service.objects.select_related("organisation").filter(pk=wanted_service).first()
            if wanted_service.isdigit()
            else None
        )
        if not _referrable(service):
            refused = _("This service does not accept referrals through the platform.")
            if request.method == "POST":
                selectors.log_refusal(case, request.user, "referral", "service")
            service = None
    if service is None:
        search = ServiceSearchForm(request.GET)
        page = Paginator(search.services(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "cases/referral_new.html",
            {
                "case": case,
                "plan_item": plan_item,
                "plan_item_label": plan_item_label(plan_item) if plan_item else "",
                "search": search,
                "page": page,
                "refused": refused,
                "step": 1,
            },
        )
    form = ReferralForm(
        request.POST or None, service=service, case=case, initial={"plan_item": plan_item}
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=request.user,
                case=case,
                service=service,
                profile=form.cleaned_data["profile"],
                sections=form.chosen_sections(),
                plan_item=form.cleaned_data["plan_item"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The referral is saved as a draft. Check it, then send it.")
            )
            return redirect(referral)
    return render(
        request,
        "cases/referral_new.html",
        {
            "case": case,
            "plan_item": plan_item,
            "plan_item_label": plan_item_label(plan_item) if plan_item else "",
            "service": service,
            "form": form,
            "blocks": [
                {**block, **consents}
                for block, consents in zip(
                    form.profile_blocks(), _consents_by_profile(case, form.profiles), strict=True
                )
            ],
            "step": 2,
        },
    )


# -- one referral -----------------------------------------------------------------------------


def _timeline(referral: Referral) -> list[dict]:
    steps = [
        {
            "label": pgettext("step of a referral", "draft written"),
            "at": referral.created_at,
            "by": referral.created_by,
        }
    ]
    if referral.sent_at:
        steps.append({"label": pgettext("step of a referral", "sent"), "at": referral.sent_at})
    if referral.handed_over_at:
        steps.append(
            {
                "label": pgettext("step of a referral", "slip handed over"),
                "at": referral.handed_over_at,
                "by": referral.handed_over_by,
            }
        )
    if referral.responded_at:
        steps.append(
            {
                "label": pgettext("step of a referral", "declined")
                if referral.state == Referral.State.DECLINED
                else pgettext("step of a referral", "accepted"),
                "at": referral.responded_at,
                "by": referral.responded_by,
            }
        )
    if referral.started_at:
        steps.append(
            {"label": pgettext("step of a referral", "work started"), "at": referral.started_at}
        )
    if referral.done_at:
        steps.append({"label": pgettext("step of a referral", "done"), "at": referral.done_at})
    if referral.revoked_at:
        steps.append(
            {
                "label": pgettext("step of a referral", "revoked"),
                "at": referral.revoked_at,
                "by": referral.revoked_by,
            }
        )
    return steps


def _render_owner(request, referral: Referral, *, status: int = 200, **forms):
    case = referral.case
    profile = PROFILES.get(referral.profile)
    is_draft = referral.state == Referral.State.DRAFT
    consent = referral.consent
    if is_draft and profile is not None:
        consent = selectors.valid_consent(case, Consent.Purpose.REFERRAL, profile.recipient_kind)
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "side": OWNER,
            "case": case,
            "profile": profile,
            "sections": [SECTION_LABELS.get(s, s) for s in referral.packet.get("sections", [])],
            "packet": None if is_draft else packet_display(referral.packet),
            "consent": consent,
            "is_supervisor": access.is_supervisor(request.user, case.organisation_id),
            "on_platform": services.receiver_on_platform(referral.service),
            "timeline": _timeline(referral),
            "response_hours": _hours(referral.sent_at, referral.responded_at),
            "may_revoke": referral.state in (Referral.State.DRAFT, *Referral.OPEN_STATES),
            "send_form": forms.get("send_form") or SendForm(),
            "revoke_form": forms.get("revoke_form") or RevokeForm(),
            "handover_form": forms.get("handover_form") or HandoverForm(),
        },
        status=status,
    )


def _render_receiver(request, referral: Referral, *, status: int = 200, **forms):
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "side": RECEIVER,
            "sender": referral.case.organisation,
            "packet": packet_display(referral.packet),
            "respond_form": forms.get("respond_form") or RespondForm(),
            "complete_form": forms.get("complete_form") or CompleteForm(),
        },
        status=status,
    )


@case_view
def referral_detail(request, pk: int):
    referral, side = selectors.referral_side(request.user, pk)
    if side == OWNER:
        return _render_owner(request, referral)
    return _render_receiver(request, referral)


# -- the sender's actions ---------------------------------------------------------------------


@_action(OWNER)
def referral_send(request, referral: Referral):
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.referral_send(
                actor=request.user,
                referral=referral,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, _("The referral has been sent."))
            return redirect(referral)
    return _render_owner(request, referral, send_form=form)


@_action(OWNER)
def referral_revoke(request, referral: Referral):
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.referral_revoke(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The referral has been revoked."))
            return redirect(referral)
    return _render_owner(request, referral, revoke_form=form)


@_action(OWNER)
def referral_handover(request, referral: Referral):
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.referral_handover(
                actor=request.user, referral=referral, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hand-over has been recorded."))
            return redirect(referral)
    return _render_owner(request, referral, handover_form=form)


# -- the receiver's actions -------------------------------------------------------------------


@_action(RECEIVER)
def referral_respond(request, referral: Referral):
    form = RespondForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == RespondForm.ACCEPT
        try:
            services.referral_respond(
                actor=request.user,
                referral=referral,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if accept:
                messages.success(request, _("You accepted the referral."))
                return redirect(referral)
            messages.success(request, _("You declined the referral. The sender has been told."))
            return redirect("cases:referrals")
    return _render_receiver(request, referral, respond_form=form)


@_action(RECEIVER)
def referral_start(request, referral: Referral):
    try:
        services.referral_start(actor=request.user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Work on the referral has started."))
    return redirect(referral)


@_action(RECEIVER)
def referral_complete(request, referral: Referral):
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.referral_complete(
                actor=request.user, referral=referral, feedback=form.cleaned_data["feedback"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The referral is done. Thank you: the sender has been told.")
            )
            return redirect("cases:referrals")
    return _render_receiver(request, referral, complete_form=form)


# -- lists ------------------------------------------------------------------------------------


@case_view
def referral_list(request):
    form = ReferralFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or (
        ReferralFilterForm.RECEIVED
        if selectors.receivable_services(request.user).exists()
        else ReferralFilterForm.SENT
    )
    if show == ReferralFilterForm.RECEIVED:
        referrals = selectors.referrals_received(request.user).select_related("case__organisation")
    else:
        referrals = selectors.referrals_sent(request.user)
    if data.get("state"):
        referrals = referrals.filter(state=data["state"])
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"referral": r, "hours": _hours(r.sent_at, r.responded_at)} for r in page.object_list]
    response_times = []
    if show == ReferralFilterForm.SENT:
        sent_to = Service.objects.filter(
            pk__in=selectors.referrals_sent(request.user).values("service_id")
        ).select_related("organisation")
        times = selectors.response_times(sent_to)
        response_times = [
            {"service": service, **times[service.pk]} for service in sent_to if service.pk in times
        ]
    return render(
        request,
        "cases/referral_list.html",
        {
            "form": form,
            "show": show,
            "page": page,
            "rows": rows,
            "response_times": response_times,
        },
    )


# -- the printed slip -------------------------------------------------------------------------


@case_view
def referral_slip(request, pk: int):
    """A one-page slip for a receiver who is not on the platform; the export is logged."""
    referral = selectors.referral_for_owner(request.user, pk, part="slip")
    if referral.state not in Referral.OPEN_STATES:
        raise Http404
    sender = referral.created_by or request.user
    pdf = render_pdf(
        "cases/pdf/referral_slip.html",
        {
            "title": _("Referral slip"),
            "referral": referral,
            "organisation": referral.case.organisation,
            "sender": sender,
            "packet": _isolated(packet_display(referral.packet)),
        },
        request=request,
    )
    services.referral_slip_logged(actor=request.user, referral=referral)
    return pdf_response(pdf, f"referral-{referral.pk}")
