import datetime

import pytest

from renda.opinions.models import Channel, Opinion
from renda.reception import services
from renda.reception.models import Booking, BookingStatus, DutyShift, PlanKind, ReceptionPlan, ShiftStatus, Visit
from renda.registry import services as reg
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
LISTS = ["/console/reception/", "/console/reception/shifts/", "/console/reception/bookings/",
         "/console/reception/visits/", "/console/reception/plans/"]  # fmt: skip


def status(client, url, method="get", **data):
    return getattr(client, method)(url, data).status_code


def test_day_page_owner_member_outsider(client, world, login, make_day, today):
    day = make_day(today + 2 * DAY, deputy=world.deputy_a)
    url = f"/console/reception/days/{day.pk}/"
    assert status(login(world.station_staff_a), url) == 200  # owner: the station's staff
    assert status(login(world.staff_a), url) == 200  # the county's staff
    assert status(login(world.deputy_user_a), url) == 200  # member: the deputy on duty
    other = reg.deputy_create(actor=None, name="孙其他", gender="F")
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=other)
    assert status(login(make_user("other_dep", "deputy", deputy=other)), url) == 404  # not on the roster
    assert status(login(world.staff_b), url) == 404  # outsider
    assert status(login(world.handler_a), url) == 403  # no capability
    client.logout()
    assert status(client, url) == 302


def test_manage_actions_are_scoped(client, world, login, make_day, today):
    day = make_day(today, deputy=world.deputy_a)
    shift = day.shifts.get()
    booking = Booking.objects.create(day=day, slot_start=datetime.time(9, 0), code="QWERTY23", name="甲",
                                     phone="13800000001")  # fmt: skip
    for user, expected in ((world.staff_b, 404), (world.deputy_user_a, 403)):
        c = login(user)
        assert status(c, f"/console/reception/shifts/{shift.pk}/mark/", "post", status="attended") == expected
        assert status(c, f"/console/reception/bookings/{booking.pk}/mark/", "post", status="no_show") == expected
        assert status(c, f"/console/reception/days/{day.pk}/cancel/", "post", reason="x") == expected
    c = login(world.station_staff_a)
    assert status(c, f"/console/reception/shifts/{shift.pk}/mark/", "post", status="attended") == 302
    assert status(c, f"/console/reception/bookings/{booking.pk}/mark/", "post", status="no_show") == 302
    shift.refresh_from_db()
    booking.refresh_from_db()
    assert shift.status == ShiftStatus.ATTENDED and booking.status == BookingStatus.NO_SHOW


def test_plan_create_page(client, world, login, today):
    c = login(world.station_staff_a)
    assert status(c, "/console/reception/plans/new/") == 200
    body = c.post("/console/reception/plans/new/", {
        "station": world.station_a.pk, "title": "每月15日接待", "kind": PlanKind.MONTHLY_DAYS, "month_days": "",
        "starts_on": today.isoformat(), "start_time": "09:00", "end_time": "11:30", "slot_minutes": 30,
        "slot_capacity": 3, "announce_days": 3,
    }).content.decode()  # fmt: skip
    assert "请填写每月的接待日期" in body
    response = c.post("/console/reception/plans/new/", {
        "station": world.station_a.pk, "title": "单月15日接待", "kind": PlanKind.MONTHLY_DAYS, "month_days": "15",
        "months": "1,3,5,7,9,11", "starts_on": today.isoformat(), "start_time": "09:00", "end_time": "11:30",
        "slot_minutes": 30, "slot_capacity": 3, "announce_days": 3,
    })  # fmt: skip
    plan = ReceptionPlan.objects.get()
    assert response.status_code == 302 and plan.days.count() == 6
    assert status(c, f"/console/reception/plans/{plan.pk}/") == 200
    assert status(login(world.staff_b), f"/console/reception/plans/{plan.pk}/") == 404  # outsider
    assert status(login(world.deputy_user_a), "/console/reception/plans/new/") == 403  # member without capability
    body = login(world.staff_b).get("/console/reception/plans/new/").content.decode()
    assert world.station_a.name not in body  # the station choice is scoped


