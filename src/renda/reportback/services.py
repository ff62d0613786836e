"""Writes of 述职评议: every change goes through here, audited, inside one transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from renda.core import ratelimit
from renda.core.audit import audit_record, snapshot
from renda.core.models import User
from renda.registry.models import Deputy, Term
from renda.reportback.models import (
    MEETING_TRANSITIONS,
    Appraisal,
    Choice,
    DeputyReport,
    MeetingStatus,
    PaperTally,
    ReportMeeting,
    ReportMode,
)
from renda.reportback.selectors import term_districts, term_mandates

APPRAISAL_RATE_IP = getattr(settings, "RENDA_APPRAISAL_RATE_IP", "30/hour")
DUPLICATE_VOTE = "该手机号已对这份述职报告作出评议，每个手机号只能评议一次。"


def _clean_text(value: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}。")
    if len(value) > max_length:
        raise ValidationError(f"{label}不能超过 {max_length} 个字。")
    return value


def _check_district(term: Term, district: str) -> str:
    district = (district or "").strip()
    if district not in term_districts(term):
        raise ValidationError({"district": f"{term}没有名为“{district}”的选区（或代表团）。"})
    return district


@transaction.atomic
def meeting_create(
    *, actor: User | None, term: Term, district: str, title: str, date: datetime.date, place: str, note: str = ""
) -> ReportMeeting:
    meeting = ReportMeeting.objects.create(
        term=term,
        district=_check_district(term, district),
        title=_clean_text(title, "会议名称", 150),
        date=date,
        place=_clean_text(place, "会议地点", 200),
        note=(note or "").strip(),
        created_by=actor if actor and actor.pk else None,
    )
    audit_record(actor=actor, action="reportback.meeting.create", target=meeting, after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: User | None, meeting: ReportMeeting, title: str, date: datetime.date, place: str, note: str = ""
) -> ReportMeeting:
    meeting = ReportMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("会议已取消，不能修改；请先恢复安排。")
    before = snapshot(meeting)
    meeting.title = _clean_text(title, "会议名称", 150)
    meeting.date = date
    meeting.place = _clean_text(place, "会议地点", 200)
    meeting.note = (note or "").strip()
    meeting.save()
    audit_record(
        actor=actor, action="reportback.meeting.update", target=meeting, before=before, after=snapshot(meeting)
    )
    return meeting


@transaction.atomic
def meeting_transition(*, actor: User | None, meeting: ReportMeeting, to: str) -> ReportMeeting:
    meeting = ReportMeeting.objects.select_for_update().get(pk=meeting.pk)
    if to not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        current = MeetingStatus(meeting.status).label
        target = MeetingStatus(to).label if to in MeetingStatus.values else to
        raise ValidationError(f"会议当前为“{current}”，不能变更为“{target}”。")
    if to == MeetingStatus.HELD:
        if meeting.date > timezone.localdate():
            raise ValidationError("会议日期还未到，不能标记为已召开。")
        if not meeting.reports.exists():
            raise ValidationError("请先登记至少一名代表的述职报告，再标记会议已召开。")
    before = meeting.status
    meeting.status = to
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"reportback.meeting.status.{to}",
        target=meeting,
        before={"状态": MeetingStatus(before).label},
        after={"状态": MeetingStatus(to).label},
    )
    return meeting


@transaction.atomic
def report_create(*, actor: User | None, meeting: ReportMeeting, deputy: Deputy, mode: str, text: str) -> DeputyReport:
    meeting = ReportMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("会议已取消，不能登记述职报告。")
    if mode not in ReportMode.values:
        raise ValidationError({"mode": "请选择述职方式。"})
    if not term_mandates(meeting.term, meeting.district).filter(deputy=deputy).exists():
        raise ValidationError({"deputy": f"{deputy.name}不是{meeting.term}“{meeting.district}”选出的在任代表。"})
    if meeting.reports.filter(deputy=deputy).exists():
        raise ValidationError({"deputy": f"{deputy.name}已在本次会议登记述职报告。"})
    report = DeputyReport.objects.create(
        meeting=meeting, deputy=deputy, mode=mode, text=_clean_text(text, "述职报告", 20000)
    )
    audit_record(actor=actor, action="reportback.report.create", target=report, after=snapshot(report))
    return report


@transaction.atomic
def report_update(*, actor: User | None, report: DeputyReport, mode: str, text: str) -> DeputyReport:
    report = DeputyReport.objects.select_for_update().get(pk=report.pk)
    if mode not in ReportMode.values:
        raise ValidationError({"mode": "请选择述职方式。"})
    before = snapshot(report)
    report.mode = mode
    report.text = _clean_text(text, "述职报告", 20000)
    report.save(update_fields=["mode", "text"])
    audit_record(actor=actor, action="reportback.report.update", target=report, before=before, after=snapshot(report))
    return report


@transaction.atomic
def report_publish(*, actor: User | None, report: DeputyReport, publish: bool = True) -> DeputyReport:
    report = DeputyReport.objects.select_for_update().select_related("meeting").get(pk=report.pk)
    if publish and report.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("会议已取消，不能公开述职报告。")
    if publish == (report.published_at is not None):
        raise ValidationError("述职报告已公开。" if publish else "述职报告尚未公开。")
    report.published_at = timezone.now() if publish else None
    report.save(update_fields=["published_at"])
    audit_record(actor=actor, action=f"reportback.report.{'publish' if publish else 'unpublish'}", target=report)
    return report


@transaction.atomic
def tally_save(*, actor: User | None, report: DeputyReport, satisfied: int, basic: int, unsatisfied: int) -> PaperTally:
    """Enter (or correct) the paper ballots' counts for one report; the correction is audited."""
    for label, value in (("满意", satisfied), ("基本满意", basic), ("不满意", unsatisfied)):
        if value is None or int(value) < 0:
            raise ValidationError(f"“{label}”票数须为不小于 0 的整数。")
    report = DeputyReport.objects.select_related("meeting").get(pk=report.pk)
    if report.meeting.status != MeetingStatus.HELD:
        raise ValidationError("会议召开后才能录入现场测评票。")
    tally, _ = PaperTally.objects.select_for_update().get_or_create(report=report)
    before = snapshot(tally)
    tally.satisfied, tally.basic, tally.unsatisfied = int(satisfied), int(basic), int(unsatisfied)
    tally.entered_by = actor if actor and actor.pk else None
    tally.updated_at = timezone.now()
    tally.save()
    audit_record(actor=actor, action="reportback.tally.update", target=tally, before=before, after=snapshot(tally))
    return tally


