"""The demo's 选民接待日: a plan per station and about a year of reception days.

Past days carry their duty roster (attended / absent / substituted, reminded the day
before), bookings (attended or no-show) and visitor records; the demo's existing
citizen opinions that came in through the "reception day" channel are linked to a
visit on their station's latest reception day before they were registered (no new
opinions are created). Upcoming days are generated about a month ahead with their
roster; those inside the announcement window have a few bookings. The demo
station (the ``station_staff`` account's) receives on today's weekday, with the
``deputy`` account on duty today and on the next one. All rows via ``bulk_create``.
"""

import bisect
import datetime
import random
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from renda.core.masking import mask_phone
from renda.core.models import Role, User
from renda.demo.names import PersonFactory
from renda.demo.opinions import _Raw
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import TRACKING_ALPHABET
from renda.reception.models import (
    Booking,
    BookingStatus,
    DayStatus,
    DutyShift,
    PlanKind,
    ReceptionDay,
    ReceptionPlan,
    ShiftStatus,
    Visit,
    VisitOpinion,
)
from renda.reception.rules import plan_dates
from renda.registry.models import Station, StationDeputy

LABEL = "选民接待日"
COUNT_LABELS = {"plans": "接待计划", "days": "接待日", "shifts": "排班", "bookings": "预约", "visits": "来访登记", "linked_opinions": "转入意见"}  # the demo summary's words
PAST_DAYS = 330
AHEAD_DAYS = 35

SUMMARIES = [
    "咨询养老保险缴费政策，已当场解答。", "反映邻里噪音纠纷，已联系社区调解。", "咨询孩子入学划片，已告知教育部门咨询电话。",
    "反映小区物业收费问题，已记录并转社区了解。", "咨询低保申请条件，已告知所需材料。", "对家门口道路改造表示感谢。",
    "咨询医保异地报销，已当场解答。", "反映楼道堆物，社区已安排清理。", "咨询退役军人优待政策，已告知办理地点。",
    "反映公交站台缺少遮雨棚，建议纳入明年民生实事。",
]  # fmt: skip
TOPICS = ["小区停车难", "老旧小区加装电梯", "学校周边交通安全", "菜市场环境卫生", "农村道路维修", "社区养老服务",
          "供暖温度不达标", "路灯不亮", "噪音扰民", "垃圾分类"]  # fmt: skip
DAY = datetime.timedelta(days=1)
CANCEL_REASONS = ["遇节假日调整", "站点场地维修", "恶劣天气", "代表集中视察活动"]
ABSENT_NOTES = ["因公出差", "参加人代会专题培训", "身体不适请假"]


def _code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(8))
        if code not in used:
            used.add(code)
            return code


