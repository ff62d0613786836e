"""信息发布 in a real browser: staff write a notice, attach a PDF, publish it and push it to one
station's deputies; the deputy (phone) sees it unread, first, with a badge on the console home, and
opens it; staff then see the read receipt.

Screenshots go to test-results/screenshots/ (notices-*.png) — look at them after a change.
"""

import datetime

import pytest
from django.utils import timezone

from renda.core.models import Role, User
from renda.notices import services as svc
from renda.notices.models import Notice, NoticeStatus, Push, PushRecipient
from tests.browser.conftest import PHONE
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def notice_world(transactional_db):
    w = build_world()
    deputy_user = w.deputy_user_a
    deputy_user.set_password(PASSWORD)
    deputy_user.display_name = w.deputy_a.name
    deputy_user.save(update_fields=["password", "display_name"])
    staff = User.objects.create_user("j_staff", password=PASSWORD, role=Role.CONGRESS_STAFF,
                                     display_name="选联工委干部", congress=w.congress_a)  # fmt: skip
    # Two earlier pushes: an older one still unread, a newer one already read.
    now = timezone.now()
    for title, days, read in (("关于报送年度履职情况的通知", 5, False), ("代表学习培训安排", 1, True)):
        notice = svc.notice_create(actor=staff, congress=w.congress_a, kind="notice", title=title,
                                   body="请各位代表按时完成。", publish_public=False)  # fmt: skip
        svc.notice_transition(actor=staff, notice=notice, to=NoticeStatus.PUBLISHED)
        push = svc.push_send(actor=staff, notice=notice, audience=svc.Audience(stations=[w.station_a]))
        Push.objects.filter(pk=push.pk).update(sent_at=now - datetime.timedelta(days=days))
        if read:
            PushRecipient.objects.filter(push=push).update(read_at=now - datetime.timedelta(hours=20))
    return {"world": w, "staff": staff, "deputy_user": deputy_user}


def _context(browser, *, phone: bool):
    if phone:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.on("dialog", lambda dialog: dialog.accept())
    return context


def _log_in(page, url: str, user: User) -> None:
    page.goto(url + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_publish_push_read_receipt(browser, live_server, notice_world, shot):
    w, staff = notice_world["world"], notice_world["staff"]
    title = "关于召开12月份代表活动日的通知"

    # Staff write the notice, attach a PDF and publish it (also on the public site).
    desk_ctx = _context(browser, phone=False)
    desk = desk_ctx.new_page()
    _log_in(desk, live_server.url, staff)
    desk.goto(live_server.url + "/console/notices/")
    desk.get_by_role("link", name="新建信息").click()
    desk.wait_for_load_state()
    desk.select_option("select[name=kind]", "notice")
    desk.fill("input[name=title]", title)
    desk.fill("input[name=summary]", "请进站代表于12月5日参加代表活动日。")
    desk.fill(
        "textarea[name=body]",
        "各位代表：\n\n## 一、时间地点\n- 时间：12月5日上午9:00\n- 地点：长安街道人大代表之家\n\n"
        "## 二、要求\n请**按时参加**，并提前准备群众意见建议。",
    )
    desk.check("input[name=publish_public]")
    shot(desk, "notices-01-staff-write")
    desk.get_by_role("button", name="保存").click()
    desk.wait_for_load_state()
    desk.get_by_text("已保存草稿").wait_for()
    desk.set_input_files(
        "input[name=file]", files=[{"name": "活动安排.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    desk.get_by_role("button", name="上传", exact=True).click()
    desk.wait_for_load_state()
    desk.get_by_text("已上传附件").wait_for()
    desk.get_by_role("button", name="发布", exact=True).click()
    desk.wait_for_load_state()
    desk.get_by_text("已发布。").wait_for()
    notice = Notice.objects.get(title=title)
    assert notice.status == NoticeStatus.PUBLISHED and notice.is_public
    shot(desk, "notices-02-staff-published")

    # Push to station A's deputies: preview the count, then send.
    desk.get_by_role("link", name="精准推送").click()
    desk.wait_for_load_state()
    desk.select_option("select[name=stations]", [str(w.station_a.pk)])
    desk.get_by_role("button", name="预览人数").click()
    desk.wait_for_load_state()
    desk.get_by_text("共有 1 名代表符合").wait_for()
    shot(desk, "notices-03-staff-push-preview")
    desk.get_by_role("button", name="确认推送").click()
    desk.wait_for_load_state()
    desk.get_by_text("已推送给 1 名代表").wait_for()
    shot(desk, "notices-04-staff-receipt-unread")
    receipt_url = desk.url

    # The deputy on a phone: the home page shows the unread count; the new notice is first and unread.
    phone_ctx = _context(browser, phone=True)
    phone = phone_ctx.new_page()
    _log_in(phone, live_server.url, notice_world["deputy_user"])
    phone.goto(live_server.url + "/console/")
    phone.locator(".notice-home").get_by_text("2 条未读").wait_for()
    shot(phone, "notices-05-phone-home-badge")
    phone.goto(live_server.url + "/console/my-notices/")
    cards = phone.locator(".notice-card")
    assert cards.count() == 3
    assert title in cards.nth(0).inner_text() and "未读" in cards.nth(0).inner_text()
    assert "关于报送年度履职情况的通知" in cards.nth(1).inner_text()  # older, but unread: before the read one
    assert "代表学习培训安排" in cards.nth(2).inner_text()
    shot(phone, "notices-06-phone-my-notices-unread-first")
    cards.nth(0).locator("a").click()
    phone.wait_for_load_state()
    phone.get_by_role("heading", name=title).wait_for()
    assert phone.get_by_role("link", name="活动安排.pdf").is_visible()
    shot(phone, "notices-07-phone-notice-opened")
    phone.goto(live_server.url + "/console/my-notices/")
    after = phone.locator(".notice-card")
    assert "关于报送年度履职情况的通知" in after.nth(0).inner_text()  # the remaining unread one moves up
    assert title in after.nth(1).inner_text() and "未读" not in after.nth(1).inner_text()
    shot(phone, "notices-08-phone-after-reading")

    # Staff see the read receipt.
    desk.goto(receipt_url)
    desk.locator(".receipt-stats").wait_for()
    stats = desk.locator(".receipt-stats .stat-num").all_inner_texts()
    assert stats == ["1", "1", "0"]
    row = desk.locator("tbody tr", has_text=w.deputy_a.name)
    assert "已读" in row.inner_text()
    shot(desk, "notices-09-staff-receipt-read")

    # The public site lists it, with the attachment.
    public = _context(browser, phone=True).new_page()
    public.goto(live_server.url + "/notices/")
    public.get_by_role("link", name=title).click()
    public.wait_for_load_state()
    public.get_by_role("link", name="活动安排.pdf").wait_for()
    shot(public, "notices-10-public-detail")
    desk_ctx.close()
    phone_ctx.close()