def phone_hash(report: DeputyReport, phone: str) -> str:
    return salted_hmac("renda.reportback.appraisal", f"{report.pk}:{phone}").hexdigest()


def appraisal_open(report: DeputyReport) -> bool:
    return report.published_at is not None and report.meeting.status != MeetingStatus.CANCELLED


@transaction.atomic
def appraisal_submit(*, report: DeputyReport, phone: str, choice: str, ip: str | None = None) -> Appraisal:
    """A constituent's online appraisal. ``phone`` must already be verified by the caller (SMS code).

    One vote per phone and report (only a keyed hash of the phone is kept); raises ValidationError or
    ``ratelimit.RateLimited``."""
    if choice not in Choice.values:
        raise ValidationError({"choice": "请选择满意、基本满意或不满意。"})
    report = DeputyReport.objects.select_related("meeting").get(pk=report.pk)
    if not appraisal_open(report):
        raise ValidationError("这份述职报告当前不接受评议。")
    if ip:
        ratelimit.check("appraisal-ip", ip, APPRAISAL_RATE_IP, "评议提交过于频繁，请稍后再试。")
    digest = phone_hash(report, phone)
    if Appraisal.objects.filter(report=report, phone_hash=digest).exists():
        raise ValidationError({"phone": DUPLICATE_VOTE})
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(report=report, phone_hash=digest, choice=choice)
    except IntegrityError as exc:  # a concurrent double submit
        raise ValidationError({"phone": DUPLICATE_VOTE}) from exc
    audit_record(
        actor=None,
        action="reportback.appraisal.create",
        target=appraisal,
        after={"评议结果": appraisal.get_choice_display()},
    )
    return appraisal