def test_roster_editing_through_the_page(client, world, login, make_day, today):
    day = make_day(today + 2 * DAY)
    c = login(world.station_staff_a)
    c.post(f"/console/reception/days/{day.pk}/shifts/", {"deputy": world.deputy_a.pk})
    assert DutyShift.objects.filter(day=day, deputy=world.deputy_a).exists()
    response = c.post(f"/console/reception/days/{day.pk}/shifts/", {"deputy": world.deputy_b.pk}, follow=True)
    assert "请选择本家站点的代表" in response.content.decode()
    shift = DutyShift.objects.get()
    c.post(f"/console/reception/shifts/{shift.pk}/remove/")
    assert not DutyShift.objects.exists()


def test_deputy_asks_for_leave_from_the_day_page(client, world, login, make_day, today):
    day = make_day(today + 2 * DAY, deputy=world.deputy_a)
    shift = day.shifts.get()
    url = f"/console/reception/days/{day.pk}/"
    deputy = login(world.deputy_user_a)
    assert "不能参加？请假" in deputy.get(url).content.decode()  # owner: the deputy on the roster
    assert "不能参加？请假" not in login(world.station_staff_a).get(url).content.decode()  # staff record it instead
    leave = f"/console/reception/shifts/{shift.pk}/leave/"
    assert status(login(world.staff_b), leave, "post", reason="x") == 404  # outsider
    other = reg.deputy_create(actor=None, name="孙其他", gender="F")
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=other)
    member = login(make_user("other_dep2", "deputy", deputy=other))
    assert status(member, leave, "post", reason="x") == 404  # another deputy of the station: not their shift
    page = login(world.deputy_user_a).post(leave, {"reason": "外出学习"}, follow=True).content.decode()
    assert "已请假" in page and "外出学习" in page
    assert DutyShift.objects.get(pk=shift.pk).status == ShiftStatus.LEAVE


def test_deputy_records_two_opinions_on_the_phone_form(client, world, login, make_day, today):
    day = make_day(today, deputy=world.deputy_a)
    c = login(world.deputy_user_a)
    url = f"/console/reception/days/{day.pk}/visit/"
    assert status(c, url) == 200
    response = c.post(url, {"visitor_name": "周大爷", "phone": "13877778888", "summary": "反映两件事",
                            "opinion_1": "菜市场门口占道经营", "opinion_2": "小区电梯经常故障", "consent": "1"})  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.deputy == world.deputy_a and visit.links.count() == 2
    body = c.get("/console/opinions/").content.decode()
    for o in Opinion.objects.filter(channel=Channel.RECEPTION):
        assert o.tracking_code in body or o.display_title in body
    body = c.get(f"/console/reception/days/{day.pk}/").content.decode()
    assert "周大爷" in body and "菜市场门口占道经营" in body
    # outsider and a not-yet day
    assert status(login(world.staff_b), url) == 404
    future = make_day(today + 2 * DAY, deputy=world.deputy_a)
    assert status(login(world.deputy_user_a), f"/console/reception/days/{future.pk}/visit/") == 403


def test_visit_form_errors(client, world, login, make_day, today):
    day = make_day(today)
    body = login(world.station_staff_a).post(f"/console/reception/days/{day.pk}/visit/",
                                             {"opinion_1": "x", "phone": "12"}).content.decode()  # fmt: skip
    assert "请填写正确的 11 位手机号" in body
    body = login(world.station_staff_a).post(f"/console/reception/days/{day.pk}/visit/",
                                             {"opinion_1": "路面坑洼"}).content.decode()  # fmt: skip
    assert "隐私说明" in body


