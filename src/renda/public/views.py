"""The public site: citizens have no account; every read goes through the public selectors.

Pages are thin: parse the query string leniently (a bad value is ignored with a
notice, never a 500), call a selector, render. Query counts are constant in the
number of rows (see tests/public/test_queries.py).
"""

import gzip
import json
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from renda.core.maps import map_settings
from renda.handling.figures import public_figures
from renda.registry import selectors
from renda.registry.models import (
    ChecklistItem,
    CongressLevel,
    Division,
    DivisionLevel,
    Station,
    StationKind,
)

PAGE_SIZE = 20
CACHE_SECONDS = 300
FIGURES_CACHE_KEY = "renda:public:figures:v1"
MAP_DATA_CACHE_KEY = "renda:public:map-data:v1"
DIVISION_OPTIONS_CACHE_KEY = "renda:public:division-options:v1"
MAX_QUERY_LENGTH = 50

# Marker colours by station kind (legend classes in renda.css use the same colours).
KIND_COLORS = {StationKind.HOME: "#b71c1c", StationKind.STATION: "#0b4f9c", StationKind.POINT: "#1b7f3b"}


def _text_param(request, name: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY_LENGTH]


def _choice_param(request, name: str, choices, label: str, notices: list[str]) -> str:
    value = _text_param(request, name)
    if value and value not in choices.values:
        notices.append(f"{label}“{value}”无效，已忽略。")
        return ""
    return value


def _division_param(request, notices: list[str]) -> Division | None:
    code = _text_param(request, "division")
    if not code:
        return None
    division = Division.objects.filter(code=code, is_active=True).first() if code.isdigit() else None
    if division is None:
        notices.append(f"没有找到区划代码“{code}”，已忽略该条件。")
    return division


