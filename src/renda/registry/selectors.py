"""Reads of the registry. Console callers pass the result through ``core.access.restrict``."""

from django.db.models import Prefetch, Q, QuerySet

from renda.registry.models import Deputy, Division, Mandate, MandateStatus, Station, StationDeputy

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
        .select_related("congress", "term")
        .order_by("congress__division__depth"),
        to_attr=to_attr,
    )


def current_stations_prefetch(to_attr: str = "current_memberships") -> Prefetch:
    return Prefetch(
        "station_memberships",
        queryset=StationDeputy.objects.filter(left_on=None).select_related("station"),
        to_attr=to_attr,
    )


def deputy_directory(
    *, query: str = "", level: str = "", division: Division | None = None, station: Station | None = None
) -> QuerySet[Deputy]:
    """Active deputies for the public directory, filtered; stable order."""
    qs = Deputy.objects.filter(is_active=True, mandates__status=MandateStatus.ACTIVE)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(position__contains=query))
    if level:
        qs = qs.filter(mandates__congress__level=level, mandates__status=MandateStatus.ACTIVE)
    if division is not None:
        qs = qs.filter(
            Q(subtree_q(division.path, prefix="mandates__congress__division__"))
            | Q(subtree_q(division.path, prefix="mandates__constituency_division__"))
        )
    if station is not None:
        qs = qs.filter(station_memberships__station=station, station_memberships__left_on=None)
    return qs.distinct().order_by("number")


def station_directory(*, query: str = "", kind: str = "", division: Division | None = None) -> QuerySet[Station]:
    qs = Station.objects.filter(is_active=True).select_related("division")
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(address__contains=query) | Q(theme__contains=query))
    if kind:
        qs = qs.filter(kind=kind)
    if division is not None:
        qs = qs.filter(subtree_q(division.path, prefix="division__"))
    return qs.order_by("code")
