"""代表建议 in a real browser: drafted with a co-signer, registered, handled by a lead and a co unit,
answered B, evaluated 不满意, re-handled, evaluated 满意, the B commitments followed until fulfilled.

Screenshots go to test-results/screenshots/ (suggestion-*.png) — look at them after a change.
"""

import datetime
import re

import pytest

from renda.core.models import Role, User
from renda.handling.models import CaseState, Commitment
from renda.registry import services as reg
from renda.suggestions.models import (
    CoSigner,
    CoSignStatus,
    Suggestion,
    SuggestionCategory,
    SuggestionSession,
    SuggestionStatus,
)
from tests.browser.conftest import PHONE
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
TITLE = "关于加快长安街道老旧小区管网改造的建议"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"  # fmt: skip


def _user(username: str, role: str, name: str, **scope) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, display_name=name, **scope)


@pytest.fixture
def suggestion_world(transactional_db):
    """The shared two-county world, a current session of county A's congress, a second county-A
    deputy (the co-signer) and one account per party of the journey."""
    w = build_world()
    # An earlier transactional test's flush removes the categories the migration seeded.
    SuggestionCategory.objects.get_or_create(name="城乡建设")
    session = SuggestionSession.objects.create(
        congress=w.congress_a, title="东风区第十七届人民代表大会第五次会议", period="session", year=2026,
        starts_on=datetime.date(2026, 1, 10), is_current=True,
    )  # fmt: skip
    cosigner = reg.deputy_create(actor=None, name="陈附议", gender="M")
    proposer_user = w.deputy_user_a  # one account per deputy: reuse the world's, with the journey's password
    proposer_user.set_password(PASSWORD)
    proposer_user.display_name = w.deputy_a.name
    proposer_user.save(update_fields=["password", "display_name"])
    reg.mandate_create(actor=None, deputy=cosigner, term=w.congress_a.terms.get(), started_on=datetime.date(2022, 1, 1))
    return {
        "world": w,
        "session": session,
        "cosigner": cosigner,
        "proposer_user": proposer_user,
        "cosigner_user": _user("j_cosigner", Role.DEPUTY, cosigner.name, deputy=cosigner),
        "staff": _user("j_staff", Role.CONGRESS_STAFF, "选联工委交办员", congress=w.congress_a),
        "lead": _user("j_lead", Role.AGENCY_HANDLER, "住建局经办人", agency=w.agency_a),
        "co": _user("j_co", Role.AGENCY_HANDLER, "城管局经办人", agency=w.agency_a2),
    }


def _login(browser, live_server, user: User, *, phone: bool = False):
    if phone:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.on("dialog", lambda dialog: dialog.accept())
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def _no_error(page) -> None:
    errors = page.locator(".msg-error, .errors")
    assert errors.count() == 0, errors.first.inner_text()


def _panel(page, label: str):
    return page.locator("details.op-action", has=page.locator("summary", has_text=re.compile(f"^{label}$"))).first


def _act(page, label: str, *, fields=None, selects=None, checks=(), radios=(), files=None, screenshot=None):
    """Open one action of the suggestion's panel, fill it in, submit it and wait for the page to come back."""
    panel = _panel(page, label)
    panel.locator("summary").click()
    for name, value in (selects or {}).items():
        panel.locator(f"select[name={name}]").select_option(label=value)
    for name, value in (fields or {}).items():
        panel.locator(f"[name={name}]").fill(value)
    for name, text in checks:
        panel.locator(f"label:has(input[name={name}])", has_text=text).locator("input").check()
    for name, value in radios:
        panel.locator(f"input[name={name}][value={value}]").check()
    for name, path in (files or {}).items():
        panel.locator(f"input[name={name}]").set_input_files(path)
    if screenshot:
        screenshot()
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()
    _no_error(page)
    assert page.locator(".msg-success").count() >= 1


def _fresh(pk: int) -> Suggestion:
    return Suggestion.objects.select_related("case").get(pk=pk)


