"""Reads of the registry. Console callers pass the result through ``core.access.restrict``.

The public site and the anonymous API read through the ``public_*`` / ``*_directory``
selectors here: active rows only, and never a filter that joins a multi-valued
relation (``Exists`` subqueries keep rows unique, so no ``DISTINCT`` is needed).
"""

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from renda.registry.models import (
    Deputy,
    Division,
    DivisionLevel,
    GridDeputy,
    Mandate,
    MandateStatus,
    Station,
    StationDeputy,
)

# Division outlines can be large GeoJSON: rows that only need a division's name and code defer them.
# "~" sorts after every digit and "/", so [path, path + "~") is exactly the subtree.
_PATH_END = "~"


def subtree_q(path: str, *, prefix: str = "") -> Q:
    """Rows whose division lies in the subtree rooted at ``path`` (inclusive)."""
    return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path + _PATH_END})


def division_subtree(division: Division) -> QuerySet[Division]:
    return Division.objects.filter(subtree_q(division.path))


def division_ancestors(division: Division) -> QuerySet[Division]:
    codes = [c for c in division.path.strip("/").split("/") if c]
    return Division.objects.filter(code__in=codes).order_by("depth")


def active_mandates_prefetch(to_attr: str = "active_mandates") -> Prefetch:
    return Prefetch(
        "mandates",
        queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE)
        .select_related("congress", "term", "constituency_division")
        .defer("constituency_division__boundary")
        .order_by("congress__division__depth", "-started_on"),
        to_attr=to_attr,
    )


def all_mandates_prefetch(to_attr: str = "all_mandates") -> Prefetch:
    return Prefetch(
        "mandates",
        queryset=Mandate.objects.select_related("congress", "term", "constituency_division")
        .defer("constituency_division__boundary")
        .order_by("congress__division__depth", "-started_on"),
        to_attr=to_attr,
    )


def current_stations_prefetch(to_attr: str = "current_memberships", *, active_only: bool = False) -> Prefetch:
    """Current 进站 rows with their station; ``active_only`` drops disabled stations (public pages)."""
    qs = StationDeputy.objects.filter(left_on=None).select_related("station").order_by("station__code")
    if active_only:
        qs = qs.filter(station__is_active=True)
    return Prefetch("station_memberships", queryset=qs, to_attr=to_attr)


def current_grids_prefetch(to_attr: str = "current_grids") -> Prefetch:
    return Prefetch(
        "grid_memberships",
        queryset=GridDeputy.objects.filter(left_on=None, grid__is_active=True)
        .select_related("grid", "grid__division")
        .defer("grid__division__boundary")
        .order_by("grid__code"),
        to_attr=to_attr,
    )


def _mandate_holders(*, active_only: bool = True, **filters: Any) -> QuerySet[Mandate]:
    """Ids of deputies holding a mandate matching ``filters``, as a subquery.

    ``pk__in=<subquery>`` is evaluated once (SQLite and PostgreSQL alike), which
    measures 2-3x faster than a correlated ``EXISTS`` per deputy row at city scale.
    """
    qs = Mandate.objects.filter(**filters)
    if active_only:
        qs = qs.filter(status=MandateStatus.ACTIVE)
    return qs.values("deputy_id")


def public_deputies() -> QuerySet[Deputy]:
    """Deputies the public may see: active, with at least one active mandate."""
    return Deputy.objects.filter(is_active=True, pk__in=_mandate_holders())


def deputy_filter(
    qs: QuerySet[Deputy],
    *,
    query: str = "",
    level: str = "",
    division: Division | None = None,
    station: Station | None = None,
    active_mandates_only: bool = True,
) -> QuerySet[Deputy]:
    """Search and filters shared by the public directory and the API (``qs`` may be pre-scoped)."""
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(position__contains=query) | Q(number=query))
    if level:
        qs = qs.filter(pk__in=_mandate_holders(active_only=active_mandates_only, congress__level=level))
    if division is not None:
        path = division.path
        in_congress = _mandate_holders(active_only=active_mandates_only, **_q_kwargs(path, "congress__division__"))
        in_constituency = _mandate_holders(
            active_only=active_mandates_only, **_q_kwargs(path, "constituency_division__")
        )
        in_station = StationDeputy.objects.filter(left_on=None, **_q_kwargs(path, "station__division__")).values(
            "deputy_id"
        )
        qs = qs.filter(Q(pk__in=in_congress) | Q(pk__in=in_constituency) | Q(pk__in=in_station))
    if station is not None:
        qs = qs.filter(pk__in=StationDeputy.objects.filter(station=station, left_on=None).values("deputy_id"))
    return qs


