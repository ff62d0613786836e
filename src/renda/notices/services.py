"""Writes for 信息发布 and 精准推送. Keyword-only, atomic, audited; each checks its actor itself.

Refusals are ``NoticeError`` / ``ValidationError`` with a Chinese message, and nothing is written.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from renda.core.access import can_see, has_perm
from renda.core.audit import audit_record, snapshot
from renda.core.models import Notification, User
from renda.core.notifications import notification_rows, template_text
from renda.notices.attachments import MAX_ATTACHMENTS, clean_attachment
from renda.notices.models import (
    TRANSITIONS,
    DeputyTag,
    DeputyTagging,
    Notice,
    NoticeAttachment,
    NoticeKind,
    NoticeStatus,
    NoticeTheme,
    Push,
    PushRecipient,
)
from renda.registry.models import (
    Congress,
    CongressLevel,
    Deputy,
    Division,
    Mandate,
    MandateStatus,
    Station,
    StationDeputy,
)
from renda.registry.selectors import subtree_q

DENIED = "您没有执行此操作的权限。"
MAX_TITLE = 200
MAX_BODY = 50000
NOTIFY_KEY = "notice.notices_pushed"
NOTICE_FIELDS = ("kind", "title", "summary", "body", "theme", "publish_public")


class NoticeError(ValidationError):
    """The move is not allowed (state or permission)."""


def _require_manage(actor: User, obj: Any = None) -> None:
    if not has_perm(actor, "notices.manage") or (obj is not None and not can_see(actor, obj)):
        raise NoticeError(DENIED)


def _clean_fields(fields: dict[str, Any], congress: Congress) -> dict[str, Any]:
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    errors = {}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            errors["title"] = "请填写标题。"
        elif len(fields["title"]) > MAX_TITLE:
            errors["title"] = f"标题不能超过 {MAX_TITLE} 字。"
    if "body" in fields:
        fields["body"] = (fields["body"] or "").strip()
        if not fields["body"]:
            errors["body"] = "请填写正文。"
        elif len(fields["body"]) > MAX_BODY:
            errors["body"] = f"正文不能超过 {MAX_BODY} 字。"
    if "kind" in fields and fields["kind"] not in NoticeKind.values:
        errors["kind"] = "类别不正确。"
    theme = fields.get("theme")
    if theme is not None and theme.congress_id != congress.pk:
        errors["theme"] = "所选主题不属于该发布单位。"
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def notice_create(*, actor: User, congress: Congress, **fields: Any) -> Notice:
    _require_manage(actor)
    if not can_see(actor, congress):
        raise NoticeError("所选发布单位不在您的管辖范围内。")
    fields = _clean_fields(fields, congress)
    notice = Notice.objects.create(congress=congress, created_by=actor, **fields)
    audit_record(actor=actor, action="notices.notice.create", target=notice, after=snapshot(notice))
    return notice


@transaction.atomic
def notice_update(*, actor: User, notice: Notice, **fields: Any) -> Notice:
    _require_manage(actor, notice)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    fields = _clean_fields(fields, notice.congress)
    before = snapshot(notice)
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.updated_at = timezone.now()
    notice.save()
    audit_record(actor=actor, action="notices.notice.update", target=notice, before=before, after=snapshot(notice))
    return notice


@transaction.atomic
def notice_transition(*, actor: User, notice: Notice, to: str) -> Notice:
    """发布 / 撤回 / 退回草稿, following ``TRANSITIONS``."""
    _require_manage(actor, notice)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if to not in TRANSITIONS.get(notice.status, set()):
        current = NoticeStatus(notice.status).label
        target = NoticeStatus(to).label if to in NoticeStatus.values else to
        raise NoticeError(f"“{current}”的信息不能改为“{target}”。")
    before = snapshot(notice)
    now = timezone.now()
    notice.status = to
    if to == NoticeStatus.PUBLISHED:
        notice.published_at = notice.published_at or now
        notice.withdrawn_at = None
    elif to == NoticeStatus.WITHDRAWN:
        notice.withdrawn_at = now
    notice.updated_at = now
    notice.save()
    audit_record(
        actor=actor, action=f"notices.notice.status.{to}", target=notice, before=before, after=snapshot(notice)
    )
    return notice


@transaction.atomic
def notice_attach(*, actor: User, notice: Notice, uploaded_file) -> NoticeAttachment:
    _require_manage(actor, notice)
    if notice.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"附件最多 {MAX_ATTACHMENTS} 个。")
    stored, name, content_type = clean_attachment(uploaded_file)
    attachment = NoticeAttachment(
        notice=notice, name=name, content_type=content_type, size=stored.size, uploaded_by=actor
    )
    attachment.file.save(stored.name, stored, save=False)
    attachment.save()
    audit_record(actor=actor, action="notices.attachment.create", target=notice, note=name)
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: NoticeAttachment) -> None:
    _require_manage(actor, attachment.notice)
    audit_record(actor=actor, action="notices.attachment.delete", target=attachment.notice, note=attachment.name)
    file = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))


# --- Themes and deputy tags ---------------------------------------------------------------------


def _named(model, *, actor: User, congress: Congress, name: str, label: str, action: str):
    _require_manage(actor)
    if not can_see(actor, congress):
        raise NoticeError("所选人大不在您的管辖范围内。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": f"请填写{label}名称。"})
    if len(name) > 50:
        raise ValidationError({"name": f"{label}名称不能超过 50 字。"})
    if model.objects.filter(congress=congress, name=name).exists():
        raise ValidationError({"name": f"{label}“{name}”已存在。"})
    obj = model.objects.create(congress=congress, name=name)
    audit_record(actor=actor, action=action, target=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def theme_create(*, actor: User, congress: Congress, name: str) -> NoticeTheme:
    return _named(NoticeTheme, actor=actor, congress=congress, name=name, label="主题", action="notices.theme.create")


@transaction.atomic
def theme_set_active(*, actor: User, theme: NoticeTheme, active: bool) -> NoticeTheme:
    _require_manage(actor, theme)
    before = snapshot(theme)
    theme.is_active = active
    theme.save(update_fields=["is_active"])
    verb = "activate" if active else "deactivate"
    audit_record(actor=actor, action=f"notices.theme.{verb}", target=theme, before=before, after=snapshot(theme))
    return theme


@transaction.atomic
def tag_create(*, actor: User, congress: Congress, name: str) -> DeputyTag:
    return _named(DeputyTag, actor=actor, congress=congress, name=name, label="标签", action="notices.tag.create")


@transaction.atomic
def tag_add_deputy(*, actor: User, tag: DeputyTag, deputy: Deputy) -> DeputyTagging:
    _require_manage(actor, tag)
    if not can_see(actor, deputy):
        raise NoticeError("该代表不在您的管辖范围内。")
    try:
        with transaction.atomic():
            tagging = DeputyTagging.objects.create(tag=tag, deputy=deputy)
    except IntegrityError as exc:
        raise ValidationError(f"{deputy.name}已有标签“{tag.name}”。") from exc
    audit_record(actor=actor, action="notices.tag.add", target=tag, note=deputy.name)
    return tagging


@transaction.atomic
def tag_remove_deputy(*, actor: User, tag: DeputyTag, deputy: Deputy) -> None:
    _require_manage(actor, tag)
    deleted, _ = DeputyTagging.objects.filter(tag=tag, deputy=deputy).delete()
    if not deleted:
        raise ValidationError(f"{deputy.name}没有标签“{tag.name}”。")
    audit_record(actor=actor, action="notices.tag.remove", target=tag, note=deputy.name)


# --- Pushes -------------------------------------------------------------------------------------


@dataclass
class Audience:
    """Who a push goes to. Within one kind of criterion any match counts; across kinds all must match."""

    everyone: bool = False
    levels: list[str] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # 家站点专业特色
    tags: list[DeputyTag] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.levels or self.divisions or self.stations or self.themes or self.tags)

    def as_json(self) -> dict[str, Any]:
        return {
            "everyone": self.everyone,
            "levels": list(self.levels),
            "divisions": [d.pk for d in self.divisions],
            "stations": [s.pk for s in self.stations],
            "themes": list(self.themes),
            "tags": [t.pk for t in self.tags],
        }

    def label(self) -> str:
        if self.empty:
            return "辖区全体在任代表"
        levels = dict(CongressLevel.choices)
        parts = []
        if self.levels:
            parts.append("、".join(str(levels.get(v, v)) for v in self.levels) + "代表")
        if self.divisions:
            parts.append("区域：" + "、".join(d.name for d in self.divisions))
        if self.stations:
            parts.append("家站点：" + "、".join(s.name for s in self.stations))
        if self.themes:
            parts.append("专业特色：" + "、".join(self.themes))
        if self.tags:
            parts.append("标签：" + "、".join(t.name for t in self.tags))
        return "；".join(parts)[:500]


def audience_deputies(notice: Notice, audience: Audience) -> QuerySet[Deputy]:
    """Active deputies in the notice's congress territory matching ``audience`` (Exists: no duplicates)."""
    path = notice.congress.division.path
    active = Mandate.objects.filter(deputy=OuterRef("pk"), status=MandateStatus.ACTIVE)
    seated = StationDeputy.objects.filter(deputy=OuterRef("pk"), left_on=None)
    qs = (
        Deputy.objects.filter(is_active=True)
        .filter(Exists(active))
        .filter(
            Q(Exists(active.filter(subtree_q(path, prefix="congress__division__"))))
            | Q(Exists(seated.filter(subtree_q(path, prefix="station__division__"))))
        )
    )
    if audience.levels:
        qs = qs.filter(Exists(active.filter(congress__level__in=audience.levels)))
    if audience.divisions:
        in_station = reduce(or_, (subtree_q(d.path, prefix="station__division__") for d in audience.divisions))
        in_seat = reduce(or_, (subtree_q(d.path, prefix="constituency_division__") for d in audience.divisions))
        qs = qs.filter(Q(Exists(seated.filter(in_station))) | Q(Exists(active.filter(in_seat))))
    if audience.stations:
        qs = qs.filter(Exists(seated.filter(station__in=audience.stations)))
    if audience.themes:
        qs = qs.filter(Exists(seated.filter(station__theme__in=audience.themes)))
    if audience.tags:
        qs = qs.filter(Exists(DeputyTagging.objects.filter(deputy=OuterRef("pk"), tag__in=audience.tags)))
    return qs


