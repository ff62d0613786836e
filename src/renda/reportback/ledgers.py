"""述职评议 as a station ledger (registered by renda.ledgers): the year's reports of the station's deputies."""

from django.db.models import Q

from renda.registry.models import Station, StationDeputy
from renda.reportback.models import DeputyReport, MeetingStatus
from renda.reportback.selectors import results_for


def report_rows(station: Station, year: int):
    deputies = (
        StationDeputy.objects.filter(station=station)
        .filter(Q(left_on__isnull=True) | Q(left_on__year__gte=year))
        .values("deputy_id")
    )
    reports = list(
        DeputyReport.objects.filter(deputy_id__in=deputies, meeting__date__year=year)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("deputy", "meeting__term__congress")
        .order_by("meeting__date", "id")
    )
    results = results_for(reports)
    headers = ["序号", "日期", "会议", "选区", "代表", "述职方式", "会议状态", "满意", "基本满意", "不满意", "满意率"]
    rows = []
    for n, r in enumerate(reports, start=1):
        res = results[r.pk]
        total = res.total
        rows.append([
            n, r.meeting.date.isoformat(), r.meeting.title, r.meeting.district, r.deputy.name, r.get_mode_display(),
            r.meeting.get_status_display(), total["satisfied"], total["basic"], total["unsatisfied"],
            f"{res.satisfaction}%" if res.satisfaction is not None else "",
        ])  # fmt: skip
    return headers, rows
