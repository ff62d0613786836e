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


def _login(browser, live_server, user: User, *, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def _act(page, label: str, fields: dict | None = None, selects: dict | None = None):
    """Open one action of the opinion's panel, fill it in, submit it and wait for the page to come back."""
    panel = page.locator("details.op-action", has=page.locator("summary", has_text=label)).first
    panel.locator("summary").click()
    for name, value in (selects or {}).items():
        panel.locator(f"select[name={name}]").select_option(label=value)
    for name, value in (fields or {}).items():
        panel.locator(f"[name={name}]").fill(value)
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".msg-error").count() == 0, page.locator(".msg-error").first.inner_text()


def _evaluate(page, private_url: str, satisfaction: str, comment: str = ""):
    page.goto(private_url)
    resolved = "no" if satisfaction == "unsatisfied" else "yes"
    page.check(f"#evaluate input[name=resolved][value={resolved}]")
    page.check(f"#evaluate input[name=satisfaction][value={satisfaction}]")
    if comment:
        page.fill("#id_comment", comment)
    page.locator("#evaluate button[type=submit]").click()
    page.wait_for_load_state()


def test_staff_loop_to_an_evaluated_answer_with_one_reopening(demo_city, live_server, browser, phone_page, shot):
    from renda.opinions.models import Channel
    from renda.opinions.services import OpinionInput, opinion_submit
    from renda.registry.models import Agency, AgencyKind
    from renda.registry.services import agency_create

    deputy = _active_deputy()
    membership = deputy.station_memberships.filter(left_on=None).select_related("station").first()
    station = membership.station if membership else None
    opinion, _ = opinion_submit(
        actor=None,
        data=OpinionInput(
            content="小区东门积水严重，雨天无法通行，请有关部门疏通排水。",
            title="东门积水",
            channel=Channel.DEPUTY_QR,
            deputy=deputy,
            station=station,
            phone="19900005678",
            phone_verified=True,
            consent=True,
        ),
    )
    case = opinion.case
    assert case.congress is not None
    agency = Agency.objects.filter(congress=case.congress, is_active=True).order_by("code").first()
    if agency is None:
        agency = agency_create(actor=None, code="JOURNEY-AG", name="区城市管理局", kind=AgencyKind.DEPARTMENT,
                               congress=case.congress)  # fmt: skip
    staff = User.objects.create_user("journey_staff", password=PASSWORD, role=Role.CONGRESS_STAFF,
                                     congress=case.congress, display_name="交办员")  # fmt: skip
    handler = User.objects.create_user("journey_handler", password=PASSWORD, role=Role.AGENCY_HANDLER,
                                       agency=agency, display_name="经办人")  # fmt: skip
    detail = f"{live_server.url}/console/opinions/{opinion.pk}/"
    private = f"{live_server.url}/t/{opinion.access_token}/"

    staff_page = _login(browser, live_server, staff)
    staff_page.goto(detail)
    _act(staff_page, "受理并转人大交办")
    staff_page.goto(live_server.url + "/console/triage/")
    assert opinion.tracking_code in staff_page.content()
    shot(staff_page, "opinion-10-triage")
    staff_page.goto(detail)
    _act(staff_page, "交办", selects={"lead": agency.name}, fields={"instructions": "请三个工作日内现场查看。"})
    shot(staff_page, "opinion-11-assigned")

    agency_page = _login(browser, live_server, handler)
    agency_page.goto(live_server.url + "/console/agency/")
    assert opinion.display_title in agency_page.content()
    shot(agency_page, "opinion-12-agency-inbox")
    agency_page.goto(detail)
    _act(agency_page, "签收")
    _act(agency_page, "答复", selects={"result": "已解决"}, fields={"content": "已组织疏通东门排水管道。"})
    shot(agency_page, "opinion-13-replied")

    staff_page.goto(detail)
    _act(staff_page, "反馈群众")
    _evaluate(phone_page, private, "unsatisfied", "雨后还是积水。")
    case.refresh_from_db()
    assert case.state == CaseState.REOPENED and case.supervision_level >= 1
    shot(phone_page, "opinion-14-citizen-unsatisfied")

    staff_page.goto(detail)
    _act(staff_page, "交办", selects={"lead": agency.name})
    agency_page.goto(detail)
    _act(agency_page, "签收")
    _act(agency_page, "答复", selects={"result": "已解决"}, fields={"content": "已更换排水管并加装雨水篦子。"})
    staff_page.goto(detail)
    _act(staff_page, "反馈群众")
    _evaluate(phone_page, private, "satisfied")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    shot(phone_page, "opinion-15-citizen-closed")
    staff_page.goto(detail)
    assert "已办结" in staff_page.content()
    shot(staff_page, "opinion-16-closed-console")
