"""述职评议: report-back meetings per electoral district (选区), the deputies' published reports and
constituents' appraisal (满意 / 基本满意 / 不满意), online (one vote per verified phone) or on paper.

The electoral district is the mandate's ``constituency`` (选区) within one term; deputies elected by a
delegation (代表团, e.g. city deputies elected by a county congress) report to that delegation, so the
district key is ``constituency or delegation`` (see ``selectors.district_of``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset({MeetingStatus.PLANNED}),
}


class ReportMeeting(models.Model):
    """述职评议会: one meeting in one electoral district of one term."""

    term = models.ForeignKey(
        "registry.Term", verbose_name="届次", on_delete=models.PROTECT, related_name="report_meetings"
    )
    district = models.CharField("选区", max_length=100)
    title = models.CharField("会议名称", max_length=150)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=200)
    status = models.CharField("状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "述职评议会"
        verbose_name_plural = "述职评议会"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["term", "district"], name="reportmeeting_term_district")]

    def __str__(self) -> str:
        return self.title


class ReportMode(models.TextChoices):
    ORAL = "oral", "口头述职"
    WRITTEN = "written", "书面述职"


class Choice(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class DeputyReport(models.Model):
    """One deputy's report at a meeting; its text is public once published."""

    meeting = models.ForeignKey(
        ReportMeeting, verbose_name="述职评议会", on_delete=models.CASCADE, related_name="reports"
    )
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", on_delete=models.PROTECT, related_name="duty_reports"
    )
    mode = models.CharField("述职方式", max_length=10, choices=ReportMode.choices, default=ReportMode.ORAL)
    text = models.TextField("述职报告")
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "代表述职报告"
        verbose_name_plural = "代表述职报告"
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "deputy"], name="deputyreport_unique")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.meeting}"


class Appraisal(models.Model):
    """One constituent's online appraisal; the phone is kept only as a keyed hash (one vote per phone)."""

    report = models.ForeignKey(
        DeputyReport, verbose_name="述职报告", on_delete=models.CASCADE, related_name="appraisals"
    )
    phone_hash = models.CharField(max_length=64, editable=False)
    choice = models.CharField("评议结果", max_length=12, choices=Choice.choices)
    created_at = models.DateTimeField("评议时间", default=timezone.now)

    class Meta:
        verbose_name = "网上评议"
        verbose_name_plural = "网上评议"
        constraints = [models.UniqueConstraint(fields=["report", "phone_hash"], name="appraisal_one_per_phone")]

    def __str__(self) -> str:
        return f"{self.report} {self.get_choice_display()}"


class PaperTally(models.Model):
    """书面测评票 results entered by staff (one tally per report, corrections audited)."""

    report = models.OneToOneField(
        DeputyReport, verbose_name="述职报告", on_delete=models.CASCADE, related_name="paper_tally"
    )
    satisfied = models.PositiveIntegerField("满意", default=0)
    basic = models.PositiveIntegerField("基本满意", default=0)
    unsatisfied = models.PositiveIntegerField("不满意", default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "现场测评票"
        verbose_name_plural = "现场测评票"

    def __str__(self) -> str:
        return f"{self.report} 现场测评"
