"""选民接待日: plans (the schedule rule), concrete days, the duty roster, bookings and visitor records.

A ``ReceptionPlan`` holds the rule as structured fields (once / weekly on some
weekdays / monthly on some days of the month, optionally only in some months);
``renda.reception.rules`` turns it into ``ReceptionDay`` rows. A day is public
from ``date - announce_days`` on. Each visit's opinions enter 民意直通车
(channel "reception day") and are linked through ``VisitOpinion``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class PlanKind(models.TextChoices):
    ONCE = "once", "单次"
    WEEKLY = "weekly", "每周"
    MONTHLY_DAYS = "monthly_days", "每月固定日"


WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class ReceptionPlan(models.Model):
    station = models.ForeignKey(
        "registry.Station", verbose_name="家站点", on_delete=models.PROTECT, related_name="reception_plans"
    )
    title = models.CharField("名称", max_length=100)
    kind = models.CharField("安排方式", max_length=15, choices=PlanKind.choices)
    weekdays = models.CharField("星期", max_length=20, blank=True, help_text="0=周一 … 6=周日，逗号分隔")
    month_days = models.CharField("每月日期", max_length=100, blank=True, help_text="如 9,19")
    months = models.CharField("月份", max_length=40, blank=True, help_text="空=每月；如 1,3,5,7,9,11")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    start_time = models.TimeField("开始时间", default=datetime.time(9, 0))
    end_time = models.TimeField("结束时间", default=datetime.time(11, 30))
    slot_minutes = models.PositiveSmallIntegerField("每个时段（分钟）", default=30)
    slot_capacity = models.PositiveSmallIntegerField("每时段可预约人数", default=3)
    announce_days = models.PositiveSmallIntegerField("提前公告天数", default=3)
    place = models.CharField("接待地点", max_length=200, blank=True, help_text="空=家站点地址")
    is_active = models.BooleanField("启用", default=True)
    generated_until = models.DateField("已生成至", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "接待日安排"
        verbose_name_plural = "接待日安排"
        ordering = ["station_id", "-starts_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def numbers(value: str) -> list[int]:
        return sorted({int(x) for x in (value or "").replace("，", ",").split(",") if x.strip().isdigit()})

    @property
    def rule_text(self) -> str:
        if self.kind == PlanKind.ONCE:
            return f"{self.starts_on:%Y-%m-%d} 一次"
        if self.kind == PlanKind.WEEKLY:
            text = "每周" + "、".join(WEEKDAY_LABELS[d][1:] for d in self.numbers(self.weekdays) if d < 7)
        else:
            text = "每月" + "、".join(f"{d}日" for d in self.numbers(self.month_days))
        months = self.numbers(self.months)
        if months and len(months) < 12:
            text = "、".join(f"{m}月" for m in months) + " " + text
        return text


class DayStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已举行"
    CANCELLED = "cancelled", "已取消"


class ReceptionDay(models.Model):
    TRANSITIONS = {
        DayStatus.SCHEDULED: {DayStatus.HELD, DayStatus.CANCELLED},
        DayStatus.HELD: set(),
        DayStatus.CANCELLED: {DayStatus.SCHEDULED},
    }

    plan = models.ForeignKey(
        ReceptionPlan, verbose_name="所属安排", null=True, blank=True, on_delete=models.SET_NULL, related_name="days"
    )
    station = models.ForeignKey(
        "registry.Station", verbose_name="家站点", on_delete=models.PROTECT, related_name="reception_days"
    )
    date = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    slot_minutes = models.PositiveSmallIntegerField("每个时段（分钟）", default=30)
    slot_capacity = models.PositiveSmallIntegerField("每时段可预约人数", default=3)
    announce_days = models.PositiveSmallIntegerField("提前公告天数", default=3)
    place = models.CharField("接待地点", max_length=200, blank=True)
    topic = models.CharField("接待主题", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=DayStatus.choices, default=DayStatus.SCHEDULED)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "接待日"
        verbose_name_plural = "接待日"
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date", "start_time"], name="reception_day_unique_time"),
        ]
        indexes = [models.Index(fields=["station", "date"], name="reception_day_station_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 选民接待日"

    @property
    def announce_on(self) -> datetime.date:
        return self.date - datetime.timedelta(days=self.announce_days)

    def is_public(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != DayStatus.CANCELLED and self.announce_on <= today

    def slots(self) -> list[datetime.time]:
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        step = datetime.timedelta(minutes=max(self.slot_minutes, 5))
        out = []
        while start + step <= end:
            out.append(start.time())
            start += step
        if not out and start < end:
            out.append(start.time())
        return out

    @property
    def where(self) -> str:
        return self.place or self.station.address


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已排班"
    ATTENDED = "attended", "已到岗"
    ABSENT = "absent", "缺席"
    SUBSTITUTED = "substituted", "已替班"
    LEAVE = "leave", "已请假"  # the deputy said ahead that they cannot come; staff arrange a substitute


class DutyShift(models.Model):
    TRANSITIONS = {
        ShiftStatus.SCHEDULED: {ShiftStatus.ATTENDED, ShiftStatus.ABSENT, ShiftStatus.SUBSTITUTED, ShiftStatus.LEAVE},
        ShiftStatus.LEAVE: {ShiftStatus.SUBSTITUTED, ShiftStatus.SCHEDULED, ShiftStatus.ABSENT},
        ShiftStatus.ATTENDED: {ShiftStatus.SCHEDULED},
        ShiftStatus.ABSENT: {ShiftStatus.SUBSTITUTED, ShiftStatus.SCHEDULED},
        ShiftStatus.SUBSTITUTED: {ShiftStatus.SCHEDULED},
    }

    day = models.ForeignKey(ReceptionDay, verbose_name="接待日", on_delete=models.CASCADE, related_name="shifts")
    deputy = models.ForeignKey("registry.Deputy", verbose_name="值班代表", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED)
    substitute = models.ForeignKey(
        "registry.Deputy", verbose_name="替班代表", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    reminded_at = models.DateTimeField("已提醒", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        ordering = ["day_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["day", "deputy"], name="reception_shift_unique_deputy")]

    def __str__(self) -> str:
        return f"{self.day} · {self.deputy.name}"

    @property
    def on_duty(self):
        """The deputy who actually serves: the substitute when there is one, else the scheduled one."""
        if self.status == ShiftStatus.SUBSTITUTED:
            return self.substitute
        if self.status in (ShiftStatus.ABSENT, ShiftStatus.LEAVE):
            return None
        return self.deputy


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CANCELLED = "cancelled", "已取消"
    ATTENDED = "attended", "已到场"
    NO_SHOW = "no_show", "未到场"


class Booking(models.Model):
    TRANSITIONS = {
        BookingStatus.BOOKED: {BookingStatus.CANCELLED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW},
        BookingStatus.NO_SHOW: {BookingStatus.ATTENDED},
        BookingStatus.ATTENDED: set(),
        BookingStatus.CANCELLED: set(),
    }

    day = models.ForeignKey(ReceptionDay, verbose_name="接待日", on_delete=models.PROTECT, related_name="bookings")
    slot_start = models.TimeField("预约时段")
    code = models.CharField("预约码", max_length=12, unique=True)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20, db_index=True)
    phone_verified = models.BooleanField("手机号已验证", default=False)
    topic = models.CharField("反映事项", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField("预约时间", default=timezone.now)
    client_ip = models.GenericIPAddressField("来源IP", null=True, blank=True)

    class Meta:
        verbose_name = "接待预约"
        verbose_name_plural = "接待预约"
        ordering = ["-day__date", "slot_start", "pk"]
        indexes = [models.Index(fields=["day", "slot_start", "status"], name="reception_booking_slot")]

    def __str__(self) -> str:
        return f"预约 {self.code}"


class Visit(models.Model):
    day = models.ForeignKey(ReceptionDay, verbose_name="接待日", on_delete=models.PROTECT, related_name="visits")
    booking = models.ForeignKey(
        Booking, verbose_name="对应预约", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visitor_name = models.CharField("来访人", max_length=50, blank=True)
    visitor_phone = models.CharField("联系电话（脱敏）", max_length=20, blank=True)
    summary = models.TextField("接待情况", blank=True)
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="接待代表", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    opinions = models.ManyToManyField(
        "opinions.Opinion", verbose_name="反映的意见", through="VisitOpinion", related_name="+", blank=True
    )

    class Meta:
        verbose_name = "来访记录"
        verbose_name_plural = "来访记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.visitor_name or '群众'}来访"


class VisitOpinion(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="links")
    opinion = models.ForeignKey("opinions.Opinion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "来访意见"
        verbose_name_plural = "来访意见"
        constraints = [models.UniqueConstraint(fields=["visit", "opinion"], name="reception_visit_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.visit_id}→{self.opinion_id}"
