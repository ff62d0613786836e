"""Console home: how many 履职圈 posts wait for the user's review (``console_home`` slot, one query)."""

from django.template.loader import render_to_string

from renda.circle.models import Post, PostStatus
from renda.core import panels
from renda.core.access import has_perm, restrict


@panels.panel("console_home")
def pending_posts(request, user) -> str:
    if not has_perm(user, "circle.moderate"):
        return ""
    pending = restrict(Post.objects.filter(status=PostStatus.PENDING), user).count()
    if not pending:
        return ""
    return render_to_string("circle/_home_panel.html", {"pending": pending}, request=request)