def test_suggestion_from_draft_to_final_evaluation_and_fulfilled_commitments(
    suggestion_world, live_server, browser, shot, tmp_path
):
    sw = suggestion_world
    w = sw["world"]
    url = live_server.url
    reply_pdf = tmp_path / "答复函.pdf"
    reply_pdf.write_bytes(PDF)

    # 1. The deputy drafts on a phone.
    deputy = _login(browser, live_server, sw["proposer_user"], phone=True)
    deputy.goto(url + "/console/suggestions/new/")
    deputy.wait_for_selector("#id_title")
    deputy.select_option("#id_session", label=f"{w.congress_a.name} · {sw['session'].title}（大会期间）")
    deputy.fill("#id_title", TITLE)
    deputy.fill(
        "#id_content",
        "长安街道光明社区等老旧小区供排水管网建于上世纪八十年代，锈蚀渗漏严重，雨季多次倒灌。"
        "建议将其列入年度老旧小区改造计划，分期完成雨污分流和管网更新。",
    )
    deputy.select_option("#id_category", label="城乡建设")
    shot(deputy, "suggestion-01-draft-form-phone")
    deputy.locator("main button[type=submit]").click()
    deputy.wait_for_load_state()
    _no_error(deputy)
    suggestion = Suggestion.objects.get(title=TITLE)
    assert suggestion.status == SuggestionStatus.DRAFT and suggestion.proposer_id == w.deputy_a.pk
    detail = f"{url}/console/suggestions/{suggestion.pk}/"
    assert deputy.url.rstrip("/").endswith(f"/console/suggestions/{suggestion.pk}")
    shot(deputy, "suggestion-02-draft-detail-phone")

    # 2. …and invites a co-signer.
    deputy.goto(f"{detail}cosigners/")
    deputy.fill("#id_q", "陈附议")
    deputy.locator("form.search-box button[type=submit]").click()
    deputy.wait_for_selector("#candidates input[name=deputies]")
    deputy.locator("#candidates input[name=deputies]").first.check()
    deputy.locator("#candidates button[type=submit]").click()
    deputy.wait_for_load_state()
    deputy.wait_for_selector(".msg-success")
    row = CoSigner.objects.get(suggestion=suggestion)
    assert row.deputy_id == sw["cosigner"].pk and row.status == CoSignStatus.INVITED
    shot(deputy, "suggestion-03-cosigner-invited-phone")

    # 3. The co-signer confirms in the platform.
    cosigner = _login(browser, live_server, sw["cosigner_user"], phone=True)
    cosigner.goto(url + "/console/suggestions/?tab=invited")
    assert TITLE in cosigner.content()
    cosigner.goto(detail)
    _act(
        cosigner, "答复附议邀请", selects={"accept": "确认附议"},
        screenshot=lambda: shot(cosigner, "suggestion-04-cosign-invitation-phone"),
    )  # fmt: skip
    row.refresh_from_db()
    assert row.status == CoSignStatus.CONFIRMED

    # 4. The proposer submits.
    deputy.goto(detail)
    assert "已附议" in deputy.content()
    _act(deputy, "提交")
    assert _fresh(suggestion.pk).case.state == CaseState.SUBMITTED
    shot(deputy, "suggestion-05-submitted-phone")

    # 5. Congress staff register (立案, numbered) and assign a lead and a co unit.
    staff = _login(browser, live_server, sw["staff"])
    staff.goto(url + "/console/suggestions/?tab=register")
    assert TITLE in staff.content()
    staff.goto(detail)
    _act(staff, "立案", fields={"note": "符合建议提出要求，予以立案。"})
    s = _fresh(suggestion.pk)
    assert s.number == 1 and s.case.state == CaseState.ACCEPTED
    assert "第0001号" in staff.locator("h1").inner_text()
    shot(staff, "suggestion-06-registered")
    # the assign form shows only the chosen mode's agencies: 分办 hides 主办/协办 and the reverse
    assign = staff.locator("details.op-action", has=staff.locator("summary", has_text="交办")).first
    assign.locator("summary").click()
    assert assign.locator(".field-split").is_hidden() and assign.locator(".field-lead").is_visible()
    assign.locator(".field-mode input[value=split]").check()
    assert assign.locator(".field-split").is_visible() and assign.locator(".field-co").is_hidden()
    shot(staff, "suggestion-06b-split-mode")
    assign.locator(".field-mode input[value=lead]").check()
    assign.locator("summary").click()
    _act(
        staff, "交办", selects={"lead": w.agency_a.name}, checks=[("co", w.agency_a2.name)],
        fields={"instructions": "请住建局主办、城管局协办，三个月内答复代表。"},
        screenshot=lambda: shot(staff, "suggestion-07-assign-form"),
    )  # fmt: skip
    assert _fresh(suggestion.pk).case.state == CaseState.ASSIGNED
    shot(staff, "suggestion-08-assigned")

    # 6. The co unit signs and sends its view to the lead.
    co = _login(browser, live_server, sw["co"])
    co.goto(url + "/console/suggestions/?tab=sign")
    assert TITLE in co.content()
    co.goto(detail)
    _act(co, "签收")
    assert _panel(co, "答复").count() == 0  # a co unit sends a view to the lead, never the answer
    _act(co, "提交协办意见", fields={"text": "城管局将配合做好施工期间道路占用审批和渣土清运。"})
    shot(co, "suggestion-09-co-view-sent")

    # 7. The lead unit signs, records its contact with the deputy and replies B with commitments.
    lead = _login(browser, live_server, sw["lead"])
    lead.goto(detail)
    _act(lead, "签收")
    assert _panel(lead, "答复").count() == 0  # no reply before the contact with the deputy
    _act(
        lead, "记录沟通联系", radios=[("method", "in_person")],
        fields={"content": "局领导到光明社区与代表面商，共同查看了渗漏点位。"},
    )  # fmt: skip
    _act(
        lead, "答复", selects={"result": "B 正在解决或列入计划"},
        fields={"content": "您提出的建议已列入我局2027年老旧小区改造计划，将分期实施管网更新。",
                "commitments": "完成光明社区雨污分流改造 | 2027-06-30"},
        files={"attachments": str(reply_pdf)},
        screenshot=lambda: shot(lead, "suggestion-10-reply-form"),
    )  # fmt: skip
    s = _fresh(suggestion.pk)
    assert s.case.state == CaseState.FED_BACK
    assert Commitment.objects.filter(case=s.case, fulfilled_at=None).count() == 1
    shot(lead, "suggestion-11-replied-b")

    # 8. The deputy is not satisfied.
    deputy.goto(url + "/console/suggestions/?tab=evaluate")
    assert TITLE in deputy.content()
    deputy.goto(detail)
    _act(
        deputy, "评价答复", radios=[("satisfaction", "unsatisfied")],
        fields={"comment": "只列入计划，没有说明今年雨季前的临时措施。"},
        screenshot=lambda: shot(deputy, "suggestion-12-evaluate-phone"),
    )  # fmt: skip
    s = _fresh(suggestion.pk)
    assert s.case.state == CaseState.REOPENED and s.case.reopened_count == 1
    shot(deputy, "suggestion-13-unsatisfied-phone")

    # 9. Re-handling: staff assign again, the lead unit signs, contacts and answers again.
    staff.goto(detail)
    assert "重办" in staff.content()
    _act(staff, "交办", selects={"lead": w.agency_a.name}, fields={"instructions": "代表不满意，请一个月内重新答复。"})
    assert _fresh(suggestion.pk).case.state == CaseState.ASSIGNED
    lead.goto(detail)
    _act(lead, "签收")
    assert _panel(lead, "答复").count() == 0  # the new round needs its own contact with the deputy
    _act(lead, "记录沟通联系", radios=[("method", "phone")], fields={"content": "电话向代表说明临时排涝措施。"})
    _act(
        lead, "答复", selects={"result": "B 正在解决或列入计划"},
        fields={"content": "雨季前已增设两台移动排涝泵；管网更新仍按计划实施。",
                "commitments": "汛期前在光明社区配置移动排涝泵 | 2027-04-30"},
        files={"attachments": str(reply_pdf)},
    )  # fmt: skip
    assert _fresh(suggestion.pk).case.state == CaseState.FED_BACK
    shot(lead, "suggestion-14-rehandled-reply")

    # 10. The deputy's second evaluation is final.
    deputy.goto(detail)
    _act(deputy, "评价答复", radios=[("satisfaction", "satisfied")])
    s = _fresh(suggestion.pk)
    assert s.case.state == CaseState.CLOSED
    shot(deputy, "suggestion-15-satisfied-closed-phone")

    # 11. The B commitments stay open after the case closed, until fulfilled.
    assert Commitment.objects.filter(case=s.case, fulfilled_at=None).count() == 2
    staff.goto(url + "/console/suggestions/commitments/")
    assert staff.locator(".op-row").count() == 2
    shot(staff, "suggestion-16-commitments-open")
    lead.goto(url + "/console/suggestions/commitments/")
    first = lead.locator(".op-row", has_text="移动排涝泵")
    first.locator("summary").click()
    first.locator("textarea[name=note]").fill("已采购两台移动排涝泵并在社区驻点。")
    first.locator("button[type=submit]").click()
    lead.wait_for_load_state()
    _no_error(lead)
    assert Commitment.objects.filter(case=s.case, fulfilled_at=None).count() == 1
    shot(lead, "suggestion-17-commitment-fulfilled-by-unit")
    staff.goto(detail)
    other = staff.locator("details.op-action", has=staff.locator("summary", has_text="确认落实")).first
    other.locator("summary").click()
    other.locator("textarea[name=note]").fill("经现场核实，雨污分流改造已完工。")
    other.locator("button[type=submit]").click()
    staff.wait_for_load_state()
    _no_error(staff)
    assert Commitment.objects.filter(case=s.case, fulfilled_at=None).count() == 0
    shot(staff, "suggestion-18-closed-all-fulfilled")

    # 12. The published answer on the public site.
    public = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN").new_page()
    public.goto(url + "/suggestions/replies/")
    assert TITLE in public.content()
    shot(public, "suggestion-19-public-replies-phone")
    public.get_by_role("link", name=re.compile("老旧小区管网改造")).first.click()
    public.wait_for_load_state()
    assert "移动排涝泵" in public.content()
    shot(public, "suggestion-20-public-reply-detail-phone")
    for page in (deputy, cosigner, staff, co, lead, public):
        page.context.close()
