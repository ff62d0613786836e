"""民意直通车: what a citizen raised, and the taxonomy it is filed under.

The handling (states, deadlines, replies, evaluation) lives on the case in
``renda.handling``; an ``Opinion`` is the citizen's content, contact and
channel, with the public tracking code and private link.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models_import import private_storage


class Taxonomy(models.Model):
    """A category tree: ours by default, or one a locality imported."""

    name = models.CharField("名称", max_length=100)
    division = models.ForeignKey(
        "registry.Division", verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_default = models.BooleanField("默认分类", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "分类体系"
        verbose_name_plural = "分类体系"
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    taxonomy = models.ForeignKey(Taxonomy, verbose_name="分类体系", on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", default=1)
    path = models.CharField("分类路径", max_length=300)  # "城乡建设/安全生产/事故处理"
    position = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分类"
        verbose_name_plural = "分类"
        ordering = ["taxonomy_id", "path"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "path"], name="category_unique_path")]

    def __str__(self) -> str:
        return self.path


class Channel(models.TextChoices):
    DEPUTY_QR = "deputy_qr", "扫代表二维码"
    STATION_QR = "station_qr", "扫家站点二维码"
    WEB = "web", "网站"
    RECEPTION = "reception", "选民接待日"
    WALK_IN = "walk_in", "来站反映"
    PHONE = "phone", "电话"
    API = "api", "接口"


STAFF_ENTERED_CHANNELS = (Channel.RECEPTION, Channel.WALK_IN, Channel.PHONE)


class Opinion(models.Model):
    # Empty until the intake worker registers the opinion (renda.opinions.intake): the citizen's
    # acknowledgement waits only for this row, not for the case, its timers and notifications.
    case = models.OneToOneField(
        "handling.Case", verbose_name="办理件", null=True, blank=True, on_delete=models.PROTECT, related_name="opinion"
    )
    tracking_code = models.CharField("查询码", max_length=12, unique=True)
    access_token = models.CharField("私密链接令牌", max_length=64, unique=True, editable=False)
    title = models.CharField("标题", max_length=100, blank=True)
    content = models.TextField("内容")
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    division = models.ForeignKey(
        "registry.Division", verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "registry.Grid", verbose_name="网格", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField("详细地址", max_length=200, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    citizen_name = models.CharField("姓名", max_length=50, blank=True)
    # no index: look-ups go by 查询码 first; every index costs each submission (intake throughput)
    phone = models.CharField("手机号", max_length=20, blank=True)
    phone_verified = models.BooleanField("手机号已验证", default=False)
    anonymous = models.BooleanField("匿名", default=False)
    consent_at = models.DateTimeField("同意隐私说明时间", null=True, blank=True)
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices)
    urgency = models.CharField("办理类别", max_length=10, default="normal")  # handling.Urgency; the case keeps it
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="反映给代表", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "registry.Station",
        verbose_name="反映给家站点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代为录入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # never filtered on; accounts are deactivated, not deleted
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    client_ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    is_spam = models.BooleanField("无效信息", default=False)

    class Meta:
        verbose_name = "群众意见"
        verbose_name_plural = "群众意见"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(case__isnull=True), name="opinion_unregistered_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.content[:30]

    @property
    def display_title(self) -> str:
        return self.title or (self.content[:30] + ("…" if len(self.content) > 30 else ""))


class OpinionPhoto(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="photos")
    # a citizen's photo is personal data: private storage, served by a scoped console view
    image = models.ImageField("照片", upload_to="opinions/%Y/%m/", storage=private_storage)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "意见照片"
        verbose_name_plural = "意见照片"
        ordering = ["opinion_id", "position"]

    def __str__(self) -> str:
        return self.image.name


class PhoneVerification(models.Model):
    """An SMS code sent to a phone; once confirmed it yields a token the form submits."""

    phone = models.CharField("手机号", max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "手机验证"
        verbose_name_plural = "手机验证"

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class BlockedPhone(models.Model):
    phone = models.CharField("手机号", max_length=20, unique=True)
    reason = models.CharField("原因", max_length=200)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    blocked_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "已屏蔽手机号"
        verbose_name_plural = "已屏蔽手机号"

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"
