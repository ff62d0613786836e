"""Writes for notifications and message templates: mark read, edit and reset wording (audited)."""

import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renda.core.audit import audit_record, snapshot
from renda.core.models import MessageTemplate, Notification, User
from renda.core.notifications import DEFAULT_TEMPLATES
from renda.core.services import record_create, record_update

MAX_TEMPLATE_LENGTH = 500


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields in ``text``; ValueError on broken braces."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def allowed_placeholders(key: str) -> list[str]:
    return list(dict.fromkeys(placeholders(DEFAULT_TEMPLATES[key][1])))


def check_template_text(key: str, text: str) -> str:
    if key not in DEFAULT_TEMPLATES:
        raise ValidationError("没有这个消息模板。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写模板内容。")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise ValidationError(f"模板内容不能超过 {MAX_TEMPLATE_LENGTH} 个字。")
    try:
        names = placeholders(text)
    except ValueError as exc:
        raise ValidationError("模板中的花括号不成对：占位符应写成 {名称}，单独的“{”或“}”请去掉。") from exc
    allowed = allowed_placeholders(key)
    unknown = [n for n in dict.fromkeys(names) if n not in allowed]
    if unknown:
        shown = "、".join("{" + n + "}" for n in unknown)
        can = "、".join("{" + n + "}" for n in allowed) or "（无）"
        raise ValidationError(f"模板中有不认识的占位符：{shown}。可用的占位符：{can}。")
    return text


@transaction.atomic
def message_template_save(*, actor: User | None, key: str, text: str) -> MessageTemplate:
    text = check_template_text(key, text)
    current = MessageTemplate.objects.select_for_update().filter(key=key).first()
    if current is None:
        return record_create(actor=actor, instance=MessageTemplate(key=key, text=text, updated_at=timezone.now()))
    return record_update(actor=actor, instance=current, fields={"text": text, "updated_at": timezone.now()})


@transaction.atomic
def message_template_reset(*, actor: User | None, key: str) -> None:
    """Back to the default wording: the saved row is removed (and the removal audited)."""
    if key not in DEFAULT_TEMPLATES:
        raise ValidationError("没有这个消息模板。")
    current = MessageTemplate.objects.select_for_update().filter(key=key).first()
    if current is None:
        return
    audit_record(
        actor=actor, action="core.messagetemplate.reset", target=current, before=snapshot(current), note="恢复默认"
    )
    current.delete()


def notification_mark_read(*, actor: User, pk: int | None = None) -> int:
    """Mark one (or, with no pk, every) unread notification of ``actor`` as read; returns how many changed."""
    qs = Notification.objects.filter(user=actor, read_at=None)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
