"""Who sees which 履职圈 posts in the console (read by core.access.restrict).

Congress staff: posts of deputies of their congress's territory (by mandate or station);
station staff: posts of the deputies now in their station; a deputy: their own.
"""

from django.db.models import Exists, OuterRef, Q

from renda.circle.models import Post
from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.registry.models import Mandate, StationDeputy
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


def deputy_scope_q(user: User, field: str = "deputy_id") -> Q:
    """The rows whose ``field`` is a deputy in the user's scope (Exists, never a join)."""
    if path := territory_path(user):
        in_congress = Mandate.objects.filter(deputy=OuterRef(field)).filter(
            subtree_q(path, prefix="congress__division__")
        )
        in_station = StationDeputy.objects.filter(deputy=OuterRef(field), left_on=None).filter(
            subtree_q(path, prefix="station__division__")
        )
        return Q(Exists(in_congress)) | Q(Exists(in_station))
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(Exists(StationDeputy.objects.filter(deputy=OuterRef(field), station_id=user.station_id, left_on=None)))
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(**{field: user.deputy_id})
    return NOTHING


@scope_rule(Post)
def _posts(user: User) -> Q:
    return deputy_scope_q(user)
