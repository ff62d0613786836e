"""答复质量 flags in shared pages: under each 督办 row, and in the opinion page's side column."""

from django.template.loader import render_to_string

from renda.analysis import selectors
from renda.core import panels
from renda.core.access import has_perm


@panels.row_panel("supervision_row")
def supervision_flags(request, cases) -> dict[int, str]:
    if not has_perm(request.user, "analysis.view") or not cases:
        return {}
    by_case = selectors.checks_for_cases(request.user, [c.pk for c in cases])
    return {
        pk: render_to_string("analysis/_row_flags.html", {"checks": [c for c in checks if c.flagged]})
        for pk, checks in by_case.items()
        if any(c.flagged for c in checks)
    }


@panels.panel("opinion_detail")
def opinion_quality(request, opinion) -> str:
    if not opinion.case_id or not has_perm(request.user, "analysis.view"):
        return ""
    checks = selectors.checks_for_cases(request.user, [opinion.case_id]).get(opinion.case_id, [])
    if not checks:
        return ""
    return render_to_string("analysis/_opinion_panel.html", {"checks": checks}, request=request)
