"""信息发布 and 精准推送: notices, policies, laws and news; pushes to chosen deputies with read receipts."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models_import import private_storage  # also named by migration 0001


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    LAW = "law", "法律法规"
    NEWS = "news", "新闻动态"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


# from -> allowed targets
TRANSITIONS: dict[str, set[str]] = {
    NoticeStatus.DRAFT: {NoticeStatus.PUBLISHED},
    NoticeStatus.PUBLISHED: {NoticeStatus.WITHDRAWN},
    NoticeStatus.WITHDRAWN: {NoticeStatus.PUBLISHED, NoticeStatus.DRAFT},
}


class NoticeTheme(models.Model):
    """信息主题 (e.g. 乡村振兴, 营商环境), kept by a congress's staff."""

    congress = models.ForeignKey("registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("主题", max_length=50)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "信息主题"
        verbose_name_plural = "信息主题"
        ordering = ["congress", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="notice_theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    congress = models.ForeignKey(
        "registry.Congress", verbose_name="发布单位", on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField("类别", max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField("标题", max_length=200)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文", help_text="支持简单格式：## 小标题、- 列表、**加粗**、[链接文字](https://…)")
    theme = models.ForeignKey(
        NoticeTheme, verbose_name="主题", null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    publish_public = models.BooleanField("在公众网站公开", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "信息"
        verbose_name_plural = "信息"
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publish_public", "-published_at"], name="notice_public_idx"),
            models.Index(fields=["congress", "-created_at"], name="notice_congress_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED and self.publish_public


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="notices/%Y/%m/", storage=private_storage)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "信息附件"
        verbose_name_plural = "信息附件"
        ordering = ["notice", "at", "id"]

    def __str__(self) -> str:
        return self.name


class DeputyTag(models.Model):
    """代表标签 (e.g. 法律界, 企业界), managed by a congress's staff, used to aim pushes."""

    congress = models.ForeignKey("registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("标签", max_length=50)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "代表标签"
        verbose_name_plural = "代表标签"
        ordering = ["congress", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="deputy_tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class DeputyTagging(models.Model):
    tag = models.ForeignKey(DeputyTag, verbose_name="标签", on_delete=models.CASCADE, related_name="taggings")
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", on_delete=models.CASCADE, related_name="notice_taggings"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "代表标签关系"
        verbose_name_plural = "代表标签关系"
        constraints = [models.UniqueConstraint(fields=["tag", "deputy"], name="deputy_tagging_unique")]

    def __str__(self) -> str:
        return f"{self.deputy_id} · {self.tag_id}"


class Push(models.Model):
    """精准推送: one notice sent to the deputies matching ``audience`` at send time."""

    notice = models.ForeignKey(Notice, verbose_name="信息", on_delete=models.PROTECT, related_name="pushes")
    congress = models.ForeignKey("registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+")
    audience = models.JSONField("推送范围", default=dict)
    audience_label = models.CharField("推送对象", max_length=500)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField("推送时间", default=timezone.now)
    recipient_count = models.PositiveIntegerField("推送人数", default=0)

    class Meta:
        verbose_name = "推送"
        verbose_name_plural = "推送"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notice.title} → {self.audience_label}"


class PushRecipient(models.Model):
    push = models.ForeignKey(Push, verbose_name="推送", on_delete=models.CASCADE, related_name="recipients")
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", on_delete=models.CASCADE, related_name="notice_receipts"
    )
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送接收人"
        verbose_name_plural = "推送接收人"
        ordering = ["push", "deputy_id"]
        constraints = [models.UniqueConstraint(fields=["push", "deputy"], name="push_recipient_unique")]
        indexes = [models.Index(fields=["deputy", "read_at"], name="push_recipient_deputy_idx")]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.read_at or '未读'}"
