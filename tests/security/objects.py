"""One object of every kind a URL can name, all owned by the cast's *other* organisation.

``build_foreign_objects(cast)`` makes them and returns a namespace: the access sweep asks for
each of them as the first organisation's people, as a coordinator and as an anonymous visitor.
None is shared: the initiative is kept to its partners, the space and its meeting are private,
the service is inactive, the consultation is a draft, the feedback is addressed to the other
organisation (one of them sensitive). Every private text a list could show carries ``SECRET``, so
a list page that leaks one of them is caught by looking for that word; records every signed-in
user reads (outreach, results) do not carry it, only their private parts (participants' names).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from madina.accounts import services as account_services
from madina.accounts.models import Membership
from madina.accounts.tests.factories import InvitationFactory, MembershipFactory, UserFactory
from madina.actors.tests.factories import AreaFactory, FocalPersonFactory, OrganisationFactory
from madina.cases import services as case_services
from madina.cases.models import Consent, RecipientKind
from madina.cases.tests.conftest import verify
from madina.consultations.models import Consultation, Question, Response
from madina.coordination.models import (
    ItemEvidence,
    ReviewRequest,
    Space,
    SpaceMember,
    SpaceRole,
)
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
)
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory
from madina.feedback.models import Feedback, SensitiveTeamMember, YouSaidWeDid
from madina.initiatives.models import Initiative, OverlapCandidate
from madina.initiatives.tests.factories import (
    ActivityTypeFactory,
    InitiativeFactory,
    ReachReportFactory,
    TargetGroupFactory,
)
from madina.interop.models import ImportJob
from madina.meetings.models import (
    MinutesFile,
    Recommendation,
    RecommendationAction,
    RecommendationUpdate,
)
from madina.meetings.tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MinutesFactory,
    RecommendationFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
)
from madina.meetings.tests.factories import (
    InvitationFactory as MeetingInvitationFactory,
)
from madina.outreach.models import (
    AdvocacyAction,
    AwarenessSession,
    Capsule,
    CapsuleFile,
    Participant,
    School,
    Training,
)
from madina.results.models import (
    Edition,
    Indicator,
    IndicatorValue,
    NarrativeSection,
    Project,
    ReportRender,
    Result,
)
from madina.territory.models import Area

SECRET = "Zqxforeign"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAY = datetime.date(2025, 3, 10)


def _file(name: str, content: bytes = PDF) -> ContentFile:
    return ContentFile(content, name=name)


def build_foreign_objects(cast) -> SimpleNamespace:  # noqa: PLR0915 - one of everything
    other = cast.other_organisation
    outsider = cast.outsider
    third = OrganisationFactory(name_fr="Association Figuig Partage", acronym="AFP")
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.411", name_fr="Oujda-Angad")
    commune = AreaFactory(
        code="02.411.01.01",
        name_fr="Oujda",
        parent=province,
        latitude=Decimal("34.68"),
        longitude=Decimal("-1.91"),
    )
    o = SimpleNamespace(organisation=other, third_organisation=third, commune=commune)

    # --- accounts -------------------------------------------------------------------------------
    o.outsider = outsider
    o.membership = outsider.memberships.get(organisation=other)
    o.other_member = MembershipFactory(organisation=other, role=Membership.Role.MEMBER)
    o.account_invitation = InvitationFactory(organisation=other, email=f"{SECRET}@example.org")
    o.api_token, o.api_key = account_services.api_token_create(
        actor=outsider, organisation=other, name=f"{SECRET} token"
    )
    o.focal_person = FocalPersonFactory(
        organisation=other, full_name=f"{SECRET} Focal", is_public=False
    )

    # --- initiatives ----------------------------------------------------------------------------
    o.initiative = InitiativeFactory(
        title=f"{SECRET} initiative",
        lead_organisation=other,
        visibility=Initiative.Visibility.PARTNERS,
        communes=[commune],
    )
    twin = InitiativeFactory(
        title=f"{SECRET} twin",
        lead_organisation=third,
        visibility=Initiative.Visibility.PARTNERS,
        communes=[commune],
    )
    o.reach_report = ReachReportFactory(initiative=o.initiative, commune=commune)
    o.overlap = OverlapCandidate.objects.create(first=o.initiative, second=twin, score=0.9)
    o.target_group = TargetGroupFactory()
    o.activity_type = ActivityTypeFactory()

    # --- coordination: a private space the other organisation sits in ---------------------------
    o.space = SpaceFactory(
        name_fr=f"{SECRET} espace", visibility=Space.Visibility.PRIVATE, created_on=DAY
    )
    o.space_member = SpaceMember.objects.create(
        space=o.space, organisation=other, start_date=datetime.date(2024, 2, 1)
    )
    o.space_role = SpaceRole.objects.create(space=o.space, user=outsider, role="admin")
    o.programme = ProgrammeFactory(space=o.space, title=f"{SECRET} programme")
    o.item = ItemFactory(programme=o.programme, title=f"{SECRET} action")
    o.responsibility = ResponsibilityFactory(item=o.item, organisation=other)
    o.review = ReviewRequest.objects.create(item=o.item, organisation=other, requested_by=outsider)
    o.evidence = ItemEvidence.objects.create(
        item=o.item,
        file=_file("evidence.pdf"),
        original_name=f"{SECRET}.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=outsider,
    )

    # --- meetings in that space -----------------------------------------------------------------
    o.meeting = MeetingFactory(
        space=o.space, organiser=other, commune=commune, title=f"{SECRET} meeting"
    )
    o.agenda_item = AgendaItemFactory(meeting=o.meeting, title=f"{SECRET} point")
    o.session = SessionFactory(meeting=o.meeting, title=f"{SECRET} session")
    o.speaker = SpeakerFactory(session=o.session, name=f"{SECRET} speaker")
    o.minutes = MinutesFactory(meeting=o.meeting, text=f"{SECRET} minutes")
    o.minutes_file = MinutesFile.objects.create(
        minutes=o.minutes,
        kind=MinutesFile.Kind.DOCUMENT,
        file=_file("minutes.pdf"),
        original_name=f"{SECRET}.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    o.recommendation = RecommendationFactory(
        meeting=o.meeting, title=f"{SECRET} recommendation", state=Recommendation.State.ADOPTED
    )
    o.recommendation.addressees.set([other])
    o.recommendation_update = RecommendationUpdate.objects.create(
        recommendation=o.recommendation,
        on=DAY,
        text=f"{SECRET} update",
        evidence_file=_file("update.pdf"),
        evidence_file_name="update.pdf",
        evidence_content_type="application/pdf",
        evidence_size=len(PDF),
    )
    o.recommendation_action = RecommendationAction.objects.create(
        recommendation=o.recommendation, action=o.item
    )
    o.meeting_invitation = MeetingInvitationFactory(meeting=o.meeting, organisation=other)
    o.registration = RegistrationFactory(invitation=o.meeting_invitation)

    # --- directory ------------------------------------------------------------------------------
    o.service = ServiceFactory(organisation=other, name_fr=f"{SECRET} service", is_active=False)
    o.cell = ServiceFactory(
        organisation=third,
        type=Service.Type.POLICE_JUSTICE,
        is_specialised_cell=True,
        cell_kind=Service.CellKind.COURT,
        accepts_referrals=True,
        referral_focal_point=FocalPersonFactory(organisation=third),
    )

    # --- cases: a case of the other organisation, with one of everything ------------------------
    worker = UserFactory()
    MembershipFactory(user=worker, organisation=other, case_role=Membership.CaseRole.CASE_WORKER)
    worker = verify(worker)
    o.case_worker = worker
    case = case_services.case_open(
        actor=worker,
        organisation=other,
        sex="female",
        identity={"given_name": SECRET, "family_name": "Person", "nationality": "GN"},
    )
    for purpose in ("services", "statistics"):
        case_services.consent_record(
            actor=worker, case=case, purpose=purpose, given_by="person", given_on=DAY
        )
    case_services.consent_record(
        actor=worker,
        case=case,
        purpose=Consent.Purpose.REFERRAL,
        recipient_kind=RecipientKind("court_cell"),
        given_by="person",
        given_on=DAY,
    )
    o.case = case
    o.person = case.person
    o.consent = case.consents.first()
    case = case_services.assessment_save(actor=worker, case=case, risk="high", needs=["legal"])
    case_services.incident_record(actor=worker, case=case, type="physical_assault", occurred_on=DAY)
    o.plan_item = case_services.plan_item_save(
        actor=worker, case=case, need="legal", due_on=timezone.localdate()
    )
    o.approval = case_services.approval_request(actor=worker, case=case, kind="plan")
    MembershipFactory(organisation=third, case_role=Membership.CaseRole.CASE_SUPERVISOR)
    o.transfer = case_services.transfer_request(
        actor=worker, case=case, to_organisation=third, reason="moving"
    )
    o.referral = case_services.referral_create(
        actor=worker, case=case, service=o.cell, profile="court_cell", plan_item=o.plan_item
    )
    o.attachment = case_services.attachment_add(
        actor=worker,
        case=case,
        upload=SimpleUploadedFile("note.txt", b"a plain note", content_type="text/plain"),
    )

    # --- outreach -------------------------------------------------------------------------------
    o.capsule = Capsule.objects.create(
        organisation=other, title_fr="Capsule vidéo", format="video", audience="all"
    )
    o.capsule_file = CapsuleFile.objects.create(
        capsule=o.capsule,
        file=_file("capsule.pdf"),
        original_name="capsule.pdf",  # capsules and their files are read by everyone signed in
        content_type="application/pdf",
        size=len(PDF),
    )
    o.school = School.objects.create(
        name_fr="École Al Massira", commune=commune, level="primary", sector="public"
    )
    o.awareness_session = AwarenessSession.objects.create(
        organisation=other, school=o.school, held_on=DAY, girls=3, boys=4
    )
    o.training = Training.objects.create(
        organisation=other,
        title="Formation protection",
        topic=Training.Topic.PROTECTION,
        starts_on=DAY,
        ends_on=DAY,
        commune=commune,
        max_score=20,
    )
    o.participant = Participant.objects.create(
        training=o.training, full_name=f"{SECRET} Participant", sex=Participant.Sex.FEMALE
    )
    o.advocacy = AdvocacyAction.objects.create(
        organisation=other,
        kind=AdvocacyAction.Kind.ADVOCACY,
        held_on=DAY,
        target="Commune",
        message="Ouvrir les écoles",
    )

    # --- results --------------------------------------------------------------------------------
    o.project = Project.objects.create(organisation=other, name_fr="Projet Oujda")
    o.edition = Edition.objects.create(
        project=o.project, name_fr="Édition", starts_on=DAY, ends_on=DAY.replace(month=12)
    )
    o.result = Result.objects.create(edition=o.edition, level="outcome", code="1", title_fr="R")
    o.indicator = Indicator.objects.create(
        result=o.result, code="1.a", title_fr="I", target=10, source="manual"
    )
    o.indicator_value = IndicatorValue.objects.create(
        indicator=o.indicator,
        period_start=DAY,
        period_end=DAY,
        value=3,
        state=IndicatorValue.State.SUBMITTED,
        entered_by=outsider,
    )
    o.section = NarrativeSection.objects.create(edition=o.edition, title_fr="Narratif")
    o.report_render = ReportRender.objects.create(
        edition=o.edition,
        language="fr",
        requested_by=outsider,
        status=ReportRender.Status.DONE,
        file=_file("report.pdf"),
        size=len(PDF),
    )

    # --- consultations and feedback -------------------------------------------------------------
    o.consultation = Consultation.objects.create(
        organisation=other,
        title={"fr": f"{SECRET} consultation"},
        opens_on=DAY,
        closes_on=DAY.replace(month=12),
        created_by=outsider,
    )
    o.question = Question.objects.create(
        consultation=o.consultation, kind=Question.Kind.TEXT, text={"fr": f"{SECRET} question"}
    )
    o.response = Response.objects.create(
        consultation=o.consultation, submitted_at=timezone.now(), channel="phone"
    )
    o.feedback = Feedback.objects.create(
        organisation=other,
        type="complaint",
        category="health",
        language="fr",
        channel="phone",
        message=f"{SECRET} feedback",
    )
    o.sensitive_feedback = Feedback.objects.create(
        organisation=other,
        type="complaint",
        category="protection",
        language="fr",
        channel="phone",
        message=f"{SECRET} sensitive",
        is_sensitive=True,
    )
    o.team_member = SensitiveTeamMember.objects.create(user=outsider, organisation=other)
    o.you_said = YouSaidWeDid.objects.create(
        category="health", done_on=DAY, said_fr=f"{SECRET} said", did_fr="Fait"
    )

    # --- imports --------------------------------------------------------------------------------
    o.import_job = ImportJob.objects.create(
        organisation=other,
        created_by=outsider,
        file=_file("initiatives.csv", b"title\nx\n"),
        filename=f"{SECRET}.csv",
        kind="csv",
    )
    return o
