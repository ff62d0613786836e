"""Reads of 履职活动: scoped lists, the compliance view (plan and standard against actual), ledger rows."""

import datetime
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from renda.activities.models import Activity, ActivityPlan, ActivityStatus, DutyStandard, Participant
from renda.core.access import restrict
from renda.core.models import Role, User
from renda.registry.models import Congress, CongressLevel, Station, StationDeputy
from renda.registry.selectors import subtree_q

log = logging.getLogger(__name__)

STANDARD_LEVELS = (CongressLevel.CITY, CongressLevel.COUNTY)


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def in_year(year: int, prefix: str = "") -> Q:
    start, end = year_range(year)
    return Q(**{f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end})


def activities_for(user: User) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("congress", "station").annotate(attended_count=attended_count())
    return restrict(qs, user)


def attended_count() -> Coalesce:
    """The number of deputies who attended, as a subquery (no GROUP BY over the whole wide row)."""
    counted = (
        Participant.objects.filter(activity=OuterRef("pk"), attended=True)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def congress_for_station(station: Station) -> Congress | None:
    """The lowest county-or-higher congress whose territory holds ``station`` (the one that sets its standard)."""
    codes = [c for c in station.division.path.strip("/").split("/") if c]
    return (
        Congress.objects.filter(division__code__in=codes, level__in=STANDARD_LEVELS)
        .order_by("-division__depth")
        .first()
    )


def organiser_congresses(user: User) -> QuerySet[Congress]:
    """The congresses a user may organise activities for."""
    qs = Congress.objects.filter(is_active=True).select_related("division").order_by("division__path")
    if user.role == Role.STATION_STAFF and user.station_id:
        codes = [c for c in user.station.division.path.strip("/").split("/") if c]
        return qs.filter(division__code__in=codes)
    return restrict(qs, user)


def standard_congresses(user: User) -> QuerySet[Congress]:
    """The (city and county) congresses whose compliance a user may look at."""
    qs = Congress.objects.filter(is_active=True, level__in=STANDARD_LEVELS).select_related("division")
    if user.role == Role.STATION_STAFF and user.station_id:
        congress = congress_for_station(user.station)
        return qs.filter(pk=congress.pk if congress else None)
    return restrict(qs, user).order_by("division__path")


def reception_days(deputy_ids: list[int], year: int) -> dict[int, int] | None:
    """Reception days (接待选民日) per deputy from ``renda.reception``; None when that app does not offer them."""
    try:
        from renda.reception.selectors import attended_days_by_deputy  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return attended_days_by_deputy(deputy_ids, year)
    except Exception:  # another app's failure must not take the compliance view down
        log.exception("reception days unavailable")
        return None


# --- compliance ---------------------------------------------------------------------------------


@dataclass
class StationRow:
    pk: int
    code: str
    name: str
    planned: int
    held: int
    target: int  # max(plan, standard)
    expected: int  # by this point of the year
    gap: int  # target - held (>= 0)
    behind: bool


@dataclass
class DeputyRow:
    pk: int
    number: str
    name: str
    station: str
    attended: int
    reception: int | None
    gap_activities: int
    gap_reception: int
    gap: int
    behind: bool


@dataclass
class Compliance:
    congress: Congress
    year: int
    standard: DutyStandard | None
    fraction: float  # how much of the year has passed (1.0 for past years)
    stations: list[StationRow] = field(default_factory=list)
    deputies: list[DeputyRow] = field(default_factory=list)
    reception_known: bool = False

    @property
    def stations_behind(self) -> int:
        return sum(r.behind for r in self.stations)

    @property
    def deputies_behind(self) -> int:
        return sum(r.behind for r in self.deputies)


def year_fraction(year: int, now: datetime.datetime | None = None) -> float:
    now = now or timezone.now()
    start, end = year_range(year)
    if now >= end:
        return 1.0
    if now <= start:
        return 0.0
    return (now - start) / (end - start)


def _expected(target: int, fraction: float) -> int:
    return math.floor(target * fraction + 1e-9)


def compliance(user: User, *, congress: Congress, year: int, station: Station | None = None,
               q: str = "") -> Compliance:  # fmt: skip
    """Plan and standard against actual for the stations (and their deputies) in ``congress``'s territory.

    Rows are sorted by who is furthest behind the full-year target; ``behind`` means behind the
    pro-rata target for the part of the year that has passed."""
    standard = DutyStandard.objects.filter(congress=congress, year=year).first()
    fraction = year_fraction(year)
    result = Compliance(congress=congress, year=year, standard=standard, fraction=fraction)
    stations = restrict(Station.objects.filter(is_active=True), user).filter(
        subtree_q(congress.division.path, prefix="division__")
    )
    if station is not None:
        stations = stations.filter(pk=station.pk)
    stations_for_list = stations.filter(Q(name__icontains=q) | Q(code__icontains=q)) if q else stations
    min_station = standard.min_activities_per_station if standard else 0
    planned = dict(
        ActivityPlan.objects.filter(station__in=stations, year=year)
        .values("station")
        .annotate(n=Sum("planned"))
        .values_list("station", "n")
    )
    held = dict(
        Activity.objects.filter(in_year(year), station__in=stations, status=ActivityStatus.HELD)
        .values("station")
        .annotate(n=Count("pk"))
        .values_list("station", "n")
    )
    for pk, code, name in stations_for_list.values_list("pk", "code", "name"):
        p, h = planned.get(pk, 0), held.get(pk, 0)
        target = max(p, min_station)
        expected = _expected(target, fraction)
        result.stations.append(StationRow(pk, code, name, p, h, target, expected, max(0, target - h), h < expected))
    result.stations.sort(key=lambda r: (-r.gap, r.held, r.code))

    members: dict[int, dict[str, Any]] = {}
    memberships = (
        StationDeputy.objects.filter(station__in=stations, left_on=None, deputy__is_active=True)
        .order_by("deputy_id", "joined_on", "pk")
        .values_list("deputy_id", "deputy__number", "deputy__name", "station__name")
    )
    for deputy_id, number, name, station_name in memberships:
        if deputy_id in members:
            continue
        if q and q not in name and q not in number and q not in station_name:
            continue
        members[deputy_id] = {"number": number, "name": name, "station": station_name}
    attended = dict(
        Participant.objects.filter(
            in_year(year, "activity__"), deputy_id__in=list(members), attended=True
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .values("deputy")
        .annotate(n=Count("pk"))
        .values_list("deputy", "n")
    )
    days = reception_days(list(members), year) if members else {}
    result.reception_known = days is not None
    min_act = standard.min_activities_per_deputy if standard else 0
    min_days = standard.min_reception_days if standard else 0
    for deputy_id, m in members.items():
        a = attended.get(deputy_id, 0)
        r = (days or {}).get(deputy_id, 0) if days is not None else None
        gap_a = max(0, min_act - a)
        gap_r = max(0, min_days - r) if r is not None else 0
        behind = a < _expected(min_act, fraction) or (r is not None and r < _expected(min_days, fraction))
        result.deputies.append(
            DeputyRow(deputy_id, m["number"], m["name"], m["station"], a, r, gap_a, gap_r, gap_a + gap_r, behind)
        )
    result.deputies.sort(key=lambda r: (-r.gap, r.attended, r.number))
    return result


def default_year() -> int:
    return timezone.localdate().year


# --- ledgers (台账) ----------------------------------------------------------------------------


def station_year(station: Station, year: int) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(in_year(year), station=station)
        .exclude(status=ActivityStatus.CANCELLED)
        .annotate(attended_count=attended_count())
        .order_by("starts_at", "pk")
    )
