"""Who sees which reception rows: by station (congress staff: their territory; station staff: their station);
deputies see the days they are on the roster for (as scheduled deputy or as substitute)."""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.reception.models import Booking, DutyShift, ReceptionDay, ReceptionPlan, Visit
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


def station_q(user: User, prefix: str = "") -> Q | None:
    """Staff scopes by the row's station; None for other roles."""
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}station__division__")
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(**{f"{prefix}station_id": user.station_id})
    return None


def rostered_q(user: User, day_field: str) -> Q:
    """Rows whose day has ``user``'s deputy on the roster (scheduled or as substitute)."""
    if user.role != Role.DEPUTY or not user.deputy_id:
        return NOTHING
    mine = DutyShift.objects.filter(Q(deputy_id=user.deputy_id) | Q(substitute_id=user.deputy_id))
    return Q(Exists(mine.filter(day_id=OuterRef(day_field))))


@scope_rule(ReceptionPlan)
def _plans(user: User) -> Q:
    return station_q(user) or NOTHING


@scope_rule(ReceptionDay)
def _days(user: User) -> Q:
    q = station_q(user)
    return q if q is not None else rostered_q(user, "pk")


@scope_rule(DutyShift)
def _shifts(user: User) -> Q:
    q = station_q(user, "day__")
    if q is not None:
        return q
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(deputy_id=user.deputy_id) | Q(substitute_id=user.deputy_id)
    return NOTHING


@scope_rule(Booking)
def _bookings(user: User) -> Q:
    q = station_q(user, "day__")
    return q if q is not None else rostered_q(user, "day_id")


@scope_rule(Visit)
def _visits(user: User) -> Q:
    q = station_q(user, "day__")
    return q if q is not None else rostered_q(user, "day_id")