def _check_audience(actor: User, audience: Audience) -> None:
    if audience.empty and not audience.everyone:
        raise ValidationError("请至少选择一个推送条件，或勾选“辖区全体在任代表”。")
    bad = [levels for levels in audience.levels if levels not in CongressLevel.values]
    if bad:
        raise ValidationError("代表层级不正确。")
    for obj in [*audience.divisions, *audience.stations, *audience.tags]:
        if not can_see(actor, obj):
            raise NoticeError(f"“{obj}”不在您的管辖范围内。")


def my_notice_url(recipient_pk: int) -> str:
    return reverse("console:my_notice_detail", args=[recipient_pk])


@transaction.atomic
def push_send(*, actor: User, notice: Notice, audience: Audience) -> Push:
    """Resolve the audience now into ``PushRecipient`` rows and tell each deputy with an account."""
    _require_manage(actor, notice)
    notice = Notice.objects.select_for_update().select_related("congress__division").get(pk=notice.pk)
    if notice.status != NoticeStatus.PUBLISHED:
        raise NoticeError("只有已发布的信息才能推送，请先发布。")
    _check_audience(actor, audience)
    already = PushRecipient.objects.filter(push__notice=notice, deputy=OuterRef("pk"))
    deputy_ids = list(
        audience_deputies(notice, audience).filter(~Exists(already)).order_by("pk").values_list("pk", flat=True)
    )
    if not deputy_ids:
        raise ValidationError("没有符合条件且尚未收到该信息的代表，未推送。")
    push = Push.objects.create(
        notice=notice,
        congress=notice.congress,
        audience=audience.as_json(),
        audience_label=audience.label(),
        sent_by=actor,
        recipient_count=len(deputy_ids),
    )
    PushRecipient.objects.bulk_create([PushRecipient(push=push, deputy_id=pk) for pk in deputy_ids], batch_size=1000)
    # One in-app notification per deputy account, each linking to the reader's own copy.
    copies = dict(PushRecipient.objects.filter(push=push).values_list("deputy_id", "pk"))
    context, text = _notify_context(notice), template_text(NOTIFY_KEY)
    rows = []
    for user in User.objects.filter(deputy_id__in=deputy_ids, is_active=True):
        rows += notification_rows([user], NOTIFY_KEY, context, url=my_notice_url(copies[user.deputy_id]), text=text)
    Notification.objects.bulk_create(rows, batch_size=1000)
    audit_record(
        actor=actor,
        action="notices.push.create",
        target=notice,
        note=f"推送给{len(deputy_ids)}名代表：{push.audience_label}",
    )
    return push


def _notify_context(notice: Notice) -> dict[str, Any]:
    return {"title": notice.title, "kind": notice.get_kind_display(), "congress": notice.congress.name}


@transaction.atomic
def recipient_mark_read(*, actor: User, recipient: PushRecipient) -> bool:
    """The deputy opened their copy: record the time once. Not audited (the receipt is the record)."""
    if not actor.deputy_id or recipient.deputy_id != actor.deputy_id:
        raise NoticeError(DENIED)
    if recipient.read_at is not None:
        return False
    now = timezone.now()
    changed = PushRecipient.objects.filter(pk=recipient.pk, read_at=None).update(read_at=now)
    if changed:
        recipient.read_at = now
    return bool(changed)