def _plan_for(rng: random.Random, station: Station, start: datetime.date, demo: bool, today: datetime.date):
    kind_roll = rng.random()
    fields = {"weekdays": "", "month_days": "", "months": ""}
    if demo:
        kind, fields["weekdays"], title = PlanKind.WEEKLY, str(today.weekday()), "每周选民接待日"
    elif kind_roll < 0.2:
        wd = rng.randrange(5)
        kind, fields["weekdays"], title = PlanKind.WEEKLY, str(wd), "每周选民接待日"
    elif kind_roll < 0.55:
        kind, fields["month_days"], title = PlanKind.MONTHLY_DAYS, "15", "每月15日选民接待日"
    elif kind_roll < 0.85:
        kind, fields["month_days"], title = PlanKind.MONTHLY_DAYS, "9,19", "每月9日、19日选民接待日"
    else:
        kind, fields["month_days"], fields["months"] = PlanKind.MONTHLY_DAYS, "10", "1,3,5,7,9,11"
        title = "单月10日选民接待日"
    afternoon = rng.random() < 0.2
    return ReceptionPlan(
        station=station, title=title, kind=kind, starts_on=start,
        start_time=datetime.time(14, 30) if afternoon else datetime.time(9, 0),
        end_time=datetime.time(17, 0) if afternoon else datetime.time(11, 30),
        slot_minutes=30, slot_capacity=3, announce_days=3, created_at=timezone.now(), **fields,
    )  # fmt: skip


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    rng = random.Random(rng.random())
    people = PersonFactory(rng)
    raw = _Raw()
    sqlite = connection.vendor == "sqlite"
    d_ = (lambda v: v.isoformat()) if sqlite else (lambda v: v)  # dates and times as SQLite stores them
    today = timezone.localdate(now)
    start = today - datetime.timedelta(days=PAST_DAYS)
    until = today + datetime.timedelta(days=AHEAD_DAYS)
    stations = list(Station.objects.filter(is_active=True).order_by("pk"))
    members: dict[int, list[int]] = defaultdict(list)
    for station_id, deputy_id in StationDeputy.objects.filter(left_on=None).values_list("station_id", "deputy_id"):
        members[station_id].append(deputy_id)
    demo_staff = User.objects.filter(username="station_staff", role=Role.STATION_STAFF).first()
    demo_deputy = User.objects.filter(username="deputy", role=Role.DEPUTY).first()
    demo_station_id = demo_staff.station_id if demo_staff else None
    recorder = {demo_station_id: demo_staff.pk} if demo_staff else {}

    # plans (few rows: through the ORM) and their days
    plans = [_plan_for(rng, s, start, s.pk == demo_station_id, today) for s in stations]
    for plan in plans:
        plan.generated_until = until
    ReceptionPlan.objects.bulk_create(plans)
    day_ids = raw.ids(ReceptionDay)
    days: list[dict] = []
    slots_of: dict[int, list[datetime.time]] = {}
    for plan in plans:
        probe = ReceptionDay(date=start, start_time=plan.start_time, end_time=plan.end_time,
                             slot_minutes=plan.slot_minutes)  # fmt: skip
        slots_of[plan.pk] = probe.slots()
        for date in plan_dates(plan, until=until):
            past = date < today
            cancelled = past and rng.random() < 0.06
            status = DayStatus.CANCELLED if cancelled else (DayStatus.HELD if past else DayStatus.SCHEDULED)
            days.append({
                "id": next(day_ids), "plan_id": plan.pk, "station_id": plan.station_id, "date": date,
                "start_time": plan.start_time, "end_time": plan.end_time, "slot_minutes": plan.slot_minutes,
                "slot_capacity": plan.slot_capacity, "announce_days": plan.announce_days, "place": "",
                "status": status, "cancel_reason": rng.choice(CANCEL_REASONS) if cancelled else "",
                "topic": rng.choice(TOPICS) + "专题接待" if rng.random() < 0.15 else "",
                "created_at": now - datetime.timedelta(days=PAST_DAYS),
            })  # fmt: skip

    # the duty roster
    shift_ids = raw.ids(DutyShift)
    shifts: list[dict] = []
    roster: dict[int, list[int]] = {}  # day id -> deputies actually on duty
    for day in days:
        pool = members.get(day["station_id"]) or []
        if not pool:
            continue
        chosen = rng.sample(pool, min(len(pool), 1 if rng.random() < 0.6 else 2))
        mine = demo_deputy and day["station_id"] == demo_station_id and demo_deputy.deputy_id in pool
        if mine and day["date"] >= today and demo_deputy.deputy_id not in chosen:
            chosen[0] = demo_deputy.deputy_id
        on_duty = []
        held = day["status"] == DayStatus.HELD
        reminded = timezone.make_aware(datetime.datetime.combine(day["date"] - DAY, datetime.time(9, 0)))
        for deputy_id in chosen:
            shift = {"id": next(shift_ids), "day_id": day["id"], "deputy_id": deputy_id, "updated_at": now,
                     "status": ShiftStatus.SCHEDULED, "substitute_id": None, "note": "", "reminded_at": None}  # fmt: skip
            if held:
                shift["reminded_at"] = reminded
                roll = rng.random()
                others = [d for d in pool if d not in chosen]
                if roll < 0.06 and others:
                    shift.update(status=ShiftStatus.SUBSTITUTED, substitute_id=rng.choice(others),
                                 note=rng.choice(ABSENT_NOTES))  # fmt: skip
                    on_duty.append(shift["substitute_id"])
                elif roll < 0.1:
                    shift.update(status=ShiftStatus.ABSENT, note=rng.choice(ABSENT_NOTES))
                else:
                    shift["status"] = ShiftStatus.ATTENDED
                    on_duty.append(deputy_id)
            else:
                on_duty.append(deputy_id)
            shifts.append(shift)
        roster[day["id"]] = on_duty

    # bookings: past (attended / no-show) and in the announcement window (booked)
    used: set[str] = set()
    booking_ids = raw.ids(Booking)
    bookings: list[dict] = []
    for day in days:
        held = day["status"] == DayStatus.HELD
        announced = today <= day["date"] <= today + datetime.timedelta(days=day["announce_days"])
        if not (held or (announced and day["status"] == DayStatus.SCHEDULED)):
            continue
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            status = BookingStatus.BOOKED
            if held:
                status = BookingStatus.NO_SHOW if rng.random() < 0.12 else BookingStatus.ATTENDED
            bookings.append({
                "id": next(booking_ids), "day_id": day["id"], "slot_start": rng.choice(slots_of[day["plan_id"]]),
                "code": _code(rng, used), "name": people.name(rng.choice("MF")), "phone": people.phone(),
                "phone_verified": True, "topic": rng.choice(TOPICS), "status": status, "client_ip": None,
                "created_at": now - datetime.timedelta(days=max((today - day["date"]).days, 0) + rng.randrange(1, 4)),
            })  # fmt: skip

    # visits: the attended bookings, some walk-ins, and the demo's reception-day opinions
    day_by_id = {d["id"]: d for d in days}
    held_by_station: dict[int, list[dict]] = defaultdict(list)
    for day in days:
        if day["status"] == DayStatus.HELD:
            held_by_station[day["station_id"]].append(day)
    visit_ids = raw.ids(Visit)
    visits: list[dict] = []
    links: list[dict] = []

    def at(day: dict, minutes: int) -> datetime.datetime:
        start_at = timezone.make_aware(datetime.datetime.combine(day["date"], day["start_time"]))
        return start_at + datetime.timedelta(minutes=minutes)

    def visit(day: dict, **fields) -> dict:
        row = {"id": next(visit_ids), "day_id": day["id"], "booking_id": None, "visitor_phone": "",
               "recorded_by_id": recorder.get(day["station_id"]), **fields}  # fmt: skip
        visits.append(row)
        return row

    for booking in bookings:
        if booking["status"] == BookingStatus.ATTENDED:
            day = day_by_id[booking["day_id"]]
            visit(day, booking_id=booking["id"], visitor_name=booking["name"],
                  visitor_phone=mask_phone(booking["phone"]), summary=rng.choice(SUMMARIES),
                  deputy_id=rng.choice(roster.get(day["id"]) or [None]), created_at=at(day, rng.randrange(0, 120)))  # fmt: skip
    for station_days in held_by_station.values():
        for day in station_days:
            for _ in range(rng.choice((0, 1, 1, 2))):
                visit(day, visitor_name=people.name(rng.choice("MF")), summary=rng.choice(SUMMARIES),
                      deputy_id=rng.choice(roster.get(day["id"]) or [None]), created_at=at(day, rng.randrange(0, 150)))  # fmt: skip
    dates_by_station = {s: [d["date"] for d in ds] for s, ds in held_by_station.items()}
    reception_opinions = Opinion.objects.filter(channel=Channel.RECEPTION, station__isnull=False).values_list(
        "pk", "station_id", "deputy_id", "created_at", "citizen_name", "phone"
    )
    for pk, station_id, deputy_id, created_at, name, phone in reception_opinions.iterator(chunk_size=2000):
        dates = dates_by_station.get(station_id)
        i = bisect.bisect_right(dates, timezone.localdate(created_at)) - 1 if dates else -1
        if i < 0:
            continue
        day = held_by_station[station_id][i]
        row = visit(day, visitor_name=name, visitor_phone=mask_phone(phone) if phone else "",
                    summary="群众当面反映问题，已录入民意直通车。",
                    deputy_id=deputy_id or rng.choice(roster.get(day["id"]) or [None]),
                    created_at=min(at(day, rng.randrange(0, 150)), created_at))  # fmt: skip
        links.append({"visit_id": row["id"], "opinion_id": pk})
    link_ids = raw.ids(VisitOpinion)
    for link in links:
        link["id"] = next(link_ids)

    for rows in (days, shifts, bookings, visits):
        for row in rows:
            for key in ("date", "start_time", "end_time", "slot_start"):
                if key in row:
                    row[key] = d_(row[key])
    raw.insert(ReceptionDay, days)
    raw.insert(DutyShift, shifts)
    raw.insert(Booking, bookings)
    raw.insert(Visit, visits)
    raw.insert(VisitOpinion, links)
    raw.reset_sequences()
    say(f"  选民接待日：{len(days)} 个接待日，{len(visits)} 条来访记录（关联已有意见 {len(links)} 条）")
    return {
        "plans": len(plans),
        "days": len(days),
        "shifts": len(shifts),
        "bookings": len(bookings),
        "visits": len(visits),
        "linked_opinions": len(links),
    }
