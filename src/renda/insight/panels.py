"""研判 hints in shared pages: under each row of 待交办 and of the opinion list (the deputy inbox), and on
the opinion page. Two queries per page (hints, decisions), whatever the number of rows."""

from django.template.loader import render_to_string

from renda.core import panels
from renda.core.access import has_perm
from renda.insight import selectors
from renda.insight.models import HintKind


def _context(
    request, opinion, hints, decisions, *, detail=False, error="", assign_form=False, just_decided=False
) -> dict:
    user = request.user
    kinds = hints or {HintKind.CATEGORY: [], HintKind.AGENCY: []}
    cats, ags = kinds.get(HintKind.CATEGORY, []), kinds.get(HintKind.AGENCY, [])
    source = (cats or ags)[0].source if (cats or ags) else ""
    return {
        "opinion": opinion,
        "cats": cats,
        "ags": ags,
        "source": "关键词与分类名称" if source == "rules" else (f"模型 {source}" if source else ""),
        "cat_decision": (decisions or {}).get(HintKind.CATEGORY),
        "ag_decision": (decisions or {}).get(HintKind.AGENCY),
        "can_decide": has_perm(user, "insight.decide"),
        "can_assign": has_perm(user, "case.assign"),
        "detail": detail,
        "error": error,
        "assign_form": assign_form,
        "just_decided": just_decided,
    }


def render_hints(request, opinion, *, detail=False, error="", assign_form=False, just_decided=False) -> str:
    hints = selectors.hints_for(request.user, [opinion.pk]).get(opinion.pk)
    decisions = selectors.decisions_for(request.user, [opinion.pk]).get(opinion.pk)
    ctx = _context(
        request, opinion, hints, decisions, detail=detail, error=error, assign_form=assign_form,
        just_decided=just_decided,
    )  # fmt: skip
    return render_to_string("insight/_hints.html", ctx, request=request)


def _rows(request, objects, *, assign_form: bool) -> dict[int, str]:
    if not has_perm(request.user, "insight.view") or not objects:
        return {}
    ids = [o.pk for o in objects]
    hints = selectors.hints_for(request.user, ids)
    decisions = selectors.decisions_for(request.user, ids)
    out = {}
    for o in objects:
        if o.pk in hints:
            ctx = _context(request, o, hints[o.pk], decisions.get(o.pk), assign_form=assign_form)
            out[o.pk] = render_to_string("insight/_hints.html", ctx, request=request)
    if out:  # the page's script and style, once
        first = next(iter(out))
        out[first] = render_to_string("insight/_assets.html", request=request) + out[first]
    return out


@panels.row_panel("triage_row")
def triage_hints(request, objects) -> dict[int, str]:
    return _rows(request, objects, assign_form=True)


@panels.row_panel("opinion_row")
def inbox_hints(request, objects) -> dict[int, str]:
    return _rows(request, objects, assign_form=False)


@panels.panel("opinion_detail")
def detail_hints(request, opinion) -> str:
    if not has_perm(request.user, "insight.view"):
        return ""
    return render_to_string("insight/_assets.html", request=request) + render_hints(request, opinion, detail=True)
