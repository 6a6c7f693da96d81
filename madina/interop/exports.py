"""Exports of the registry as the user sees it: CSV, XLSX, HXL-tagged CSV, IATI 2.03 XML.

Every export starts from ``madina.initiatives.selectors.initiative_list`` with the filters of the
list page, so it holds exactly what the user may see. The HXL columns and tags are those of
research note (b)1; the IATI elements follow the order of the 2.03 schema (note (b)2; see
docs/decisions/0008-iati-export-identifiers-and-sectors.md for identifiers and sector vocabularies).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from madina.initiatives.models import Initiative, InitiativePartner, ReachReport

CHUNK = 2000
COUNTRY_ISO2 = "MA"
COUNTRY_ISO3 = "MAR"
IATI_PREFIX = getattr(settings, "INTEROP_IATI_PREFIX", "MADINA")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationType codes for the platform's organisation types.
IATI_ORGANISATION_TYPE = {
    "commune": "11",
    "local_authority": "10",
    "public_institution": "15",
    "cso": "22",
    "migrant_led": "22",
    "international": "21",
    "un_agency": "40",
    "private": "70",
    "academic": "80",
    "donor": "90",
}
# IATI ActivityStatus codes.
IATI_STATUS = {"planned": "1", "ongoing": "2", "completed": "4", "cancelled": "5"}
# DAC 5-digit purpose codes for the programmes of the national strategy (SNIA); any other sector
# falls back to 15190, "Facilitation of orderly, safe, regular and responsible migration".
DAC_FOR_SNIA = {
    "SNIA-01": "11220",
    "SNIA-02": "16061",
    "SNIA-03": "12220",
    "SNIA-04": "16030",
    "SNIA-05": "16010",
    "SNIA-06": "11330",
    "SNIA-07": "16020",
}
DAC_MIGRATION = "15190"


@dataclass
class Reach:
    women: int = 0
    men: int = 0
    girls: int = 0
    boys: int = 0
    last_month: datetime.date | None = None

    @property
    def total(self) -> int:
        return self.women + self.men + self.girls + self.boys


def reach_by_initiative(ids: list[int]) -> dict[int, Reach]:
    """People reached per initiative: per commune, the last total to date when one was reported,
    else the sum of the months (monthly and cumulative figures are never added together)."""
    per_commune: dict[tuple[int, int], dict] = {}
    rows = (
        ReachReport.objects.filter(initiative_id__in=ids)
        .order_by("period__month")
        .values_list(
            "initiative_id",
            "commune_id",
            "period__month",
            "women",
            "men",
            "girls",
            "boys",
            "cumulative_women",
            "cumulative_men",
            "cumulative_girls",
            "cumulative_boys",
        )
    )
    for initiative_id, commune_id, month, *figures in rows:
        state = per_commune.setdefault(
            (initiative_id, commune_id), {"sum": [0, 0, 0, 0], "cumulative": None, "month": None}
        )
        state["sum"] = [a + b for a, b in zip(state["sum"], figures[:4], strict=True)]
        if any(value is not None for value in figures[4:]):
            state["cumulative"] = [value or 0 for value in figures[4:]]
        state["month"] = month
    result: dict[int, Reach] = defaultdict(Reach)
    for (initiative_id, _commune), state in per_commune.items():
        figures = state["cumulative"] or state["sum"]
        reach = result[initiative_id]
        reach.women += figures[0]
        reach.men += figures[1]
        reach.girls += figures[2]
        reach.boys += figures[3]
        if reach.last_month is None or state["month"] > reach.last_month:
            reach.last_month = state["month"]
    return result


def _chunks(queryset: QuerySet[Initiative]) -> Iterator[tuple[Initiative, Reach]]:
    batch: list[Initiative] = []
    for initiative in queryset.iterator(chunk_size=CHUNK):
        batch.append(initiative)
        if len(batch) >= CHUNK:
            yield from _with_reach(batch)
            batch = []
    if batch:
        yield from _with_reach(batch)


def _with_reach(batch: list[Initiative]) -> Iterator[tuple[Initiative, Reach]]:
    reach = reach_by_initiative([initiative.pk for initiative in batch])
    for initiative in batch:
        yield initiative, reach.get(initiative.pk, Reach())


def _partners(initiative: Initiative, role: str) -> list:
    return [p.organisation for p in initiative.partnerships.all() if p.role == role]


def _join(values: Iterable) -> str:
    return "; ".join(str(value) for value in values if value)


def _number(value) -> str:
    return "" if value is None else str(value)


def _date(value) -> str:
    return value.isoformat() if value else ""


def _end_of_month(month: datetime.date | None) -> str:
    if month is None:
        return ""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (following - datetime.timedelta(days=1)).isoformat()


def record_id(initiative: Initiative) -> str:
    return initiative.external_id or f"{IATI_PREFIX}-{initiative.pk}"


# --- Tables (CSV and XLSX) -----------------------------------------------------------------

TABLE_COLUMNS = (
    ("record_id", gettext_lazy("record identifier")),
    ("title", gettext_lazy("title")),
    ("description", gettext_lazy("description")),
    ("lead", gettext_lazy("lead organisation")),
    ("implementing", gettext_lazy("implementing partners")),
    ("technical", gettext_lazy("technical partners")),
    ("funding", gettext_lazy("funding partners")),
    ("funder", gettext_lazy("funder")),
    ("sector_code", gettext_lazy("sector code")),
    ("sector", gettext_lazy("sector")),
    ("subsector", gettext_lazy("sub-sector")),
    ("activity_type", gettext_lazy("activity type")),
    ("provinces", gettext_lazy("province or prefecture")),
    ("communes", gettext_lazy("communes")),
    ("commune_codes", gettext_lazy("commune codes")),
    ("target_groups", gettext_lazy("target groups")),
    ("status", gettext_lazy("status")),
    ("start_date", gettext_lazy("start date")),
    ("end_date", gettext_lazy("end date")),
    ("budget", gettext_lazy("budget")),
    ("currency", gettext_lazy("currency")),
    ("target_people", gettext_lazy("people targeted")),
    ("women", gettext_lazy("women reached")),
    ("men", gettext_lazy("men reached")),
    ("girls", gettext_lazy("girls reached")),
    ("boys", gettext_lazy("boys reached")),
    ("reached", gettext_lazy("people reached")),
)


def _table_row(initiative: Initiative, reach: Reach) -> list:
    communes = list(initiative.communes.all())
    provinces = list(dict.fromkeys(c.parent.name for c in communes if c.parent_id))
    return [
        record_id(initiative),
        initiative.title,
        initiative.description,
        initiative.lead_organisation.name,
        _join(o.name for o in _partners(initiative, InitiativePartner.Role.IMPLEMENTING)),
        _join(o.name for o in _partners(initiative, InitiativePartner.Role.TECHNICAL)),
        _join(o.name for o in _partners(initiative, InitiativePartner.Role.FUNDING)),
        initiative.funder.name if initiative.funder_id else "",
        initiative.sector.code,
        initiative.sector.name,
        initiative.subsector.name if initiative.subsector_id else "",
        initiative.activity_type.name if initiative.activity_type_id else "",
        _join(provinces),
        _join(c.name for c in communes),
        _join(c.code for c in communes),
        _join(g.name for g in initiative.target_groups.all()),
        initiative.get_status_display(),
        initiative.start_date,
        initiative.end_date,
        initiative.budget,
        initiative.currency,
        initiative.target_people,
        reach.women,
        reach.men,
        reach.girls,
        reach.boys,
        reach.total,
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(queryset: QuerySet[Initiative]) -> Iterator[str]:
    """The plain CSV export, line by line (streamed), with a BOM so that Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(label) for _key, label in TABLE_COLUMNS])
    for initiative, reach in _chunks(queryset):
        yield writer.writerow(
            ["" if value is None else _text(value) for value in _table_row(initiative, reach)]
        )


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def xlsx_file(queryset: QuerySet[Initiative]):
    """The XLSX export in a temporary file (write-only workbook: constant memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append([str(label) for _key, label in TABLE_COLUMNS])
    for initiative, reach in _chunks(queryset):
        sheet.append(_table_row(initiative, reach))
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output


# --- HXL ------------------------------------------------------------------------------------

HXL_COLUMNS = (
    (gettext_lazy("Record ID"), "#meta+id"),
    (gettext_lazy("Lead organisation"), "#org+prog+name"),
    (gettext_lazy("Lead organisation ID"), "#org+prog+code"),
    (gettext_lazy("Implementing partner"), "#org+impl+name"),
    (gettext_lazy("Implementing partner type"), "#org+impl+type"),
    (gettext_lazy("Technical partners"), "#org+technical+name"),
    (gettext_lazy("Funding partners"), "#org+funding+name"),
    (gettext_lazy("Donor"), "#org+funder+name"),
    (gettext_lazy("Sector"), "#sector+name"),
    (gettext_lazy("Sector code"), "#sector+code"),
    (gettext_lazy("Sub-sector"), "#subsector+name"),
    (gettext_lazy("Activity"), "#activity+name"),
    (gettext_lazy("Activity code"), "#activity+code"),
    (gettext_lazy("Country"), "#country+code"),
    (gettext_lazy("Admin 1"), "#adm1+name"),
    (gettext_lazy("Admin 1 P-code"), "#adm1+code"),
    (gettext_lazy("Admin 2"), "#adm2+name"),
    (gettext_lazy("Admin 2 P-code"), "#adm2+code"),
    (gettext_lazy("Site"), "#loc+name"),
    (gettext_lazy("Latitude"), "#geo+lat"),
    (gettext_lazy("Longitude"), "#geo+lon"),
    (gettext_lazy("Status"), "#status"),
    (gettext_lazy("Start date"), "#date+start"),
    (gettext_lazy("End date"), "#date+end"),
    (gettext_lazy("Reporting date"), "#date+reported"),
    (gettext_lazy("Population group"), "#beneficiary+name"),
    (gettext_lazy("Targeted (total)"), "#targeted+total"),
    (gettext_lazy("Reached (total)"), "#reached+total"),
    (gettext_lazy("Reached women/girls"), "#reached+f"),
    (gettext_lazy("Reached men/boys"), "#reached+m"),
    (gettext_lazy("Reached children"), "#reached+children"),
    (gettext_lazy("Contact e-mail"), "#contact+email"),
)


def _hxl_row(initiative: Initiative, reach: Reach) -> list[str]:
    communes = list(initiative.communes.all())
    provinces = list(dict.fromkeys(c.parent for c in communes if c.parent_id))
    regions = list(dict.fromkeys(p.parent for p in provinces if p.parent_id))
    implementing = _partners(initiative, InitiativePartner.Role.IMPLEMENTING)
    lead = initiative.lead_organisation
    return [
        record_id(initiative),
        lead.name,
        lead.iati_ref or f"{IATI_PREFIX}-ORG{lead.pk}",
        _join(o.name for o in implementing),
        _join(dict.fromkeys(o.type for o in implementing)),
        _join(o.name for o in _partners(initiative, InitiativePartner.Role.TECHNICAL)),
        _join(o.name for o in _partners(initiative, InitiativePartner.Role.FUNDING)),
        initiative.funder.name if initiative.funder_id else "",
        initiative.sector.name,
        initiative.sector.code,
        initiative.subsector.name if initiative.subsector_id else "",
        initiative.title,
        initiative.activity_type.code if initiative.activity_type_id else "",
        COUNTRY_ISO3,
        _join(r.name for r in regions),
        _join(r.code for r in regions),
        _join(p.name for p in provinces),
        _join(p.code for p in provinces),
        _join(c.name for c in communes),
        _number(initiative.latitude),
        _number(initiative.longitude),
        initiative.status,
        _date(initiative.start_date),
        _date(initiative.end_date),
        _end_of_month(reach.last_month),
        _join(g.name for g in initiative.target_groups.all()),
        _number(initiative.target_people),
        str(reach.total) if reach.last_month else "",
        str(reach.women + reach.girls) if reach.last_month else "",
        str(reach.men + reach.boys) if reach.last_month else "",
        str(reach.girls + reach.boys) if reach.last_month else "",
        lead.email,
    ]


def hxl_rows(queryset: QuerySet[Initiative]) -> Iterator[str]:
    """The HXL-tagged 3W CSV: headers, then hashtags, then one row per initiative."""
    writer = csv.writer(_Echo())
    yield writer.writerow([str(header) for header, _tag in HXL_COLUMNS])
    yield writer.writerow([tag for _header, tag in HXL_COLUMNS])
    for initiative, reach in _chunks(queryset):
        yield writer.writerow(_hxl_row(initiative, reach))


# --- IATI 2.03 -------------------------------------------------------------------------------


def organisation_ref(organisation) -> str:
    """The organisation's IATI identifier, or the documented Madina stand-in."""
    return organisation.iati_ref or f"{IATI_PREFIX}-ORG{organisation.pk}"


