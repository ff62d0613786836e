"""选民接待登记本: the reception log of a station's year, for the ledgers app (nothing typed twice)."""

from django.db.models import Prefetch

from renda.reception.models import DayStatus, DutyShift, ReceptionDay, ShiftStatus, Visit, VisitOpinion
from renda.registry.models import Station

RECEPTION_HEADERS = ["日期", "时间", "值班代表", "来访人", "联系电话", "接待情况", "形成意见（查询码）"]


def _on_duty(day: ReceptionDay) -> str:
    names = []
    for shift in day.shifts.all():
        if shift.status == ShiftStatus.SUBSTITUTED and shift.substitute is not None:
            names.append(f"{shift.substitute.name}（替{shift.deputy.name}）")
        elif shift.status != ShiftStatus.ABSENT:
            names.append(shift.deputy.name)
    return "、".join(names)


def reception_rows(station: Station, year: int) -> tuple[list[str], list[list]]:
    """Every visit recorded at ``station`` in ``year`` (a held day without visitors gets one line)."""
    days = (
        ReceptionDay.objects.filter(station=station, date__year=year)
        .exclude(status=DayStatus.CANCELLED)
        .order_by("date", "start_time")
        .prefetch_related(
            Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy", "substitute").order_by("pk")),
            Prefetch(
                "visits",
                queryset=Visit.objects.order_by("created_at").prefetch_related(
                    Prefetch("links", queryset=VisitOpinion.objects.select_related("opinion"))
                ),
            ),
        )
    )
    rows = []
    for day in days:
        when, duty = f"{day.start_time:%H:%M}–{day.end_time:%H:%M}", _on_duty(day)
        visits = list(day.visits.all())
        if not visits and day.status == DayStatus.HELD:
            rows.append([f"{day.date:%Y-%m-%d}", when, duty, "", "", "无来访", ""])
        for visit in visits:
            codes = "、".join(link.opinion.tracking_code for link in visit.links.all())
            row = [f"{day.date:%Y-%m-%d}", when, duty, visit.visitor_name, visit.visitor_phone, visit.summary, codes]
            rows.append(row)  # visitor_phone is stored masked
    return RECEPTION_HEADERS, rows
