"""Every page, asked for by everyone who must not have it, against the other organisation's objects.

The URL list is read from the URL configuration (``get_resolver()``, namespaces included), so a new
page is swept without editing this file — unless ``ROUTES`` does not know it, and then the test
fails and says to add it. Each route names the objects of ``foreign_objects`` that fill its
parameters and what the rules (each app's ``rules.py``) let an outsider do:

- ``PUBLIC``: the public portal, sign-in and the like — anyone, no sign-in;
- ``GENERAL``: a page that is not about one object (a list, a form to create, one's own profile):
  the first organisation's people open it, and it must not show the other organisation's private
  records (their texts all carry ``SECRET``);
- ``READ``: a record every signed-in user reads (outreach records, results frameworks, the
  organisation's public page): opened by anyone signed in;
- ``DENY``: a private record or a change to one: the first organisation's people get 403/404 (or
  405); ``coordinator=True`` when the platform rules let a coordinator have it.

Anonymous visitors are sent to sign in (or get 403/404) everywhere but ``PUBLIC``. Each person
asks with GET and with an empty POST (CSRF checks off, so the view itself must refuse); after the
sweep every foreign object must be unchanged.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.conftest import verified_client
from tests.security.objects import SECRET

pytestmark = pytest.mark.django_db

PUBLIC, GENERAL, READ, DENY = "public", "general", "read", "deny"


@dataclass(frozen=True)
class Route:
    kind: str
    params: dict = field(default_factory=dict)  # URL kwarg -> "attribute[.field]" of the objects
    coordinator: bool = False  # the rules let a coordinator have it (only for DENY)
    post: bool = True  # also try an empty POST
    variants: tuple = ()  # further parameter sets swept the same way


def deny(coordinator=False, **params):
    return Route(DENY, params, coordinator)


def read(**params):
    return Route(READ, params)


GEN = Route(GENERAL)
PUB = Route(PUBLIC)
# Cases are need-to-know: no one outside the owning organisation's case staff, coordinators
# included (decision 22).
CASE = {"code": "case.code"}

ROUTES: dict[str, Route] = {
    # --- public: the door, the portal, sign-in, password reset, the translation catalogue --------
    "choose_language": PUB,
    "healthz": PUB,
    "favicon.ico": PUB,
    "javascript-catalog": PUB,
    "accounts:login": PUB,
    # The home page greets visitors with the registry's counts.
    "core:home": PUB,
    # The admin site's sign-out: a POST would end the sweeping client's session.
    "admin:logout": Route(PUBLIC, post=False),
    # Signing out by POST would end the sweeping client's session.
    "accounts:logout": Route(PUBLIC, post=False),
    "accounts:password_reset": PUB,
    "accounts:password_reset_done": PUB,
    "accounts:password_reset_complete": PUB,
    "accounts:password_reset_confirm": Route(PUBLIC, {"uidb64": "=MQ", "token": "=x-y"}),
    # The clear token is the credential: whoever holds it may accept. POST would accept it.
    "accounts:invitation_accept": Route(PUBLIC, {"token": "account_invitation.token"}, post=False),
    "accounts:otp_verify": PUB,
    "portal:home": PUB,
    "portal:services": PUB,
    "portal:recommendations": PUB,
    "portal:open_data": PUB,
    "portal:consultations:list": PUB,
    "portal:feedback:give": PUB,
    "portal:feedback:status": PUB,
    "portal:feedback:results": PUB,
    # Public pages about one object: the object is not public, so no one gets it.
    "portal:service_detail": deny(uuid="service.uuid"),
    "portal:recommendation_detail": deny(pk="recommendation"),
    "portal:consultations:answer": deny(pk="consultation"),
    "portal:consultations:thanks": deny(pk="consultation"),
    "portal:consultations:summary": deny(pk="consultation"),
    "meetings:public_space_recommendations": deny(space_pk="space"),
    "meetings:public_recommendation": deny(pk="recommendation"),
    # --- accounts --------------------------------------------------------------------------------
    "accounts:profile": GEN,
    "accounts:api_tokens": GEN,
    "accounts:password_change": GEN,
    "accounts:otp_setup": GEN,
    "accounts:otp_recovery_codes": GEN,
    "accounts:otp_disable": GEN,
    "accounts:api_token_revoke": deny(pk="api_token"),
    "accounts:member_list": deny(True, org="organisation"),
    "accounts:invite": deny(org="organisation"),
    "accounts:member_change": deny(org="organisation", pk="membership"),
    "accounts:invitation_revoke": deny(org="organisation", pk="account_invitation"),
    # --- territory and the registry --------------------------------------------------------------
    # Administrative areas are public reference data (territory/views.py).
    "territory:area_list": PUB,
    "territory:area_lookup": PUB,
    "territory:area_detail": Route(PUBLIC, {"code": "commune.code"}),
    "actors_review:twins_review_list": deny(True),
    "actors_review:twins_review_detail": deny(
        True, first="organisation", second="third_organisation"
    ),
    "actors:organisation_list": GEN,
    "actors:organisation_create": GEN,
    "actors:organisation_detail": read(pk="organisation"),
    "actors:organisation_update": deny(True, pk="organisation"),
    "actors:organisation_audit": deny(True, pk="organisation"),
    "actors:focal_person_create": deny(True, pk="organisation"),
    "actors:focal_person_update": deny(True, pk="organisation", focal_pk="focal_person"),
    "actors:focal_person_delete": deny(True, pk="organisation", focal_pk="focal_person"),
    # --- initiatives -----------------------------------------------------------------------------
    "initiatives:initiative_list": GEN,
    "initiatives:initiative_create": GEN,
    "initiatives:initiative_detail": deny(True, pk="initiative"),
    "initiatives:initiative_update": deny(True, pk="initiative"),
    "initiatives:initiative_status": deny(True, pk="initiative"),
    "initiatives:initiative_audit": deny(True, pk="initiative"),
    "initiatives:reach_report": deny(True, pk="initiative"),
    "initiatives:period_list": GEN,
    "initiatives:taxonomy_list": deny(True, kind="=target-groups"),
    "initiatives:taxonomy_create": deny(True, kind="=target-groups"),
    "initiatives:taxonomy_update": deny(True, kind="=target-groups", pk="target_group"),
    "initiatives:duplicate_check": GEN,
    "initiatives:duplicate_decide": deny(True, pk="initiative"),
    "initiatives:duplicate_review_list": deny(True),
    "initiatives:duplicate_review_detail": deny(True, pk="overlap"),
    "initiatives:initiative_map": GEN,
    "initiatives:initiative_pivot": GEN,
    "initiatives:initiative_pivot_xlsx": GEN,
    "initiatives:gap_analysis": GEN,
    "initiatives:gap_analysis_xlsx": GEN,
    # --- coordination: a private space and its programme -----------------------------------------
    "coordination:space_list": GEN,
    "coordination:space_create": GEN,
    "coordination:space_detail": deny(True, pk="space"),
    "coordination:space_update": deny(True, pk="space"),
    "coordination:space_close": deny(True, pk="space"),
    "coordination:space_reopen": deny(True, pk="space"),
    "coordination:space_audit": deny(True, pk="space"),
    "coordination:member_add": deny(True, pk="space"),
    "coordination:member_update": deny(True, pk="space", member_pk="space_member"),
    "coordination:member_end": deny(True, pk="space", member_pk="space_member"),
    "coordination:role_list": deny(True, pk="space"),
    "coordination:role_revoke": deny(True, pk="space", role_pk="space_role"),
    "coordination:programme_create": deny(True, pk="space"),
    "coordination:space_overdue": deny(True, pk="space"),
    "coordination:programme_detail": deny(True, pk="programme"),
    "coordination:programme_update": deny(True, pk="programme"),
    "coordination:item_create": deny(True, pk="programme"),
    "coordination:programme_raci": deny(True, pk="programme"),
    "coordination:programme_timeline": deny(True, pk="programme"),
    "coordination:programme_xlsx": deny(True, pk="programme"),
    "coordination:programme_pdf": deny(True, pk="programme"),
    "coordination:item_detail": deny(True, pk="item"),
    "coordination:item_update": deny(True, pk="item"),
    "coordination:item_status": deny(True, pk="item"),
    "coordination:responsibility_add": deny(True, pk="item"),
    "coordination:responsibility_update": deny(True, pk="responsibility"),
    "coordination:responsibility_remove": deny(True, pk="responsibility"),
    # Answered by the consulted organisation's people only.
    "coordination:review_answer": deny(pk="review"),
    "coordination:evidence_add": deny(True, pk="item"),
    "coordination:evidence_download": deny(True, pk="evidence"),
    "coordination:evidence_remove": deny(True, pk="evidence"),
    # The actions an organisation answers for, among those the reader may see.
    "coordination:organisation_responsibilities": Route(GENERAL, {"pk": "organisation"}),
    # --- meetings in the private space -----------------------------------------------------------
    "meetings:meeting_list": GEN,
    "meetings:meeting_create": GEN,
    "meetings:strategy": GEN,
    "meetings:strategy_xlsx": GEN,
    "meetings:meeting_detail": deny(True, pk="meeting"),
    "meetings:meeting_update": deny(True, pk="meeting"),
    "meetings:agenda_item_add": deny(True, pk="meeting"),
    "meetings:agenda_item_edit": deny(True, pk="meeting", item_pk="agenda_item"),
    "meetings:agenda_item_delete": deny(True, pk="meeting", item_pk="agenda_item"),
    "meetings:session_add": deny(True, pk="meeting"),
    "meetings:session_edit": deny(True, pk="meeting", session_pk="session"),
    "meetings:session_delete": deny(True, pk="meeting", session_pk="session"),
    "meetings:speaker_add": deny(True, pk="meeting", session_pk="session"),
    "meetings:speaker_edit": deny(True, pk="meeting", session_pk="session", speaker_pk="speaker"),
    "meetings:speaker_delete": deny(True, pk="meeting", speaker_pk="speaker"),
    "meetings:attendance_edit": deny(True, pk="meeting"),
    "meetings:invitation_list": deny(True, pk="meeting"),
    "meetings:invitation_detail": deny(True, pk="meeting_invitation"),
    "meetings:invitation_reserved": deny(True, pk="meeting_invitation"),
    "meetings:minutes_edit": deny(True, pk="meeting"),
    "meetings:minutes_publish": deny(True, pk="meeting"),
    "meetings:minutes_file_add": deny(True, pk="meeting"),
    "meetings:minutes_file": deny(True, pk="minutes_file"),
    "meetings:minutes_file_remove": deny(True, pk="minutes_file"),
    "meetings:update_evidence": deny(True, pk="recommendation_update"),
    "meetings:recommendation_create": deny(True, pk="meeting"),
    "meetings:recommendation_detail": deny(True, pk="recommendation"),
    "meetings:recommendation_update": deny(True, pk="recommendation"),
    "meetings:recommendation_add_update": deny(True, pk="recommendation"),
    "meetings:recommendation_link_action": deny(True, pk="recommendation"),
    "meetings:recommendation_unlink_action": deny(
        True, pk="recommendation", link_pk="recommendation_action"
    ),
    "meetings:space_recommendations": deny(True, space_pk="space"),
    "meetings:space_calendar": deny(True, space_pk="space"),
    # --- imports and exports ---------------------------------------------------------------------
    "interop:import_upload": GEN,
    "interop:import_job": deny(True, pk="import_job"),
    "interop:import_mapping": deny(True, pk="import_job"),
    # Only the person who started an import runs it again.
    "interop:import_retry": deny(pk="import_job"),
    "interop:export": GEN,
    "interop:export_download": Route(GENERAL, {"fmt": "=csv"}),
    # --- services directory: an inactive service -------------------------------------------------
    "directory:service_list": GEN,
    "directory:service_create": GEN,
    "directory:service_detail": deny(True, pk="service"),
    "directory:service_update": deny(True, pk="service"),
    # --- cases -----------------------------------------------------------------------------------
    "cases:inbox": GEN,
    "cases:list": GEN,
    "cases:new": GEN,
    "cases:referrals": GEN,
    "cases:statistics": GEN,
    "cases:detail": deny(**CASE),
    "cases:identity": deny(**CASE),
    "cases:identity_edit": deny(**CASE),
    "cases:assessment": deny(**CASE),
    "cases:consent_new": deny(**CASE),
    "cases:consent_withdraw": deny(**CASE, pk="consent"),
    "cases:incident_new": deny(**CASE),
    "cases:plan_new": deny(**CASE),
    "cases:plan_edit": deny(**CASE, pk="plan_item"),
    "cases:follow_up_new": deny(**CASE),
    "cases:approval_request": deny(**CASE, kind="=closure"),
    "cases:approval": deny(**CASE, pk="approval"),
    "cases:reopen": deny(**CASE),
    "cases:workers": deny(**CASE),
    "cases:transfer_new": deny(**CASE),
    "cases:transfer_cancel": deny(**CASE, pk="transfer"),
    "cases:transfer": deny(pk="transfer"),
    "cases:attachment_new": deny(**CASE),
    "cases:attachment": deny(**CASE, pk="attachment"),
    "cases:attachment_delete": deny(**CASE, pk="attachment"),
    "cases:access_log": deny(**CASE),
    "cases:export": deny(**CASE),
    "cases:delete": deny(**CASE),
    "cases:referral_new": deny(**CASE),
    "cases:referral": deny(pk="referral"),
    "cases:referral_send": deny(pk="referral"),
    "cases:referral_respond": deny(pk="referral"),
    "cases:referral_start": deny(pk="referral"),
    "cases:referral_complete": deny(pk="referral"),
    "cases:referral_revoke": deny(pk="referral"),
    "cases:referral_handover": deny(pk="referral"),
    "cases:referral_slip": deny(pk="referral"),
    # --- outreach: records every signed-in user reads; participants' names are not ---------------
    "outreach:overview": GEN,
    "outreach:capsule_list": GEN,
    "outreach:capsule_create": GEN,
    "outreach:school_list": GEN,
    "outreach:school_create": GEN,
    "outreach:session_list": GEN,
    "outreach:session_create": GEN,
    "outreach:training_list": GEN,
    "outreach:training_create": GEN,
    "outreach:advocacy_list": GEN,
    "outreach:advocacy_create": GEN,
    "outreach:capsule_detail": read(pk="capsule"),
    "outreach:capsule_update": deny(True, pk="capsule"),
    "outreach:capsule_file_add": deny(True, pk="capsule"),
    "outreach:capsule_file": read(pk="capsule", file_pk="capsule_file"),
    "outreach:school_detail": read(pk="school"),
    # Schools are shared: any organisation's editor corrects one (outreach/rules.py).
    "outreach:school_update": read(pk="school"),
    "outreach:session_detail": read(pk="awareness_session"),
    "outreach:session_update": deny(True, pk="awareness_session"),
    "outreach:training_detail": read(pk="training"),
    "outreach:training_update": deny(True, pk="training"),
    "outreach:participant_add": deny(True, pk="training"),
    "outreach:participant_update": deny(True, pk="training", participant_pk="participant"),
    "outreach:attendance": deny(True, pk="training"),
    "outreach:certificate": deny(True, pk="training", participant_pk="participant"),
    "outreach:advocacy_detail": read(pk="advocacy"),
    "outreach:advocacy_update": deny(True, pk="advocacy"),
    # --- results: read by every signed-in user, changed by the project's organisation ------------
    "results:edition_list": GEN,
    "results:project_create": GEN,
    "results:alignment": GEN,
    "results:project_update": deny(True, pk="project"),
    "results:edition_create": deny(True, pk="project"),
    "results:edition_detail": read(pk="edition"),
    "results:edition_update": deny(True, pk="edition"),
    "results:edition_recompute": deny(True, pk="edition"),
    "results:result_create": deny(True, pk="edition"),
    "results:result_update": deny(True, pk="result"),
    "results:indicator_create": deny(True, pk="result"),
    "results:indicator_detail": read(pk="indicator"),
    "results:indicator_update": deny(True, pk="indicator"),
    "results:manual_value": deny(True, pk="indicator"),
    "results:value_records": read(pk="indicator_value"),
    "results:value_decide": deny(True, pk="indicator_value"),
    "results:value_evidence": read(pk="indicator_value"),
    "results:section_list": read(pk="edition"),
    "results:section_create": deny(True, pk="edition"),
    "results:section_update": deny(True, pk="section"),
    "results:dashboard": read(pk="edition"),
    # A reader may ask for the donor report (POST queues its rendering).
    "results:report_pdf": read(pk="edition"),
    "results:report_render": read(pk="report_render"),
    "results:report_render_file": read(pk="report_render"),
    "results:report_xlsx": read(pk="edition"),
    "results:space_dashboard": deny(True, space_pk="space"),
    # --- consultations: a draft ------------------------------------------------------------------
    "consultations_staff:list": GEN,
    "consultations_staff:create": GEN,
    "consultations_staff:detail": deny(True, pk="consultation"),
    "consultations_staff:update": deny(True, pk="consultation"),
    "consultations_staff:publish": deny(True, pk="consultation"),
    "consultations_staff:close": deny(True, pk="consultation"),
    "consultations_staff:question_create": deny(True, pk="consultation"),
    "consultations_staff:question_update": deny(True, pk="consultation", question_pk="question"),
    "consultations_staff:question_delete": deny(True, pk="consultation", question_pk="question"),
    "consultations_staff:response_create": deny(True, pk="consultation"),
    "consultations_staff:results": deny(True, pk="consultation"),
    "consultations_staff:export_csv": deny(True, pk="consultation"),
    "consultations_staff:export_xlsx": deny(True, pk="consultation"),
    "consultations_staff:summary": deny(True, pk="consultation"),
    # --- feedback: addressed to the other organisation; the sensitive one not even to coordinators
    "feedback_staff:inbox": GEN,
    "feedback_staff:create": GEN,
    "feedback_staff:export": GEN,
    "feedback_staff:teams": GEN,
    "feedback_staff:team_add": deny(True, key="organisation"),
    "feedback_staff:team_remove": deny(True, pk="team_member"),
    "feedback_staff:you_said_list": deny(True),
    "feedback_staff:you_said_create": deny(True),
    "feedback_staff:you_said_update": deny(True, pk="you_said"),
}
for _name in ("detail", "acknowledge", "assign", "answer", "close", "refer", "sensitive"):
    ROUTES[f"feedback_staff:{_name}"] = Route(
        DENY, {"pk": "feedback"}, True, variants=({"pk": "sensitive_feedback"},)
    )

# The admin site lets in staff only; none of the cast is staff, so every admin page sends them
# to the admin's own sign-in. Its parameters are filled with the other organisation's ids.
ADMIN_PARAMS = {
    "app_label": "=actors",
    "object_id": "organisation",
    "content_type_id": "=1",
    "id": "organisation",
    "pk": "organisation",
    "url": "=actors/organisation/",
}

DENIED = {403, 404, 405}
DENIED_POST = DENIED | {400}  # an empty form refused before anything is read is a refusal too


@dataclass
class Pattern:
    name: str
    path: str
    params: list[str]


def all_patterns() -> list[Pattern]:
    """Every named route of the URL configuration, with its namespace and parameter names."""
    found: list[Pattern] = []

    def walk(resolver, prefix, namespaces, params):
        for entry in resolver.url_patterns:
            converters = list(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                spaces = [*namespaces, entry.namespace] if entry.namespace else namespaces
                walk(entry, prefix + str(entry.pattern), spaces, [*params, *converters])
            elif isinstance(entry, URLPattern):
                name = entry.name or str(entry.pattern)
                full = ":".join([*namespaces, name])
                found.append(Pattern(full, prefix + str(entry.pattern), [*params, *converters]))

    walk(get_resolver(), "", [], [])
    return found


def is_api(pattern: Pattern) -> bool:
    return pattern.path.startswith("api/")


def _value(spec: str, objects):
    if spec.startswith("="):
        return spec[1:]
    name, _dot, attribute = spec.partition(".")
    return getattr(getattr(objects, name), attribute or "pk")


def url_for(pattern: Pattern, params: dict, objects) -> str:
    """The pattern's path with its parameters filled (unnamed routes cannot be reversed)."""

    def fill(match):
        param = match.group(1)
        assert param in params, (
            f"The sweep cannot fill <{param}> of {pattern.name}: add it to the table (ROUTES)."
        )
        return str(_value(params[param], objects))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, pattern.path)


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _to_login(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        "/accounts/login/" in location or "/admin/login/" in location
    )


