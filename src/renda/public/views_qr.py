"""Short, stable public URLs behind the printed QR codes: /d/<number>/ and /s/<code>/.

A code that once existed never gives a 404: a deputy whose mandates have all
ended leads to the successor, else to the last station, else home; a closed
station explains itself and points to stations nearby. The landing page is the
hot path (every scan), so what it shows is read in at most three queries and
the rendered page is kept in the cache for a minute (it holds no per-visitor
data: no CSRF token, no messages).
"""

import math
import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from renda.public import qr
from renda.registry import selectors
from renda.registry.models import CongressLevel, Deputy, Mandate, MandateStatus, Station, StationDeputy, StationKind

LANDING_SECONDS = 60
QR_SECONDS = 86400
CARD_SECONDS = 3600
MAX_SUCCESSOR_HOPS = 5
NEARBY_LIMIT = 5
GONE_NOTICE = "您扫描的代表已不再担任代表职务，可以在这里找到其他代表或家站点反映问题。"


def _cache_key(kind: str, key: str) -> str:
    return f"renda:landing:v1:{kind}:{quote(key, safe='')}"


def _serving() -> Exists:
    return Exists(Mandate.objects.filter(deputy=OuterRef("pk"), status=MandateStatus.ACTIVE))


def _render(template: str, **context: Any) -> str:
    """The whole landing page, rendered without the request: it holds nothing per visitor, so it is cached."""
    return render_to_string(template, {**context, "SITE_NAME": settings.SITE_NAME, "track_url": qr.track_url()})


def _landing_response(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Cache-Control"] = f"public, max-age={LANDING_SECONDS}"
    return response


def _photo_url(name: str) -> str:
    return Deputy._meta.get_field("photo").storage.url(name) if name else ""


# --------------------------------------------------------------------------- deputy landing


def _deputy_page(row: dict[str, Any]) -> dict[str, Any]:
    levels = (
        Mandate.objects.filter(deputy_id=row["pk"], status=MandateStatus.ACTIVE)
        .order_by("congress__division__depth", "-started_on")
        .values_list("congress__level", flat=True)
    )
    stations = (
        StationDeputy.objects.filter(deputy_id=row["pk"], left_on=None, station__is_active=True)
        .order_by("station__code")
        .values_list("station__code", "station__name")
    )
    number = row["number"]
    return {
        "number": number,
        "name": row["name"],
        "initial": row["name"][:1],
        "photo_url": _photo_url(row["photo"]),
        "levels": [f"{CongressLevel(level).label}代表" for level in dict.fromkeys(levels)],
        "stations": [{"name": name, "url": reverse("public:station_short", args=[code])} for code, name in stations],
        "detail_url": reverse("public:deputy_detail", args=[number]),
        "form_url": qr.opinion_form_url(deputy=number),
    }


def _deputy_elsewhere(row: dict[str, Any]) -> str | None:
    """Where a code of a deputy no longer serving leads: a serving successor, else the last station."""
    seen = {row["pk"]}
    successor_id = row["successor_id"]
    for _ in range(MAX_SUCCESSOR_HOPS):
        if successor_id is None or successor_id in seen:
            break
        seen.add(successor_id)
        nxt = (
            Deputy.objects.filter(pk=successor_id)
            .annotate(serving=_serving())
            .values("number", "is_active", "serving", "successor_id")
            .first()
        )
        if nxt is None:
            break
        if nxt["is_active"] and nxt["serving"]:
            return qr.deputy_short_path(nxt["number"])
        successor_id = nxt["successor_id"]
    code = (
        StationDeputy.objects.filter(deputy_id=row["pk"])
        .order_by(F("left_on").desc(nulls_first=True), "-joined_on", "-pk")
        .values_list("station__code", flat=True)
        .first()
    )
    return qr.station_short_path(code) if code else None


def deputy_landing_state(number: str) -> dict[str, Any] | None:
    """``{"html": page}`` or ``{"redirect": url, "notice": …}``; None for a number that never existed."""
    key = _cache_key("d", number)
    state = cache.get(key)
    if state is not None:
        return state
    row = (
        Deputy.objects.filter(number=number)
        .annotate(serving=_serving())
        .values("pk", "number", "name", "photo", "is_active", "successor_id", "serving")
        .first()
    )
    if row is None:
        return None  # not cached: random numbers must not push real pages out of the cache
    if row["is_active"] and row["serving"]:
        state = {"html": _render("public/landing_deputy.html", d=_deputy_page(row))}
    elif target := _deputy_elsewhere(row):
        state = {"redirect": target, "notice": ""}
    else:
        state = {"redirect": reverse("public:home"), "notice": GONE_NOTICE}
    cache.set(key, state, LANDING_SECONDS)
    return state


@require_safe
def deputy_short(request, number: str):
    state = deputy_landing_state(number)
    if state is None:
        raise Http404("没有找到该代表。")
    if "redirect" in state:
        if state["notice"]:
            messages.info(request, state["notice"])
        return redirect(state["redirect"])
    return _landing_response(state["html"])


# --------------------------------------------------------------------------- station landing


def _distance(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    if None in a or None in b:
        return math.inf
    return math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians(a[0])))


