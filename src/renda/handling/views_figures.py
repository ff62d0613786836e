"""Console: 办理成效 — rankings of deputies, stations, agencies and divisions for a period."""

import datetime

from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from renda.core.access import is_admin, restrict, staff_required
from renda.core.models import Role
from renda.core.xlsx import xlsx_response
from renda.handling import figures as fg
from renda.registry.models import Agency, Deputy, Division, Station
from renda.registry.scoping import territory_path

TABS_BY_ROLE = {
    Role.CONGRESS_STAFF: ("deputy", "station", "agency", "division"),
    Role.STATION_STAFF: ("station", "deputy"),
    Role.DEPUTY: ("deputy", "station"),
    Role.AGENCY_HANDLER: ("agency",),
}
ALL_TABS = ("deputy", "station", "agency", "division")
MODES = (("year", "按年"), ("quarter", "按季度"), ("month", "按月"), ("custom", "自定义"))


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if low <= number <= high else default


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def period_from(request: HttpRequest) -> tuple[fg.Period, dict, list[str]]:
    """The period the picker asks for (this year by default); bad input falls back with a notice."""
    today = timezone.localdate()
    get = request.GET
    mode = get.get("mode") if get.get("mode") in dict(MODES) else "year"
    year = _int(get.get("year"), today.year, 2000, 2100)
    state = {"mode": mode, "year": year, "month": _int(get.get("month"), today.month, 1, 12)}
    state["quarter"] = _int(get.get("quarter"), (today.month - 1) // 3 + 1, 1, 4)
    notices: list[str] = []
    if mode == "month":
        return fg.month_period(year, state["month"]), state, notices
    if mode == "quarter":
        return fg.quarter_period(year, state["quarter"]), state, notices
    if mode == "custom":
        start, end = _date(get.get("start")), _date(get.get("end"))
        if start and end and start <= end:
            state.update(start=start.isoformat(), end=end.isoformat())
            return fg.period_between(start, end + datetime.timedelta(days=1)), state, notices
        notices.append("自定义时段的起止日期无效，已改为显示本年度。")
        state["mode"] = "year"
    return fg.year_period(year), state, notices


def _tabs(user) -> tuple[str, ...]:
    return ALL_TABS if is_admin(user) else TABS_BY_ROLE.get(user.role, ())


def _division_units(request: HttpRequest):
    """The children of the chosen division (default: the user's territory, or the top of the tree)."""
    scoped = restrict(Division.objects.defer("boundary"), request.user)
    parent = None
    if code := request.GET.get("parent", "")[:12]:
        parent = scoped.filter(code=code).first()
    if parent is None and (path := territory_path(request.user)):
        parent = scoped.filter(path=path).first()
    if parent is None:
        return scoped.filter(parent=None), None
    return scoped.filter(parent=parent).order_by("code"), parent


def _units(request: HttpRequest, kind: str):
    user = request.user
    if kind == "deputy":
        return restrict(Deputy.objects.filter(is_active=True).order_by("name"), user), None
    if kind == "station":
        return restrict(Station.objects.filter(is_active=True).order_by("code"), user), None
    if kind == "agency":
        return restrict(Agency.objects.filter(is_active=True).order_by("code"), user), None
    return _division_units(request)


def _export(ranking: fg.Ranking):
    headers = ["排名", fg.KIND_LABELS[ranking.kind]]
    for _, label in fg.FIGURES:
        headers += [label, f"{label}件数", f"{label}95%区间下限", f"{label}95%区间上限"]
    headers.append("是否列入排名")

    def cells(rank, unit, figs, listed):
        row = [rank, str(unit)]
        for f in figs.all():
            row += [_round(f.rate), f.denominator, _round(f.low), _round(f.high)]
        return [*row, listed]

    rows = [cells(r.rank, r.unit, r.figures, True) for r in ranking.rows]
    rows += [cells("", u, f, False) for u, f in ranking.left_out]
    name = f"办理成效-{fg.KIND_LABELS[ranking.kind]}-{ranking.period.label}.xlsx"
    return xlsx_response(name, headers, rows)


def _round(value: float | None):
    return None if value is None else round(value, 4)


def _chart(ranking: fg.Ranking) -> dict:
    rows = ranking.rows[:20]
    return {
        "names": [str(r.unit) for r in rows],
        "rate": [_round(r.figures.satisfaction.rate) for r in rows],
        "low": [_round(r.figures.satisfaction.low) for r in rows],
        "high": [_round(r.figures.satisfaction.high) for r in rows],
    }


@staff_required("case.view")
def figures_page(request):
    tabs = _tabs(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in tabs else (tabs[0] if tabs else "")
    period, state, notices = period_from(request)
    ctx = {"tabs": [(k, fg.KIND_LABELS[k]) for k in tabs], "kind": kind, "period": period, "state": state,
           "notices": notices, "modes": MODES, "figure_labels": fg.FIGURES, "months": range(1, 13), "kind_label": fg.KIND_LABELS.get(kind, "")}  # fmt: skip
    if kind:
        units, parent = _units(request, kind)
        units = list(units)
        ranking = fg.ranking(kind, units, period)
        if request.GET.get("format") == "xlsx":
            return _export(ranking)
        own = None
        if len(units) == 1:
            own = (units[0], ranking.rows[0].figures if ranking.rows else ranking.left_out[0][1])
        ctx.update(ranking=ranking, parent=parent, own=own, chart=_chart(ranking), units_count=len(units))
        export = request.GET.copy()
        export["format"] = "xlsx"
        ctx["export_query"] = export.urlencode()
    return render(request, "handling/figures/page.html", ctx)
