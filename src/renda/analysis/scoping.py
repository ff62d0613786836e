"""Who sees which analysis rows: whoever sees the case (congress staff their territory, station staff
their station's); monthly analyses: congress staff those of the congresses in their territory."""

from django.db.models import Q

from renda.analysis.models import MonthlyReport, OpinionTerms, ReplyCheck
from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.handling.scoping import case_q
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


@scope_rule(ReplyCheck)
def _checks(user: User) -> Q:
    if user.role not in (Role.CONGRESS_STAFF, Role.STATION_STAFF):
        return NOTHING
    return case_q(user, prefix="case__")


@scope_rule(OpinionTerms)
def _terms(user: User) -> Q:
    if user.role not in (Role.CONGRESS_STAFF, Role.STATION_STAFF):
        return NOTHING
    return case_q(user, prefix="case__")


@scope_rule(MonthlyReport)
def _reports(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    return NOTHING
