"""Console home: how far the user's congress is with 述职 in its running term."""

from django.template.loader import render_to_string

from renda.core import panels
from renda.core.access import has_perm
from renda.registry.models import Term
from renda.reportback.selectors import district_compliance, unreported_mandates


@panels.panel("console_home")
def compliance_card(request, user) -> str:
    if not has_perm(user, "reportback.manage") or not user.congress_id:
        return ""
    term = Term.objects.filter(congress_id=user.congress_id, ends_on__isnull=True).select_related("congress").first()
    if term is None:
        return ""
    districts = district_compliance(term)
    if not districts:
        return ""
    ctx = {
        "term": term,
        "unreported": unreported_mandates(term).count(),
        "short": sum(1 for d in districts if not d.oral_ok),
        "districts": len(districts),
    }
    return render_to_string("reportback/_home_panel.html", ctx, request=request)
