"""研判 in a real browser: congress staff open 答复质量 (a boilerplate reply flagged), 民意趋势 (the ECharts
chart draws under the strict CSP), generate this month's 月度分析 and see its sections; on a phone,
station staff see their station's analysis.

Screenshots go to test-results/screenshots/ (analysis-*.png) — look at them after a change.
"""

import pytest
from django.utils import timezone

from renda.analysis import services
from tests.analysis.conftest import replied
from tests.browser.conftest import PHONE
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
BOILERPLATE = "您好！您的留言已收悉，已转相关部门处理，谢谢！"


@pytest.fixture
def analysis_world(transactional_db):
    w = build_world()
    for user in (w.staff_a, w.station_staff_a):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    replied(w)
    replied(w, BOILERPLATE)
    replied(w, message="长安街道菜市场门口占道经营严重，希望城管管一管。", content=BOILERPLATE)
    services.reply_checks_run()
    return w


def _log_in(page, url: str, user) -> None:
    page.goto(url + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_staff_quality_trends_monthly(browser, live_server, analysis_world, shot):
    w = analysis_world
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, live_server.url, w.staff_a)
    page.goto(live_server.url + "/console/analysis/quality/")
    assert page.locator("table.queue tbody tr").count() == 3
    assert page.get_by_text("内容过简").first.is_visible()
    shot(page, "analysis-01-quality")

    page.goto(live_server.url + "/console/analysis/trends/")
    page.wait_for_selector("#analysis-chart canvas")
    assert page.get_by_role("cell", name="路灯", exact=True).first.is_visible()
    shot(page, "analysis-02-trends")

    month = timezone.localdate().strftime("%Y-%m")
    page.goto(live_server.url + f"/console/analysis/monthly/?month={month}")
    page.get_by_role("button", name="立即生成").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="七、群众不满意事项").is_visible()
    assert page.get_by_role("link", name="下载 PDF").is_visible()
    shot(page, "analysis-03-monthly")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


def test_station_staff_on_a_phone(browser, live_server, analysis_world, shot):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, analysis_world.station_staff_a)
    page.goto(live_server.url + "/console/analysis/monthly/?month=" + timezone.localdate().strftime("%Y-%m"))
    assert page.get_by_text("以下为本家站点事项的实时统计").is_visible()
    assert page.get_by_role("heading", name="一、总体情况").is_visible()
    shot(page, "analysis-04-station-phone")
    context.close()
