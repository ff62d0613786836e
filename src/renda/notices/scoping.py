"""Scope rules for 信息发布 (read by core.access.restrict).

Congress staff see what the congresses in their territory own; a deputy sees the
pushes addressed to them (and the notices of those pushes); nobody else sees rows.
"""

from django.db.models import Exists, OuterRef, Q

from renda.core.access import scope_rule
from renda.core.models import Role, User
from renda.notices.models import (
    DeputyTag,
    Notice,
    NoticeAttachment,
    NoticeStatus,
    NoticeTheme,
    Push,
    PushRecipient,
)
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q


def _congress_owned(user: User, prefix: str = "") -> Q | None:
    if path := territory_path(user):
        return subtree_q(path, prefix=f"{prefix}congress__division__")
    return None


@scope_rule(Notice)
def _notices(user: User) -> Q:
    if (q := _congress_owned(user)) is not None:
        return q
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(Exists(PushRecipient.objects.filter(push__notice=OuterRef("pk"), deputy_id=user.deputy_id)))
    return NOTHING


@scope_rule(NoticeAttachment)
def _attachments(user: User) -> Q:
    if (q := _congress_owned(user, "notice__")) is not None:
        return q
    if user.role == Role.DEPUTY and user.deputy_id:
        pushed = PushRecipient.objects.filter(push__notice=OuterRef("notice_id"), deputy_id=user.deputy_id)
        return Q(Exists(pushed), notice__status=NoticeStatus.PUBLISHED)  # a withdrawn notice's files are gone
    return NOTHING


@scope_rule(Push)
def _pushes(user: User) -> Q:
    if (q := _congress_owned(user)) is not None:
        return q
    return NOTHING


@scope_rule(PushRecipient)
def _recipients(user: User) -> Q:
    if (q := _congress_owned(user, "push__")) is not None:
        return q
    if user.role == Role.DEPUTY and user.deputy_id:
        return Q(deputy_id=user.deputy_id)
    return NOTHING


@scope_rule(NoticeTheme)
def _themes(user: User) -> Q:
    return q if (q := _congress_owned(user)) is not None else NOTHING


@scope_rule(DeputyTag)
def _tags(user: User) -> Q:
    return q if (q := _congress_owned(user)) is not None else NOTHING
