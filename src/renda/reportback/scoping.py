"""Who sees which 述职评议 rows (read by core.access.restrict).

Congress staff: meetings of the congresses in their territory; station staff: meetings and reports of
their station's deputies; a deputy: their own reports and the meetings they report at.
"""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.registry.models import StationDeputy
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q
from renda.reportback.models import DeputyReport, ReportMeeting


def report_q(user: User, prefix: str = "") -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}meeting__term__congress__division__")
    if user.role == Role.STATION_STAFF and user.station_id:
        members = StationDeputy.objects.filter(station_id=user.station_id, left_on=None).values("deputy_id")
        return Q(**{f"{prefix}deputy_id__in": members})
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(**{f"{prefix}deputy_id": user.deputy_id})
    return NOTHING


@scope_rule(DeputyReport)
def _reports(user: User) -> Q:
    return report_q(user)


@scope_rule(ReportMeeting)
def _meetings(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="term__congress__division__")
    inner = report_q(user)
    if inner == NOTHING:
        return NOTHING
    return Q(Exists(DeputyReport.objects.filter(inner, meeting=OuterRef("pk"))))
