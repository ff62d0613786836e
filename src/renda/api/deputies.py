"""API v1: deputies (代表). Same selectors and scoping as the public site and the console."""

import datetime

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
    station_or_400,
)
from renda.core.access import restrict
from renda.core.masking import id_number_for, phone_for
from renda.public import qr
from renda.registry import selectors
from renda.registry.models import CongressLevel, Deputy

router = Router(tags=["代表"], auth=OPTIONAL_SESSION)


class MandateOut(Schema):
    level: str
    level_label: str
    congress: str
    congress_division: str
    term: int
    constituency: str
    constituency_division: str | None
    delegation: str
    status: str
    status_label: str
    started_on: datetime.date


class StationRef(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    public_url: str


class GridRef(Schema):
    code: str
    name: str
    division: str


class DeputyOut(Schema):
    number: str
    name: str
    gender: str
    gender_label: str
    ethnicity: str
    party: str
    occupation: str
    position: str
    photo_url: str | None
    levels: list[str]
    mandates: list[MandateOut]
    stations: list[StationRef]
    is_active: bool
    phone: str | None = None
    id_number: str | None = None
    public_url: str


class DeputyDetailOut(DeputyOut):
    bio: str
    grids: list[GridRef]


class DeputyFilters(PageParams):
    q: str = Field("", max_length=50, description="姓名、工作单位或代表编号")
    level: CongressLevel | None = Field(None, description="人大层级")
    division: str | None = Field(None, max_length=12, description="区划代码（含下级区划）")
    station: str | None = Field(None, max_length=32, description="家站点编号")


class DeputyPage(Page):
    items: list[DeputyOut]


def _station_ref(station, base: str) -> dict:
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind,
        "kind_label": station.get_kind_display(),
        "public_url": base + qr.station_short_path(station.code),
    }


def deputy_out(deputy: Deputy, user, *, staff: bool, detail: bool = False, base: str = "") -> dict:
    """``base``: the public site's origin (``qr.public_base``), so ``public_url`` is absolute."""
    mandates = deputy.api_mandates
    data = {
        "number": deputy.number,
        "name": deputy.name,
        "gender": deputy.gender,
        "gender_label": deputy.get_gender_display(),
        "ethnicity": deputy.ethnicity,
        "party": deputy.party,
        "occupation": deputy.occupation,
        "position": deputy.position,
        "photo_url": deputy.photo.url if deputy.photo else None,
        "levels": list(dict.fromkeys(m.congress.level for m in mandates if m.status == "active")),
        "mandates": [
            {
                "level": m.congress.level,
                "level_label": m.congress.get_level_display(),
                "congress": m.congress.name,
                "congress_division": m.congress.division.code,
                "term": m.term.number,
                "constituency": m.constituency,
                "constituency_division": m.constituency_division.code if m.constituency_division else None,
                "delegation": m.delegation,
                "status": m.status,
                "status_label": m.get_status_display(),
                "started_on": m.started_on,
            }
            for m in mandates
        ],
        "stations": [_station_ref(sm.station, base) for sm in deputy.api_stations],
        "is_active": deputy.is_active,
        "phone": phone_for(user, deputy.phone) if staff else None,
        "id_number": id_number_for(user, deputy.id_number) if staff else None,
        "public_url": base + qr.deputy_short_path(deputy.number),
    }
    if detail:
        data["bio"] = deputy.bio
        data["grids"] = [
            {"code": gm.grid.code, "name": gm.grid.name, "division": gm.grid.division.code}
            for gm in deputy.current_grids
        ]
    return data


def _base_queryset(request, staff: bool):
    if staff:
        qs = restrict(Deputy.objects.all(), request.user)
        mandates = selectors.all_mandates_prefetch("api_mandates")
    else:
        qs = selectors.public_deputies()
        mandates = selectors.active_mandates_prefetch("api_mandates")
    mandates.queryset = mandates.queryset.select_related("congress__division").defer("congress__division__boundary")
    stations = selectors.current_stations_prefetch("api_stations", active_only=not staff)
    return qs.prefetch_related(mandates, stations)


@router.get(
    "/deputies",
    response=DeputyPage,
    summary="代表名录",
    description="按姓名/单位（`q`）、人大层级（`level`）、区划代码（`division`，含下级区划）、"
    "家站点编号（`station`）查找代表，分页返回，`count` 为符合条件的总数。" + SCOPING_NOTE,
)
def list_deputies(request, filters: Query[DeputyFilters]):
    staff = is_staff_caller(request)
    qs = selectors.deputy_filter(
        _base_queryset(request, staff),
        query=filters.q,
        level=filters.level.value if filters.level else "",
        division=division_or_400(filters.division),
        station=station_or_400(filters.station),
        active_mandates_only=not staff,
    ).order_by("number")
    count, deputies = paginate(qs, filters.page, filters.page_size)
    base = qr.public_base(request)
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [deputy_out(d, request.user, staff=staff, base=base) for d in deputies],
    }


@router.get(
    "/deputies/{number}",
    response=DeputyDetailOut,
    summary="代表详情",
    description="按代表编号查看一位代表。不存在或不在调用者可见范围内时返回 404。" + SCOPING_NOTE,
)
def get_deputy(request, number: str):
    staff = is_staff_caller(request)
    deputy = (
        _base_queryset(request, staff)
        .filter(number=number)
        .prefetch_related(selectors.current_grids_prefetch())
        .first()
    )
    if deputy is None:
        raise HttpError(404, "没有找到该代表，或您无权查看。")
    return deputy_out(deputy, request.user, staff=staff, detail=True, base=qr.public_base(request))
