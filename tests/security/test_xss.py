"""Cross-site scripting: a payload typed into any text field of any form is shown back as text.

A small robot fills each form as a browser would: it reads the form from the page, puts a payload
(``payloads.PAYLOADS``, Arabic and mixed-direction text among them) into every text input and
textarea, picks valid values for the rest (the first choice of each list, a date, a number) and
posts it as a user allowed to. A field that refuses the payload (an e-mail, a code, a length
limit) gets a shorter payload, then plain text, and is counted as not carrying one. Every page
the answer leads to, the form re-shown with its errors, the record's page, its list and, for
public things, the portal page, is parsed and must hold no active markup from a payload.

``FORMS`` names the create page of every ModelForm of ``madina/*/forms*.py`` and
``madina/*/*_forms.py``; a test fails when a ModelForm is missing from it, so a new form cannot
escape the check. Plain forms of the records that the public or a case worker types into are
covered as well (cases, feedback, consultations, registrations).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import itertools
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django import forms as django_forms
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

import madina
from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.coordination.models import SpaceMember
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    SpaceFactory,
    SpaceMemberFactory,
)
from madina.initiatives.tests.factories import (
    ActivityTypeFactory,
    InitiativeFactory,
    TargetGroupFactory,
)
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory, SessionFactory
from madina.outreach.models import School, Training
from madina.outreach.services import capsule_create
from madina.outreach.tests.fixtures_sessions import capsule_data
from madina.results.models import Edition, Project, Result
from madina.territory.models import Area
from tests.security.payloads import PAYLOADS, SHORT_PAYLOADS, active_markup

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# The robot


@dataclass
class Outcome:
    url: str
    status: int
    location: str = ""
    carried: list[str] = field(default_factory=list)  # text fields that kept a payload
    plain: list[str] = field(default_factory=list)  # text fields that refused every payload
    errors: list[str] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)


_TEXT_TYPES = {"text", "search", ""}
_FIXED = {
    "email": "xss@example.org",
    "url": "https://example.org/",
    "tel": "+212612345678",
    "date": "2025-03-10",
    "datetime-local": "2025-03-10T10:00",
    "time": "10:00",
    "month": "2025-03",
    "password": "Correct-Horse-Battery-9",
}


def _main_form(document) -> Any:
    """The page's form: the POST form that is not the sign-out or language form."""
    best = None
    for form in document.forms:
        if (form.method or "").upper() != "POST":
            continue
        action = form.get("action") or ""
        if "logout" in action or "i18n" in action or "language" in action:
            continue
        size = len(form.inputs)
        if best is None or size > len(best.inputs):
            best = form
    return best


