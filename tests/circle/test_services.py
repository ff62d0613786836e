"""履职圈 writes: posting, moderation transitions, scope checks, audit and notices."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renda.circle import services
from renda.circle.models import Post, PostStatus
from renda.core.models import AuditEvent, Notification
from tests.circle.helpers import mp4_bytes, png, upload

S = PostStatus


def post(world, **kw) -> Post:
    kw.setdefault("text", "今天到光明社区走访，听取居民对加装电梯的意见。")
    return services.post_create(actor=world.deputy_user_a, **kw)


def test_post_with_pictures_waits_for_moderation_and_tells_station_staff(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        p = post(world, images=[png("a.png"), png("b.png")])
    assert p.status == S.PENDING and p.submitted_at and p.published_at is None
    assert p.deputy == world.deputy_a and p.author == world.deputy_user_a
    images = list(p.images.all())
    assert [i.position for i in images] == [0, 1] and all(i.image.name.endswith(".jpg") for i in images)
    note = Notification.objects.get(user=world.station_staff_a)
    assert "履职圈" in note.title and world.deputy_a.name in note.body
    assert AuditEvent.objects.filter(action="circle.post.create", target_id=str(p.pk)).exists()


def test_without_moderation_a_post_is_published_at_once(world, settings):
    settings.RENDA_CIRCLE_MODERATION = False
    p = post(world)
    assert p.status == S.PUBLISHED and p.published_at


def test_draft_then_submit(world):
    p = post(world, submit=False)
    assert p.status == S.DRAFT
    p = services.post_submit(actor=world.deputy_user_a, post=p)
    assert p.status == S.PENDING
    with pytest.raises(ValidationError, match="不能改为"):
        services.post_submit(actor=world.deputy_user_a, post=p)


def test_video_post(world):
    p = post(world, video=upload(mp4_bytes(12), "v.mp4", "video/mp4"))
    assert p.video.duration == pytest.approx(12) and p.video.file.name.endswith(".mp4")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"text": ""}, "请填写动态内容"),
        ({"text": "长" * 2001}, "不能超过 2000 字"),
        ({"images": "many"}, "图片最多 9 张"),
        ({"images": "one", "video": "mp4"}, "不能同时上传"),
        ({"images": "bad"}, "第 1 张图片"),
        ({"video": "bad"}, "只支持 MP4 或 WebM"),
    ],
)
def test_refused_posts(world, kw, message):
    if kw.get("images") == "many":
        kw["images"] = [png(f"{n}.png") for n in range(10)]
    elif kw.get("images") == "one":
        kw["images"] = [png()]
    elif kw.get("images") == "bad":
        kw["images"] = [upload(b"not an image", "x.png", "image/png")]
    if kw.get("video") == "mp4":
        kw["video"] = upload(mp4_bytes(5), "v.mp4", "video/mp4")
    elif kw.get("video") == "bad":
        kw["video"] = upload(b"plain text" * 10, "v.mp4", "video/mp4")
    with pytest.raises(ValidationError, match=message):
        post(world, **kw)
    assert not Post.objects.exists()


def test_only_a_deputy_may_post(world):
    for user in (world.station_staff_a, world.staff_a, world.handler_a):
        with pytest.raises(PermissionDenied):
            services.post_create(actor=user, text="你好")


def test_moderation_flow_with_audit_and_notices(world, django_capture_on_commit_callbacks):
    p = post(world)
    with django_capture_on_commit_callbacks(execute=True):
        p = services.post_approve(actor=world.station_staff_a, post=p)
    assert p.status == S.PUBLISHED and p.moderated_by == world.station_staff_a and p.published_at
    assert Notification.objects.filter(user=world.deputy_user_a, title__contains="已发布").exists()
    with pytest.raises(ValidationError, match="请填写隐藏的原因"):
        services.post_hide(actor=world.staff_a, post=p, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        p = services.post_hide(actor=world.staff_a, post=p, reason="含个人信息")
    assert p.status == S.HIDDEN and p.hidden_reason == "含个人信息"
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="含个人信息").exists()
    p = services.post_restore(actor=world.staff_a, post=p)
    assert p.status == S.PUBLISHED and p.hidden_reason == ""
    actions = list(AuditEvent.objects.filter(target_id=str(p.pk)).values_list("action", flat=True))
    assert {"circle.post.create", "circle.post.approve", "circle.post.hide", "circle.post.restore"} <= set(actions)


def test_reject_needs_a_reason_and_is_final(world):
    p = post(world)
    with pytest.raises(ValidationError, match="请填写未通过的原因"):
        services.post_reject(actor=world.station_staff_a, post=p, reason="")
    p = services.post_reject(actor=world.station_staff_a, post=p, reason="照片不清楚")
    assert p.status == S.REJECTED and p.rejected_reason == "照片不清楚"
    with pytest.raises(ValidationError, match="只能审核待审核的动态"):
        services.post_approve(actor=world.station_staff_a, post=p)
    with pytest.raises(ValidationError, match="不能改为"):
        services.post_hide(actor=world.station_staff_a, post=p, reason="x")


def test_outsiders_and_the_author_cannot_moderate(world):
    p = post(world)
    for user in (world.staff_b, world.handler_a, world.deputy_user_a):
        with pytest.raises(PermissionDenied):
            services.post_approve(actor=user, post=p)
    with pytest.raises(PermissionDenied):
        services.post_submit(actor=world.station_staff_a, post=p)
    assert Post.objects.get().status == S.PENDING
