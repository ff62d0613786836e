import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.core.models import Notification, SmsMessage
from renda.handling.tick import deadlines_tick
from renda.opinions.models import Channel
from renda.opinions.selectors import opinion_inbox
from renda.reception import services
from renda.reception.models import (
    Booking,
    BookingStatus,
    DayStatus,
    DutyShift,
    PlanKind,
    ReceptionDay,
    ShiftStatus,
    VisitOpinion,
)
from renda.registry import services as reg

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def second_deputy(world):
    d = reg.deputy_create(actor=None, name="陈替班", gender="M", phone="13900003333")
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=d)
    return d


# --- plans ----------------------------------------------------------------------------------------


def test_weekly_plan_generates_a_year_of_days_idempotently(world, make_plan, today):
    plan = make_plan(kind=PlanKind.WEEKLY, weekdays="0", starts_on=today, ends_on=None)
    n = plan.days.count()
    assert 52 <= n <= 54
    assert all(d.date.weekday() == 0 for d in plan.days.all())
    assert services.plan_generate(actor=None, plan=plan) == 0
    assert plan.days.count() == n


def test_plan_validation_messages_are_chinese(world, make_plan, today):
    with pytest.raises(ValidationError) as exc:
        make_plan(kind=PlanKind.WEEKLY, weekdays="")
    assert "请选择每周的哪几天接待" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        make_plan(end_time=datetime.time(8, 0))
    assert "结束时间应晚于开始时间" in str(exc.value)


def test_plan_scope_owner_member_outsider(world, make_plan):
    assert make_plan(actor=world.station_staff_a).station == world.station_a  # owner
    assert make_plan(actor=world.staff_a, starts_on=timezone.localdate() + 3 * DAY).pk  # congress staff of county A
    with pytest.raises(ValidationError):  # outsider: county B's staff
        make_plan(actor=world.staff_b)
    with pytest.raises(ValidationError):  # member without the capability: a deputy
        make_plan(actor=world.deputy_user_a)


def test_deactivate_cancels_future_days_and_texts_bookings(world, make_plan, today):
    plan = make_plan(kind=PlanKind.WEEKLY, weekdays=",".join(str(i) for i in range(7)), starts_on=today + DAY,
                     ends_on=today + 5 * DAY)  # fmt: skip
    day = plan.days.order_by("date").first()
    services.booking_create(day=day, slot_start=datetime.time(9, 0), name="张三", phone="13811112222",
                            phone_verified=True)  # fmt: skip
    assert services.plan_deactivate(actor=world.station_staff_a, plan=plan) == 5
    assert not plan.days.filter(status=DayStatus.SCHEDULED).exists()
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert SmsMessage.objects.filter(phone="13811112222", template_key="sms.reception_cancelled").exists()


# --- roster ----------------------------------------------------------------------------------------------


def test_roster_only_station_deputies_no_duplicates(world, make_day, today):
    day = make_day(today + 2 * DAY)
    services.shift_assign(actor=world.station_staff_a, day=day, deputy=world.deputy_a)
    with pytest.raises(ValidationError, match="已在该接待日的值班名单中"):
        services.shift_assign(actor=world.station_staff_a, day=day, deputy=world.deputy_a)
    with pytest.raises(ValidationError, match="只能安排本家站点的代表"):
        services.shift_assign(actor=world.station_staff_a, day=day, deputy=world.deputy_b)


def test_substitution_and_illegal_moves(world, make_day, today):
    sub = second_deputy(world)
    day = make_day(today, deputy=world.deputy_a)
    shift = day.shifts.get()
    with pytest.raises(ValidationError, match="请选择替班代表"):
        services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.SUBSTITUTED)
    shift = services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.SUBSTITUTED, substitute=sub)
    assert shift.on_duty == sub
    with pytest.raises(ValidationError, match="不能改为“已到岗”"):
        services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.ATTENDED)
    with pytest.raises(ValidationError):  # outsider
        services.shift_mark(actor=world.staff_b, shift=shift, status=ShiftStatus.SCHEDULED)


def test_attendance_cannot_be_recorded_before_the_day(world, make_day, today):
    day = make_day(today + 3 * DAY, deputy=world.deputy_a)
    with pytest.raises(ValidationError, match="尚未到来"):
        services.shift_mark(actor=world.station_staff_a, shift=day.shifts.get(), status=ShiftStatus.ABSENT)


