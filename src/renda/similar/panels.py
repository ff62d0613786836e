"""Panels in shared pages: similar items on an opinion (one-click merge), 可能重复 badges, the
citizen form's "the same problem was already reported" area."""

from django.template.loader import render_to_string

from renda.core import panels
from renda.core.access import has_perm
from renda.handling.models import CaseState
from renda.similar import selectors

MERGEABLE = (CaseState.SUBMITTED, CaseState.ACCEPTED)


@panels.panel("opinion_detail")
def opinion_similar(request, opinion) -> str:
    user = request.user
    if not has_perm(user, "similar.view") or opinion.case_id is None:
        return ""
    items = selectors.similar_for_staff(opinion, user)
    hotspot, followers = selectors.opinion_context(opinion)
    if not items and not hotspot and not followers:
        return ""
    can_merge = opinion.case.state in MERGEABLE and has_perm(user, "case.accept")
    ctx = {"opinion": opinion, "items": items, "hotspot": hotspot, "followers": followers, "can_merge": can_merge}
    return render_to_string("similar/_opinion_panel.html", ctx, request=request)


def _badges(request, objects) -> dict[int, str]:
    if not has_perm(request.user, "similar.view"):
        return {}
    counts = selectors.duplicate_counts(o.pk for o in objects)
    return {
        pk: render_to_string("similar/_badge.html", {"n": n, "pk": pk}) for pk, n in counts.items()
    }


panels.row_panel("triage_row")(_badges)
panels.row_panel("opinion_row")(_badges)


@panels.panel("public_form")
def public_hint(request, obj) -> str:
    return render_to_string("similar/_public_area.html", {}, request=request)
