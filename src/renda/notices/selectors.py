"""Reads of 信息发布, always scoped through ``core.access.restrict`` (public reads: published public only)."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from renda.core.access import restrict
from renda.core.models import User
from renda.notices.models import TRANSITIONS, Notice, NoticeStatus, Push, PushRecipient


def notices_for_staff(user: User) -> QuerySet[Notice]:
    return (
        restrict(Notice.objects.all(), user)
        .select_related("congress", "theme")
        .annotate(
            pushed=Count("pushes__recipients", distinct=True),
            read=Count("pushes__recipients", filter=Q(pushes__recipients__read_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def public_notices() -> QuerySet[Notice]:
    return (
        Notice.objects.filter(status=NoticeStatus.PUBLISHED, publish_public=True)
        .select_related("congress", "theme")
        .order_by("-published_at", "-pk")
    )


ACTION_LABELS = {
    NoticeStatus.PUBLISHED: ("发布", "primary"),
    NoticeStatus.WITHDRAWN: ("撤回", "danger"),
    NoticeStatus.DRAFT: ("改回草稿", ""),
}


def notice_actions(notice: Notice) -> list[dict]:
    return [
        {"to": to, "label": ACTION_LABELS[to][0], "css": ACTION_LABELS[to][1]}
        for to in sorted(TRANSITIONS.get(notice.status, ()), key=list(ACTION_LABELS).index)
    ]


def push_summaries(pushes: QuerySet[Push]) -> list[Push]:
    return list(
        pushes.annotate(
            total=Count("recipients"),
            read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
            unread=Count("recipients", filter=Q(recipients__read_at=None)),
        ).order_by("-sent_at", "-pk")
    )


def receipts(push: Push) -> QuerySet[PushRecipient]:
    """Unread first (those who have not read are what staff look for), then by deputy number."""
    return (
        PushRecipient.objects.filter(push=push)
        .select_related("deputy")
        .annotate(has_account=Exists(User.objects.filter(deputy_id=OuterRef("deputy_id"), is_active=True)))
        .order_by(F("read_at").asc(nulls_first=True), "deputy__number")
    )


def my_copies(user: User) -> QuerySet[PushRecipient]:
    """The deputy's own received copies (nothing for an account without a deputy)."""
    if not user.deputy_id:
        return PushRecipient.objects.none()
    return restrict(
        PushRecipient.objects.filter(deputy_id=user.deputy_id).select_related(
            "push__notice__congress", "push__notice__theme"
        ),
        user,
    )


def unread_count(user: User) -> int:
    if not user.deputy_id:
        return 0
    return PushRecipient.objects.filter(
        deputy_id=user.deputy_id, read_at=None, push__notice__status=NoticeStatus.PUBLISHED
    ).count()