def test_deputy_asks_for_leave_staff_are_told_and_arrange_a_substitute(world, make_day, today):
    sub = second_deputy(world)
    day = make_day(today + 2 * DAY, deputy=world.deputy_a)
    shift = day.shifts.get()
    with pytest.raises(ValidationError, match="只有值班代表本人"):
        services.shift_request_leave(actor=world.station_staff_a, shift=shift, reason="有会")
    with pytest.raises(ValidationError, match="请填写请假原因"):
        services.shift_request_leave(actor=world.deputy_user_a, shift=shift, reason=" ")
    shift = services.shift_request_leave(actor=world.deputy_user_a, shift=shift, reason="参加市人大常委会会议")
    assert shift.status == ShiftStatus.LEAVE and shift.on_duty is None and "参加市人大常委会会议" in shift.note
    note = Notification.objects.get(user=world.station_staff_a, title__contains="请假")
    assert world.deputy_a.name in note.body and "安排替班" in note.body
    assert not Notification.objects.filter(user=world.staff_b, title__contains="请假").exists()
    with pytest.raises(ValidationError, match="不能改为“已请假”"):
        services.shift_request_leave(actor=world.deputy_user_a, shift=shift, reason="再请一次")
    shift = services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.SUBSTITUTED, substitute=sub)
    assert shift.on_duty == sub
    past = make_day(today - 2 * DAY, deputy=world.deputy_a)
    with pytest.raises(ValidationError, match="接待日已过"):
        services.shift_request_leave(actor=world.deputy_user_a, shift=past.shifts.get(), reason="晚了")


# --- bookings --------------------------------------------------------------------------------------------


def book(day, phone="13811112222", slot=datetime.time(9, 0), **kw):
    return services.booking_create(day=day, slot_start=slot, name="张三", phone=phone, phone_verified=True, **kw)


def test_booking_capacity_duplicate_and_sms(world, make_day, today):
    day = make_day(today + 2 * DAY)  # capacity 2 per slot
    b = book(day)
    assert len(b.code) == 8 and b.status == BookingStatus.BOOKED
    assert SmsMessage.objects.filter(phone=b.phone, template_key="sms.reception_booked").count() == 1
    with pytest.raises(ValidationError, match="已预约本次接待日"):
        book(day)
    book(day, phone="13811113333")
    with pytest.raises(ValidationError, match="已约满"):
        book(day, phone="13811114444")
    with pytest.raises(ValidationError, match="尚未开始的预约时段"):
        book(day, phone="13811114444", slot=datetime.time(9, 10))
    assert book(day, phone="13811114444", slot=datetime.time(10, 30)).pk


def test_booking_only_inside_the_announcement_window(world, make_day, today):
    day = make_day(today + 10 * DAY)  # announced 3 days ahead: not yet public
    with pytest.raises(ValidationError, match="暂未开放预约"):
        book(day)


def test_citizen_cancels_with_last_four_digits(world, make_day, today):
    b = book(make_day(today + 2 * DAY))
    with pytest.raises(ValidationError, match="手机号不正确"):
        services.booking_cancel_by_citizen(booking=b, phone="0000")
    assert services.booking_cancel_by_citizen(booking=b, phone="2222").status == BookingStatus.CANCELLED
    with pytest.raises(ValidationError, match="不能改为"):
        services.booking_cancel_by_citizen(booking=b, phone="2222")


def test_day_cancel_needs_a_reason_and_texts_bookings(world, make_day, today):
    day = make_day(today + 2 * DAY, deputy=world.deputy_a)
    book(day)
    with pytest.raises(ValidationError, match="请填写取消原因"):
        services.day_cancel(actor=world.station_staff_a, day=day, reason=" ")
    services.day_cancel(actor=world.station_staff_a, day=day, reason="台风")
    assert SmsMessage.objects.filter(template_key="sms.reception_cancelled").count() == 1
    assert Notification.objects.filter(user=world.deputy_user_a).exists()
    with pytest.raises(ValidationError, match="不能改为"):
        services.day_cancel(actor=world.station_staff_a, day=day, reason="again")


# --- visits -----------------------------------------------------------------------------------------------


def test_on_duty_deputy_records_two_opinions_into_the_loop(world, make_day, today):
    day = make_day(today, deputy=world.deputy_a)
    booking = Booking.objects.create(day=day, slot_start=datetime.time(9, 0), code="ABCDEFGH", name="李四",
                                     phone="13855556666", phone_verified=True)  # fmt: skip
    visit = services.visit_record(
        actor=world.deputy_user_a, day=day, visitor_name="李四", phone="13855556666", summary="反映小区问题",
        booking=booking, consent=True,
        opinions=[{"content": "小区门口路灯坏了"}, {"content": "垃圾清运不及时"}],
    )  # fmt: skip
    opinions = [link.opinion for link in VisitOpinion.objects.filter(visit=visit).select_related("opinion")]
    assert len(opinions) == 2
    for o in opinions:
        assert o.channel == Channel.RECEPTION and o.deputy == world.deputy_a and o.station == world.station_a
        assert o.case_id is not None and o.entered_by == world.deputy_user_a and o.phone_verified
    assert visit.visitor_phone == "138****6666"
    inbox = opinion_inbox(world.deputy_user_a)
    assert {o.pk for o in opinions} <= set(inbox.values_list("pk", flat=True))
    booking.refresh_from_db()
    day.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED and day.status == DayStatus.HELD
    assert DutyShift.objects.get(day=day).status == ShiftStatus.ATTENDED