def _division_options(division: Division | None) -> str:
    """The <option>s of the county/township select, rendered once and cached (a template loop is ~10x slower)."""
    options = cache.get(DIVISION_OPTIONS_CACHE_KEY)
    if options is None:
        options = str(
            format_html_join(
                "",
                '<option value="{}">{}{}</option>',
                (
                    (code, "　└ " if level == DivisionLevel.TOWNSHIP else "", name)
                    for code, name, level in selectors.public_division_choices()
                ),
            )
        )
        cache.set(DIVISION_OPTIONS_CACHE_KEY, options, CACHE_SECONDS)
    if division is not None:  # codes are digits only, so this cannot alter anything but the attribute
        options = options.replace(f'value="{division.code}"', f'value="{division.code}" selected', 1)
    return mark_safe(options)  # noqa: S308 - built by format_html_join above


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request) -> str:
    """The current filters without ``page``, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def home(request):
    figures = cache.get(FIGURES_CACHE_KEY)
    if figures is None:
        figures = selectors.public_figures()
        cache.set(FIGURES_CACHE_KEY, figures, CACHE_SECONDS)
    levels = [(label, figures["by_level"].get(value, 0)) for value, label in CongressLevel.choices]
    kinds = [(label, figures["by_kind"].get(value, 0)) for value, label in StationKind.choices]
    return render(
        request,
        "public/home.html",
        {
            "figures": figures,
            "levels": [row for row in levels if row[1]],
            "kinds": kinds,
        },
    )


@require_GET
def deputy_list(request):
    notices: list[str] = []
    query = _text_param(request, "q")
    level = _choice_param(request, "level", CongressLevel, "层级", notices)
    division = _division_param(request, notices)
    station = None
    if station_code := _text_param(request, "station"):
        station = Station.objects.filter(code=station_code, is_active=True).first()
        if station is None:
            notices.append(f"没有找到编号为“{station_code}”的家站点，已忽略该条件。")
    deputies = selectors.deputy_directory(query=query, level=level, division=division, station=station)
    deputies = deputies.prefetch_related(
        selectors.active_mandates_prefetch(), selectors.current_stations_prefetch(active_only=True)
    )
    page = _page(request, deputies)
    return render(
        request,
        "public/deputy_list.html",
        {
            "page": page,
            "query": query,
            "level": level,
            "division": division,
            "station": station,
            "levels": CongressLevel.choices,
            "division_options": _division_options(division),
            "notices": notices,
            "querystring": _querystring(request),
            "filtered": bool(query or level or division or station),
        },
    )


@require_GET
def deputy_detail(request, number: str):
    deputy = (
        selectors.public_deputies()
        .filter(number=number)
        .prefetch_related(
            selectors.active_mandates_prefetch(),
            selectors.current_stations_prefetch(active_only=True),
            selectors.current_grids_prefetch(),
        )
        .first()
    )
    if deputy is None:
        raise Http404("没有找到该代表。")
    return render(request, "public/deputy_detail.html", {"deputy": deputy, "figures": public_figures(deputy)})


@require_GET
def station_list(request):
    notices: list[str] = []
    query = _text_param(request, "q")
    kind = _choice_param(request, "kind", StationKind, "类型", notices)
    division = _division_param(request, notices)
    stations = selectors.station_directory(query=query, kind=kind, division=division).annotate(
        deputies_count=selectors.station_deputies_count()
    )
    page = _page(request, stations)
    return render(
        request,
        "public/station_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "division": division,
            "kinds": StationKind.choices,
            "division_options": _division_options(division),
            "notices": notices,
            "querystring": _querystring(request),
            "filtered": bool(query or kind or division),
        },
    )


@require_GET
def station_detail(request, code: str):
    station = (
        Station.objects.filter(code=code, is_active=True)
        .select_related("division", "division__parent")
        .defer("division__boundary", "division__parent__boundary")
        .prefetch_related("checklist")
        .first()
    )
    if station is None:
        raise Http404("没有找到该家站点。")
    memberships = list(selectors.station_public_deputies(station))
    order = {item: i for i, item in enumerate(ChecklistItem.values)}
    checklist = sorted(station.checklist.all(), key=lambda c: order.get(c.item, 99))
    return render(
        request,
        "public/station_detail.html",
        {
            "station": station,
            "memberships": memberships,
            "checklist": checklist,
            "checklist_met": sum(1 for c in checklist if c.met),
            "has_location": station.latitude is not None and station.longitude is not None,
            "map": map_settings(),
            "kind_color": KIND_COLORS.get(station.kind, "#555"),
            "figures": public_figures(station),
        },
    )


@require_GET
def map_page(request):
    return render(
        request,
        "public/map.html",
        {"map": map_settings(), "kinds": StationKind.choices},
    )


def _features(division: Division) -> list[dict[str, Any]]:
    """GeoJSON features for a division boundary (a geometry, a Feature or a FeatureCollection)."""
    boundary = division.boundary
    if not isinstance(boundary, dict):
        return []
    props = {"code": division.code, "name": division.name, "level": division.level}
    kind = boundary.get("type")
    if kind == "FeatureCollection":
        return [
            {"type": "Feature", "geometry": f.get("geometry"), "properties": props}
            for f in boundary.get("features") or []
            if isinstance(f, dict) and f.get("geometry")
        ]
    if kind == "Feature":
        return [{"type": "Feature", "geometry": boundary.get("geometry"), "properties": props}]
    if kind in ("Polygon", "MultiPolygon", "LineString", "MultiLineString", "GeometryCollection"):
        return [{"type": "Feature", "geometry": boundary, "properties": props}]
    return []


def build_map_data() -> dict[str, Any]:
    """Stations and division outlines for the map (two queries)."""
    divisions = list(
        Division.objects.filter(is_active=True, level__in=[DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP]).order_by(
            "path"
        )
    )
    county_by_path = {d.path: d for d in divisions if d.level == DivisionLevel.COUNTY}
    outlines: dict[str, list] = {"county": [], "township": []}
    for d in divisions:
        outlines[d.level].extend(_features(d))
    stations = []
    missing = 0
    station_url = reverse("public:station_detail", args=["CODE"]).replace("CODE", "{code}")
    stations_qs = Station.objects.filter(is_active=True).select_related("division").defer("division__boundary")
    for s in stations_qs.order_by("code"):
        if s.latitude is None or s.longitude is None:
            missing += 1
            continue
        county = selectors.county_of(s.division.path, county_by_path)
        stations.append(
            {
                "id": s.pk,
                "code": s.code,
                "name": s.name,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "lat": s.latitude,
                "lng": s.longitude,
                "division": s.division.code,
                "division_name": s.division.name,
                "county": county.code if county else "",
                "address": s.address,
                "hours": s.opening_hours,
                "theme": s.theme,
                "url": station_url.replace("{code}", s.code),
            }
        )
    used_counties = {s["county"] for s in stations} | {f["properties"]["code"] for f in outlines["county"]}
    return {
        "stations": stations,
        "without_location": missing,
        "counties": [{"code": d.code, "name": d.name} for d in county_by_path.values() if d.code in used_counties],
        "kinds": [
            {"value": v, "label": label, "color": KIND_COLORS.get(v, "#555")} for v, label in StationKind.choices
        ],
        "outlines": {
            "county": {"type": "FeatureCollection", "features": outlines["county"]},
            "township": {"type": "FeatureCollection", "features": outlines["township"]},
        },
    }


@require_GET
def map_data(request):
    """The map's JSON, cached (plain and gzipped: outlines make it a few hundred kB at city scale)."""
    cached = cache.get(MAP_DATA_CACHE_KEY)
    if cached is None:
        body = json.dumps(build_map_data(), ensure_ascii=False, separators=(",", ":")).encode()
        cached = (body, gzip.compress(body, compresslevel=6, mtime=0))
        cache.set(MAP_DATA_CACHE_KEY, cached, CACHE_SECONDS)
    body, compressed = cached
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(compressed if use_gzip else body, content_type="application/json; charset=utf-8")
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
