"""Writes for 选民接待日: plans and their days, the duty roster, bookings, visitor records and reminders.

Every write is one transaction, audited; text messages and notifications are
written in that transaction (they are sent after commit by the worker).
Opinions raised at a visit go through ``opinion_submit`` (channel "reception
day", the on-duty deputy attached) and are registered at once.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from renda.core.access import can_see, has_perm
from renda.core.audit import audit_record
from renda.core.audit import snapshot as _snapshot
from renda.core.masking import mask_phone
from renda.core.models import Role, User
from renda.core.notifications import notify_users, sms_queue
from renda.opinions.models import Category, Channel, Opinion
from renda.opinions.services import TRACKING_ALPHABET, OpinionInput, opinion_submit
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
from renda.reception.rules import HORIZON_DAYS, plan_dates
from renda.registry.models import Deputy, Station, StationDeputy
from renda.registry.selectors import division_ancestors

CODE_LENGTH = 8
MAX_OPINIONS_PER_VISIT = 5
EXTEND_AHEAD_DAYS = 180  # the tick keeps open-ended plans generated at least this far ahead


def snapshot(obj) -> dict:
    """The audit snapshot, with times as text (the core snapshot knows dates, not times)."""
    return {k: f"{v:%H:%M}" if isinstance(v, datetime.time) else v for k, v in _snapshot(obj).items()}


def _move(obj, new: str, label: str) -> None:
    """Check a state move against the model's TRANSITIONS table; a clear Chinese error otherwise."""
    current = obj.status
    if new not in obj.TRANSITIONS.get(current, set()):
        old_label = type(obj)._meta.get_field("status").choices
        names = dict(old_label)
        raise ValidationError(f"{label}当前为“{names.get(current, current)}”，不能改为“{names.get(new, new)}”。")
    obj.status = new


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not has_perm(actor, perm):
        raise ValidationError("您没有执行此操作的权限。")


def _require_station(actor: User | None, station: Station) -> None:
    if actor is not None and not can_see(actor, station):
        raise ValidationError("该家站点不在您的管辖范围内。")


# --- plans and days -----------------------------------------------------------------------


def _validate_plan(plan: ReceptionPlan) -> None:
    errors: dict[str, str] = {}
    if not (plan.title or "").strip():
        errors["title"] = "请填写名称。"
    if plan.kind == PlanKind.WEEKLY and not [d for d in plan.numbers(plan.weekdays) if d < 7]:
        errors["weekdays"] = "请选择每周的哪几天接待。"
    if plan.kind == PlanKind.MONTHLY_DAYS and not [d for d in plan.numbers(plan.month_days) if 1 <= d <= 31]:
        errors["month_days"] = "请填写每月的接待日期（1–31，逗号分隔）。"
    if [m for m in plan.numbers(plan.months) if not 1 <= m <= 12]:
        errors["months"] = "月份应在 1–12 之间。"
    if plan.ends_on and plan.ends_on < plan.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if plan.end_time <= plan.start_time:
        errors["end_time"] = "结束时间应晚于开始时间。"
    if not 5 <= plan.slot_minutes <= 240:
        errors["slot_minutes"] = "每个时段应在 5–240 分钟之间。"
    if not 1 <= plan.slot_capacity <= 100:
        errors["slot_capacity"] = "每时段可预约人数应在 1–100 之间。"
    if plan.announce_days > 60:
        errors["announce_days"] = "提前公告天数不能超过 60 天。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(*, actor: User | None, station: Station, **fields) -> ReceptionPlan:
    """Create a plan and generate its days (a year ahead when open-ended)."""
    _require(actor, "reception.manage")
    _require_station(actor, station)
    plan = ReceptionPlan(station=station, created_by=actor if actor and actor.pk else None, **fields)
    if plan.kind == PlanKind.ONCE:
        plan.ends_on = plan.starts_on
    _validate_plan(plan)
    plan.save()
    created = plan_generate(actor=None, plan=plan)
    audit_record(actor=actor, action="reception.plan.create", target=plan, after=snapshot(plan),
                 note=f"生成接待日 {created} 个")  # fmt: skip
    return plan


