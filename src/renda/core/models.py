"""Accounts with one role and one scope each, and the immutable audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    CONGRESS_STAFF = "congress_staff", "人大工作人员"
    STATION_STAFF = "station_staff", "家站点联络员"
    DEPUTY = "deputy", "人大代表"
    AGENCY_HANDLER = "agency_handler", "承办单位经办人"


class User(AbstractUser):
    """A staff-side account. Citizens need no account.

    The scope columns say which part of the registry the role covers: a
    congress (and so its territory), a station, an agency or the deputy's own
    record. ``renda.core.access`` is the one place that reads them.
    """

    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    congress = models.ForeignKey(
        "registry.Congress", verbose_name="所属人大", null=True, blank=True, on_delete=models.PROTECT
    )
    station = models.ForeignKey(
        "registry.Station", verbose_name="所属家站点", null=True, blank=True, on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="所属承办单位", null=True, blank=True, on_delete=models.PROTECT
    )
    deputy = models.OneToOneField(
        "registry.Deputy",
        verbose_name="对应代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEvent(models.Model):
    """Who changed what, when, with the state before and after. Never updated."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]


class Notification(models.Model):
    """An in-app message to a staff user, deputy or agency handler."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notice_user_idx")]

    def __str__(self) -> str:
        return self.title


class SmsStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class SmsMessage(models.Model):
    """Outbox of text messages to citizens; the configured gateway backend sends them."""

    phone = models.CharField("手机号", max_length=20)
    template_key = models.CharField("模板", max_length=50, blank=True)
    text = models.TextField("内容")
    status = models.CharField("状态", max_length=10, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "短信"
        verbose_name_plural = "短信"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template_key} {self.get_status_display()}"


class MessageTemplate(models.Model):
    """A staff-edited wording of a notification or SMS; the code's default applies where none is saved."""

    key = models.CharField("模板编号", max_length=50, unique=True)
    text = models.TextField("模板内容")
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
