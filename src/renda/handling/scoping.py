"""Which cases each role sees (read by core.access.restrict).

Congress staff: every case in their territory or addressed to their congress;
station staff: their station's; a deputy: what is addressed to them or to a
station they sit in; an agency: what was ever assigned to it.
"""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.handling.models import Assignment, Case, CaseContact, Commitment, ExtensionRequest
from renda.registry.models import StationDeputy
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


def case_q(user: User, prefix: str = "") -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}division_") | Q(**{f"{prefix}congress_id": user.congress_id})
    if user.role == Role.STATION_STAFF and user.station_id:
        return Q(**{f"{prefix}station_id": user.station_id})
    if user.role == Role.DEPUTY and user.deputy_id:
        stations = StationDeputy.objects.filter(deputy_id=user.deputy_id, left_on=None).values("station_id")
        return Q(**{f"{prefix}deputy_id": user.deputy_id}) | Q(**{f"{prefix}station_id__in": stations})
    if user.role == Role.AGENCY_HANDLER and user.agency_id:
        return Q(Exists(Assignment.objects.filter(case=OuterRef(f"{prefix}pk"), agency_id=user.agency_id)))
    return NOTHING


@scope_rule(Case)
def _cases(user: User) -> Q:
    return case_q(user)


def assignment_q(user: User, prefix: str = "") -> Q:
    """An agency handler sees only their own agency's assignments; everyone else those of the cases they see."""
    if user.role == Role.AGENCY_HANDLER:
        return Q(**{f"{prefix}agency_id": user.agency_id}) if user.agency_id else NOTHING
    return case_q(user, prefix=f"{prefix}case__")


@scope_rule(Assignment)
def _assignments(user: User) -> Q:
    return assignment_q(user)


@scope_rule(ExtensionRequest)
def _extensions(user: User) -> Q:
    return assignment_q(user, prefix="assignment__")


@scope_rule(Commitment)
def _commitments(user: User) -> Q:
    return case_q(user, prefix="case__")


@scope_rule(CaseContact)
def _contacts(user: User) -> Q:
    return case_q(user, prefix="case__")
