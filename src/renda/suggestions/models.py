"""代表建议 (and 议案): what a deputy proposes, before and around its handling case.

A ``Suggestion`` is drafted by a deputy (or by staff on their behalf), gathers
co-signers (附议), and on submission opens a ``handling.Case`` of kind
SUGGESTION. From then on the case's state is the truth: registration (立案,
with a number per congress and session), assignment, replies, evaluation.
``status`` only tells the part before the case (draft, co-signing, submitted,
withdrawn).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models import CongressLevel
from renda.registry.models_import import private_storage


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", "建议"
    MOTION = "motion", "议案"


class SessionPeriod(models.TextChoices):
    SESSION = "session", "大会期间"
    INTERIM = "interim", "闭会期间"


class SuggestionSession(models.Model):
    """会次: a congress session (大会期间) or the interval between sessions (闭会期间); numbers run per session."""

    congress = models.ForeignKey(
        "registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="suggestion_sessions"
    )
    title = models.CharField("名称", max_length=100)  # 第十七届人民代表大会第五次会议 / 2026年闭会期间
    period = models.CharField("期间", max_length=10, choices=SessionPeriod.choices)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    is_current = models.BooleanField("当前会次", default=False)
    last_number = models.PositiveIntegerField("已编号", default=0, editable=False)  # the numbering counter

    class Meta:
        verbose_name = "会次"
        verbose_name_plural = "会次"
        ordering = ["congress_id", "-starts_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["congress", "title"], name="one_session_title_per_congress")]

    def __str__(self) -> str:
        return self.title


class SuggestionCategory(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "建议分类"
        verbose_name_plural = "建议分类"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class KeyTopic(models.Model):
    """重点督办 topic: key suggestions grouped for one leader's supervision."""

    congress = models.ForeignKey("registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("专题", max_length=150)
    leader = models.CharField("督办领导", max_length=50, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "重点督办专题"
        verbose_name_plural = "重点督办专题"
        ordering = ["congress_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SuggestionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    COSIGNING = "cosigning", "征集附议"
    SUBMITTED = "submitted", "已提交"
    WITHDRAWN = "withdrawn", "已撤回"


EDITABLE_STATUSES = (SuggestionStatus.DRAFT, SuggestionStatus.COSIGNING)


class MotionDecision(models.TextChoices):
    AGENDA = "agenda", "列入议程"
    AS_SUGGESTION = "as_suggestion", "不列入议程，作为建议处理"
    NOT_AGENDA = "not_agenda", "不列入议程"


class Suggestion(models.Model):
    case = models.OneToOneField(
        "handling.Case",
        verbose_name="办理件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion",
    )
    kind = models.CharField("类型", max_length=12, choices=SuggestionKind.choices, default=SuggestionKind.SUGGESTION)
    congress = models.ForeignKey(
        "registry.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="suggestions"
    )
    session = models.ForeignKey(SuggestionSession, verbose_name="会次", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("编号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    category = models.ForeignKey(
        SuggestionCategory, verbose_name="分类", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposer = models.ForeignKey(
        "registry.Deputy", verbose_name="领衔代表", on_delete=models.PROTECT, related_name="suggestions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.DRAFT)
    from_opinion = models.ForeignKey(
        "opinions.Opinion",
        verbose_name="来源群众意见",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    is_key = models.BooleanField("重点督办", default=False)
    topic = models.ForeignKey(
        KeyTopic, verbose_name="督办专题", null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    publish = models.BooleanField("公开答复", default=True)
    no_publish_reason = models.TextField("不公开理由", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    decision = models.CharField("议案处理决定", max_length=15, choices=MotionDecision.choices, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decision_note = models.TextField("决定说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    registered_at = models.DateTimeField("立案时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "代表建议"
        verbose_name_plural = "代表建议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], condition=models.Q(number__isnull=False), name="suggestion_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["congress", "session", "number"], name="suggestion_number_idx"),
            models.Index(fields=["proposer", "status"], name="suggestion_proposer_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number_label(self) -> str:
        """第0123号, or "" before registration."""
        return f"第{self.number:04d}号" if self.number else ""

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class SuggestionAttachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="suggestions/%Y/%m/", storage=private_storage)  # served by scoped views
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "建议附件"
        verbose_name_plural = "建议附件"
        ordering = ["suggestion_id", "id"]

    def __str__(self) -> str:
        return self.name


class CoSignStatus(models.TextChoices):
    INVITED = "invited", "待确认"
    CONFIRMED = "confirmed", "已附议"
    DECLINED = "declined", "已谢绝"


class CoSigner(models.Model):
    """附议/联名: a deputy invited to co-sign, and their answer."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="附议代表", on_delete=models.PROTECT, related_name="cosignatures"
    )
    status = models.CharField("状态", max_length=10, choices=CoSignStatus.choices, default=CoSignStatus.INVITED)
    invited_at = models.DateTimeField("邀请时间", default=timezone.now)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "附议代表"
        verbose_name_plural = "附议代表"
        ordering = ["suggestion_id", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="one_cosign_per_deputy")]

    def __str__(self) -> str:
        return f"{self.deputy}（{self.get_status_display()}）"


class MotionThreshold(models.Model):
    """议案 joint-signature threshold per congress level (the proposer counts as one)."""

    level = models.CharField("人大层级", max_length=10, choices=CongressLevel.choices, unique=True)
    min_signers = models.PositiveSmallIntegerField("最少联名人数")

    class Meta:
        verbose_name = "议案联名人数"
        verbose_name_plural = "议案联名人数"
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.min_signers}人"


DEFAULT_MOTION_THRESHOLDS = {
    CongressLevel.NATIONAL: 30,
    CongressLevel.PROVINCIAL: 10,
    CongressLevel.CITY: 10,
    CongressLevel.COUNTY: 5,
    CongressLevel.TOWNSHIP: 5,
}

DEFAULT_CATEGORIES = [  # seeded by migration 0002_defaults
    "经济发展",
    "城乡建设",
    "农业农村",
    "交通运输",
    "生态环境",
    "教育科技",
    "医疗卫生",
    "社会保障",
    "文化旅游",
    "社会治理",
    "民主法治",
    "其他",
]