WATCHED = [
    "initiative",
    "reach_report",
    "organisation",
    "focal_person",
    "membership",
    "account_invitation",
    "api_token",
    "space",
    "space_member",
    "space_role",
    "programme",
    "item",
    "responsibility",
    "review",
    "evidence",
    "meeting",
    "agenda_item",
    "session",
    "speaker",
    "minutes",
    "minutes_file",
    "recommendation",
    "recommendation_update",
    "recommendation_action",
    "meeting_invitation",
    "registration",
    "service",
    "case",
    "person",
    "consent",
    "plan_item",
    "approval",
    "transfer",
    "referral",
    "attachment",
    "capsule",
    "capsule_file",
    "school",
    "awareness_session",
    "training",
    "participant",
    "advocacy",
    "project",
    "edition",
    "result",
    "indicator",
    "indicator_value",
    "section",
    "report_render",
    "consultation",
    "question",
    "response",
    "feedback",
    "sensitive_feedback",
    "team_member",
    "you_said",
    "import_job",
    "overlap",
    "target_group",
]


def snapshot(objects) -> dict:
    """Every watched object's row as the database holds it (None once deleted)."""
    rows = {}
    for name in WATCHED:
        obj = getattr(objects, name)
        rows[name] = type(obj).objects.filter(pk=obj.pk).values().first()
    return rows