def _nearby(station: Station) -> list[dict[str, str]]:
    """Open stations in the parent division (else the grandparent), nearest first."""
    division = station.division
    ancestors = [p for p in division.path.strip("/").split("/") if p][:-1]
    for depth in (1, 2):
        if len(ancestors) < depth:
            break
        path = "/" + "/".join(ancestors[: len(ancestors) - depth + 1]) + "/"
        rows = list(
            Station.objects.filter(selectors.subtree_q(path, prefix="division__"), is_active=True)
            .exclude(pk=station.pk)
            .values_list("code", "name", "address", "latitude", "longitude")[:200]
        )
        if rows:
            here = (station.latitude, station.longitude)
            rows.sort(key=lambda r: (_distance(here, (r[3], r[4])), r[0]))
            return [
                {"name": name, "address": address, "url": reverse("public:station_short", args=[code])}
                for code, name, address, _lat, _lng in rows[:NEARBY_LIMIT]
            ]
    return []


def station_landing_state(code: str) -> dict[str, Any] | None:
    key = _cache_key("s", code)
    state = cache.get(key)
    if state is not None:
        return state
    station = Station.objects.filter(code=code).select_related("division").defer("division__boundary").first()
    if station is None:
        return None
    page = {
        "code": station.code,
        "name": station.name,
        "kind": StationKind(station.kind).label if station.kind in StationKind.values else "",
        "division": station.division.name,
        "address": station.address,
        "hours": station.opening_hours,
        "phone": station.contact_phone,
        "active": station.is_active,
    }
    if station.is_active:
        deputies = (
            selectors.station_public_deputies(station)
            .prefetch_related(None)
            .values_list("deputy__number", "deputy__name", "deputy__photo")
        )
        page["deputies"] = [
            {"name": name, "initial": name[:1], "photo_url": _photo_url(photo), "url": qr.deputy_short_path(number)}
            for number, name, photo in deputies
        ]
        page["detail_url"] = reverse("public:station_detail", args=[station.code])
        page["form_url"] = qr.opinion_form_url(station=station.code)
    else:
        page["nearby"] = _nearby(station)
    state = {"html": _render("public/landing_station.html", s=page)}
    cache.set(key, state, LANDING_SECONDS)
    return state


@require_safe
def station_short(request, code: str):
    state = station_landing_state(code)
    if state is None:
        raise Http404("没有找到该家站点。")
    return _landing_response(state["html"])


# --------------------------------------------------------------------------- QR codes and cards


def _deputy_url_or_404(request, number: str) -> str:
    if not Deputy.objects.filter(number=number).exists():
        raise Http404("没有找到该代表。")
    return qr.absolute_url(request, qr.deputy_short_path(number))


def _station_url_or_404(request, code: str) -> str:
    if not Station.objects.filter(code=code).exists():
        raise Http404("没有找到该家站点。")
    return qr.absolute_url(request, qr.station_short_path(code))


def _qr_response(url: str, kind: str) -> HttpResponse:
    key = f"renda:qr:v1:{kind}:{quote(url, safe='')}"
    body = cache.get(key)
    if body is None:
        body = qr.qr_svg(url) if kind == "svg" else qr.qr_png(url)
        cache.set(key, body, QR_SECONDS)
    response = HttpResponse(body, content_type="image/svg+xml" if kind == "svg" else "image/png")
    response["Cache-Control"] = f"public, max-age={QR_SECONDS}"
    return response


def _filename(prefix: str, key: str) -> str:
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '_', key)}-card.pdf"


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={CARD_SECONDS}"
    return response


@require_safe
def deputy_qr_svg(request, number: str):
    return _qr_response(_deputy_url_or_404(request, number), "svg")


@require_safe
def deputy_qr_png(request, number: str):
    return _qr_response(_deputy_url_or_404(request, number), "png")


@require_safe
def station_qr_svg(request, code: str):
    return _qr_response(_station_url_or_404(request, code), "svg")


@require_safe
def station_qr_png(request, code: str):
    return _qr_response(_station_url_or_404(request, code), "png")


def _read_photo(field_file) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as f:
            return f.read()
    except (OSError, ValueError):
        return None


@require_safe
def deputy_card(request, number: str):
    deputy = (
        selectors.public_deputies()
        .filter(number=number)
        .prefetch_related(selectors.active_mandates_prefetch(), selectors.current_stations_prefetch(active_only=True))
        .first()
    )
    if deputy is None:
        raise Http404("没有找到该代表，或其已不再担任代表职务。")
    lines = [f"{m.congress.name}代表" for m in deputy.active_mandates]
    stations = "、".join(sm.station.name for sm in deputy.current_memberships)
    if stations:
        lines.append(f"联系站点：{stations}")
    card = qr.Card(
        name=deputy.name,
        url=qr.absolute_url(request, qr.deputy_short_path(deputy.number)),
        lines=lines,
        photo=_read_photo(deputy.photo),
    )
    return _pdf_response(qr.card_pdf(card), _filename("deputy", deputy.number))


@require_safe
def station_card(request, code: str):
    station = (
        Station.objects.filter(code=code, is_active=True).select_related("division").defer("division__boundary").first()
    )
    if station is None:
        raise Http404("没有找到该家站点，或其已撤并。")
    lines = [f"{station.get_kind_display()}（{station.division.name}）", f"地址：{station.address}"]
    if station.opening_hours:
        lines.append(f"开放时间：{station.opening_hours}")
    if station.contact_phone:
        lines.append(f"电话：{station.contact_phone}")
    card = qr.Card(name=station.name, url=qr.absolute_url(request, qr.station_short_path(station.code)), lines=lines)
    return _pdf_response(qr.card_pdf(card), _filename("station", station.code))