def plan_generate(*, actor: User | None, plan: ReceptionPlan, until: datetime.date | None = None) -> int:
    """Create the plan's missing days up to ``until`` (idempotent: existing days are kept). Returns how many."""
    until = until or max(timezone.localdate(), plan.starts_on) + datetime.timedelta(days=HORIZON_DAYS)
    start = plan.generated_until + datetime.timedelta(days=1) if plan.generated_until else plan.starts_on
    dates = plan_dates(plan, start=start, until=until)
    existing = set(
        ReceptionDay.objects.filter(station=plan.station, date__in=dates, start_time=plan.start_time).values_list(
            "date", flat=True
        )
    )
    rows = [
        ReceptionDay(
            plan=plan, station=plan.station, date=d, start_time=plan.start_time, end_time=plan.end_time,
            slot_minutes=plan.slot_minutes, slot_capacity=plan.slot_capacity, announce_days=plan.announce_days,
            place=plan.place,
        )  # fmt: skip
        for d in dates
        if d not in existing
    ]
    ReceptionDay.objects.bulk_create(rows)
    last = plan.ends_on if plan.ends_on and plan.ends_on <= until else until
    ReceptionPlan.objects.filter(pk=plan.pk).update(generated_until=last)
    plan.generated_until = last
    if actor is not None and rows:
        audit_record(actor=actor, action="reception.plan.generate", target=plan, note=f"生成接待日 {len(rows)} 个")
    return len(rows)


@transaction.atomic
def plan_deactivate(*, actor: User, plan: ReceptionPlan, cancel_future: bool = True, reason: str = "") -> int:
    """Stop a plan; its future days without bookings or visits are cancelled. Returns how many were cancelled."""
    _require(actor, "reception.manage")
    _require_station(actor, plan.station)
    ReceptionPlan.objects.filter(pk=plan.pk).update(is_active=False)
    plan.is_active = False
    cancelled = 0
    if cancel_future:
        future = ReceptionDay.objects.filter(plan=plan, status=DayStatus.SCHEDULED, date__gt=timezone.localdate())
        for day in future.select_related("station"):
            day_cancel(actor=actor, day=day, reason=reason or "接待日安排已停止")
            cancelled += 1
    audit_record(actor=actor, action="reception.plan.deactivate", target=plan, note=f"取消接待日 {cancelled} 个")
    return cancelled


@transaction.atomic
def day_update(*, actor: User, day: ReceptionDay, topic: str = "", place: str = "") -> ReceptionDay:
    _require(actor, "reception.manage")
    _require_station(actor, day.station)
    before = snapshot(day)
    day.topic = (topic or "").strip()[:200]
    day.place = (place or "").strip()[:200]
    day.save(update_fields=["topic", "place"])
    audit_record(actor=actor, action="reception.day.update", target=day, before=before, after=snapshot(day))
    return day


@transaction.atomic
def day_cancel(*, actor: User, day: ReceptionDay, reason: str) -> ReceptionDay:
    """Cancel a day: everyone who booked is texted, the deputies on the roster are told."""
    _require(actor, "reception.manage")
    _require_station(actor, day.station)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": "请填写取消原因（会以短信告知已预约的群众）。"})
    day = ReceptionDay.objects.select_for_update().select_related("station").get(pk=day.pk)
    _move(day, DayStatus.CANCELLED, "该接待日")
    day.cancel_reason = reason
    day.save(update_fields=["status", "cancel_reason"])
    context = {"date": f"{day.date:%m月%d日}", "station": day.station.name, "reason": reason}
    for booking in day.bookings.filter(status=BookingStatus.BOOKED):
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
        sms_queue(booking.phone, "sms.reception_cancelled", {**context, "code": booking.code})
    deputies = [s.on_duty for s in day.shifts.select_related("deputy", "substitute") if s.on_duty]
    users = User.objects.filter(role=Role.DEPUTY, is_active=True, deputy__in=deputies)
    notify_users(users, "notice.reception_cancelled", context, url=_day_url(day))
    audit_record(actor=actor, action="reception.day.cancel", target=day, note=reason)
    return day


