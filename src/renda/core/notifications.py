"""In-app notifications for staff and SMS to citizens, worded by editable templates.

Callers pass a template key and a context; the wording is the staff-edited
``MessageTemplate`` if one is saved, else the default below. SMS rows are
written in the caller's transaction and sent by the worker after commit, so a
rolled-back action never texts anyone.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from renda.core.models import MessageTemplate, Notification, SmsMessage, User

# key -> (what it is for, default wording). Placeholders: {code} {title} {due} {reason} {url} {level} {stage} …
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "sms.verify": ("短信验证码", "【数字人大】您的验证码是{code}，10分钟内有效。如非本人操作请忽略。"),
    "sms.received": (
        "群众：意见已收到",
        "【数字人大】您反映的问题已收到，查询码{code}。可凭查询码和手机号查看办理进度：{url}",
    ),
    "sms.rejected": ("群众：不予受理", "【数字人大】您反映的问题（查询码{code}）未予受理，原因：{reason}"),
    "sms.feedback": ("群众：办理结果反馈", "【数字人大】您反映的问题（查询码{code}）已有办理结果，请查看并评价：{url}"),
    "sms.reopened": (
        "群众：重新办理",
        "【数字人大】您反映的问题（查询码{code}）已按您的意见重新办理，我们将督办落实。",
    ),
    "sms.closed": ("群众：已办结", "【数字人大】您反映的问题（查询码{code}）已办结，感谢您的参与。"),
    "notice.new_case": ("代表/家站点：收到新意见", "收到群众意见：{title}，请在{due}前受理。"),
    "notice.triage": ("人大：待交办", "待交办：{title}，请在{due}前交办。"),
    "notice.assigned": ("承办单位：新交办件", "新交办件（{role}）：{title}，请在{due}前签收。"),
    "notice.returned": ("人大：承办单位退回", "{agency}退回了“{title}”，理由：{reason}。请重新交办。"),
    "notice.co_view": ("主办单位：协办意见", "{agency}对“{title}”提出了协办意见，请在答复时统筹考虑。"),
    "notice.extension_requested": ("人大：延期申请", "{agency}申请将“{title}”延期{days}个工作日，理由：{reason}。"),
    "notice.extension_decided": ("承办单位：延期审批结果", "“{title}”的延期申请{decision}。{note}"),
    "notice.replied": ("代表/人大：待审核答复", "“{title}”已答复，请审核后反馈群众。"),
    "notice.sent_back": ("承办单位：答复被退回", "“{title}”的答复被退回重新办理，意见：{reason}"),
    "notice.evaluated": ("代表/人大：群众评价", "“{title}”群众评价：{satisfaction}。"),
    "notice.reopened": ("人大/承办单位：重办", "群众对“{title}”不满意，已重办并督办，请重新交办或办理。"),
    "notice.remind": ("到期提醒", "“{title}”的{stage}时限为{due}，即将到期，请抓紧办理。"),
    "notice.overdue": ("逾期督办", "“{title}”{stage}已逾期（时限{due}），已列为{level}级督办。"),
    "notice.supervised": ("人工督办", "“{title}”已被督办（{level}级）：{reason}"),
    "notice.deputy_evaluated": ("人大/承办单位：代表评价", "代表对“{title}”的答复评价：{satisfaction}。"),
    "notice.deputy_reopened": (
        "人大/承办单位：代表不满意重办",
        "代表对“{title}”的答复不满意，已重办并督办，请重新交办或办理，重办答复时限为1个月。",
    ),
    "notice.suggestion_submitted": ("人大：新代表建议", "{deputy}代表提交了{kind}“{title}”，请审查立案。"),
    "notice.suggestion_registered": ("代表：建议已立案", "您的{kind}“{title}”已立案，编号{number}。"),
    "notice.suggestion_declined": ("代表：建议不予立案", "您的{kind}“{title}”不予立案，将作为参考意见。理由：{reason}"),
    "notice.suggestion_replied": ("代表：建议已答复", "您的{kind}“{title}”已有答复，请查看并评价。"),
    "notice.suggestion_rehandled": ("代表：建议重新办理", "您对“{title}”答复的评价为不满意，已交承办单位重新办理。"),
    "notice.suggestion_decided": ("代表：议案处理决定", "您领衔的议案“{title}”：{decision}。{reason}"),
    "notice.cosign_invited": ("代表：附议邀请", "{deputy}代表邀请您附议{kind}“{title}”，请确认。"),
    "notice.cosign_answered": ("代表：附议答复", "{deputy}代表{answer}您的{kind}“{title}”。"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def template_text(key: str) -> str:
    saved = MessageTemplate.objects.filter(key=key).values_list("text", flat=True).first()
    if saved:
        return saved
    return DEFAULT_TEMPLATES[key][1]


def render(key: str, context: dict[str, Any], *, text: str | None = None) -> str:
    """The message for ``key`` filled with ``context`` (``text``: the template, when the caller already has it)."""
    try:
        return (text or template_text(key)).format_map(_Blank({k: "" if v is None else v for k, v in context.items()}))
    except (ValueError, IndexError):  # a staff-edited template with a stray brace: fall back to the default
        return DEFAULT_TEMPLATES[key][1].format_map(_Blank(context))


def notification_rows(
    users: Iterable[User], key: str, context: dict[str, Any], *, url: str = "", text: str | None = None
) -> list[Notification]:
    """Unsaved notifications, one per active user (duplicates removed), for the caller to bulk-insert."""
    body = render(key, context, text=text)
    title = DEFAULT_TEMPLATES[key][0].split("：")[-1]
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title, body=body, url=url))
    return rows


def notify_users(users: Iterable[User], key: str, context: dict[str, Any], *, url: str = "") -> int:
    """One in-app notification per active user (duplicates removed)."""
    rows = notification_rows(users, key, context, url=url)
    Notification.objects.bulk_create(rows)
    return len(rows)


def sms_queue(phone: str, key: str, context: dict[str, Any]) -> SmsMessage | None:
    """Queue a text to ``phone``; it is sent by the worker once the caller's transaction commits."""
    if not phone:
        return None
    message = SmsMessage.objects.create(phone=phone, template_key=key, text=render(key, context))
    transaction.on_commit(lambda: _enqueue_send(message.pk))
    return message


def sms_queue_many(messages: Iterable[tuple[str, str, dict[str, Any]]]) -> list[SmsMessage]:
    """``sms_queue`` for many (phone, key, context) at once: one insert, each sent after commit."""
    texts: dict[str, str] = {}
    rows = []
    for phone, key, context in messages:
        if phone:
            texts.setdefault(key, template_text(key))
            rows.append(SmsMessage(phone=phone, template_key=key, text=render(key, context, text=texts[key])))
    rows = SmsMessage.objects.bulk_create(rows)
    for message in rows:
        transaction.on_commit(lambda pk=message.pk: _enqueue_send(pk))
    return rows


def _enqueue_send(message_id: int) -> None:
    from renda.core.tasks import send_sms

    send_sms.enqueue(message_id)
