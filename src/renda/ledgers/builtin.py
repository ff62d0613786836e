"""The ledgers generated from the registry, the opinions and their handling (nothing typed twice).

Phones are masked in every ledger: a ledger is printed and kept at the station.
"""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from renda.core.masking import mask_phone
from renda.handling.models import Assignment, Evaluation, Reply
from renda.opinions.models import Opinion
from renda.registry.models import Mandate, MandateStatus, Station, StationDeputy

SUMMARY = 60


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _short(text: str, n: int = SUMMARY) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def roster_rows(station: Station, year: int):
    """代表名册: the deputies who sat in the station at any time of the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = (
        StationDeputy.objects.filter(station=station, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("deputy")
        .prefetch_related(
            Prefetch(
                "deputy__mandates",
                queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE)
                .select_related("congress")
                .order_by("-congress__division__depth"),
                to_attr="ledger_mandates",
            )
        )
        .order_by("joined_on", "deputy__number")
    )
    headers = ["序号", "代表编号", "姓名", "性别", "民族", "党派", "工作单位及职务", "所属人大", "选区（代表团）",
               "联系电话", "进站日期", "离站日期"]  # fmt: skip
    rows = []
    for n, m in enumerate(memberships, start=1):
        d = m.deputy
        mandates = d.ledger_mandates
        rows.append([
            n, d.number, d.name, d.get_gender_display(), d.ethnicity, d.party, d.position,
            "、".join(x.congress.name for x in mandates),
            "、".join(x.constituency or x.delegation for x in mandates if x.constituency or x.delegation),
            mask_phone(d.phone), m.joined_on.isoformat(), m.left_on.isoformat() if m.left_on else "",
        ])  # fmt: skip
    return headers, rows


def _station_opinions(station: Station, year: int):
    start, end = year_bounds(year)
    return Opinion.objects.filter(station=station, is_spam=False, created_at__gte=start, created_at__lt=end).order_by(
        "created_at", "id"
    )


def opinion_rows(station: Station, year: int):
    """群众意见登记簿: every opinion received at or through the station in the year."""
    qs = _station_opinions(station, year).select_related("category", "division", "deputy", "case")
    headers = ["序号", "登记时间", "查询码", "来源渠道", "反映人", "联系电话", "反映给代表", "问题地点", "反映内容",
               "问题分类", "办理状态"]  # fmt: skip
    rows = []
    for n, o in enumerate(qs.iterator(chunk_size=500), start=1):
        place = " ".join(x for x in [o.division.name if o.division else "", o.address] if x)
        rows.append([
            n, _local(o.created_at), o.tracking_code, o.get_channel_display(),
            "匿名" if o.anonymous else (o.citizen_name or "未留姓名"), mask_phone(o.phone),
            o.deputy.name if o.deputy else "", place, o.content,
            o.category.path if o.category else "", o.case.get_state_display() if o.case else "待登记",
        ])  # fmt: skip
    return headers, rows


def feedback_rows(station: Station, year: int):
    """办理反馈簿: how each of the year's opinions was handled, answered and judged."""
    qs = (
        _station_opinions(station, year)
        .filter(case__isnull=False)
        .select_related("case")
        .prefetch_related(
            Prefetch("case__assignments", queryset=Assignment.objects.select_related("agency").order_by("id")),
            Prefetch("case__replies", queryset=Reply.objects.filter(sent_back=False).order_by("at", "id")),
            Prefetch("case__evaluations", queryset=Evaluation.objects.filter(is_primary=True).order_by("-at", "-id")),
        )
    )
    headers = ["序号", "查询码", "反映内容", "办理状态", "承办单位", "答复单位", "办理结果", "答复时间", "答复内容",
               "反馈时间", "群众评价", "问题是否解决", "办结时间"]  # fmt: skip
    rows = []
    for n, o in enumerate(qs, start=1):
        case = o.case
        agencies = list(dict.fromkeys(a.agency.name for a in case.assignments.all()))
        replies = list(case.replies.all())
        reply = replies[-1] if replies else None
        evaluation = next(iter(case.evaluations.all()), None)
        resolved = (
            "" if evaluation is None or evaluation.resolved is None else ("已解决" if evaluation.resolved else "未解决")
        )
        rows.append([
            n, o.tracking_code, _short(o.content), case.get_state_display(), "、".join(agencies),
            reply.author_label if reply else "", (reply.result_label or reply.get_result_display()) if reply else "",
            _local(reply.at) if reply else "", _short(reply.content, 120) if reply else (case.feedback_text or case.reject_reason or ""),
            _local(case.fed_back_at), evaluation.get_satisfaction_display() if evaluation else "",
            resolved, _local(case.closed_at),
        ])  # fmt: skip
    return headers, rows
