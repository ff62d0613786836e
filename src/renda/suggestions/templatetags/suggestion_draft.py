"""``{% opinion_suggestions opinion request.user as sg %}``: the suggestions made from an opinion that the
user may see, and whether they may turn it into one (the link kept both ways)."""

from django import template
from django.urls import reverse

from renda.core.access import restrict
from renda.core.models import Role
from renda.suggestions.hooks import suggestion_url
from renda.suggestions.models import Suggestion
from renda.suggestions.services import may_edit
from renda.suggestions.views_draft import may_draft

register = template.Library()


def _url(user, suggestion: Suggestion) -> str:
    if url := suggestion_url(suggestion):
        return url
    if suggestion.is_editable and may_edit(user, suggestion):
        return reverse("console:suggestion_edit", args=[suggestion.pk])
    return ""


@register.simple_tag
def opinion_suggestions(opinion, user) -> dict:
    qs = restrict(Suggestion.objects.filter(from_opinion=opinion).select_related("proposer"), user)
    items = [{"suggestion": s, "url": _url(user, s)} for s in qs.order_by("created_at", "pk")]
    can_convert = user.role == Role.DEPUTY and may_draft(user)
    return {"items": items, "can_convert": can_convert}
