"""Public pages: the 履职圈 feed, one post, and a grid's page with its deputies."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from renda.circle import activities, selectors
from renda.circle.models import PostImage, PostVideo
from renda.core.uploads import media_response
from renda.registry.models import Deputy, Station

PAGE_SIZE = 12


@require_GET
def circle_feed(request: HttpRequest) -> HttpResponse:
    """All published posts, or one deputy's / station's (``?deputy=<number>``, ``?station=<code>``)."""
    posts = selectors.public_posts()
    deputy = station = None
    notices = []
    if number := request.GET.get("deputy", "").strip()[:32]:
        deputy = Deputy.objects.filter(number=number, is_active=True).first()
        if deputy is None:
            notices.append(f"没有找到编号为“{number}”的代表，已显示全部动态。")
        else:
            posts = selectors.public_posts_of_deputy(deputy)
    elif code := request.GET.get("station", "").strip()[:32]:
        station = Station.objects.filter(code=code, is_active=True).first()
        if station is None:
            notices.append(f"没有找到编号为“{code}”的家站点，已显示全部动态。")
        else:
            posts = selectors.public_posts_of_station(station)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    activities.attach(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "circle/public/feed.html",
        {"page": page, "deputy": deputy, "station": station, "notices": notices, "querystring": params.urlencode()},
    )


@require_GET
def circle_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.public_post(pk)
    if post is None:
        raise Http404("没有找到这条动态，它可能已被隐藏。")
    activities.attach([post])
    return render(request, "circle/public/post.html", {"post": post})


@require_GET
def circle_grid(request: HttpRequest, code: str) -> HttpResponse:
    grid = selectors.public_grid(code)
    if grid is None:
        raise Http404("没有找到该网格。")
    deputies = list(selectors.grid_public_deputies(grid))
    return render(request, "circle/public/grid.html", {"grid": grid, "deputies": deputies})


@require_GET
def circle_image(request: HttpRequest, pk: int) -> HttpResponse:
    """A published post's picture; 404 once the post is hidden, or before it is published."""
    image = PostImage.objects.filter(pk=pk, post__in=selectors.public_posts()).first()
    if image is None:
        raise Http404("图片不存在或未公开。")
    return media_response(image.image, public=True)


@require_GET
def circle_video(request: HttpRequest, pk: int) -> HttpResponse:
    video = PostVideo.objects.filter(post_id=pk, post__in=selectors.public_posts()).first()
    if video is None:
        raise Http404("视频不存在或未公开。")
    return media_response(video.file, public=True)
