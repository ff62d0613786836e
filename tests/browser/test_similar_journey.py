"""热点问题 in a real browser: repeated reports about one street lamp become a rising hotspot; staff find
it in the list, see its place on the (offline) map and adopt the proposed 重点约访.

Screenshots go to test-results/screenshots/ (similar-*.png) — look at them after a change.
"""

import pytest

from renda.core.models import Role, User
from renda.similar.models import ProposalStatus, VisitProposal
from tests.browser.conftest import PHONE
from tests.conftest import build_world
from tests.similar.helpers import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"


def test_rising_hotspot_map_and_visit(browser, live_server, transactional_db, shot):
    w = build_world()
    w.village_a.latitude, w.village_a.longitude = 45.75, 126.65
    w.village_a.save(update_fields=["latitude", "longitude"])
    for n in range(4):
        submit(w, n=n)
    staff = User.objects.create_user("h_staff", password=PASSWORD, role=Role.CONGRESS_STAFF,
                                     display_name="选联工委干部", congress=w.congress_a)  # fmt: skip

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    nav = page.get_by_role("navigation")
    nav.get_by_text("研判分析").click()  # grouped menu
    shot(page, "similar-00-grouped-menu")
    nav.get_by_role("link", name="热点问题").click()
    page.wait_for_load_state()
    assert page.url.endswith("/console/similar/hotspots/")
    link = page.locator("main table a").first
    link.wait_for()
    shot(page, "similar-01-hotspot-list")
    link.click()
    page.wait_for_load_state()
    page.locator("#station-map.leaflet-container").wait_for()
    page.locator(".leaflet-tooltip").get_by_text("光明社区").wait_for()
    shot(page, "similar-02-hotspot-with-map")

    page.get_by_role("button", name="采纳").click()
    page.wait_for_load_state()
    page.get_by_text("已采纳").first.wait_for()
    shot(page, "similar-03-visit-adopted")
    assert VisitProposal.objects.get().status == ProposalStatus.ACCEPTED
    context.close()

    # On a phone the menus open inline.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN").new_page()
    phone.goto(live_server.url + "/console/login/")
    phone.fill("input[name=username]", staff.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main button[type=submit]").click()
    phone.wait_for_load_state()
    phone.get_by_role("navigation").get_by_text("意见办理").click()
    phone.get_by_role("navigation").get_by_role("link", name="待交办").wait_for()
    shot(phone, "similar-04-phone-menu")
    phone.context.close()
