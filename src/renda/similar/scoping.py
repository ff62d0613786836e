"""Who sees which hotspots and 重点约访 proposals (read by core.access.restrict).

Congress staff: hotspots in their territory or of their congress; station staff: hotspots with an
opinion addressed to their station or a proposal naming it; a deputy: hotspots with an opinion
addressed to them or a proposal naming them.
"""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q
from renda.similar.models import Hotspot, HotspotMember, VisitProposal


def hotspot_q(user: User, prefix: str = "") -> Q:
    pk = f"{prefix}pk" if prefix else "pk"
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}division_") | Q(**{f"{prefix}congress_id": user.congress_id})
    if user.role == Role.STATION_STAFF and user.station_id:
        members = HotspotMember.objects.filter(hotspot=OuterRef(pk), opinion__case__station_id=user.station_id)
        proposals = VisitProposal.objects.filter(hotspot=OuterRef(pk), station_id=user.station_id)
        return Q(Exists(members)) | Q(Exists(proposals))
    if user.role == Role.DEPUTY and user.deputy_id:
        members = HotspotMember.objects.filter(hotspot=OuterRef(pk), opinion__case__deputy_id=user.deputy_id)
        proposals = VisitProposal.objects.filter(hotspot=OuterRef(pk), deputies=user.deputy_id)
        return Q(Exists(members)) | Q(Exists(proposals))
    return NOTHING


@scope_rule(Hotspot)
def _hotspots(user: User) -> Q:
    return hotspot_q(user)


@scope_rule(VisitProposal)
def _proposals(user: User) -> Q:
    return hotspot_q(user, prefix="hotspot__")