def _q_kwargs(path: str, prefix: str) -> dict[str, str]:
    return {f"{prefix}path__gte": path, f"{prefix}path__lt": path + _PATH_END}


def deputy_directory(
    *, query: str = "", level: str = "", division: Division | None = None, station: Station | None = None
) -> QuerySet[Deputy]:
    """Active deputies for the public directory, filtered; stable order."""
    qs = deputy_filter(public_deputies(), query=query, level=level, division=division, station=station)
    return qs.order_by("number")


def station_deputies_count(*, public: bool = True) -> Coalesce:
    """Annotation: a station's current deputies (``public``: only those the public directory shows)."""
    members = StationDeputy.objects.filter(station=OuterRef("pk"), left_on=None)
    if public:
        members = members.filter(deputy__is_active=True).filter(
            Exists(Mandate.objects.filter(deputy=OuterRef("deputy_id"), status=MandateStatus.ACTIVE))
        )
    counted = members.order_by().values("station").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def station_filter(
    qs: QuerySet[Station], *, query: str = "", kind: str = "", division: Division | None = None
) -> QuerySet[Station]:
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(address__contains=query) | Q(theme__contains=query) | Q(code=query))
    if kind:
        qs = qs.filter(kind=kind)
    if division is not None:
        qs = qs.filter(subtree_q(division.path, prefix="division__"))
    return qs


def station_directory(*, query: str = "", kind: str = "", division: Division | None = None) -> QuerySet[Station]:
    qs = Station.objects.filter(is_active=True).select_related("division").defer("division__boundary")
    return station_filter(qs, query=query, kind=kind, division=division).order_by("code")


def station_public_deputies(station: Station, *, public: bool = True) -> QuerySet[StationDeputy]:
    """A station's current deputies with their active mandates (``public``: only those the directory shows)."""
    qs = StationDeputy.objects.filter(station=station, left_on=None)
    if public:
        qs = qs.filter(deputy__is_active=True).filter(
            Exists(Mandate.objects.filter(deputy=OuterRef("deputy_id"), status=MandateStatus.ACTIVE))
        )
    return (
        qs.select_related("deputy")
        .prefetch_related(
            Prefetch(
                "deputy__mandates",
                queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE)
                .select_related("congress")
                .order_by("congress__division__depth"),
                to_attr="active_mandates",
            )
        )
        .order_by("deputy__number")
    )


def public_figures() -> dict[str, Any]:
    """Headline figures for the home page: three aggregate queries."""
    by_level = dict(
        Mandate.objects.filter(status=MandateStatus.ACTIVE, deputy__is_active=True)
        .values_list("congress__level")
        .annotate(n=Count("deputy_id", distinct=True))
        .values_list("congress__level", "n")
    )
    deputies = public_deputies().count()
    by_kind = dict(
        Station.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return {"deputies": deputies, "by_level": by_level, "stations": sum(by_kind.values()), "by_kind": by_kind}


def public_division_choices() -> list[tuple[str, str, str]]:
    """(code, name, level) of county-level divisions and their townships, in tree order, for public filters."""
    return list(
        Division.objects.filter(is_active=True, level__in=[DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP])
        .order_by("path")
        .values_list("code", "name", "level")
    )


def county_of(path: str, county_by_path: dict[str, Division]) -> Division | None:
    """The county-level ancestor (or self) of the division with ``path``, from a path index."""
    prefix = "/"
    for code in path.strip("/").split("/"):
        prefix += f"{code}/"
        if prefix in county_by_path:
            return county_by_path[prefix]
    return None
