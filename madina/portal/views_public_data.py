"""Open data: what the platform publishes for anyone, as files, with a licence and a date.

The page ``/<language>/portal/open-data/`` lists the downloads; the same address with
``?download=<name>&format=<format>`` gives one file. Anything else asked for is a 404.

What is published, and why it is safe to:

- initiatives shared with every organisation (``Initiative.Visibility.SHARED``; those kept to
  their lead and partners never), without the lead organisation's e-mail address. The people
  reached are counts of people: a figure from 1 to 4 is left empty, and the breakdown (women, men,
  girls, boys) is left empty too when one of its figures is, so that it cannot be worked out from
  the total;
- active services, as the portal shows them, and as Open Referral HSDS tables without the
  referral focal person (a person's name and phone, shown only to the organisations);
- counts of services and of initiatives by commune: counts of services, not of people.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madina.actors.models import Sector
from madina.directory.hsds import export_queryset
from madina.directory.hsds_tables import datapackage_zip
from madina.directory.models import Service
from madina.initiatives.models import Initiative
from madina.initiatives.selectors import with_display_relations
from madina.interop import exports
from madina.results.sources import SMALL_CELL
from madina.territory.models import Area

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"

PLATFORM_LICENCE = gettext_lazy(
    "Creative Commons Attribution 4.0 (CC BY 4.0): free to reuse, citing “Madina”."
)
TERRITORY_LICENCE = gettext_lazy(
    "Administrative areas: HCP census 2024 (CC BY 4.0); commune centroids © OpenStreetMap "
    "contributors (ODbL)."
)


# --- What is public -----------------------------------------------------------------------------


def public_initiatives():
    """The initiatives shared with every organisation: what the platform publishes of the registry.

    Anonymous readers see no initiative in the registry's own pages (they need an account); the
    shared ones are those any organisation may see, and the portal counts them already.
    """
    return with_display_relations(
        Initiative.objects.filter(visibility=Initiative.Visibility.SHARED)
    ).order_by("pk")


def public_services():
    return (
        Service.objects.filter(is_active=True)
        .select_related("organisation", "commune__parent")
        .prefetch_related("communes_served")
        .order_by("pk")
    )


def _latest(queryset) -> datetime.datetime | None:
    return queryset.order_by().aggregate(latest=Max("updated_at"))["latest"]


# --- Small cells --------------------------------------------------------------------------------


def _is_small(value) -> bool:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return 0 < number < SMALL_CELL


def suppress(row: list, *, total: int, parts: Iterable[int]) -> list:
    """``row`` with its people counts from 1 to 4 emptied; the breakdown too when one is."""
    row = list(row)
    parts = list(parts)
    if _is_small(row[total]):
        row[total] = None
        for index in parts:
            row[index] = None
    elif any(_is_small(row[index]) for index in parts):
        for index in parts:
            row[index] = None
    return row


# --- Initiatives --------------------------------------------------------------------------------

_TABLE_KEYS = [key for key, _label in exports.TABLE_COLUMNS]
_TABLE_TOTAL = _TABLE_KEYS.index("reached")
_TABLE_PARTS = [_TABLE_KEYS.index(key) for key in ("women", "men", "girls", "boys")]
_HXL_TAGS = [tag for _header, tag in exports.HXL_COLUMNS]
_HXL_TOTAL = _HXL_TAGS.index("#reached+total")
_HXL_PARTS = [_HXL_TAGS.index(tag) for tag in ("#reached+f", "#reached+m", "#reached+children")]
_HXL_EMAIL = _HXL_TAGS.index("#contact+email")


def initiative_table_rows() -> Iterator[list]:
    """The registry's table export (headers first), shared initiatives only, small cells empty."""
    yield [str(label) for _key, label in exports.TABLE_COLUMNS]
    for initiative, reach in exports._chunks(public_initiatives()):
        row = exports._table_row(initiative, reach)
        yield suppress(row, total=_TABLE_TOTAL, parts=_TABLE_PARTS)


def initiative_hxl_rows() -> Iterator[list]:
    """The 3W export with its HXL hashtag row, shared initiatives only, small cells empty."""
    yield [str(header) for header, _tag in exports.HXL_COLUMNS]
    yield list(_HXL_TAGS)
    for initiative, reach in exports._chunks(public_initiatives()):
        row = exports._hxl_row(initiative, reach)
        row[_HXL_EMAIL] = ""
        yield suppress(row, total=_HXL_TOTAL, parts=_HXL_PARTS)


# --- Services -----------------------------------------------------------------------------------

