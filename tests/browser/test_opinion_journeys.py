"""民意直通车 in a real browser: a citizen on a phone, and the staff loop to an evaluated answer.

Screenshots go to test-results/screenshots/ (opinion-*.png) — look at them after a change.
"""

import io
import re

import pytest
from PIL import Image

from renda.core.models import Role, SmsMessage, User
from renda.demo import build_demo
from renda.handling.models import CaseState
from renda.opinions.models import Opinion
from renda.registry.models import Deputy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"


@pytest.fixture
def demo_city(transactional_db):
    return build_demo(scale=0.02)


def _photo(tmp_path) -> str:
    path = tmp_path / "streetlight.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _sms_code(phone: str) -> str:
    text = SmsMessage.objects.filter(phone=phone, template_key="sms.verify").latest("id").text
    return re.search(r"\d{6}", text).group(0)


def _active_deputy() -> Deputy:
    return Deputy.objects.filter(mandates__status="active", is_active=True).order_by("number").first()


def test_citizen_scans_submits_with_a_photo_and_tracks(demo_city, live_server, phone_page, shot, tmp_path):
    page = phone_page
    deputy = _active_deputy()
    page.goto(f"{live_server.url}/d/{deputy.number}/")
    assert deputy.name in page.content()
    shot(page, "opinion-01-landing-phone")

    page.get_by_role("link", name=re.compile("反映问题")).first.click()
    page.wait_for_selector("#id_content")
    page.fill("#id_content", "我家楼下的路灯坏了三个月，晚上老人出门很不安全，请尽快修好。")
    page.fill("#id_title", "楼下路灯坏了")
    page.set_input_files("#id_photos", _photo(tmp_path))
    phone = "19900001234"
    page.fill("#id_phone", phone)
    page.click("#sms-button")
    page.wait_for_selector("#sms-status *", timeout=10000)
    page.fill("#id_sms_code", _sms_code(phone))
    page.check("input[name=consent]")
    shot(page, "opinion-02-form-phone")
    page.click("button[type=submit]")
    page.wait_for_selector(".tracking-code")
    code = page.locator(".tracking-code").inner_text().strip()
    opinion = Opinion.objects.get(tracking_code=code)
    assert opinion.deputy_id == deputy.pk and opinion.photos.count() == 1 and opinion.phone_verified
    shot(page, "opinion-03-submitted-phone")

    page.goto(f"{live_server.url}/track/")
    page.fill("input[name=code]", code)
    page.fill("input[name=phone]", phone)
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".tracking-code")
    assert "您的意见已提交" in page.content()
    shot(page, "opinion-04-tracked-phone")
