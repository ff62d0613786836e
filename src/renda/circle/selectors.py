"""Reads of 履职圈: scoped console lists, and the public feed (published posts only)."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from renda.circle.models import Post, PostImage, PostStatus
from renda.core.access import get_scoped_or_404, restrict
from renda.core.models import User
from renda.registry import selectors as reg_selectors
from renda.registry.models import Deputy, Grid, GridDeputy, Station, StationDeputy


def _with_media(qs: QuerySet[Post]) -> QuerySet[Post]:
    return qs.select_related("deputy", "video").prefetch_related(
        Prefetch("images", queryset=PostImage.objects.order_by("position", "id"))
    )


def console_posts(user: User) -> QuerySet[Post]:
    """Every post the user may see in the console, with what a row shows joined in."""
    return restrict(_with_media(Post.objects.select_related("moderated_by")), user)


def my_posts(user: User) -> QuerySet[Post]:
    if not user.deputy_id:
        return Post.objects.none()
    return console_posts(user).filter(deputy_id=user.deputy_id)


def post_get(user: User, pk: int) -> Post:
    return get_scoped_or_404(_with_media(Post.objects.select_related("moderated_by", "author")), user, pk=pk)


# -- public ------------------------------------------------------------------------------------------------------
def public_posts() -> QuerySet[Post]:
    """Published posts of active deputies, newest first, media joined in (3 queries per page)."""
    qs = Post.objects.filter(status=PostStatus.PUBLISHED, deputy__is_active=True).order_by("-published_at", "-id")
    return _with_media(qs)


def public_post(pk: int) -> Post | None:
    return public_posts().filter(pk=pk).first()


def public_posts_of_deputy(deputy: Deputy) -> QuerySet[Post]:
    return public_posts().filter(deputy=deputy)


def public_posts_of_station(station: Station) -> QuerySet[Post]:
    """Posts of the deputies now in the station."""
    members = StationDeputy.objects.filter(deputy=OuterRef("deputy_id"), station=station, left_on=None)
    return public_posts().filter(Exists(members))


def public_grid(code: str) -> Grid | None:
    return Grid.objects.filter(code=code, is_active=True).select_related("division", "division__parent").defer(
        "division__boundary", "division__parent__boundary"
    ).first()


def grid_public_deputies(grid: Grid) -> QuerySet[Deputy]:
    """The grid's current deputies the public may see, as the deputy cards show them (3 queries)."""
    members = GridDeputy.objects.filter(grid=grid, deputy=OuterRef("pk"), left_on=None)
    return (
        reg_selectors.public_deputies()
        .filter(Exists(members))
        .prefetch_related(
            reg_selectors.active_mandates_prefetch(), reg_selectors.current_stations_prefetch(active_only=True)
        )
        .order_by("name", "number")
    )