def _fill(form, overrides: dict[str, str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Form data as a browser would send it, every text field holding a payload."""
    data: list[tuple[str, str]] = []
    texts: dict[str, str] = {}
    payloads = itertools.cycle(PAYLOADS)
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        tag = element.tag
        kind = (element.get("type") or "").lower()
        if name in overrides:
            data.append((name, overrides[name]))
            continue
        if tag == "textarea" or (tag == "input" and kind in _TEXT_TYPES):
            value = next(payloads)
            if element.get("maxlength") and int(element.get("maxlength")) < len(value):
                value = SHORT_PAYLOADS[0]
            texts[name] = value
            data.append((name, value))
        elif tag == "select":
            # As a browser: the selected options, else the first one of a single list; a
            # required list whose first option is empty gets its first real choice.
            every = element.xpath(".//option")
            real = [o for o in every if o.get("value", o.text) != ""]
            chosen = [o for o in every if o.get("selected") is not None]
            multiple = element.get("multiple") is not None
            if not chosen and not multiple:
                chosen = every[:1]
            if element.get("required") is not None and not [o for o in chosen if o in real]:
                chosen = real[:1]
            data.extend((name, o.get("value", o.text or "")) for o in chosen)
        elif kind in ("checkbox", "radio"):
            if element.get("checked") is not None:
                data.append((name, element.get("value", "on")))
            elif kind == "radio" and not any(n == name for n, _ in data):
                group = [e for e in form.inputs if e.get("name") == name]
                if not any(e.get("checked") is not None for e in group):
                    data.append((name, element.get("value", "on")))
        elif kind == "hidden" or kind == "submit":
            if kind == "hidden" or element.get("value"):
                data.append((name, element.get("value", "")))
        elif kind == "number":
            if element.get("value") or element.get("required") is not None:
                data.append((name, element.get("value") or element.get("min") or "3"))
        elif kind in _FIXED:
            if element.get("value") or element.get("required") is not None:
                data.append((name, element.get("value") or _FIXED[kind]))
        elif kind == "file":
            continue
        else:
            data.append((name, element.get("value", "")))
    return data, texts


def _invalid_fields(document) -> set[str]:
    names = set()
    for element in document.xpath("//*[contains(concat(' ', @class, ' '), ' is-invalid ')]"):
        if element.get("name"):
            names.add(element.get("name"))
    for error in document.xpath("//*[substring(@id, string-length(@id) - 5) = '_error']"):
        for element in document.xpath(f"//*[@id='{error.get('id')[:-6]}']"):
            if element.get("name"):
                names.add(element.get("name"))
    for element in document.xpath("//*[@aria-invalid='true']"):
        if element.get("name"):
            names.add(element.get("name"))
    return names


def _error_texts(document) -> list[str]:
    found = document.xpath(
        "//*[contains(@class,'invalid-feedback') or contains(@class,'alert-danger') "
        "or contains(@class,'errorlist')]"
    )
    return [" ".join(e.text_content().split())[:200] for e in found]


def submit(client: Client, url: str, overrides: dict[str, str] | None = None) -> Outcome:
    """Fill the form at ``url`` with payloads and post it, giving up a payload where refused."""
    overrides = dict(overrides or {})
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    outcome = Outcome(url=url, status=0)
    outcome.pages[f"GET {url}"] = page.content
    document = lxml_html.document_fromstring(page.content)
    form = _main_form(document)
    assert form is not None, f"no form at {url}"
    target = form.get("action") or url
    downgraded: dict[str, int] = {}
    for attempt in range(12):
        data, texts = _fill(form, overrides)
        body: dict[str, list[str]] = {}
        for name, value in data:
            body.setdefault(name, []).append(value)
        answer = client.post(target, body)
        outcome.status = answer.status_code
        if answer.status_code in (301, 302, 303):
            outcome.location = answer["Location"]
            kept = {n for n in downgraded if overrides[n] in SHORT_PAYLOADS}
            outcome.carried = sorted(set(texts) | kept)
            outcome.plain = sorted(set(downgraded) - kept)
            return outcome
        outcome.pages[f"POST {url} #{attempt}"] = answer.content
        if answer.status_code != 200:
            outcome.errors.append(f"status {answer.status_code}")
            return outcome
        answered = lxml_html.document_fromstring(answer.content)
        invalid = _invalid_fields(answered) & (set(texts) | set(downgraded))
        if not invalid:
            outcome.errors = _error_texts(answered) or ["refused without a field error"]
            return outcome
        for name in invalid:
            step = downgraded.get(name, 0)
            downgraded[name] = step + 1
            ladder = [*SHORT_PAYLOADS, "", "Texte", "MAD", "1", "2025-03-10"]
            overrides[name] = ladder[min(step, len(ladder) - 1)]
    outcome.errors = ["still refused after twelve attempts", *sorted(downgraded)]
    return outcome


def assert_escaped(pages: dict[str, bytes]) -> None:
    problems = {
        where: found for where, content in pages.items() if (found := active_markup(content))
    }
    assert not problems, f"payload rendered as markup: {problems}"


# ---------------------------------------------------------------------------------------------
# The world the forms are filled in


@dataclass
class World:
    cast: Any
    commune: Area
    province: Area
    space: Any
    meeting: Any
    session: Any
    programme: Any
    item: Any
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(cast, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )
    commune = AreaFactory(
        code="02.381.01.01",
        name_fr="Nador",
        name_ar="الناظور",
        parent=province,
        latitude=Decimal("35.168"),
        longitude=Decimal("-2.933"),
    )
    SectorFactory()
    TargetGroupFactory()
    ActivityTypeFactory()
    space = SpaceFactory()
    SpaceMemberFactory(
        space=space, organisation=cast.organisation, position=SpaceMember.Position.MEMBER
    )
    meeting = MeetingFactory(space=space, commune=commune, organiser=cast.organisation)
    session = SessionFactory(meeting=meeting)
    programme = ProgrammeFactory(space=space)
    item = ItemFactory(programme=programme)
    world = World(cast, commune, province, space, meeting, session, programme, item)
    world.extra["initiative"] = InitiativeFactory(
        lead_organisation=cast.organisation, communes=[commune]
    )
    School.objects.create(
        name_fr="École Al Massira",
        commune=commune,
        level=School.Level.PRIMARY,
        sector=School.Sector.PUBLIC,
    )
    world.extra["capsule"] = capsule_create(
        actor=cast.coordinator, organisation=cast.organisation, data=capsule_data()
    )
    world.extra["recommendation"] = RecommendationFactory(meeting=meeting)
    world.extra["training"] = Training.objects.create(
        organisation=cast.organisation,
        title="Accompagnement",
        topic=Training.Topic.PROTECTION,
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 5),
        commune=commune,
        max_score=20,
    )
    project = Project.objects.create(organisation=cast.organisation, name_fr="Al-Madina")
    edition = Edition.objects.create(
        project=project,
        name_fr="2e édition",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        reporting_period=Edition.Period.QUARTER,
    )
    edition.areas.set([province])
    world.extra.update(
        project=project,
        edition=edition,
        result=Result.objects.create(edition=edition, level="outcome", code="1", title_fr="Écoles"),
    )
    return world


@dataclass
class FormCase:
    """A form, the page that shows it, who fills it and the pages that show the record."""

    forms: tuple[str, ...]
    url: Callable[[World], str]
    user: str = "coordinator"
    shows: Callable[[World], list[str]] = lambda w: []
    overrides: Callable[[World], dict[str, str]] = lambda w: {}
    texts: bool = True  # False for the few forms without a free-text field


def r(name: str, *args) -> str:
    return reverse(name, args=args)


FORMS: list[FormCase] = [
    FormCase(
        ("actors.OrganisationForm",),
        lambda w: r("actors:organisation_create"),
        shows=lambda w: [r("actors:organisation_list")],
    ),
    FormCase(
        ("actors.FocalPersonForm",),
        lambda w: r("actors:focal_person_create", w.cast.organisation.pk),
        user="admin",
    ),
    FormCase(
        ("initiatives.InitiativeForm",),
        lambda w: r("initiatives:initiative_create"),
        user="admin",
        shows=lambda w: [r("initiatives:initiative_list")],
    ),
    FormCase(
        ("initiatives.ReachReportForm",),
        lambda w: r("initiatives:reach_report", w.extra["initiative"].pk),
        user="admin",
    ),
    FormCase(
        ("initiatives.TaxonomyForm",),
        lambda w: r("initiatives:taxonomy_create", "target-groups"),
        shows=lambda w: [r("initiatives:taxonomy_list", "target-groups")],
    ),
    FormCase(
        ("coordination.SpaceForm",),
        lambda w: r("coordination:space_create"),
        shows=lambda w: [r("coordination:space_list")],
    ),
    FormCase(
        ("coordination.CloseForm",),
        lambda w: r("coordination:space_close", w.space.pk),
        shows=lambda w: [r("coordination:space_detail", w.space.pk)],
    ),
    FormCase(
        ("coordination.MemberForm",),
        lambda w: r("coordination:member_add", w.space.pk),
        texts=False,
        shows=lambda w: [r("coordination:space_detail", w.space.pk)],
    ),
    FormCase(
        ("coordination.ProgrammeForm",),
        lambda w: r("coordination:programme_create", w.space.pk),
    ),
    FormCase(
        ("coordination.ItemForm",),
        lambda w: r("coordination:item_create", w.programme.pk),
        shows=lambda w: [r("coordination:programme_detail", w.programme.pk)],
    ),
    FormCase(
        ("coordination.ResponsibilityForm",),
        lambda w: r("coordination:responsibility_add", w.item.pk),
        shows=lambda w: [r("coordination:item_detail", w.item.pk)],
    ),
    FormCase(
        ("meetings.MeetingForm",),
        lambda w: r("meetings:meeting_create"),
        shows=lambda w: [r("meetings:meeting_list")],
        overrides=lambda w: {"ends_at": "2025-03-10T12:00", "commune": str(w.commune.pk)},
    ),
    FormCase(
        ("meetings.AgendaItemForm",),
        lambda w: r("meetings:agenda_item_add", w.meeting.pk),
    ),
    FormCase(
        ("meetings.SessionForm",),
        lambda w: r("meetings:session_add", w.meeting.pk),
    ),
    FormCase(
        ("meetings.SpeakerForm",),
        lambda w: r("meetings:speaker_add", w.meeting.pk, w.session.pk),
    ),
    FormCase(
        ("meetings.MinutesForm",),
        lambda w: r("meetings:minutes_edit", w.meeting.pk),
        shows=lambda w: [r("meetings:meeting_detail", w.meeting.pk)],
    ),
    FormCase(
        ("meetings.RecommendationForm",),
        lambda w: r("meetings:recommendation_create", w.meeting.pk),
        shows=lambda w: [r("portal:recommendations")],
    ),
    FormCase(
        ("meetings.UpdateForm",),
        lambda w: r("meetings:recommendation_add_update", w.extra["recommendation"].pk),
        shows=lambda w: [r("meetings:recommendation_detail", w.extra["recommendation"].pk)],
    ),
    FormCase(
        ("directory.ServiceForm",),
        lambda w: r("directory:service_create"),
        user="admin",
        shows=lambda w: [r("directory:service_list"), r("portal:services")],
    ),
    FormCase(
        ("outreach.CapsuleForm",),
        lambda w: r("outreach:capsule_create"),
        user="admin",
        shows=lambda w: [r("outreach:capsule_list")],
    ),
    FormCase(
        ("outreach.SchoolForm",),
        lambda w: r("outreach:school_create"),
        shows=lambda w: [r("outreach:school_list")],
    ),
    FormCase(
        ("outreach.SessionForm", "outreach.AudienceForm"),
        lambda w: r("outreach:session_create"),
        user="admin",
        overrides=lambda w: {
            "audience-0-grade": "P4",
            "audience-0-girls": "5",
            "capsules": str(w.extra["capsule"].pk),
        },
        shows=lambda w: [r("outreach:session_list")],
    ),
    FormCase(
        ("outreach.TrainingForm",),
        lambda w: r("outreach:training_create"),
        user="admin",
        shows=lambda w: [r("outreach:training_list")],
    ),
    FormCase(
        ("outreach.ParticipantForm",),
        lambda w: r("outreach:participant_add", w.extra["training"].pk),
        user="admin",
    ),
    FormCase(
        ("outreach.AdvocacyForm",),
        lambda w: r("outreach:advocacy_create"),
        user="admin",
        shows=lambda w: [r("outreach:advocacy_list")],
    ),
    FormCase(
        ("results.ProjectForm",),
        lambda w: r("results:project_create"),
        user="admin",
        shows=lambda w: [r("results:edition_list")],
    ),
    FormCase(
        ("results.EditionForm",),
        lambda w: r("results:edition_create", w.extra["project"].pk),
        user="admin",
    ),
    FormCase(
        ("results.ResultForm",),
        lambda w: r("results:result_create", w.extra["edition"].pk),
        user="admin",
    ),
    FormCase(
        ("results.IndicatorForm",),
        lambda w: r("results:indicator_create", w.extra["result"].pk),
        user="admin",
    ),
    FormCase(
        ("results.SectionForm",),
        lambda w: r("results:section_create", w.extra["edition"].pk),
        user="admin",
        shows=lambda w: [r("results:section_list", w.extra["edition"].pk)],
    ),
    FormCase(
        ("feedback.YouSaidForm",),
        lambda w: r("feedback_staff:you_said_create"),
        shows=lambda w: [r("feedback_staff:you_said_list")],
    ),
    FormCase(
        ("feedback.EntryForm",),
        lambda w: r("feedback_staff:create"),
        user="admin",
        shows=lambda w: [r("feedback_staff:inbox")],
    ),
    FormCase(
        ("consultations.ConsultationForm",),
        lambda w: r("consultations_staff:create"),
        user="admin",
        shows=lambda w: [r("consultations_staff:list")],
    ),
    FormCase(
        ("accounts.ProfileForm",),
        lambda w: r("accounts:profile"),
        user="member",
    ),
]

# ModelForms that are not a record's create form, and why they are left to the table above.
NOT_CREATE_FORMS: dict[str, str] = {}


# ---------------------------------------------------------------------------------------------
# The tests


def _model_forms() -> set[str]:
    found = set()
    for module_info in pkgutil.iter_modules(madina.__path__):
        package = f"madina.{module_info.name}"
        try:
            app = importlib.import_module(package)
        except ImportError:
            continue
        for sub in pkgutil.iter_modules(getattr(app, "__path__", [])):
            if not (sub.name.startswith("forms") or sub.name.endswith("_forms")):
                continue
            module = importlib.import_module(f"{package}.{sub.name}")
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, django_forms.ModelForm)
                    and value.__module__ == module.__name__
                    and value._meta.model is not None
                ):
                    found.add(f"{module_info.name}.{name}")
    return found


def test_every_model_form_is_attacked():
    covered = {name for case in FORMS for name in case.forms} | set(NOT_CREATE_FORMS)
    missing = _model_forms() - covered
    assert not missing, f"ModelForms without a cross-site scripting check: {sorted(missing)}"


@pytest.mark.parametrize("case", FORMS, ids=lambda c: "+".join(c.forms))
def test_payloads_are_shown_as_text(world, case):
    client = world.cast.client_for(case.user)
    outcome = submit(client, case.url(world), case.overrides(world))
    assert outcome.status in (302, 303), f"{case.forms} not saved: {outcome.errors}"
    assert outcome.carried or not case.texts, f"{case.forms}: no text field kept a payload"
    shown = [outcome.location, *case.shows(world)]
    for url in shown:
        page = client.get(url)
        assert page.status_code == 200, f"{url} answered {page.status_code}"
        outcome.pages[f"GET {url}"] = page.content
    assert_escaped(outcome.pages)
