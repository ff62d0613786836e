"""``{% opinion_todo request %}``: the 待办 counts on the console home (only for users who see cases)."""

from django import template
from django.urls import reverse

from renda.core.access import has_perm
from renda.opinions.selectors import todo_counts

register = template.Library()

LABELS = (
    ("accept", "待受理", "?tab=accept"),
    ("review", "待反馈", "?tab=review"),
    ("overdue", "已超期", "?tab=all&overdue=1"),
)


@register.inclusion_tag("opinions/console/_todo.html")
def opinion_todo(request) -> dict:
    if not has_perm(request.user, "case.view"):
        return {"items": []}
    counts = todo_counts(request.user)
    base = reverse("console:opinion_list")
    return {"items": [{"label": label, "count": counts[key], "url": base + query}
                      for key, label, query in LABELS if key in counts]}  # fmt: skip
