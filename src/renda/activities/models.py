"""Duty activities (履职活动) with attendance, photos and links; annual plans (活动计划) and standards (履职量化标准)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models_import import private_storage


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ActivityKind(models.TextChoices):
    STUDY = "study", "学习培训"
    INSPECTION = "inspection", "视察"
    RESEARCH = "research", "调研"
    LAW_CHECK = "law_check", "执法检查"
    FORUM = "forum", "座谈"
    RECEPTION = "reception", "接待选民"
    INQUIRY = "inquiry", "专题询问"
    REPORT = "report", "述职"
    COLLECTIVE = "collective", "集中活动"
    OTHER = "other", "其他"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    HELD = "held", "已举行"
    CANCELLED = "cancelled", "已取消"


# The only legal status moves (services.activity_set_status checks them).
TRANSITIONS: dict[str, frozenset[str]] = {
    ActivityStatus.PLANNED: frozenset({ActivityStatus.HELD, ActivityStatus.CANCELLED}),
    ActivityStatus.HELD: frozenset({ActivityStatus.PLANNED}),  # recorded as held by mistake
    ActivityStatus.CANCELLED: frozenset({ActivityStatus.PLANNED}),  # reinstated
}


class Activity(models.Model):
    """One activity organised by a congress (人大) at a station or in a division."""

    kind = models.CharField("活动类型", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=200)
    congress = models.ForeignKey(
        "registry.Congress", verbose_name="组织单位（人大）", on_delete=models.PROTECT, related_name="activities"
    )
    station = models.ForeignKey(
        "registry.Station",
        verbose_name="家站点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    division = models.ForeignKey(
        "registry.Division", verbose_name="活动区域", null=True, blank=True, on_delete=models.PROTECT
    )
    organiser = models.CharField("承办/组织部门", max_length=100, blank=True)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    summary = models.TextField("活动纪要", blank=True)
    checkin_token = models.CharField("签到令牌", max_length=40, default=new_token, editable=False)
    opinions = models.ManyToManyField(
        "opinions.Opinion", verbose_name="收集的群众意见", blank=True, related_name="activities"
    )
    suggestions = models.ManyToManyField(
        "suggestions.Suggestion", verbose_name="形成的代表建议", blank=True, related_name="activities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "履职活动"
        verbose_name_plural = "履职活动"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["station", "status", "starts_at"], name="activity_station_idx"),
            models.Index(fields=["congress", "starts_at"], name="activity_congress_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.title}"


class CheckinMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    STAFF = "staff", "工作人员登记"


class Participant(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", on_delete=models.PROTECT, related_name="activity_participations"
    )
    invited = models.BooleanField("受邀", default=True)
    attended = models.BooleanField("出席", default=False)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    method = models.CharField("签到方式", max_length=8, choices=CheckinMethod.choices, blank=True)

    class Meta:
        verbose_name = "参加代表"
        verbose_name_plural = "参加代表"
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"], name="participant_unique")]
        indexes = [models.Index(fields=["deputy", "attended"], name="participant_deputy_idx")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.deputy_id}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to="activities/%Y/%m/", storage=private_storage)  # scoped view
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"照片 {self.pk}"


class DutyStandard(models.Model):
    """A county's yearly quantitative standard (履职量化标准) for its deputies and stations."""

    congress = models.ForeignKey(
        "registry.Congress", verbose_name="人大", on_delete=models.CASCADE, related_name="duty_standards"
    )
    year = models.PositiveSmallIntegerField("年度")
    min_reception_days = models.PositiveSmallIntegerField("每名代表接待选民日（天）", default=2)
    min_activities_per_deputy = models.PositiveSmallIntegerField("每名代表参加活动（次）", default=4)
    min_activities_per_station = models.PositiveSmallIntegerField("每个家站点开展活动（次）", default=12)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "履职量化标准"
        verbose_name_plural = "履职量化标准"
        ordering = ["-year", "congress_id"]
        constraints = [models.UniqueConstraint(fields=["congress", "year"], name="duty_standard_unique")]

    def __str__(self) -> str:
        return f"{self.congress} {self.year}年"


class ActivityPlan(models.Model):
    """One line of a station's annual plan: how many activities of a kind it plans in a year."""

    station = models.ForeignKey(
        "registry.Station", verbose_name="家站点", on_delete=models.CASCADE, related_name="activity_plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("活动类型", max_length=12, choices=ActivityKind.choices)
    planned = models.PositiveSmallIntegerField("计划次数")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "年度活动计划"
        verbose_name_plural = "年度活动计划"
        ordering = ["-year", "station_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["station", "year", "kind"], name="activity_plan_unique")]

    def __str__(self) -> str:
        return f"{self.station} {self.year}年 {self.get_kind_display()}"
