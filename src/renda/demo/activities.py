"""Demo 履职活动: a year of activities per station with attendance, annual plans and county standards.

Stations and deputies differ in how active they are, so the compliance view (履职达标) shows some
stations and deputies behind. The demo ``deputy`` account is invited to an activity at its station
that is on today, so its QR check-in can be tried at once.
"""

import datetime
import random

from django.db import connection
from django.utils import timezone

from renda.activities.models import (
    Activity,
    ActivityKind,
    ActivityPlan,
    ActivityStatus,
    CheckinMethod,
    DutyStandard,
    Participant,
    new_token,
)
from renda.core.models import User
from renda.registry.models import Congress, CongressLevel, Station, StationDeputy

LABEL = "履职活动"
COUNT_LABELS = {"standards": "量化标准", "plans": "活动计划", "activities": "履职活动", "participants": "参加代表"}  # the demo summary's words

KIND_WEIGHTS = [
    (ActivityKind.STUDY, 3),
    (ActivityKind.FORUM, 3),
    (ActivityKind.RESEARCH, 2),
    (ActivityKind.INSPECTION, 2),
    (ActivityKind.RECEPTION, 2),
    (ActivityKind.LAW_CHECK, 1),
    (ActivityKind.REPORT, 1),
    (ActivityKind.COLLECTIVE, 1),
    (ActivityKind.INQUIRY, 0.5),
    (ActivityKind.OTHER, 0.5),
]
TOPICS = {
    ActivityKind.STUDY: ["宪法和代表法学习", "《民法典》专题培训", "代表履职能力培训", "基层治理专题讲座"],
    ActivityKind.FORUM: ["听取群众意见座谈会", "老旧小区改造座谈", "营商环境座谈会", "养老服务座谈会"],
    ActivityKind.RESEARCH: ["农村饮水安全调研", "社区养老服务调研", "中小学课后服务调研", "背街小巷治理调研"],
    ActivityKind.INSPECTION: ["重点项目建设视察", "食品安全视察", "河道治理视察", "民生实事项目视察"],
    ActivityKind.RECEPTION: ["代表接待选民日", "“代表在身边”集中接待", "网格代表联系群众"],
    ActivityKind.LAW_CHECK: ["《消防法》执法检查", "《大气污染防治法》执法检查", "《道路交通安全法》执法检查"],
    ActivityKind.REPORT: ["代表向选民述职", "年度履职情况报告会"],
    ActivityKind.COLLECTIVE: ["代表活动月集中活动", "代表小组集中活动"],
    ActivityKind.INQUIRY: ["就物业管理开展专题询问", "就义务教育开展专题询问"],
    ActivityKind.OTHER: ["代表小组工作会议", "代表履职经验交流"],
}
PLACES = ["代表之家会议室", "联络站活动室", "社区党群服务中心", "街道便民服务中心", "项目现场", "村委会议室"]


