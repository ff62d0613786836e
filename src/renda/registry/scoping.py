"""Scope rules for the registry: what each role sees (read by core.access.restrict)."""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.registry.models import (
    Agency,
    Congress,
    Deputy,
    Division,
    Grid,
    GridDeputy,
    Mandate,
    Station,
    StationDeputy,
)
from renda.registry.selectors import subtree_q

NOTHING = Q(pk__in=[])


def territory_path(user: User) -> str | None:
    """The division path a congress staff member's scope covers."""
    if user.role == Role.CONGRESS_STAFF and user.congress_id:
        return user.congress.division.path
    return None


@scope_rule(Division)
def _divisions(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path)
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(pk=user.station.division_id)
    return NOTHING


@scope_rule(Congress)
def _congresses(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="division__")
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(Exists(Mandate.objects.filter(congress=OuterRef("pk"), deputy_id=user.deputy_id)))
    return NOTHING


@scope_rule(Station)
def _stations(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="division__")
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(pk=user.station_id)
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(Exists(StationDeputy.objects.filter(station=OuterRef("pk"), deputy_id=user.deputy_id, left_on=None)))
    return NOTHING


@scope_rule(Deputy)
def _deputies(user: User) -> Q:
    if path := territory_path(user):
        in_congress = Mandate.objects.filter(deputy=OuterRef("pk")).filter(
            subtree_q(path, prefix="congress__division__")
        )
        in_station = StationDeputy.objects.filter(deputy=OuterRef("pk"), left_on=None).filter(
            subtree_q(path, prefix="station__division__")
        )
        return Q(Exists(in_congress)) | Q(Exists(in_station))
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(Exists(StationDeputy.objects.filter(deputy=OuterRef("pk"), station_id=user.station_id, left_on=None)))
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(pk=user.deputy_id)
    return NOTHING


@scope_rule(Mandate)
def _mandates(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(deputy_id=user.deputy_id)
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(
            Exists(StationDeputy.objects.filter(deputy=OuterRef("deputy_id"), station_id=user.station_id, left_on=None))
        )
    return NOTHING


@scope_rule(Grid)
def _grids(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="division__")
    if user.role == Role.STATION_STAFF and user.station_id:
        return subtree_q(user.station.division.path, prefix="division__")
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(Exists(GridDeputy.objects.filter(grid=OuterRef("pk"), deputy_id=user.deputy_id, left_on=None)))
    return NOTHING


@scope_rule(Agency)
def _agencies(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    if user.role == Role.AGENCY_HANDLER and user.agency_id:
        return Q(pk=user.agency_id)
    return NOTHING
