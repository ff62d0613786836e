"""Who sees which ledger settings: congress staff those of the congresses in their territory."""

from django.db.models import Q

from renda.core.access import scope_rule
from renda.core.models import User
from renda.ledgers.models import LedgerSet
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


@scope_rule(LedgerSet)
def _ledger_sets(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__") | subtree_q(path, prefix="station__division__")
    return NOTHING
