"""Who sees which 研判 rows: hints and decisions follow their opinion; models and rules their congress."""

from django.db.models import Q

from renda.core.access import scope_rule
from renda.core.models import User
from renda.handling.scoping import case_q
from renda.insight.models import ClassifierModel, Hint, HintDecision, KeywordRule
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


@scope_rule(Hint)
def _hints(user: User) -> Q:
    return case_q(user, prefix="opinion__case__")


@scope_rule(HintDecision)
def _decisions(user: User) -> Q:
    return case_q(user, prefix="opinion__case__")


@scope_rule(ClassifierModel)
def _models(user: User) -> Q:
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    return NOTHING


@scope_rule(KeywordRule)
def _rules(user: User) -> Q:
    """Congress staff see the platform-wide rules and those of congresses in their territory."""
    if path := territory_path(user):
        return Q(congress__isnull=True) | subtree_q(path, prefix="congress__division__")
    return NOTHING