def expected_denied(route: Route, who: str) -> bool:
    if route.kind == PUBLIC:
        return False
    if who == "anonymous":
        return True
    if route.kind in {GENERAL, READ}:
        return False
    return not (who == "coordinator" and route.coordinator)


def test_every_route_is_in_the_table():
    """A new page must be placed in the sweep, with what the rules say of it."""
    unknown = [
        p.name
        for p in all_patterns()
        if not is_api(p) and not p.name.startswith("admin:") and p.name not in ROUTES
    ]
    assert not unknown, f"Routes the access sweep does not know — add them to the table: {unknown}"
    stale = set(ROUTES) - {p.name for p in all_patterns()}
    assert not stale, f"Routes in the table that no longer exist: {sorted(stale)}"


WHO = ["admin", "member", "readonly", "coordinator", "anonymous"]


@pytest.mark.parametrize("who", WHO)
def test_nobody_gets_the_other_organisations_objects(cast, foreign_objects, who):
    objects = foreign_objects
    if who == "anonymous":
        client = Client()
    else:
        client = verified_client(getattr(cast, who))
    before = snapshot(objects)
    failures, requests = [], 0
    for pattern in all_patterns():
        if is_api(pattern):
            continue  # the API is swept from its schema (test_api_access below)
        route = ROUTES.get(pattern.name)
        if route is None and pattern.name.startswith("admin:"):
            route = Route(DENY, ADMIN_PARAMS)
        denied = expected_denied(route, who)
        if not denied and route.kind in {PUBLIC, READ}:
            continue  # nothing to show: this person may have it
        if who == "coordinator" and not denied:
            continue
        for params in (route.params, *route.variants):
            url = url_for(pattern, params, objects)
            methods = ("get", "post") if route.post else ("get",)
            for method in methods:
                response = getattr(client, method)(url)
                requests += 1
                status = response.status_code
                if denied:
                    refused = DENIED_POST if method == "post" else DENIED
                    if status not in refused and not _to_login(response):
                        failures.append((method.upper(), url, status))
                elif status >= 500 or SECRET.encode() in body(response):
                    failures.append((method.upper(), url, status, "shows a foreign record"))
    assert not failures, f"{who} got what the rules refuse:\n" + "\n".join(map(str, failures))
    assert requests > 150
    after = snapshot(objects)
    changed = [name for name in WATCHED if before[name] != after[name]]
    assert not changed, f"{who} changed the other organisation's {changed}"


