"""Writes of 履职圈: a deputy posts; staff approve, reject, hide and restore. Every write is audited."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renda.circle import activities, conf, media
from renda.circle.models import MAX_IMAGES, MAX_TEXT, TRANSITIONS, Post, PostImage, PostStatus, PostVideo
from renda.core.access import can_see, has_perm
from renda.core.audit import audit_record
from renda.core.models import Role, User
from renda.core.notifications import notify_users
from renda.core.uploads import clean_image
from renda.registry.models import StationDeputy

S = PostStatus
MAX_REASON = 200


def _move(post: Post, target: str) -> None:
    if target not in TRANSITIONS[post.status]:
        raise ValidationError(
            f"该动态当前为“{post.get_status_display()}”，不能改为“{PostStatus(target).label}”。"
        )
    post.status = target


def _snapshot(post: Post) -> dict:
    return {"状态": post.get_status_display(), "隐藏原因": post.hidden_reason, "未通过原因": post.rejected_reason}


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"请填写{what}。"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"{what}不能超过 {MAX_REASON} 字。"})
    return reason


def _detail_url(post: Post) -> str:
    return reverse("console:circle_post_detail", args=[post.pk])


def _moderators(post: Post) -> list[User]:
    """Station staff of the stations the deputy sits in now (they review first)."""
    stations = StationDeputy.objects.filter(deputy_id=post.deputy_id, left_on=None).values("station_id")
    return list(User.objects.filter(role=Role.STATION_STAFF, station_id__in=stations, is_active=True))


def _tell_moderators(post: Post) -> None:
    def send():
        notify_users(
            _moderators(post),
            "notice.circle_pending",
            {"deputy": post.deputy.name, "excerpt": post.text[:20]},
            url=_detail_url(post),
        )

    transaction.on_commit(send)


def _tell_author(post: Post, key: str, reason: str = "") -> None:
    if post.author_id is None:
        return
    author = post.author

    def send():
        notify_users([author], key, {"excerpt": post.text[:20], "reason": reason}, url=_detail_url(post))

    transaction.on_commit(send)


def _publish_or_queue(post: Post, now) -> None:
    post.submitted_at = now
    if conf.moderation_required():
        _move(post, S.PENDING)
    else:
        _move(post, S.PUBLISHED)
        post.published_at = now


@transaction.atomic
def post_create(
    *,
    actor: User,
    text: str,
    images: Sequence = (),
    video=None,
    activity_id: int | None = None,
    submit: bool = True,
) -> Post:
    """A deputy's new post: text with up to 9 pictures *or* one short video.

    ``submit``: publish now (or queue for moderation when ``RENDA_CIRCLE_MODERATION`` is on);
    otherwise keep it as a draft.
    """
    if not has_perm(actor, "circle.post") or not actor.deputy_id:
        raise PermissionDenied("只有人大代表本人可以发布履职圈动态。")
    text = (text or "").strip()
    images = [f for f in images if f]
    if not text:
        raise ValidationError({"text": "请填写动态内容。"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"内容不能超过 {MAX_TEXT} 字（现有 {len(text)} 字）。"})
    if len(images) > MAX_IMAGES:
        raise ValidationError({"images": f"图片最多 {MAX_IMAGES} 张。"})
    if images and video:
        raise ValidationError({"video": "一条动态可以配图片或一段视频，不能同时上传。"})
    cleaned = []
    for n, f in enumerate(images, start=1):
        try:
            cleaned.append(clean_image(f))
        except ValidationError as exc:
            raise ValidationError({"images": f"第 {n} 张图片：{'；'.join(exc.messages)}"}) from exc
    info = None
    if video:
        try:
            info = media.check_video(video)
        except ValidationError as exc:
            raise ValidationError({"video": exc.messages}) from exc
    activities.check(actor.deputy_id, activity_id)
    now = timezone.now()
    post = Post(deputy_id=actor.deputy_id, author=actor, text=text, activity_id=activity_id, created_at=now)
    if submit:
        _publish_or_queue(post, now)
    post.save()
    for n, content in enumerate(cleaned):
        PostImage.objects.create(post=post, image=content, position=n)
    if info is not None:
        video.seek(0)
        pv = PostVideo(post=post, content_type=info.content_type, size=info.size, duration=info.duration)
        pv.file.save(media.video_name(info), video, save=False)
        pv.save()
    audit_record(
        actor=actor,
        action="circle.post.create",
        target=post,
        after={**_snapshot(post), "图片": len(cleaned), "视频": bool(info)},
    )
    if post.status == S.PENDING:
        _tell_moderators(post)
    return post


def _own(actor: User, post: Post) -> None:
    if not (actor.deputy_id and post.deputy_id == actor.deputy_id and has_perm(actor, "circle.post")):
        raise PermissionDenied("只能操作本人的履职圈动态。")


def _moderate_check(actor: User, post: Post) -> None:
    if not has_perm(actor, "circle.moderate") or not can_see(actor, post):
        raise PermissionDenied("您没有审核该动态的权限。")


@transaction.atomic
def post_submit(*, actor: User, post: Post) -> Post:
    """A draft goes to moderation (or straight out when moderation is off)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _own(actor, post)
    before = _snapshot(post)
    _publish_or_queue(post, timezone.now())
    post.save(update_fields=["status", "submitted_at", "published_at"])
    audit_record(actor=actor, action="circle.post.submit", target=post, before=before, after=_snapshot(post))
    if post.status == S.PENDING:
        _tell_moderators(post)
    return post


@transaction.atomic
def post_approve(*, actor: User, post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _moderate_check(actor, post)
    before = _snapshot(post)
    if post.status != S.PENDING:
        raise ValidationError(f"只能审核待审核的动态（该动态当前为“{post.get_status_display()}”）。")
    _move(post, S.PUBLISHED)
    now = timezone.now()
    post.published_at = now
    post.moderated_by, post.moderated_at = actor, now
    post.save(update_fields=["status", "published_at", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="circle.post.approve", target=post, before=before, after=_snapshot(post))
    _tell_author(post, "notice.circle_published")
    return post


@transaction.atomic
def post_reject(*, actor: User, post: Post, reason: str) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _moderate_check(actor, post)
    reason = _reason(reason, "未通过的原因")
    before = _snapshot(post)
    _move(post, S.REJECTED)
    post.rejected_reason = reason
    post.moderated_by, post.moderated_at = actor, timezone.now()
    post.save(update_fields=["status", "rejected_reason", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="circle.post.reject", target=post, before=before, after=_snapshot(post))
    _tell_author(post, "notice.circle_rejected", reason)
    return post


@transaction.atomic
def post_hide(*, actor: User, post: Post, reason: str) -> Post:
    """Staff take a published post off the public pages, with a reason the deputy sees."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _moderate_check(actor, post)
    reason = _reason(reason, "隐藏的原因")
    before = _snapshot(post)
    _move(post, S.HIDDEN)
    post.hidden_reason = reason
    post.moderated_by, post.moderated_at = actor, timezone.now()
    post.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="circle.post.hide", target=post, before=before, after=_snapshot(post))
    _tell_author(post, "notice.circle_hidden", reason)
    return post


@transaction.atomic
def post_restore(*, actor: User, post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _moderate_check(actor, post)
    before = _snapshot(post)
    _move(post, S.PUBLISHED)
    post.hidden_reason = ""
    post.moderated_by, post.moderated_at = actor, timezone.now()
    post.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="circle.post.restore", target=post, before=before, after=_snapshot(post))
    return post