@transaction.atomic
def day_mark_held(*, actor: User | None, day: ReceptionDay) -> ReceptionDay:
    if day.status == DayStatus.HELD:
        return day
    if day.date > timezone.localdate():
        raise ValidationError("接待日尚未到来，不能标记为已举行。")
    _move(day, DayStatus.HELD, "该接待日")
    ReceptionDay.objects.filter(pk=day.pk).update(status=day.status)
    audit_record(actor=actor, action="reception.day.held", target=day)
    return day


def _day_url(day: ReceptionDay) -> str:
    from django.urls import reverse

    return reverse("console:reception_day_detail", args=[day.pk])


# --- the duty roster -------------------------------------------------------------------------


def station_deputies(station: Station):
    return Deputy.objects.filter(
        pk__in=StationDeputy.objects.filter(station=station, left_on=None).values("deputy_id"), is_active=True
    ).order_by("name")


@transaction.atomic
def shift_assign(*, actor: User, day: ReceptionDay, deputy: Deputy, note: str = "") -> DutyShift:
    """排班: put a deputy of the station on the day's roster."""
    _require(actor, "reception.manage")
    _require_station(actor, day.station)
    if day.status == DayStatus.CANCELLED:
        raise ValidationError("该接待日已取消，不能排班。")
    if not station_deputies(day.station).filter(pk=deputy.pk).exists():
        raise ValidationError({"deputy": "只能安排本家站点的代表值班。"})
    if DutyShift.objects.filter(day=day, deputy=deputy).exists():
        raise ValidationError({"deputy": f"{deputy.name}代表已在该接待日的值班名单中。"})
    shift = DutyShift.objects.create(day=day, deputy=deputy, note=(note or "").strip()[:200])
    audit_record(actor=actor, action="reception.shift.assign", target=shift, after=snapshot(shift))
    return shift


@transaction.atomic
def shift_remove(*, actor: User, shift: DutyShift) -> None:
    _require(actor, "reception.manage")
    _require_station(actor, shift.day.station)
    if shift.status != ShiftStatus.SCHEDULED:
        raise ValidationError("已记录到岗、缺席或替班的值班不能删除。")
    audit_record(actor=actor, action="reception.shift.remove", target=shift, before=snapshot(shift))
    shift.delete()


@transaction.atomic
def shift_mark(
    *, actor: User, shift: DutyShift, status: str, substitute: Deputy | None = None, note: str = ""
) -> DutyShift:
    """Record attendance: attended / absent / substituted (with the substitute deputy), or back to scheduled."""
    _require(actor, "reception.manage")
    _require_station(actor, shift.day.station)
    shift = DutyShift.objects.select_for_update().select_related("day__station", "deputy").get(pk=shift.pk)
    if status not in ShiftStatus.values:
        raise ValidationError("值班状态不正确。")
    if status in (ShiftStatus.ATTENDED, ShiftStatus.ABSENT) and shift.day.date > timezone.localdate():
        raise ValidationError("接待日尚未到来，不能记录到岗或缺席。")
    before = snapshot(shift)
    _move(shift, status, "该值班")
    if status == ShiftStatus.SUBSTITUTED:
        if substitute is None:
            raise ValidationError({"substitute": "请选择替班代表。"})
        if substitute.pk == shift.deputy_id:
            raise ValidationError({"substitute": "替班代表不能是原值班代表本人。"})
        if not station_deputies(shift.day.station).filter(pk=substitute.pk).exists():
            raise ValidationError({"substitute": "替班代表应为本家站点的代表。"})
        shift.substitute = substitute
        shift.reminded_at = None  # the substitute is reminded in turn
    elif status == ShiftStatus.SCHEDULED:
        shift.substitute = None
    shift.note = (note or shift.note or "").strip()[:200]
    shift.updated_at = timezone.now()
    shift.save()
    audit_record(actor=actor, action=f"reception.shift.{status}", target=shift, before=before, after=snapshot(shift))
    return shift


