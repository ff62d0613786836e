"""Key journeys in a real browser (Debian chromium): a citizen on a phone, a staff import.

Screenshots go to test-results/screenshots/ — look at them after a change to a page.
"""

import io

import pytest
from openpyxl import Workbook

from renda.core.idnumbers import id_check_digit
from renda.demo import build_demo
from renda.registry.imports.specs import SPECS
from renda.registry.models import Deputy, Term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "renda-demo-2026"


def id_with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.fixture
def demo_city(transactional_db):
    return build_demo(scale=0.05)


def test_citizen_on_a_phone_finds_the_map_and_a_deputy(demo_city, live_server, phone_page, shot):
    page = phone_page
    page.goto(live_server.url + "/")
    assert "代表" in page.title() or page.locator("h1").count()
    shot(page, "01-home-phone")
    page.get_by_role("navigation", name="主导航").get_by_text("更多").click()  # the less frequent pages
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信息公开").wait_for()
    shot(page, "01b-home-phone-more-menu")
    page.get_by_role("navigation", name="主导航").get_by_text("更多").click()

    page.get_by_role("link", name="分布图").first.click()
    # Stations and outlines are drawn on a canvas; the status line counts the stations shown.
    page.wait_for_selector("#map canvas", timeout=15000)
    page.wait_for_function("document.querySelector('#map-status').textContent.includes('显示')")
    assert "个家站点" in page.locator("#map-status").inner_text()
    shot(page, "02-map-phone")

    page.goto(live_server.url + "/deputies/")
    page.locator("main a[href^='/deputies/D']").first.click()
    page.wait_for_selector("h1")
    html = page.content()
    deputy = Deputy.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[1])
    assert deputy.name in html
    assert deputy.phone not in html and deputy.id_number not in html
    shot(page, "03-deputy-phone")


def _roster_xlsx(term_number: int) -> bytes:
    spec = SPECS["deputies"]
    wb = Workbook()
    ws = wb.active
    ws.append(spec.headers)
    people = [("陈𠙶", "女", "1980"), ("刘建国", "男", "1975"), ("赵春梅", "女", "1990")]
    for i, (name, gender, year) in enumerate(people):
        values = {
            "姓名": name,
            "性别": gender,
            "身份证号": id_with_check_digit(f"990102{year}0101{i:02d}{1 if gender == '男' else 2}"),
            "人大层级": "县级",
            "行政区划代码": "990102",
            "届次": term_number,
            "选区": f"第{i + 1}选区",
        }
        ws.append([values.get(h, "") for h in spec.headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_county_staff_imports_a_roster(demo_city, live_server, desktop_page, shot, tmp_path):
    page = desktop_page
    term = Term.objects.filter(congress__division__code="990102").order_by("-number").first()
    roster = tmp_path / "代表名册.xlsx"
    roster.write_bytes(_roster_xlsx(term.number))

    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", "county_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    shot(page, "04-console-home")

    page.goto(live_server.url + "/console/deputies/")
    page.click("main a[href$='/imports/new/deputies/']")
    page.set_input_files("input[type=file]", str(roster))
    shot(page, "05-import-form")
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("text=已完成", timeout=20000)
    shot(page, "06-import-done")

    assert Deputy.objects.filter(name="陈𠙶").exists()
    page.goto(live_server.url + "/console/deputies/?q=陈𠙶")
    assert "陈𠙶" in page.content()
    shot(page, "07-imported-deputy-in-list")
