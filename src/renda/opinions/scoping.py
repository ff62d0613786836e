"""Opinions are seen by whoever sees their case."""

from django.db.models import Q

from renda.core.access import scope_rule
from renda.core.models import User
from renda.handling.scoping import case_q
from renda.opinions.models import Opinion


@scope_rule(Opinion)
def _opinions(user: User) -> Q:
    return case_q(user, prefix="case__")