# --- the API, operation by operation from its OpenAPI schema -----------------------------------
# Path parameter -> the foreign object, and whether its GET is private (True) or a record every
# signed-in user reads (False). Writes on any foreign object are always refused.
API_PATHS: dict[str, tuple[str, bool]] = {
    "/api/advocacy-actions/{id}/": ("advocacy", False),
    "/api/areas/{code}/": ("commune.code", False),
    "/api/awareness-sessions/{id}/": ("awareness_session", False),
    "/api/capsules/{id}/": ("capsule", False),
    "/api/editions/{id}/": ("edition", False),
    "/api/editions/{id}/framework/": ("edition", False),
    "/api/hsds/services/{service_id}": ("service.uuid", True),
    "/api/indicator-values/{id}/records/": ("indicator_value", False),
    "/api/indicators/{id}/": ("indicator", False),
    "/api/initiatives/{id}/": ("initiative", True),
    "/api/initiatives/{id}/reach-reports/": ("initiative", True),
    "/api/meetings/{id}/": ("meeting", True),
    "/api/meetings/{id}/places/": ("meeting", True),
    "/api/organisations/{id}/": ("organisation", False),
    "/api/programme-items/{id}/status/": ("item", True),
    "/api/programmes/{id}/": ("programme", True),
    "/api/recommendations/{id}/": ("recommendation", True),
    "/api/recommendations/{id}/state/": ("recommendation", True),
    "/api/schools/{id}/": ("school", False),
    "/api/spaces/{id}/": ("space", True),
    "/api/spaces/{id}/members/": ("space", True),
    "/api/spaces/{id}/programmes/": ("space", True),
    "/api/trainings/{id}/": ("training", False),
}
# Lists that must not name the other organisation's private records: path -> object.
API_LISTS = {
    "/api/initiatives/": "initiative",
    "/api/meetings/": "meeting",
    "/api/recommendations/": "recommendation",
    "/api/spaces/": "space",
    "/api/hsds/services": "service.uuid",
}