SERVICE_COLUMNS = (
    (gettext_lazy("Service ID"), "#meta+id"),
    (gettext_lazy("Name"), "#service+name"),
    (gettext_lazy("Name in Arabic"), "#service+name+i_ar"),
    (gettext_lazy("Name in French"), "#service+name+i_fr"),
    (gettext_lazy("Name in English"), "#service+name+i_en"),
    (gettext_lazy("Organisation"), "#org+name"),
    (gettext_lazy("Type of service (code)"), "#service+type+code"),
    (gettext_lazy("Type of service"), "#service+type+name"),
    (gettext_lazy("Cost"), "#service+cost"),
    (gettext_lazy("Helps people without papers"), "#service+without_papers"),
    (gettext_lazy("Languages spoken (codes)"), "#service+languages+code"),
    (gettext_lazy("Opening hours"), "#service+hours"),
    (gettext_lazy("Address"), "#loc+address"),
    (gettext_lazy("How to get there"), "#service+access"),
    (gettext_lazy("Province or prefecture"), "#adm2+name"),
    (gettext_lazy("Province P-code"), "#adm2+code"),
    (gettext_lazy("Commune"), "#adm3+name"),
    (gettext_lazy("Commune P-code"), "#adm3+code"),
    (gettext_lazy("Communes served (P-codes)"), "#adm3+served+code"),
    (gettext_lazy("Latitude"), "#geo+lat"),
    (gettext_lazy("Longitude"), "#geo+lon"),
    (gettext_lazy("Phone"), "#contact+phone"),
    (gettext_lazy("E-mail of the service"), "#contact+email"),
    (gettext_lazy("Last updated"), "#date+updated"),
)


def _service_row(service: Service) -> list:
    commune = service.commune
    province = commune.parent if commune is not None else None
    return [
        str(service.uuid),
        service.name,
        service.name_ar,
        service.name_fr,
        service.name_en,
        service.organisation.name,
        service.type,
        str(service.get_type_display()),
        str(service.get_cost_display()),
        str(service.get_without_papers_display()),
        service.languages,
        service.opening_hours,
        service.address,
        service.how_to_access,
        province.name if province else "",
        province.code if province else "",
        commune.name if commune else "",
        commune.code if commune else "",
        "; ".join(sorted(area.code for area in service.communes_served.all())),
        "" if service.latitude is None else str(service.latitude),
        "" if service.longitude is None else str(service.longitude),
        service.phone.as_international if service.phone else "",
        service.email,
        service.updated_at.date().isoformat(),
    ]


def service_rows() -> Iterator[list]:
    yield [str(header) for header, _tag in SERVICE_COLUMNS]
    yield [tag for _header, tag in SERVICE_COLUMNS]
    for service in public_services():
        yield _service_row(service)


def _without_focal_person(services: Iterable[Service]) -> Iterator[Service]:
    for service in services:
        # In memory only: the HSDS contact is the referral focal person, a person's name and
        # phone that the directory shows to the organisations, not to the public.
        service.referral_focal_point = None
        yield service


# --- Statistics ---------------------------------------------------------------------------------


def services_by_type_and_commune() -> list[list]:
    """Active services counted by the commune of their address and their type."""
    counts = Counter(
        Service.objects.filter(is_active=True).values_list("commune_id", "type").order_by()
    )
    areas = Area.objects.in_bulk([pk for pk, _type in counts if pk is not None])
    labels = dict(Service.Type.choices)
    rows = [
        [
            gettext_lazy("Commune P-code"),
            gettext_lazy("Commune"),
            gettext_lazy("Type of service (code)"),
            gettext_lazy("Type of service"),
            gettext_lazy("Active services"),
        ]
    ]
    body = []
    for (commune_id, kind), count in counts.items():
        area = areas.get(commune_id)
        body.append(
            [
                area.code if area else "",
                area.name if area else _("no commune given"),
                kind,
                str(labels.get(kind, kind)),
                count,
            ]
        )
    return rows + sorted(body, key=lambda row: (row[0], row[2]))


def initiatives_by_sector_and_commune() -> list[list]:
    """Shared initiatives counted by commune and programme (one initiative in several communes is
    counted in each), and by status."""
    counts = Counter(
        Initiative.objects.filter(visibility=Initiative.Visibility.SHARED)
        .values_list("communes", "sector_id", "status")
        .order_by()
    )
    areas = Area.objects.in_bulk([pk for pk, _sector, _status in counts if pk is not None])
    sectors = Sector.objects.in_bulk([pk for _commune, pk, _status in counts])
    statuses = dict(Initiative.Status.choices)
    rows = [
        [
            gettext_lazy("Commune P-code"),
            gettext_lazy("Commune"),
            gettext_lazy("Sector code"),
            gettext_lazy("Sector"),
            gettext_lazy("Status"),
            gettext_lazy("Initiatives"),
        ]
    ]
    body = []
    for (commune_id, sector_id, status), count in counts.items():
        area, sector = areas.get(commune_id), sectors.get(sector_id)
        body.append(
            [
                area.code if area else "",
                area.name if area else _("no commune given"),
                sector.code if sector else "",
                sector.name if sector else "",
                str(statuses.get(status, status)),
                count,
            ]
        )
    return rows + sorted(body, key=lambda row: (row[0], row[2], row[4]))


