"""履职圈: a deputy's posts (text, up to 9 pictures or one short video), moderated before publication."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models_import import private_storage

MAX_TEXT = 2000
MAX_IMAGES = 9


class PostStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    HIDDEN = "hidden", "已隐藏"
    REJECTED = "rejected", "未通过"


S = PostStatus

# The only legal moves; anything else is refused with a clear message (services._move).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PENDING, S.PUBLISHED}),
    S.PENDING: frozenset({S.PUBLISHED, S.REJECTED}),
    S.PUBLISHED: frozenset({S.HIDDEN}),
    S.HIDDEN: frozenset({S.PUBLISHED}),
    S.REJECTED: frozenset(),
}


class Post(models.Model):
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", on_delete=models.PROTECT, related_name="circle_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布账号", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    text = models.TextField("内容", max_length=MAX_TEXT)
    # renda.activities had no model when this app was written: a plain, unenforced reference.
    activity_id = models.PositiveBigIntegerField("关联活动", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    rejected_reason = models.CharField("未通过原因", max_length=200, blank=True)
    hidden_reason = models.CharField("隐藏原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "履职圈动态"
        verbose_name_plural = "履职圈动态"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="circle_post_feed_idx"),
            models.Index(fields=["deputy", "status", "-published_at"], name="circle_post_deputy_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:30] or f"动态 {self.pk}"

    @property
    def excerpt(self) -> str:
        return self.text[:60] + ("…" if len(self.text) > 60 else "")


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    # private: served by views that check the post may be seen (a hidden post's pictures go with it)
    image = models.ImageField("图片", upload_to="circle/%Y/%m/", storage=private_storage)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "履职圈图片"
        verbose_name_plural = "履职圈图片"
        ordering = ["post", "position", "id"]

    def __str__(self) -> str:
        return self.image.name


class PostVideo(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="video")
    file = models.FileField("视频", upload_to="circle/video/%Y/%m/", storage=private_storage)
    content_type = models.CharField("格式", max_length=20)
    size = models.PositiveBigIntegerField("大小（字节）")
    duration = models.FloatField("时长（秒）")

    class Meta:
        verbose_name = "履职圈视频"
        verbose_name_plural = "履职圈视频"

    def __str__(self) -> str:
        return self.file.name
