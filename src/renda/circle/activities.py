"""The optional link of a post to a 履职活动 (``renda.activities``), kept loose on purpose.

``Post.activity_id`` is a plain integer (the activities app was being written at the same time):
this module is the one place that reads ``renda.activities``, and it degrades to "no activities"
if that app's models are not there.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError


def _models():
    try:
        from renda.activities.models import Activity, Participant
    except ImportError:  # pragma: no cover - the app ships with renda
        return None, None
    return Activity, Participant


def choices_for(deputy_id: int | None, limit: int = 30) -> list[tuple[str, str]]:
    """The latest activities the deputy takes part in, for the form's select."""
    Activity, Participant = _models()
    if Activity is None or not deputy_id:
        return []
    ids = Participant.objects.filter(deputy_id=deputy_id).values("activity_id")
    rows = Activity.objects.filter(pk__in=ids).order_by("-starts_at").values_list("pk", "title", "starts_at")[:limit]
    return [(str(pk), f"{starts:%Y-%m-%d} {title}") for pk, title, starts in rows]


def check(deputy_id: int, activity_id: int | None) -> None:
    if activity_id is None:
        return
    Activity, Participant = _models()
    if Activity is None or not Participant.objects.filter(deputy_id=deputy_id, activity_id=activity_id).exists():
        raise ValidationError({"activity": "只能关联您参加的履职活动。"})


def attach(posts: Iterable) -> None:
    """Set ``post.activity_title`` on each post (one query for the page, none when no post has an activity)."""
    posts = list(posts)
    ids = {p.activity_id for p in posts if p.activity_id}
    titles: dict[int, str] = {}
    Activity, _ = _models()
    if ids and Activity is not None:
        titles = dict(Activity.objects.filter(pk__in=ids).values_list("pk", "title"))
    for p in posts:
        p.activity_title = titles.get(p.activity_id, "")