@functools.cache
def api_operations() -> list[tuple[str, str]]:
    """Every (path, method) of the OpenAPI schema, generated once per test run."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _ids(data) -> set[str]:
    """Every ``id`` in a JSON answer, as text."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, int | str):
                found.add(str(value))
            found |= _ids(value)
    elif isinstance(data, list):
        for value in data:
            found |= _ids(value)
    return found


def api_text(response) -> bytes:
    """The answer's bytes, a ZIP's members unpacked, so that a leaked ``SECRET`` can be seen."""
    content = body(response)
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return content


def test_every_api_route_is_in_the_schema():
    paths = {path for path, _method in api_operations()}
    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m.group(1) + "}", p.path)
        for p in all_patterns()
        if is_api(p) and p.name != "api-schema"
    }
    normalised = {re.sub(r"\{(pk)\}", "{id}", route) for route in routes}
    assert normalised <= paths, sorted(normalised - paths)


# The coordinator asks with a session: keys carry no platform role (decision 9), and the cast's
# coordinator belongs to no organisation that could issue one.
API_WHO = ["admin", "member", "readonly", "coordinator", "admin-token", "member-token", "anonymous"]


def api_client(cast, who: str) -> Client:
    from madina.accounts.services import api_token_create

    if who == "anonymous":
        return Client()
    if who.endswith("-token"):
        user = getattr(cast, who.removesuffix("-token"))
        _token, key = api_token_create(actor=user, organisation=cast.organisation, name="sweep")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")
    return verified_client(getattr(cast, who))


