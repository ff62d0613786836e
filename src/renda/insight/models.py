"""研判 hints: suggested categories and agencies for each new opinion, the rules and models behind them.

``Hint`` rows are what triage and the deputy inbox show (top 3 per kind, with a confidence);
``HintDecision`` rows are staff accepting or correcting a hint, the training data together with
the platform's history; ``ClassifierModel`` is one trained, versioned model per congress and kind
(the fitted pipeline is a file under ``RENDA_DATA_DIR/models``); ``KeywordRule`` rows give a new
deployment useful hints before there is any history (cold start).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class HintKind(models.TextChoices):
    CATEGORY = "category", "分类"
    AGENCY = "agency", "承办单位"


class KeywordRule(models.Model):
    congress = models.ForeignKey(
        "registry.Congress",
        verbose_name="适用人大",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空表示全平台适用",
    )
    keywords = models.CharField("关键词", max_length=500, help_text="多个关键词以逗号、顿号或空格分隔")
    category = models.ForeignKey(
        "opinions.Category", verbose_name="建议分类", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "registry.Agency",
        verbose_name="建议承办单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    weight = models.FloatField("权重", default=1.0)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "关键词规则"
        verbose_name_plural = "关键词规则"
        ordering = ["congress_id", "id"]

    def __str__(self) -> str:
        return self.keywords

    @property
    def keyword_list(self) -> list[str]:
        from renda.insight.rules import split_keywords

        return split_keywords(self.keywords)


class ClassifierModel(models.Model):
    congress = models.ForeignKey("registry.Congress", verbose_name="人大", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=HintKind.choices)
    version = models.PositiveIntegerField("版本")
    algorithm = models.CharField("算法", max_length=50)
    trained_at = models.DateTimeField("训练时间", default=timezone.now)
    seconds = models.FloatField("训练耗时（秒）", default=0)
    n_examples = models.PositiveIntegerField("样本数")
    classes = models.JSONField("类别", default=list)
    metrics = models.JSONField("交叉验证指标", default=dict)
    file = models.CharField("模型文件", max_length=200)
    is_active = models.BooleanField("当前使用", default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "分类模型"
        verbose_name_plural = "分类模型"
        ordering = ["congress_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "kind", "version"], name="insight_model_version"),
            models.UniqueConstraint(
                fields=["congress", "kind"], condition=models.Q(is_active=True), name="insight_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}模型 v{self.version}"

    @property
    def label(self) -> str:
        return f"v{self.version}"


class Hint(models.Model):
    opinion = models.ForeignKey(
        "opinions.Opinion", verbose_name="群众意见", on_delete=models.CASCADE, related_name="insight_hints"
    )
    kind = models.CharField("类型", max_length=10, choices=HintKind.choices)
    rank = models.PositiveSmallIntegerField("名次")
    target_id = models.PositiveBigIntegerField("建议对象")
    label = models.CharField("名称", max_length=300)
    confidence = models.FloatField("置信度")
    source = models.CharField("来源", max_length=20, help_text="模型版本（如 v3）或 rules（关键词与分类名称）")
    model = models.ForeignKey(
        ClassifierModel, verbose_name="模型", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "研判建议"
        verbose_name_plural = "研判建议"
        ordering = ["opinion_id", "kind", "rank"]
        constraints = [models.UniqueConstraint(fields=["opinion", "kind", "rank"], name="insight_hint_rank")]

    def __str__(self) -> str:
        return f"{self.label} {self.confidence:.0%}"

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


class HintDecision(models.Model):
    opinion = models.ForeignKey(
        "opinions.Opinion", verbose_name="群众意见", on_delete=models.CASCADE, related_name="insight_decisions"
    )
    kind = models.CharField("类型", max_length=10, choices=HintKind.choices)
    suggested_id = models.PositiveBigIntegerField("建议对象", null=True, blank=True)
    chosen_id = models.PositiveBigIntegerField("选定对象")
    accepted = models.BooleanField("采纳建议")
    source = models.CharField("建议来源", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "研判采纳记录"
        verbose_name_plural = "研判采纳记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["opinion", "kind"], name="insight_decision_op_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {'采纳' if self.accepted else '更正'}"


class TrainingRun(models.Model):
    """When retraining last ran for a congress (the weekly tick runs once per period)."""

    congress = models.OneToOneField("registry.Congress", on_delete=models.CASCADE, related_name="+")
    last_run_at = models.DateTimeField("上次训练", null=True, blank=True)
    last_result = models.JSONField("结果", default=dict)

    class Meta:
        verbose_name = "训练记录"
        verbose_name_plural = "训练记录"

    def __str__(self) -> str:
        return str(self.congress_id)
