"""Console home: a deputy's unread pushed notices (``console_home`` slot)."""

from django.template.loader import render_to_string

from renda.core import panels
from renda.notices.selectors import my_copies, unread_count


@panels.panel("console_home")
def unread_notices(request, user) -> str:
    if not getattr(user, "deputy_id", None):
        return ""
    unread = unread_count(user)
    latest = list(my_copies(user).filter(read_at=None, push__notice__status="published").order_by("-push__sent_at")[:3])
    return render_to_string("notices/_home_panel.html", {"unread": unread, "latest": latest}, request=request)
