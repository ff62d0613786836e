"""履职活动 in a real browser: staff show the check-in QR code, a deputy opens the URL it encodes on a
phone (logging in on the way), confirms the check-in, and staff then read the compliance view.

Screenshots go to test-results/screenshots/ (activities-*.png) — look at them after a change.
"""

import datetime

import pytest
from django.utils import timezone

from renda.activities import services
from renda.activities.models import ActivityKind, ActivityStatus, Participant
from renda.core.models import Role, User
from renda.registry import services as reg
from tests.browser.conftest import PHONE
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"


@pytest.fixture
def activity_world(transactional_db):
    w = build_world()
    deputy_user = w.deputy_user_a
    deputy_user.set_password(PASSWORD)
    deputy_user.display_name = w.deputy_a.name
    deputy_user.save(update_fields=["password", "display_name"])
    staff = User.objects.create_user("j_staff", password=PASSWORD, role=Role.CONGRESS_STAFF,
                                     display_name="选联工委干部", congress=w.congress_a)  # fmt: skip
    lagging = reg.deputy_create(actor=None, name="陈落后", gender="M")
    reg.station_assign_deputy(actor=None, station=w.station_a, deputy=lagging)
    year = timezone.localdate().year
    services.standard_save(actor=staff, congress=w.congress_a, year=year, min_reception_days=2,
                           min_activities_per_deputy=4, min_activities_per_station=12)  # fmt: skip
    services.plan_save(actor=staff, station=w.station_a, year=year, counts={"forum": 6, "study": 4, "research": 2})
    starts = timezone.now() - datetime.timedelta(minutes=20)
    activity = services.activity_create(
        actor=staff, kind=ActivityKind.FORUM, title="“有事好商量”民生议事座谈会", congress=w.congress_a,
        station=w.station_a, division=w.station_a.division, starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2), place="长安街道人大代表之家会议室",
    )  # fmt: skip
    services.participants_invite(actor=staff, activity=activity, deputies=[w.deputy_a, lagging])
    return {"world": w, "staff": staff, "deputy_user": deputy_user, "activity": activity, "lagging": lagging}


def _context(browser, *, phone: bool):
    if phone:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.on("dialog", lambda dialog: dialog.accept())
    return context


def _log_in(page, user: User) -> None:
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_qr_checkin_and_compliance(browser, live_server, activity_world, shot):
    w, staff, activity = activity_world["world"], activity_world["staff"], activity_world["activity"]

    # Staff open the activity: the check-in QR code and the URL it encodes.
    staff_ctx = _context(browser, phone=False)
    desk = staff_ctx.new_page()
    desk.goto(live_server.url + "/console/login/")
    _log_in(desk, staff)
    desk.goto(f"{live_server.url}/console/activities/{activity.pk}/")
    qr = desk.locator("#checkin img")
    qr.wait_for()
    assert desk.evaluate("document.querySelector('#checkin img').naturalWidth") > 0
    checkin_url = desk.locator(".small-url").inner_text().strip()
    assert checkin_url.startswith(live_server.url) and activity.checkin_token in checkin_url
    shot(desk, "activities-01-staff-activity-with-qr")

    # The deputy scans the code on a phone: the URL asks them to log in, then offers the check-in.
    phone_ctx = _context(browser, phone=True)
    phone = phone_ctx.new_page()
    phone.goto(checkin_url)
    assert "/console/login/" in phone.url
    _log_in(phone, activity_world["deputy_user"])
    assert phone.url.endswith(f"/checkin/{activity.checkin_token}/")
    phone.get_by_role("button", name="确认签到").wait_for()
    shot(phone, "activities-02-phone-checkin-confirm")
    phone.get_by_role("button", name="确认签到").click()
    phone.wait_for_load_state()
    phone.get_by_text("签到成功").wait_for()
    phone.get_by_text("已签到").first.wait_for()
    shot(phone, "activities-03-phone-checked-in")
    p = Participant.objects.get(activity=activity, deputy=w.deputy_a)
    assert p.attended and p.method == "qr"

    # Staff see the attendance, record the activity as held, then read the compliance view.
    desk.goto(f"{live_server.url}/console/activities/{activity.pk}/")
    desk.get_by_role("button", name="登记为已举行").click()
    desk.wait_for_load_state()
    desk.get_by_text("已登记为已举行").wait_for()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD
    shot(desk, "activities-04-staff-attendance")
    desk.get_by_role("navigation").get_by_text("家站点履职").click()  # the grouped menu opens
    desk.get_by_role("navigation").get_by_role("link", name="履职达标").click()
    desk.wait_for_load_state()
    desk.locator("#deputies table").wait_for()
    rows = desk.locator("#deputies tbody tr")
    assert rows.nth(0).locator("td").nth(0).inner_text() == "陈落后"  # furthest behind first
    mine = desk.locator("#deputies tbody tr", has_text=w.deputy_a.name)
    assert mine.locator("td").nth(3).inner_text() == "1"
    assert "长安街道人大代表之家" in desk.locator("#stations").inner_text()
    shot(desk, "activities-05-staff-compliance")

    # The phone layout of the compliance view for staff on the move.
    staff_phone_ctx = _context(browser, phone=True)
    staff_phone = staff_phone_ctx.new_page()
    staff_phone.goto(live_server.url + "/console/login/")
    _log_in(staff_phone, staff)
    staff_phone.goto(f"{live_server.url}/console/activities/compliance/")
    staff_phone.locator("#stations table").wait_for()
    shot(staff_phone, "activities-06-phone-compliance")
    for page in (desk, phone, staff_phone):
        page.wait_for_load_state("networkidle")
    for context in (staff_ctx, phone_ctx, staff_phone_ctx):
        context.close()
