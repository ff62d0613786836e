"""网格 routing: an opinion located in a grid reaches the grid's deputies.

Visibility is the opinion scope rule (``renda.opinions.scoping``: a deputy also sees the
opinions whose ``grid`` is one of their active grids); this module sends the in-app notice
when such an opinion is registered (an ``after_register`` hook: one query for the members,
one for their accounts, one insert per batch).
"""

from collections import defaultdict

from django.urls import reverse

from renda.core.models import Notification, Role, User
from renda.core.notifications import notification_rows
from renda.opinions.intake import after_register
from renda.opinions.models import Opinion
from renda.registry.models import Grid, GridDeputy


@after_register
def grid_deputies_notify(opinions: list[Opinion]) -> int:
    located = [o for o in opinions if o.grid_id and not o.is_spam]
    if not located:
        return 0
    grid_ids = {o.grid_id for o in located}
    members: dict[int, set[int]] = defaultdict(set)
    for grid_id, deputy_id in GridDeputy.objects.filter(
        grid_id__in=grid_ids, left_on=None, deputy__is_active=True
    ).values_list("grid_id", "deputy_id"):
        members[grid_id].add(deputy_id)
    deputy_ids = set().union(*members.values()) if members else set()
    if not deputy_ids:
        return 0
    accounts: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.DEPUTY, deputy_id__in=deputy_ids, is_active=True):
        accounts[user.deputy_id].append(user)
    names = dict(Grid.objects.filter(pk__in=grid_ids).values_list("pk", "name"))
    rows: list[Notification] = []
    for o in located:
        # the deputy the citizen addressed is already told by the case itself
        users = [u for d in members.get(o.grid_id, ()) if d != o.deputy_id for u in accounts.get(d, ())]
        if users:
            rows += notification_rows(
                users,
                "notice.grid_opinion",
                {"grid": names.get(o.grid_id, ""), "title": o.display_title},
                url=reverse("console:opinion_detail", args=[o.pk]),
            )
    Notification.objects.bulk_create(rows)
    return len(rows)
