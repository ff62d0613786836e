"""研判: reply quality checks, cached opinion keywords, monthly analyses.

All three are derived data: written by ``renda.analysis.services`` from the
handling loop's own rows (never edited by hand), and rebuilt at any time.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Flag(models.TextChoices):
    MISSED_POINTS = "missed_points", "未回应要点"
    TEMPLATE = "template", "套话模板"
    LATE = "late", "答复迟缓"
    SHORT = "short", "内容过简"


class ReplyCheck(models.Model):
    """The warning signs of a poor answer, checked once per agency reply (答复质量)."""

    reply = models.OneToOneField(
        "handling.Reply", verbose_name="答复", on_delete=models.CASCADE, related_name="quality_check"
    )
    case = models.ForeignKey("handling.Case", verbose_name="办理件", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="答复单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    missed_points = models.BooleanField("未回应要点", default=False)
    template = models.BooleanField("套话模板", default=False)
    late = models.BooleanField("答复迟缓", default=False)
    short = models.BooleanField("内容过简", default=False)
    missed = models.JSONField("未回应的要点", default=list, blank=True)
    key_points = models.PositiveSmallIntegerField("要点数", default=0)
    text_hash = models.CharField("规范化文本摘要", max_length=40, db_index=True)
    substance_chars = models.PositiveIntegerField("实质字数", default=0)
    working_days = models.PositiveIntegerField("答复用时（工作日）", null=True, blank=True)
    score = models.PositiveSmallIntegerField("质量分", default=100)
    flagged = models.BooleanField("有问题", default=False, db_index=True)
    replied_at = models.DateTimeField("答复时间", db_index=True)
    checked_at = models.DateTimeField("检查时间", default=timezone.now)

    class Meta:
        verbose_name = "答复质量检查"
        verbose_name_plural = "答复质量检查"
        ordering = ["-replied_at", "-id"]

    def __str__(self) -> str:
        return f"答复质量 {self.score}"

    @property
    def flags(self) -> list[str]:
        return [f for f in Flag.values if getattr(self, f)]

    @property
    def flag_labels(self) -> list[str]:
        return [Flag(f).label for f in self.flags]


class OpinionTerms(models.Model):
    """One opinion's keywords (jieba, with the registry's place names), cut once and kept for the trends."""

    opinion = models.OneToOneField(
        "opinions.Opinion", primary_key=True, on_delete=models.CASCADE, related_name="analysis_terms"
    )
    case = models.ForeignKey("handling.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("提交时间", db_index=True)
    category = models.CharField("一级分类", max_length=100, blank=True)
    terms = models.JSONField("关键词", default=list)

    class Meta:
        verbose_name = "意见关键词"
        verbose_name_plural = "意见关键词"

    def __str__(self) -> str:
        return " ".join(self.terms[:5])


class MonthlyReport(models.Model):
    """每月一题-style monthly analysis of one congress's territory: built by a background task."""

    congress = models.ForeignKey(
        "registry.Congress", verbose_name="人大", on_delete=models.CASCADE, related_name="monthly_reports"
    )
    month = models.DateField("月份")  # the first day of the month
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    data = models.JSONField("内容", default=dict)

    class Meta:
        verbose_name = "月度分析"
        verbose_name_plural = "月度分析"
        ordering = ["-month", "congress_id"]
        constraints = [models.UniqueConstraint(fields=["congress", "month"], name="one_monthly_report")]

    def __str__(self) -> str:
        return f"{self.congress} {self.month:%Y年%m月} 月度分析"
