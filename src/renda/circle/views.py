"""Console pages of 履职圈: a deputy's own posts and the new-post form; the staff moderation list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renda.circle import activities, selectors, services
from renda.circle.forms import PostForm
from renda.circle.models import MAX_IMAGES, PostImage, PostStatus, PostVideo
from renda.core.access import has_perm, staff_required
from renda.core.audit import history_for
from renda.core.lists import Column, ListSpec, field_filter, run_list
from renda.core.uploads import media_response
from renda.registry.views_base import apply_errors, error_messages


def _is_author(user) -> bool:
    return bool(user.deputy_id) and has_perm(user, "circle.post")


def _spec(title: str, *, mine: bool) -> ListSpec:
    columns = [
        Column("内容", lambda p: p.text),
        Column("状态", lambda p: p.get_status_display()),
        Column("图片", lambda p: len(p.images.all())),
        Column("视频", lambda p: "有" if hasattr(p, "video") else ""),
        Column("创建时间", lambda p: p.created_at.strftime("%Y-%m-%d %H:%M")),
        Column("发布时间", lambda p: p.published_at.strftime("%Y-%m-%d %H:%M") if p.published_at else ""),
        Column("审核人", lambda p: str(p.moderated_by) if p.moderated_by else ""),
        Column("原因", lambda p: p.hidden_reason or p.rejected_reason),
    ]
    if not mine:
        columns.insert(0, Column("代表", lambda p: p.deputy.name))
    return ListSpec(
        title=title,
        columns=columns,
        search_fields=["text"] if mine else ["text", "deputy__name"],
        search_hint="搜索内容" if mine else "搜索代表姓名或内容",
        filters=[field_filter("status", "状态", PostStatus.choices)],
        export_name="履职圈动态",
        empty_text="还没有履职圈动态。" if mine else "没有需要处理的履职圈动态。",
    )


@staff_required("circle.view")
def circle_list(request: HttpRequest) -> HttpResponse:
    """Deputies: my posts. Staff: the posts of the deputies in their scope, pending ones first."""
    user = request.user
    mine = _is_author(user)
    if mine:
        qs = selectors.my_posts(user)
        spec = _spec("我的履职圈", mine=True)
    else:
        if not has_perm(user, "circle.moderate"):
            raise PermissionDenied("您没有查看履职圈的权限。")
        qs = selectors.console_posts(user)
        spec = _spec("履职圈审核", mine=False)
        if "status" not in request.GET and "q" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["status"] = PostStatus.PENDING
    result = run_list(request, qs, spec)
    if isinstance(result, HttpResponse):
        return result
    activities.attach(result["page"].object_list)
    result.update(mine=mine, statuses=PostStatus)
    return render(request, "circle/list.html", result)


@staff_required("circle.post")
def circle_new(request: HttpRequest) -> HttpResponse:
    if not request.user.deputy_id:
        raise PermissionDenied("只有人大代表本人可以发布履职圈动态。")
    form = PostForm(
        request.POST or None, request.FILES or None, activity_choices=activities.choices_for(request.user.deputy_id)
    )
    if request.method == "POST" and form.is_valid():
        images = form.cleaned_data.get("images") or []
        try:
            post = services.post_create(
                actor=request.user,
                text=form.cleaned_data["text"],
                images=images,
                video=form.cleaned_data.get("video"),
                activity_id=int(form.cleaned_data["activity"]) if form.cleaned_data.get("activity") else None,
                submit=request.POST.get("draft") != "1",
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if post.status == PostStatus.PENDING:
                messages.success(request, "已提交，审核通过后公开发布。")
            elif post.status == PostStatus.PUBLISHED:
                messages.success(request, "已发布到履职圈。")
            else:
                messages.success(request, "已保存为草稿。")
            return redirect("console:circle_post_detail", pk=post.pk)
    return render(request, "circle/form.html", {"form": form, "max_images": MAX_IMAGES})


ACTION_LABELS = {
    "circle.post.create": "发布",
    "circle.post.submit": "提交",
    "circle.post.approve": "审核通过",
    "circle.post.reject": "审核不通过",
    "circle.post.hide": "隐藏",
    "circle.post.restore": "恢复公开",
}


@staff_required("circle.view")
def circle_post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(request.user, pk)
    user = request.user
    activities.attach([post])
    own = _is_author(user) and post.deputy_id == user.deputy_id
    moderator = has_perm(user, "circle.moderate")
    ctx = {
        "post": post,
        "own": own,
        "can_submit": own and post.status == PostStatus.DRAFT,
        "can_approve": moderator and post.status == PostStatus.PENDING,
        "can_hide": moderator and post.status == PostStatus.PUBLISHED,
        "can_restore": moderator and post.status == PostStatus.HIDDEN,
        "history": [(e, ACTION_LABELS.get(e.action, e.action)) for e in history_for(post)[:20]],
    }
    return render(request, "circle/detail.html", ctx)


ACTIONS = {
    "submit": (lambda user, post, data: services.post_submit(actor=user, post=post), "已提交。"),
    "approve": (lambda user, post, data: services.post_approve(actor=user, post=post), "已审核通过并发布。"),
    "reject": (
        lambda user, post, data: services.post_reject(actor=user, post=post, reason=data.get("reason", "")),
        "已退回，代表会收到通知。",
    ),
    "hide": (
        lambda user, post, data: services.post_hide(actor=user, post=post, reason=data.get("reason", "")),
        "已隐藏，公众不再看到这条动态。",
    ),
    "restore": (lambda user, post, data: services.post_restore(actor=user, post=post), "已恢复公开。"),
}


@require_POST
@staff_required("circle.view")
def circle_post_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    post = selectors.post_get(request.user, pk)
    call, done = ACTIONS[action]
    try:
        call(request.user, post, request.POST)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, done)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/console/") and "//" not in nxt:
        return redirect(nxt)
    return redirect("console:circle_post_detail", pk=post.pk)


@staff_required("circle.view")
def circle_media(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A post's picture (``kind`` = image, ``pk`` the picture) or video (``kind`` = video, ``pk`` the post)
    for the console: whoever may open the post may see its media, in any state."""
    if kind == "image":
        image = PostImage.objects.filter(pk=pk).first()
        if image is None:
            raise Http404("图片不存在。")
        selectors.post_get(request.user, image.post_id)  # scope check: 404 outside it
        return media_response(image.image, public=False)
    if kind == "video":
        post = selectors.post_get(request.user, pk)
        video = PostVideo.objects.filter(post=post).first()
        if video is None:
            raise Http404("视频不存在。")
        return media_response(video.file, public=False)
    raise Http404("不支持的文件类型。")