def iati_identifier(initiative: Initiative) -> str:
    return f"{organisation_ref(initiative.lead_organisation)}-{initiative.pk}"


def _narrative(parent, text: str, lang: str | None = None):
    element = etree.SubElement(parent, "narrative")
    if lang:
        element.set(XML_LANG, lang)
    element.text = text
    return element


def _participant(parent, organisation, role: str) -> None:
    element = etree.SubElement(parent, "participating-org")
    element.set("ref", organisation_ref(organisation))
    element.set("type", IATI_ORGANISATION_TYPE.get(organisation.type, "90"))
    element.set("role", role)
    _narrative(element, organisation.name)


def _activity(root, initiative: Initiative, reach: Reach, today: datetime.date) -> None:
    lang = initiative.language or "fr"
    activity = etree.SubElement(root, "iati-activity")
    activity.set("last-updated-datetime", initiative.updated_at.isoformat(timespec="seconds"))
    activity.set(XML_LANG, lang)
    activity.set("default-currency", initiative.currency or "MAD")
    activity.set("humanitarian", "0")
    lead = initiative.lead_organisation

    etree.SubElement(activity, "iati-identifier").text = iati_identifier(initiative)
    reporting = etree.SubElement(activity, "reporting-org")
    reporting.set("ref", organisation_ref(lead))
    reporting.set("type", IATI_ORGANISATION_TYPE.get(lead.type, "90"))
    _narrative(reporting, lead.name)
    _narrative(etree.SubElement(activity, "title"), initiative.title)
    description = etree.SubElement(activity, "description")
    description.set("type", "1")
    _narrative(description, initiative.description or initiative.title)

    funders = []
    if initiative.funder_id:
        funders.append(initiative.funder)
    funders += [
        o for o in _partners(initiative, InitiativePartner.Role.FUNDING) if o not in funders
    ]
    for organisation in funders:
        _participant(activity, organisation, "1")
    _participant(activity, lead, "2")
    implementing = _partners(initiative, InitiativePartner.Role.IMPLEMENTING) or [lead]
    for organisation in implementing:
        _participant(activity, organisation, "4")

    etree.SubElement(activity, "activity-status").set("code", IATI_STATUS[initiative.status])
    started = initiative.status in {"ongoing", "completed"}
    start = initiative.start_date or initiative.created_at.date()
    date = etree.SubElement(activity, "activity-date")
    date.set("type", "2" if started and start <= today else "1")
    date.set("iso-date", start.isoformat())
    if initiative.end_date:
        ended = initiative.status == "completed" and initiative.end_date <= today
        date = etree.SubElement(activity, "activity-date")
        date.set("type", "4" if ended else "3")
        date.set("iso-date", initiative.end_date.isoformat())

    etree.SubElement(activity, "recipient-country").set("code", COUNTRY_ISO2)
    for commune in initiative.communes.all():
        location = etree.SubElement(activity, "location")
        etree.SubElement(location, "location-reach").set("code", "1")
        _narrative(etree.SubElement(location, "name"), commune.name)
        latitude, longitude = commune.latitude, commune.longitude
        exactness = "2"
        if initiative.latitude is not None and len(initiative.communes.all()) == 1:
            latitude, longitude, exactness = initiative.latitude, initiative.longitude, "1"
        if latitude is not None and longitude is not None:
            point = etree.SubElement(location, "point")
            point.set("srsName", "http://www.opengis.net/def/crs/EPSG/0/4326")
            etree.SubElement(point, "pos").text = f"{latitude} {longitude}"
            etree.SubElement(location, "exactness").set("code", exactness)
        etree.SubElement(location, "location-class").set("code", "1")

    sector = etree.SubElement(activity, "sector")
    sector.set("vocabulary", "99")
    sector.set("code", initiative.sector.code)
    sector.set("percentage", "100")
    _narrative(sector, initiative.sector.name)
    dac = etree.SubElement(activity, "sector")
    dac.set("vocabulary", "1")
    dac.set("code", DAC_FOR_SNIA.get(initiative.sector.code, DAC_MIGRATION))
    dac.set("percentage", "100")

    if initiative.target_people and initiative.start_date and initiative.end_date:
        result = etree.SubElement(activity, "result")
        result.set("type", "1")
        result.set("aggregation-status", "0")
        _narrative(etree.SubElement(result, "title"), _("People reached"))
        indicator = etree.SubElement(result, "indicator")
        indicator.set("measure", "1")
        _narrative(etree.SubElement(indicator, "title"), _("People reached"))
        baseline = etree.SubElement(indicator, "baseline")
        baseline.set("year", str(initiative.start_date.year))
        baseline.set("value", "0")
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start").set("iso-date", initiative.start_date.isoformat())
        etree.SubElement(period, "period-end").set("iso-date", initiative.end_date.isoformat())
        etree.SubElement(period, "target").set("value", str(initiative.target_people))
        etree.SubElement(period, "actual").set("value", str(reach.total))


def iati_xml(queryset: QuerySet[Initiative]) -> bytes:
    """The IATI 2.03 activity file of the initiatives (validated against the XSD in the tests)."""
    root = etree.Element("iati-activities")
    root.set("version", "2.03")
    root.set("generated-datetime", timezone.now().isoformat(timespec="seconds"))
    today = timezone.localdate()
    for initiative, reach in _chunks(queryset):
        _activity(root, initiative, reach, today)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def csv_bytes(rows: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    for line in rows:
        buffer.write(line)
    return buffer.getvalue().encode("utf-8")