def api_must_refuse(path: str, method: str, who: str, private: bool) -> bool:
    """What the rules say of a request for the other organisation's object."""
    if path.startswith("/api/areas/"):
        return method != "get"  # public reference data (territory/api.py), read-only
    if who == "anonymous":
        return True
    if who == "coordinator":
        return False  # coordinators see every space, programme, meeting and initiative
    return private or method != "get"


@pytest.mark.parametrize("who", API_WHO)
def test_api_access(cast, foreign_objects, who):
    objects = foreign_objects
    client = api_client(cast, who)
    before = snapshot(objects)
    failures, requests = [], 0
    for path, method in api_operations():
        if "{" not in path:
            if method != "get":
                continue  # creating one's own records is not about the other organisation
            response = client.get(path)
            requests += 1
            status = response.status_code
            if who == "anonymous":
                if status not in {401, 403} and path != "/api/areas/":
                    failures.append((method, path, status))
                continue
            if status >= 500:
                failures.append((method, path, status))
            elif status == 200:
                if path in API_LISTS and who != "coordinator":
                    foreign = str(_value(API_LISTS[path], objects))
                    if foreign in _ids(response.json()):
                        failures.append((method, path, "lists the foreign record"))
                if who != "coordinator" and SECRET.encode() in api_text(response):
                    failures.append((method, path, "shows a foreign private text"))
            continue
        assert path in API_PATHS, f"The API sweep cannot fill {path}: add it to API_PATHS."
        if who == "coordinator" and method != "get":
            continue  # the rules let coordinators change these records (decisions 12 and 14)
        spec, private = API_PATHS[path]
        url = re.sub(r"\{\w+\}", str(_value(spec, objects)), path)
        response = getattr(client, method)(url, {}, content_type="application/json")
        requests += 1
        status = response.status_code
        refused = status in {401, 403, 404, 405} or (method != "get" and status == 400)
        if api_must_refuse(path, method, who, private):
            if not refused:
                failures.append((method, url, status))
        elif status >= 500:
            failures.append((method, url, status))
        elif status == 200 and who != "coordinator" and SECRET.encode() in api_text(response):
            failures.append((method, url, "shows a foreign private text"))
    assert not failures, f"{who} got through the API:\n" + "\n".join(map(str, failures))
    assert requests >= (30 if who == "coordinator" else 40)
    after = snapshot(objects)
    changed = [name for name in WATCHED if before[name] != after[name]]
    assert not changed, f"{who} changed the other organisation's {changed} through the API"