def _pick_kind(rng: random.Random) -> str:
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    return rng.choices(kinds, weights=weights, k=1)[0]


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    local_now = timezone.localtime(now)
    year = local_now.year
    tz = timezone.get_current_timezone()
    year_start = datetime.datetime(year, 1, 1, tzinfo=tz)
    elapsed_days = max(1, (local_now - year_start).days)
    fraction = min(1.0, elapsed_days / 365)

    counties = {
        c.division.code: c
        for c in Congress.objects.filter(level=CongressLevel.COUNTY).select_related("division").order_by("pk")
    }
    standards = []
    county_standard: dict[int, tuple[int, int, int]] = {}
    for congress in counties.values():
        values = (rng.choice([2, 3, 4]), rng.choice([3, 4, 5]), rng.choice([10, 12]))
        county_standard[congress.pk] = values
        for y in (year - 1, year):
            standards.append(DutyStandard(congress=congress, year=y, min_reception_days=values[0],
                                          min_activities_per_deputy=values[1], min_activities_per_station=values[2]))  # fmt: skip
    DutyStandard.objects.bulk_create(standards)

    members: dict[int, list[int]] = {}
    for station_id, deputy_id in StationDeputy.objects.filter(left_on=None).values_list("station_id", "deputy_id"):
        members.setdefault(station_id, []).append(deputy_id)
    engagement: dict[int, float] = {}  # per deputy: how likely they attend when invited

    def engaged(deputy_id: int) -> float:
        if deputy_id not in engagement:
            engagement[deputy_id] = rng.choice([0.25, 0.6, 0.85, 0.95, 0.95])
        return engagement[deputy_id]

    staff_user = User.objects.filter(username="county_staff").first()
    plans: list[ActivityPlan] = []
    activities: list[Activity] = []
    invitees: list[list[int]] = []
    stations = list(Station.objects.filter(is_active=True).select_related("division").order_by("pk"))
    for station in stations:
        codes = [c for c in station.division.path.strip("/").split("/") if c]
        congress = next((counties[c] for c in codes if c in counties), None)
        if congress is None:
            continue
        per_station = county_standard[congress.pk][2]
        planned_total = per_station + rng.choice([0, 0, 2, 4])
        kinds: dict[str, int] = {}
        for _ in range(planned_total):
            kind = _pick_kind(rng)
            kinds[kind] = kinds.get(kind, 0) + 1
        plans += [ActivityPlan(station=station, year=year, kind=k, planned=n, note="") for k, n in kinds.items()]
        pace = rng.choice([0.45, 0.7, 0.95, 1.05, 1.1, 1.2])  # some stations fall behind
        held = round(planned_total * fraction * pace)
        pool = members.get(station.pk, [])
        plan_kinds = [k for k, n in kinds.items() for _ in range(n)]
        for i in range(held + 2):  # the last two are still to come
            kind = plan_kinds[i % len(plan_kinds)] if plan_kinds else _pick_kind(rng)
            if i < held:
                day = year_start + datetime.timedelta(days=rng.randrange(elapsed_days))
                status = ActivityStatus.CANCELLED if rng.random() < 0.03 else ActivityStatus.HELD
            else:
                day = local_now + datetime.timedelta(days=rng.randrange(3, 40))
                status = ActivityStatus.PLANNED
            starts = day.replace(hour=rng.choice([9, 14]), minute=rng.choice([0, 30]), second=0, microsecond=0)
            activities.append(
                Activity(
                    kind=kind,
                    title=rng.choice(TOPICS[kind]),
                    congress=congress,
                    station=station,
                    division=station.division,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=rng.choice([1, 2, 2, 3])),
                    place=rng.choice(PLACES),
                    status=status,
                    summary="活动按计划开展，代表认真听取意见，相关问题已登记转办。" if status == ActivityStatus.HELD else "",
                    checkin_token=new_token(),
                    created_by=staff_user,
                    created_at=starts - datetime.timedelta(days=7),
                )
            )
            most = min(len(pool), 30)
            size = rng.randint(min(most, max(3, len(pool) // 2)), most) if pool else 0
            invitees.append(rng.sample(pool, k=size))

    # The demo deputy's activity at its station today (open for QR check-in right now).
    deputy_user = User.objects.filter(username="deputy").select_related("deputy").first()
    station_user = User.objects.filter(username="station_staff").select_related("station__division").first()
    if deputy_user and station_user and station_user.station:
        codes = [c for c in station_user.station.division.path.strip("/").split("/") if c]
        congress = next((counties[c] for c in codes if c in counties), None)
        if congress is not None:
            starts = local_now.replace(minute=0, second=0, microsecond=0)
            activities.append(Activity(kind=ActivityKind.FORUM, title="“有事好商量”民生议事座谈会", congress=congress,
                                       station=station_user.station, division=station_user.station.division,
                                       starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                                       place="代表之家会议室", checkin_token=new_token(), created_by=staff_user))  # fmt: skip
            invitees.append([deputy_user.deputy_id, *members.get(station_user.station_id, [])[:5]])

    ActivityPlan.objects.bulk_create(plans, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=1000)
    # ~45k rows at full scale: a raw executemany skips the ORM's per-row cost (ten times faster).
    ops = connection.ops
    table = Participant._meta.db_table
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("activity_id", "deputy_id", "invited", "attended", "checked_in_at", "method"))
    rows = []
    for activity, deputy_ids in zip(activities, invitees, strict=True):
        held = activity.status == ActivityStatus.HELD
        for deputy_id in dict.fromkeys(deputy_ids):
            attended = held and rng.random() < engaged(deputy_id)
            at = activity.starts_at + datetime.timedelta(minutes=rng.randrange(-20, 15)) if attended else None
            method = (CheckinMethod.QR.value if rng.random() < 0.7 else CheckinMethod.STAFF.value) if attended else ""
            rows.append((activity.pk, deputy_id, True, attended, ops.adapt_datetimefield_value(at), method))
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)", rows[i : i + 5000]
            )
    participants = rows
    say(f"履职活动 {len(activities)} 次，参加代表 {len(participants)} 人次，年度计划 {len(plans)} 条。")
    return {
        "activities": len(activities),
        "participants": len(participants),
        "plans": len(plans),
        "standards": len(standards),
    }
