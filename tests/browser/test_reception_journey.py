"""选民接待日 in a real browser: a citizen books a slot on a phone; the on-duty deputy records two opinions.

Screenshots go to test-results/screenshots/ (reception-*.png) — look at them after a change.
"""

import datetime
import re

import pytest
from django.utils import timezone

from renda.core.models import SmsMessage
from renda.opinions.models import Channel, Opinion
from renda.reception import services
from renda.reception.models import Booking, DutyShift, PlanKind
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(world, date):
    plan = services.plan_create(
        actor=world.admin, station=world.station_a, title="选民接待日", kind=PlanKind.ONCE, starts_on=date,
        start_time=datetime.time(9, 0), end_time=datetime.time(11, 30), slot_minutes=30, slot_capacity=3,
        announce_days=3,
    )  # fmt: skip
    day = plan.days.get()
    DutyShift.objects.create(day=day, deputy=world.deputy_a)
    return day


def test_citizen_books_and_deputy_records_two_opinions(live_server, browser, phone_page, shot):
    world = build_world()
    today = timezone.localdate()
    upcoming = _day(world, today + datetime.timedelta(days=2))
    page = phone_page
    page.goto(f"{live_server.url}/reception/")
    assert world.station_a.name in page.content()
    shot(page, "reception-01-calendar-phone")

    page.locator(f"a[href='/reception/{upcoming.pk}/book/']").click()
    page.wait_for_selector("input[name=slot]")
    page.locator("input[name=slot][value='10:00']").check()
    page.fill("#id_name", "张晓梅")
    phone = "13912345678"
    page.fill("#id_phone", phone)
    page.click("#sms-button")
    page.wait_for_selector("#sms-status *", timeout=10000)
    code = re.search(r"\d{6}", SmsMessage.objects.filter(phone=phone, template_key="sms.verify").latest("id").text)
    page.fill("#id_sms_code", code.group(0))
    page.fill("#id_topic", "小区门口的路口没有红绿灯，孩子上学不安全")
    page.check("input[name=consent]")
    shot(page, "reception-02-book-phone")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".booking-code")
    booking = Booking.objects.get()
    assert page.locator(".booking-code").inner_text().strip() == booking.code
    assert booking.slot_start == datetime.time(10, 0) and booking.phone_verified
    shot(page, "reception-03-booked-phone")

    # the deputy on duty today records a visitor with two opinions, on a phone
    today_day = _day(world, today)
    world.deputy_user_a.set_password("journey-pass-2026")
    world.deputy_user_a.save()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  locale="zh-CN")  # fmt: skip
    deputy_page = context.new_page()
    deputy_page.goto(live_server.url + "/console/login/")
    deputy_page.fill("input[name=username]", world.deputy_user_a.username)
    deputy_page.fill("input[name=password]", "journey-pass-2026")
    deputy_page.locator("main button[type=submit]").click()
    deputy_page.wait_for_load_state()
    deputy_page.goto(f"{live_server.url}/console/reception/")
    shot(deputy_page, "reception-04-deputy-days-phone")
    deputy_page.locator(f"a[href='/console/reception/days/{today_day.pk}/']").first.click()
    deputy_page.wait_for_selector(".rc-record")
    shot(deputy_page, "reception-05-day-phone")
    deputy_page.locator(".rc-record").click()
    deputy_page.wait_for_selector("#id_opinion_1")
    deputy_page.fill("#id_visitor_name", "周大爷")
    deputy_page.fill("#id_phone", "13877778888")
    deputy_page.fill("#id_summary", "反映菜市场和电梯两件事，已答复将跟进。")
    deputy_page.fill("#id_opinion_1", "长安街菜市场门口占道经营严重，早高峰车辆无法通行。")
    deputy_page.fill("#id_opinion_2", "光明社区3号楼电梯一个月坏了三次，老人上下楼困难。")
    deputy_page.check("input[name=consent]")
    shot(deputy_page, "reception-06-visit-form-phone")
    deputy_page.locator("main .form-actions button[type=submit]").click()
    deputy_page.wait_for_selector(".msg-success")
    assert deputy_page.locator(".msg-error").count() == 0
    shot(deputy_page, "reception-07-recorded-phone")
    opinions = list(Opinion.objects.filter(channel=Channel.RECEPTION).order_by("pk"))
    assert len(opinions) == 2 and all(o.deputy_id == world.deputy_a.pk and o.case_id for o in opinions)

    deputy_page.goto(f"{live_server.url}/console/opinions/")
    body = deputy_page.content()
    for o in opinions:
        assert o.tracking_code in body or o.display_title in body
    shot(deputy_page, "reception-08-opinion-list-phone")

    # the same deputy cannot come to the upcoming day: asks for leave from its page
    deputy_page.goto(f"{live_server.url}/console/reception/days/{upcoming.pk}/")
    deputy_page.get_by_text("不能参加？请假").click()
    deputy_page.fill("input[name=reason]", "参加区人大常委会会议")
    shot(deputy_page, "reception-09-leave-phone")
    deputy_page.get_by_role("button", name="提交请假").click()
    deputy_page.wait_for_selector(".msg-success")
    shot(deputy_page, "reception-10-on-leave-phone")
    assert DutyShift.objects.get(day=upcoming).status == "leave"
    context.close()


def test_station_staff_plans_days_and_arranges_a_substitute(live_server, desktop_page, shot):
    from renda.registry import services as reg

    world = build_world()
    sub = reg.deputy_create(actor=None, name="陈替班", gender="M", phone="13900003333")
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=sub)
    world.station_staff_a.set_password("journey-pass-2026")
    world.station_staff_a.save()
    page = desktop_page
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", world.station_staff_a.username)
    page.fill("input[name=password]", "journey-pass-2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/console/reception/plans/new/")
    page.select_option("#id_station", str(world.station_a.pk))
    page.fill("#id_title", "每月9日、19日选民接待日")
    page.select_option("#id_kind", "monthly_days")
    page.fill("#id_month_days", "9,19")
    page.fill("#id_starts_on", timezone.localdate().isoformat())
    shot(page, "reception-09-plan-form-desktop")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".msg-success")
    shot(page, "reception-10-plan-detail-desktop")
    page.locator("main .plain-list a").first.click()
    page.wait_for_selector("#roster")
    page.locator("#roster select[name=deputy]").select_option(label=world.deputy_a.name)
    page.locator("#roster button", has_text="安排值班").click()
    page.wait_for_selector(".rc-roster")
    row = page.locator(".rc-roster li").first
    row.locator("select[name=status]").select_option("substituted")
    row.locator("select[name=substitute]").select_option(label=sub.name)
    row.locator("input[name=note]").fill("因公出差")
    row.locator("button", has_text="保存").click()
    page.wait_for_selector(".msg-success")
    assert DutyShift.objects.get().substitute_id == sub.pk
    shot(page, "reception-11-roster-substitute-desktop")
