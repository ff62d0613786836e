"""Opinions are seen by whoever sees their case; a deputy also sees those located in their active grids (网格)."""

from django.db.models import Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.handling.scoping import case_q
from renda.opinions.models import Opinion
from renda.registry.models import GridDeputy


@scope_rule(Opinion)
def _opinions(user: User) -> Q:
    q = case_q(user, prefix="case__")
    if user.role == Role.DEPUTY and user.deputy_id:
        grids = GridDeputy.objects.filter(deputy_id=user.deputy_id, left_on=None).values("grid_id")
        q |= Q(grid_id__in=grids)
    return q