@transaction.atomic
def shift_request_leave(*, actor: User, shift: DutyShift, reason: str) -> DutyShift:
    """请假: the deputy on the roster says, before the day, that they cannot come; the station's staff
    are told to arrange a substitute (``shift_mark`` … substituted). Only the deputy themself."""
    if actor.role != Role.DEPUTY or not actor.deputy_id or actor.deputy_id != shift.deputy_id:
        raise ValidationError("只有值班代表本人可以请假。")
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": "请填写请假原因。"})
    shift = DutyShift.objects.select_for_update().select_related("day__station", "deputy").get(pk=shift.pk)
    day = shift.day
    if day.status == DayStatus.CANCELLED:
        raise ValidationError("该接待日已取消，无需请假。")
    if day.date < timezone.localdate():
        raise ValidationError("接待日已过，不能再请假。")
    before = snapshot(shift)
    _move(shift, ShiftStatus.LEAVE, "该值班")
    shift.note = f"请假：{reason}"[:200]
    shift.updated_at = timezone.now()
    shift.save()
    audit_record(actor=actor, action="reception.shift.leave", target=shift, before=before, after=snapshot(shift))
    staff = User.objects.filter(is_active=True, role=Role.STATION_STAFF, station=day.station)
    if not staff.exists():  # a station without staff accounts: the staff of the congresses above it
        staff = User.objects.filter(
            is_active=True, role=Role.CONGRESS_STAFF, congress__division__in=division_ancestors(day.station.division)
        )
    context = {"deputy": shift.deputy.name, "date": f"{day.date:%m月%d日}", "station": day.station.name,
               "reason": reason}  # fmt: skip
    notify_users(staff, "notice.reception_leave", context, url=_day_url(day))
    return shift


def on_duty_deputies(day: ReceptionDay) -> list[Deputy]:
    return [s.on_duty for s in day.shifts.select_related("deputy", "substitute") if s.on_duty is not None]


def may_record(user: User, day: ReceptionDay) -> bool:
    """Station/congress staff of the station, or a deputy on duty that day (not absent), once the day has come."""
    if not has_perm(user, "reception.record") or day.status == DayStatus.CANCELLED:
        return False
    if day.date > timezone.localdate():
        return False
    if user.role == Role.DEPUTY:
        return bool(user.deputy_id) and any(d.pk == user.deputy_id for d in on_duty_deputies(day))
    return can_see(user, day)


# --- bookings ------------------------------------------------------------------------------------


def new_booking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(CODE_LENGTH))


def slot_counts(day: ReceptionDay) -> dict[datetime.time, int]:
    from django.db.models import Count

    rows = (
        Booking.objects.filter(day=day)
        .exclude(status=BookingStatus.CANCELLED)
        .values("slot_start")
        .annotate(n=Count("pk"))
    )
    return {r["slot_start"]: r["n"] for r in rows}


def open_slots(day: ReceptionDay, now: datetime.datetime | None = None) -> list[tuple[datetime.time, int]]:
    """(slot start, places left) for every slot still bookable."""
    now = timezone.localtime(now or timezone.now())
    counts = slot_counts(day)
    out = []
    for slot in day.slots():
        if datetime.datetime.combine(day.date, slot) <= now.replace(tzinfo=None):
            continue
        out.append((slot, max(day.slot_capacity - counts.get(slot, 0), 0)))
    return out


@transaction.atomic
def booking_create(
    *, day: ReceptionDay, slot_start: datetime.time, name: str, phone: str, phone_verified: bool,
    topic: str = "", client_ip: str | None = None,
) -> Booking:  # fmt: skip
    """A citizen books a slot (the phone already verified by the caller). Capacity is checked under a row lock."""
    day = ReceptionDay.objects.select_for_update().select_related("station").get(pk=day.pk)
    name = (name or "").strip()[:50]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写您的姓名。"
    if not phone:
        errors["phone"] = "请填写手机号。"
    if errors:
        raise ValidationError(errors)
    if day.status != DayStatus.SCHEDULED or not day.is_public():
        raise ValidationError("该接待日暂未开放预约或已取消。")
    slots = dict(open_slots(day))
    if slot_start not in slots:
        raise ValidationError({"slot": "请选择一个尚未开始的预约时段。"})
    if slots[slot_start] <= 0:
        raise ValidationError({"slot": "该时段已约满，请选择其他时段。"})
    if Booking.objects.filter(day=day, phone=phone, status=BookingStatus.BOOKED).exists():
        raise ValidationError({"phone": "该手机号已预约本次接待日，无需重复预约。"})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    day=day, slot_start=slot_start, code=new_booking_code(), name=name, phone=phone,
                    phone_verified=phone_verified, topic=(topic or "").strip()[:500], client_ip=client_ip,
                )  # fmt: skip
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("无法生成唯一的预约码")
    sms_queue(phone, "sms.reception_booked", {
        "code": booking.code, "date": f"{day.date:%m月%d日}", "time": f"{slot_start:%H:%M}",
        "station": day.station.name,
    })  # fmt: skip
    audit_record(actor=None, action="reception.booking.create", target=booking, note=f"{day} {slot_start:%H:%M}")
    return booking


