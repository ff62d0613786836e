"""Which suggestions each role sees (read by core.access.restrict).

* deputy: their own (as proposer) and those they were invited to co-sign (invited or confirmed),
  drafts included;
* congress staff: their congress's territory, except other people's unsubmitted drafts
  (a draft they entered on a deputy's behalf they see);
* agency handler: suggestions whose case was ever assigned to their agency;
* station staff: none. Administrators: all.

Suggestion pages go through this scope, not the Case scope (which does not know co-signers).
"""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.handling.models import Assignment
from renda.registry.models import Mandate
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q
from renda.suggestions.models import (
    CoSigner,
    CoSignStatus,
    KeyTopic,
    Suggestion,
    SuggestionAttachment,
    SuggestionSession,
)


def suggestion_q(user: User, prefix: str = "") -> Q:
    if path := territory_path(user):
        submitted = Q(**{f"{prefix}case__isnull": False}) | Q(**{f"{prefix}created_by_id": user.pk})
        return subtree_q(path, prefix=f"{prefix}congress__division__") & submitted
    if user.role == Role.DEPUTY and user.deputy_id:
        cosigned = CoSigner.objects.filter(
            suggestion=OuterRef(f"{prefix}pk"),
            deputy_id=user.deputy_id,
            status__in=(CoSignStatus.INVITED, CoSignStatus.CONFIRMED),
        )
        return Q(**{f"{prefix}proposer_id": user.deputy_id}) | Q(Exists(cosigned))
    if user.role == Role.AGENCY_HANDLER and user.agency_id:
        assigned = Assignment.objects.filter(case_id=OuterRef(f"{prefix}case_id"), agency_id=user.agency_id)
        return Q(Exists(assigned))
    return NOTHING


@scope_rule(Suggestion)
def _suggestions(user: User) -> Q:
    return suggestion_q(user)


@scope_rule(SuggestionAttachment)
def _attachments(user: User) -> Q:
    return suggestion_q(user, prefix="suggestion__")


@scope_rule(CoSigner)
def _cosigners(user: User) -> Q:
    return suggestion_q(user, prefix="suggestion__")


def _congress_q(user: User) -> Q:
    """Sessions and topics: staff of the territory; deputies of congresses they sit in."""
    if path := territory_path(user):
        return subtree_q(path, prefix="congress__division__")
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(Exists(Mandate.objects.filter(congress_id=OuterRef("congress_id"), deputy_id=user.deputy_id)))
    return NOTHING


@scope_rule(SuggestionSession)
def _sessions(user: User) -> Q:
    return _congress_q(user)


@scope_rule(KeyTopic)
def _topics(user: User) -> Q:
    return _congress_q(user)