def test_who_may_record(world, make_day, today):
    sub = second_deputy(world)
    from tests.conftest import make_user

    sub_user = make_user("sub", "deputy", deputy=sub)
    day = make_day(today, deputy=world.deputy_a)
    kw = dict(day=day, summary="来访", opinions=[])
    with pytest.raises(ValidationError, match="只有该接待日的值班代表"):
        services.visit_record(actor=sub_user, **kw)  # member of the station, not on duty
    with pytest.raises(ValidationError):
        services.visit_record(actor=world.staff_b, **kw)  # outsider
    assert services.visit_record(actor=world.station_staff_a, **kw).pk  # station staff
    shift = day.shifts.get()
    services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.ABSENT)
    with pytest.raises(ValidationError):
        services.visit_record(actor=world.deputy_user_a, **kw)  # absent
    services.shift_mark(actor=world.station_staff_a, shift=shift, status=ShiftStatus.SUBSTITUTED, substitute=sub)
    assert services.visit_record(actor=sub_user, **kw).deputy == sub  # the substitute now may
    future = make_day(today + 2 * DAY, deputy=world.deputy_a)
    with pytest.raises(ValidationError):
        services.visit_record(actor=world.deputy_user_a, day=future, summary="x")


def test_opinions_need_consent_and_content(world, make_day, today):
    day = make_day(today)
    with pytest.raises(ValidationError, match="隐私说明"):
        services.visit_record(actor=world.station_staff_a, day=day, opinions=[{"content": "x"}])
    with pytest.raises(ValidationError, match="请填写接待情况"):
        services.visit_record(actor=world.station_staff_a, day=day, opinions=[{"content": "  "}])


# --- reminders -----------------------------------------------------------------------------------------


def test_reminder_sent_once_the_day_before_and_to_the_substitute(world, make_day, today):
    sub = second_deputy(world)
    from tests.conftest import make_user

    sub_user = make_user("sub", "deputy", deputy=sub)
    tomorrow = make_day(today + DAY, deputy=world.deputy_a)
    later = make_day(today + 5 * DAY, deputy=world.deputy_a)
    now = timezone.now()
    assert services.reminders_tick(now)["reception_reminded"] == 1
    assert services.reminders_tick(now)["reception_reminded"] == 0
    assert Notification.objects.filter(user=world.deputy_user_a, title__contains="值班").count() == 1
    assert SmsMessage.objects.filter(phone=world.deputy_a.phone, template_key="sms.reception_duty").count() == 1
    assert later.shifts.get().reminded_at is None
    services.shift_mark(actor=world.station_staff_a, shift=tomorrow.shifts.get(), status=ShiftStatus.SUBSTITUTED,
                        substitute=sub)  # fmt: skip
    assert deadlines_tick(now)["reception_reminded"] == 1  # through the worker's tick hook
    assert Notification.objects.filter(user=sub_user).count() == 1


def test_reminder_catches_up_after_downtime_but_not_for_past_days(world, make_day, today):
    make_day(today, deputy=world.deputy_a)  # the worker was down yesterday: still reminded today
    past = make_day(today - 2 * DAY, deputy=world.deputy_a)
    assert services.reminders_tick()["reception_reminded"] == 1
    assert past.shifts.get().reminded_at is None


def test_tick_extends_open_ended_plans(world, make_plan, today):
    plan = make_plan(kind=PlanKind.WEEKLY, weekdays="2", starts_on=today, ends_on=None)
    ReceptionDay.objects.filter(plan=plan, date__gt=today + 30 * DAY).delete()
    plan.generated_until = today + 30 * DAY
    plan.save()
    counts = services.reminders_tick()
    assert counts["reception_days_generated"] > 40


def test_leave_reaches_the_congress_staff_where_a_station_has_no_accounts(world, make_day, today):
    world.station_staff_a.is_active = False
    world.station_staff_a.save(update_fields=["is_active"])
    day = make_day(today + 2 * DAY, deputy=world.deputy_a)
    services.shift_request_leave(actor=world.deputy_user_a, shift=day.shifts.get(), reason="出差")
    assert Notification.objects.filter(user=world.staff_a, title__contains="请假").exists()
    assert not Notification.objects.filter(user=world.staff_b, title__contains="请假").exists()
