"""API v1: 家站点 (stations). Same selectors and scoping as the public site and the console."""

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from renda.api.common import (
    OPTIONAL_SESSION,
    SCOPING_NOTE,
    Page,
    PageParams,
    division_or_400,
    is_staff_caller,
    paginate,
)
from renda.core.access import restrict
from renda.public import qr
from renda.registry import selectors
from renda.registry.models import ChecklistItem, Station, StationKind

router = Router(tags=["家站点"], auth=OPTIONAL_SESSION)


class DivisionRef(Schema):
    code: str
    name: str


class StationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    theme: str
    division: DivisionRef
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    area_m2: float | None
    contact_phone: str
    deputies_count: int
    is_active: bool
    public_url: str


class StationDeputyRef(Schema):
    number: str
    name: str
    levels: list[str]
    public_url: str


class ChecklistOut(Schema):
    item: str
    label: str
    met: bool


class StationDetailOut(StationOut):
    description: str
    deputies: list[StationDeputyRef]
    checklist: list[ChecklistOut]


class StationFilters(PageParams):
    q: str = Field("", max_length=50, description="名称、地址、专业特色或编号")
    kind: StationKind | None = Field(None, description="类型")
    division: str | None = Field(None, max_length=12, description="区划代码（含下级区划）")


class StationPage(Page):
    items: list[StationOut]


def station_out(station: Station, base: str = "") -> dict:
    """``base``: the public site's origin (``qr.public_base``), so ``public_url`` is absolute."""
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind,
        "kind_label": station.get_kind_display(),
        "theme": station.theme,
        "division": {"code": station.division.code, "name": station.division.name},
        "address": station.address,
        "latitude": station.latitude,
        "longitude": station.longitude,
        "opening_hours": station.opening_hours,
        "area_m2": float(station.area_m2) if station.area_m2 is not None else None,
        "contact_phone": station.contact_phone,
        "deputies_count": station.deputies_count,
        "is_active": station.is_active,
        "public_url": base + qr.station_short_path(station.code),
    }


def _base_queryset(request, staff: bool):
    qs = restrict(Station.objects.all(), request.user) if staff else Station.objects.filter(is_active=True)
    return (
        qs.select_related("division")
        .defer("division__boundary")
        .annotate(deputies_count=selectors.station_deputies_count(public=not staff))
    )


@router.get(
    "/stations",
    response=StationPage,
    summary="家站点名录",
    description="按名称/地址/特色（`q`）、类型（`kind`）、区划代码（`division`，含下级区划）查找家站点，"
    "分页返回，`count` 为符合条件的总数。" + SCOPING_NOTE,
)
def list_stations(request, filters: Query[StationFilters]):
    staff = is_staff_caller(request)
    qs = selectors.station_filter(
        _base_queryset(request, staff),
        query=filters.q,
        kind=filters.kind.value if filters.kind else "",
        division=division_or_400(filters.division),
    ).order_by("code")
    count, stations = paginate(qs, filters.page, filters.page_size)
    base = qr.public_base(request)
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [station_out(s, base) for s in stations],
    }


@router.get(
    "/stations/{code}",
    response=StationDetailOut,
    summary="家站点详情",
    description="按编号查看一个家站点及其当前进站代表。不存在或不在调用者可见范围内时返回 404。" + SCOPING_NOTE,
)
def get_station(request, code: str):
    staff = is_staff_caller(request)
    station = _base_queryset(request, staff).filter(code=code).prefetch_related("checklist").first()
    if station is None:
        raise HttpError(404, "没有找到该家站点，或您无权查看。")
    memberships = list(selectors.station_public_deputies(station, public=not staff))
    order = {item: i for i, item in enumerate(ChecklistItem.values)}
    base = qr.public_base(request)
    data = station_out(station, base)
    data["description"] = station.description
    data["deputies"] = [
        {
            "number": sm.deputy.number,
            "name": sm.deputy.name,
            "levels": list(dict.fromkeys(m.congress.level for m in sm.deputy.active_mandates)),
            "public_url": base + qr.deputy_short_path(sm.deputy.number),
        }
        for sm in memberships
    ]
    data["checklist"] = [
        {"item": c.item, "label": c.get_item_display(), "met": c.met}
        for c in sorted(station.checklist.all(), key=lambda c: order.get(c.item, 99))
    ]
    return data