# --- Files --------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV lines with a BOM first, so that a spreadsheet opens the UTF-8 right."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def _filename(name: str, extension: str) -> str:
    return f"madina-{name}-{timezone.localdate().isoformat()}.{extension}"


def csv_response(name: str, rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def xlsx_response(name: str, rows: Iterable[list]) -> FileResponse:
    """A write-only workbook in a temporary file: constant memory, however many rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    for row in rows:
        sheet.append([str(value) if isinstance(value, Promise) else value for value in row])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=_filename(name, "xlsx"), content_type=XLSX_TYPE
    )


def _hsds_response() -> HttpResponse:
    language = (get_language() or "fr")[:2]
    content = datapackage_zip(_without_focal_person(export_queryset()), language=language)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_filename("services-hsds", "zip")}"'
    return response


# --- The catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    name: str
    title: str
    description: str
    formats: tuple[str, ...]
    licence: str
    updated: Callable[[], datetime.datetime | None]
    build: Callable[[str], HttpResponse]


def _initiatives_file(fmt: str):
    if fmt == "xlsx":
        return xlsx_response("initiatives", initiative_table_rows())
    return csv_response("initiatives", initiative_table_rows())


def _services_file(fmt: str):
    if fmt == "xlsx":
        return xlsx_response("services", service_rows())
    return csv_response("services", service_rows())


def _initiatives_updated():
    return _latest(Initiative.objects.filter(visibility=Initiative.Visibility.SHARED))


def _services_updated():
    return _latest(Service.objects.filter(is_active=True))


DOWNLOADS = {
    download.name: download
    for download in (
        Download(
            name="initiatives-3w",
            title=gettext_lazy("Initiatives: who does what where (3W, HXL)"),
            description=gettext_lazy(
                "One row per initiative, with a second row of HXL hashtags so that humanitarian "
                "tools read the columns. Initiatives shared with every organisation only."
            ),
            formats=("csv",),
            licence=PLATFORM_LICENCE,
            updated=_initiatives_updated,
            build=lambda fmt: csv_response("initiatives-3w", initiative_hxl_rows()),
        ),
        Download(
            name="initiatives",
            title=gettext_lazy("Initiatives: the full table"),
            description=gettext_lazy(
                "Titles, organisations, sectors, communes, dates, budgets and the people reached. "
                "Initiatives shared with every organisation only."
            ),
            formats=("csv", "xlsx"),
            licence=PLATFORM_LICENCE,
            updated=_initiatives_updated,
            build=_initiatives_file,
        ),
        Download(
            name="services",
            title=gettext_lazy("Services directory"),
            description=gettext_lazy(
                "The active services, with a second row of HXL hashtags in the CSV file."
            ),
            formats=("csv", "xlsx"),
            licence=PLATFORM_LICENCE,
            updated=_services_updated,
            build=_services_file,
        ),
        Download(
            name="services-hsds",
            title=gettext_lazy("Services directory (Open Referral HSDS 3.0)"),
            description=gettext_lazy(
                "The active services as the tables of the Open Referral standard (a Frictionless "
                "data package), in the language of this page."
            ),
            formats=("zip",),
            licence=PLATFORM_LICENCE,
            updated=_services_updated,
            build=lambda fmt: _hsds_response(),
        ),
        Download(
            name="services-by-commune",
            title=gettext_lazy("Statistics: services by commune and type"),
            description=gettext_lazy("How many active services each commune has, by type."),
            formats=("csv",),
            licence=PLATFORM_LICENCE,
            updated=_services_updated,
            build=lambda fmt: csv_response("services-by-commune", services_by_type_and_commune()),
        ),
        Download(
            name="initiatives-by-commune",
            title=gettext_lazy("Statistics: initiatives by commune, sector and status"),
            description=gettext_lazy(
                "How many shared initiatives each commune has, by programme of the national "
                "strategy and by status. An initiative in several communes counts in each."
            ),
            formats=("csv",),
            licence=PLATFORM_LICENCE,
            updated=_initiatives_updated,
            build=lambda fmt: csv_response(
                "initiatives-by-commune", initiatives_by_sector_and_commune()
            ),
        ),
    )
}


def download_get(name: str | None, fmt: str | None) -> Download:
    """The download asked for, or 404: an unknown name, or a format it does not come in."""
    download = DOWNLOADS.get(name or "")
    if download is None or fmt not in download.formats:
        raise Http404
    return download


@require_GET
def open_data(request):
    if "download" in request.GET or "format" in request.GET:
        download = download_get(request.GET.get("download"), request.GET.get("format"))
        return download.build(request.GET["format"])
    catalogue = [
        {"download": download, "updated": download.updated()} for download in DOWNLOADS.values()
    ]
    return render(
        request,
        "portal/open_data.html",
        {"catalogue": catalogue, "small_cell": SMALL_CELL, "territory_licence": TERRITORY_LICENCE},
    )
