"""Which activities, plans and standards each role sees (read by core.access.restrict).

* congress staff: activities organised by a congress in their territory or held at a station in it;
  plans of stations in it; standards of congresses in it;
* station staff: their station's activities and plans;
* deputies: activities they take part in and those of the stations they belong to;
* agency handlers: none. Administrators: all.
"""

from django.db.models import Exists, OuterRef, Q

from renda.activities.models import Activity, ActivityPhoto, ActivityPlan, DutyStandard, Participant
from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.registry.models import StationDeputy
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


def activity_q(user: User, prefix: str = "") -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}congress__division__") | subtree_q(
            path, prefix=f"{prefix}station__division__"
        )
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(**{f"{prefix}station_id": user.station_id})
    if user.role == Role.DEPUTY and user.deputy_id:
        mine = Participant.objects.filter(activity_id=OuterRef(f"{prefix}pk"), deputy_id=user.deputy_id)
        member = StationDeputy.objects.filter(
            station_id=OuterRef(f"{prefix}station_id"), deputy_id=user.deputy_id, left_on=None
        )
        return Q(Exists(mine)) | Q(Exists(member))
    return NOTHING


@scope_rule(Activity)
def _activities(user: User) -> Q:
    return activity_q(user)


@scope_rule(Participant)
def _participants(user: User) -> Q:
    return activity_q(user, prefix="activity__")


@scope_rule(ActivityPhoto)
def _photos(user: User) -> Q:
    return activity_q(user, prefix="activity__")


@scope_rule(ActivityPlan)
def _plans(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="station__division__")
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(station_id=user.station_id)
    return NOTHING


@scope_rule(DutyStandard)
def _standards(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    return NOTHING
