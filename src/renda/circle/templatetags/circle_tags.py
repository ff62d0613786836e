"""``{% circle_latest deputy=deputy %}`` / ``{% circle_latest station=station %}``: the latest published posts
on a public page (3 queries, whatever the number of posts or pictures)."""

from django import template

from renda.circle import activities, selectors

register = template.Library()

LATEST = 3


@register.inclusion_tag("circle/public/_latest.html")
def circle_latest(deputy=None, station=None, limit: int = LATEST):
    if deputy is not None:
        qs, param = selectors.public_posts_of_deputy(deputy), f"deputy={deputy.number}"
    elif station is not None:
        qs, param = selectors.public_posts_of_station(station), f"station={station.code}"
    else:
        qs, param = selectors.public_posts(), ""
    posts = list(qs[: limit + 1])
    activities.attach(posts)
    return {"posts": posts[:limit], "more": len(posts) > limit, "param": param, "show_author": deputy is None}