@transaction.atomic
def booking_cancel_by_citizen(*, booking: Booking, phone: str) -> Booking:
    """The citizen cancels with the booking code and the last four digits (or all) of their phone."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) < 4 or not booking.phone.endswith(digits):
        raise ValidationError({"phone": "手机号不正确，请输入预约时所用手机号的后四位。"})
    _move(booking, BookingStatus.CANCELLED, "该预约")
    booking.save(update_fields=["status"])
    audit_record(actor=None, action="reception.booking.cancel", target=booking, note="群众取消")
    return booking


@transaction.atomic
def booking_mark(*, actor: User, booking: Booking, status: str) -> Booking:
    """Staff: attended / no-show / cancelled."""
    _require(actor, "reception.manage")
    booking = Booking.objects.select_for_update().select_related("day__station").get(pk=booking.pk)
    _require_station(actor, booking.day.station)
    if status in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW) and booking.day.date > timezone.localdate():
        raise ValidationError("接待日尚未到来，不能记录到场情况。")
    _move(booking, status, "该预约")
    booking.save(update_fields=["status"])
    audit_record(actor=actor, action=f"reception.booking.{status}", target=booking)
    return booking


# --- visitor records ------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor: User,
    day: ReceptionDay,
    visitor_name: str = "",
    phone: str = "",
    summary: str = "",
    deputy: Deputy | None = None,
    booking: Booking | None = None,
    opinions: list[dict] | None = None,
    consent: bool = False,
) -> Visit:
    """Record one visitor and the opinions they raised; each opinion enters 民意直通车 at once.

    ``opinions``: dicts with ``content`` (required), optional ``title`` and ``category`` (a Category).
    ``deputy``: the receiving deputy; a deputy recording for themselves is always that deputy.
    """
    day = ReceptionDay.objects.select_related("station").get(pk=day.pk)
    if not may_record(actor, day):
        raise ValidationError("只有该接待日的值班代表或本家站点工作人员，才能在接待日当天及以后记录来访。")
    on_duty = on_duty_deputies(day)
    if actor.role == Role.DEPUTY:
        deputy = next(d for d in on_duty if d.pk == actor.deputy_id)
    elif deputy is not None and deputy.pk not in {d.pk for d in on_duty} | set(
        station_deputies(day.station).values_list("pk", flat=True)
    ):
        raise ValidationError({"deputy": "接待代表应为本次值班代表或本家站点的代表。"})
    opinions = [o for o in (opinions or []) if (o.get("content") or "").strip()]
    if len(opinions) > MAX_OPINIONS_PER_VISIT:
        raise ValidationError(f"一次来访最多记录 {MAX_OPINIONS_PER_VISIT} 条意见。")
    if not opinions and not (summary or "").strip():
        raise ValidationError({"summary": "请填写接待情况，或至少记录一条群众意见。"})
    if opinions and not consent:
        raise ValidationError({"consent": "请向来访群众说明隐私说明并取得同意后再录入意见。"})
    if booking is not None and booking.day_id != day.pk:
        raise ValidationError({"booking": "该预约不属于本接待日。"})
    visit = Visit.objects.create(
        day=day, booking=booking, visitor_name=(visitor_name or "").strip()[:50],
        visitor_phone=mask_phone(phone) if phone else "", summary=(summary or "").strip(),
        deputy=deputy, recorded_by=actor,
    )  # fmt: skip
    verified = bool(booking and booking.phone_verified and booking.phone == phone)
    links = []
    for item in opinions:
        category = item.get("category")
        opinion, _created = opinion_submit(
            actor=actor,
            data=OpinionInput(
                content=item["content"], title=(item.get("title") or "").strip()[:100],
                category=category if isinstance(category, Category) else None,
                channel=Channel.RECEPTION, deputy=deputy, station=day.station,
                citizen_name=visit.visitor_name, phone=phone or "", phone_verified=verified, consent=True,
            ),  # fmt: skip
            register_now=True,
        )
        links.append(VisitOpinion(visit=visit, opinion=opinion))
    VisitOpinion.objects.bulk_create(links)
    if booking is not None and booking.status in (BookingStatus.BOOKED, BookingStatus.NO_SHOW):
        booking.status = BookingStatus.ATTENDED
        booking.save(update_fields=["status"])
    if day.status == DayStatus.SCHEDULED:
        day_mark_held(actor=None, day=day)
    if actor.role == Role.DEPUTY:  # the deputy who records on their day was evidently there
        DutyShift.objects.filter(day=day, deputy_id=actor.deputy_id, status=ShiftStatus.SCHEDULED).update(
            status=ShiftStatus.ATTENDED, updated_at=timezone.now()
        )
    audit_record(actor=actor, action="reception.visit.record", target=visit, note=f"意见 {len(links)} 条")
    return visit


@transaction.atomic
def visit_link_opinion(*, actor: User, visit: Visit, opinion: Opinion) -> VisitOpinion:
    """Link an opinion already in the loop (e.g. submitted online before the visit) to a visit."""
    if not may_record(actor, visit.day) or not can_see(actor, opinion):
        raise ValidationError("您不能关联这条意见。")
    link, _ = VisitOpinion.objects.get_or_create(visit=visit, opinion=opinion)
    audit_record(actor=actor, action="reception.visit.link", target=visit, note=opinion.tracking_code)
    return link


# --- reminders (the worker's tick) ----------------------------------------------------------------


def reminders_tick(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind each on-duty deputy of tomorrow's (or, after downtime, today's) duty, once.

    Each shift is claimed with a conditional UPDATE on ``reminded_at``: never twice, even with two workers.
    Also keeps open-ended plans generated ``EXTEND_AHEAD_DAYS`` ahead.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reception_reminded": 0, "reception_days_generated": 0}
    due = DutyShift.objects.filter(
        reminded_at=None,
        status__in=[ShiftStatus.SCHEDULED, ShiftStatus.SUBSTITUTED],
        day__status=DayStatus.SCHEDULED,
        day__date__gte=today,
        day__date__lte=today + datetime.timedelta(days=1),
    )
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            if DutyShift.objects.filter(pk=pk, reminded_at=None).update(reminded_at=now) != 1:
                continue
            shift = DutyShift.objects.select_related("day__station", "deputy", "substitute").get(pk=pk)
            deputy = shift.on_duty
            if deputy is None:
                continue
            day = shift.day
            context = {
                "date": f"{day.date:%m月%d日}", "time": f"{day.start_time:%H:%M}-{day.end_time:%H:%M}",
                "station": day.station.name, "place": day.where,
            }  # fmt: skip
            users = User.objects.filter(role=Role.DEPUTY, is_active=True, deputy=deputy)
            notify_users(users, "notice.reception_duty", context, url=_day_url(day))
            if deputy.phone:
                sms_queue(deputy.phone, "sms.reception_duty", context)
            counts["reception_reminded"] += 1
    horizon = today + datetime.timedelta(days=EXTEND_AHEAD_DAYS)
    stale = ReceptionPlan.objects.filter(is_active=True, ends_on=None).filter(
        Q(generated_until__lt=horizon) | Q(generated_until=None)
    )
    for plan in stale.select_related("station")[:50]:
        with transaction.atomic():
            counts["reception_days_generated"] += plan_generate(
                actor=None, plan=plan, until=today + datetime.timedelta(days=HORIZON_DAYS)
            )
    return counts
