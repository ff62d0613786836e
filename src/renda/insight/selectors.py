"""Scoped reads of 研判."""

from collections import defaultdict

from django.db.models import QuerySet

from renda.core.access import restrict
from renda.core.models import User
from renda.insight.models import ClassifierModel, Hint, HintDecision, HintKind, KeywordRule
from renda.registry.models import Congress


def hints_for(user: User, opinion_ids: list[int]) -> dict[int, dict[str, list[Hint]]]:
    """{opinion id: {kind: [hints by rank]}} for the opinions of one page (one query)."""
    out: dict[int, dict[str, list[Hint]]] = defaultdict(lambda: {HintKind.CATEGORY: [], HintKind.AGENCY: []})
    for hint in restrict(Hint.objects.filter(opinion_id__in=opinion_ids), user).order_by("opinion_id", "kind", "rank"):
        out[hint.opinion_id][hint.kind].append(hint)
    return out


def decisions_for(user: User, opinion_ids: list[int]) -> dict[int, dict[str, HintDecision]]:
    """The latest decision per opinion and kind (one query)."""
    out: dict[int, dict[str, HintDecision]] = defaultdict(dict)
    qs = restrict(HintDecision.objects.filter(opinion_id__in=opinion_ids), user).order_by("at", "id")
    for decision in qs:
        out[decision.opinion_id][decision.kind] = decision
    return out


def models_list(user: User) -> QuerySet[ClassifierModel]:
    return restrict(ClassifierModel.objects.select_related("congress", "trained_by"), user)


def rules_list(user: User) -> QuerySet[KeywordRule]:
    return restrict(KeywordRule.objects.select_related("congress", "category", "agency"), user)


def manageable_congresses(user: User) -> QuerySet[Congress]:
    return restrict(Congress.objects.select_related("division"), user).order_by("division__path")