@pytest.fixture
def filled(world, make_day, today):
    """Rows at both stations: days, shifts, bookings, visits."""
    rows = []
    for station, deputy, staff in ((world.station_a, world.deputy_a, world.station_staff_a),
                                   (world.station_b, world.deputy_b, world.staff_b)):  # fmt: skip
        for i in range(3):
            day = make_day(today - i * DAY, station=station, deputy=deputy, actor=world.admin)
            Booking.objects.create(day=day, slot_start=datetime.time(9, 0), code=f"C{station.pk}X{i}ABC",
                                   name=f"预约人{i}", phone=f"1380000{station.pk}00{i}")  # fmt: skip
            services.visit_record(actor=staff, day=day, visitor_name=f"来访{i}", summary="来访情况")
            rows.append(day)
    return rows


@pytest.mark.parametrize("url", LISTS)
def test_lists_are_scoped_searchable_and_exportable(client, world, login, filled, url, django_assert_max_num_queries):
    c = login(world.station_staff_a)
    with django_assert_max_num_queries(14):
        response = c.get(url, {"when": "past"} if url.endswith("/reception/") else {})
    assert response.status_code == 200
    body = response.content.decode()
    assert world.station_b.name not in body.split("<table>")[-1] if "<table>" in body else True
    export = c.get(url, {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(url, {"q": "不存在的名字"}).status_code == 200


def test_day_list_outsider_sees_nothing_of_ours(client, world, login, filled):
    body = login(world.staff_b).get("/console/reception/", {"when": "past"}).content.decode()
    assert world.station_a.name not in body and world.station_b.name in body
    body = login(world.deputy_user_a).get("/console/reception/shifts/").content.decode()
    assert world.station_a.name in body and world.station_b.name not in body
    body = login(world.staff_a).get("/console/reception/bookings/", {"q": "预约人1"}).content.decode()
    assert "预约人1" in body and "预约人2" not in body
    assert login(world.handler_a).get("/console/reception/").status_code == 403


def test_nav_entry_for_station_staff_and_deputies(client, world, login):
    assert "/console/reception/" in login(world.station_staff_a).get("/console/").content.decode()
    assert "/console/reception/" in login(world.deputy_user_a).get("/console/").content.decode()
    assert "/console/reception/" not in login(world.handler_a).get("/console/").content.decode()


def test_home_and_opinion_panels(client, world, login, make_day, today):
    day = make_day(today, deputy=world.deputy_a)
    c = login(world.deputy_user_a)
    assert "选民接待日" in c.get("/console/").content.decode() and f"/console/reception/days/{day.pk}/" in c.get(
        "/console/"
    ).content.decode()
    visit = services.visit_record(actor=world.deputy_user_a, day=day, summary="当面反映", consent=True,
                                  opinions=[{"content": "路灯不亮"}])  # fmt: skip
    opinion = visit.links.get().opinion
    body = c.get(f"/console/opinions/{opinion.pk}/").content.decode()
    assert "来自选民接待日" in body
    assert "来自选民接待日" not in login(world.staff_b).get(f"/console/opinions/{opinion.pk}/").content.decode()


def test_plan_deactivate_and_day_edit_pages(client, world, login, make_plan, today):
    plan = make_plan(kind=PlanKind.WEEKLY, weekdays="0,1,2,3,4,5,6", starts_on=today + DAY, ends_on=today + 3 * DAY)
    day = plan.days.order_by("date").first()
    assert status(login(world.staff_b), f"/console/reception/plans/{plan.pk}/deactivate/", "post") == 404
    c = login(world.station_staff_a)
    c.post(f"/console/reception/days/{day.pk}/edit/", {"topic": "老旧小区改造专题", "place": "社区会议室"})
    day.refresh_from_db()
    assert day.topic == "老旧小区改造专题" and day.where == "社区会议室"
    response = c.post(f"/console/reception/plans/{plan.pk}/deactivate/", {"reason": "场地维修"}, follow=True)
    assert "取消了 3 个未来的接待日" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_active
    assert "近期暂无" in client.get("/reception/").content.decode()  # cancelled days leave the public calendar
