"""Handling actions through the console: the whole loop, permissions, conflicts and uploads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from renda.handling import services as hs
from renda.handling.models import AssignmentStatus, Case, CaseState, ExtensionRequest, ReplyAttachment
from renda.opinions.models import BlockedPhone, Opinion
from tests.handling.conftest import submit


@pytest.fixture
def opinion(world):
    return submit(world)


def act(client, op, action, **data):
    case = Case.objects.get(pk=op.case_id)
    data.setdefault("version", case.version)
    return client.post(reverse("console:opinion_act", args=[op.pk, action]), data, follow=True)


def state(op) -> str:
    return Case.objects.get(pk=op.case_id).state


def msgs(resp) -> str:
    return " ".join(str(m) for m in resp.context["messages"])


def to_assigned(world, op, co=()):
    hs.case_forward(actor=world.deputy_user_a, case=op.case)
    hs.case_assign(actor=world.staff_a, case=op.case, lead=world.agency_a, co=list(co))


def test_whole_loop_through_console(world, login, opinion):
    resp = act(login(world.deputy_user_a), opinion, "forward", note="请人大交办")
    assert "已受理并转" in msgs(resp) and state(opinion) == CaseState.ACCEPTED
    staff = login(world.staff_a)
    resp = act(staff, opinion, "assign", lead=world.agency_a.pk, co=[world.agency_a2.pk], urgency="normal",
               instructions="尽快修复")  # fmt: skip
    assert "已交办" in msgs(resp) and state(opinion) == CaseState.ASSIGNED
    handler2 = login(world.handler_a2)
    assert "已提交协办意见" in msgs(act(handler2, opinion, "co_view", text="城管配合"))
    handler = login(world.handler_a)
    assert "已签收" in msgs(act(handler, opinion, "sign")) and state(opinion) == CaseState.IN_PROGRESS
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    resp = act(handler, opinion, "reply", result="resolved", content="已修复路灯。", attachments=[pdf])
    assert "已答复" in msgs(resp), msgs(resp)
    assert state(opinion) == CaseState.REPLIED
    attachment = ReplyAttachment.objects.get(reply__case=opinion.case, name="说明.pdf")
    url = reverse("console:opinion_reply_file", args=[attachment.pk])
    got = login(world.deputy_user_a).get(url)  # the deputy it was addressed to
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    assert login(world.staff_a).get(url).status_code == 200  # member: the congress's staff
    assert login(world.staff_b).get(url).status_code == 404  # outsider: another county
    handler = login(world.handler_a)
    # the feedback form is prefilled from the latest reply
    body = login(world.deputy_user_a).get(reverse("console:opinion_detail", args=[opinion.pk])).content.decode()
    assert "已修复路灯。</textarea>" in body
    resp = act(login(world.deputy_user_a), opinion, "feedback", text="路灯已修好，请评价。")
    assert "已反馈" in msgs(resp) and state(opinion) == CaseState.FED_BACK
    assert Case.objects.get(pk=opinion.case_id).feedback_text == "路灯已修好，请评价。"


def test_stale_version_conflict_changes_nothing(world, login, opinion):
    client = login(world.deputy_user_a)
    old = opinion.case.version
    hs.case_accept(actor=world.station_staff_a, case=opinion.case)  # someone else acts first
    events = opinion.case.events.count()
    resp = act(client, opinion, "reject", reason="重复", version=old)
    assert "刚刚已被他人处理" in msgs(resp)
    assert state(opinion) == CaseState.ACCEPTED
    assert opinion.case.events.count() == events


def test_stale_version_on_spam(world, login, opinion):
    old = opinion.case.version
    hs.case_accept(actor=world.deputy_user_a, case=opinion.case)
    resp = act(login(world.staff_a), opinion, "spam", reason="广告", version=old)
    assert "刚刚已被他人处理" in msgs(resp)
    assert not Opinion.objects.get(pk=opinion.pk).is_spam


def test_wrong_state_shows_message(world, login, opinion):
    resp = act(login(world.staff_a), opinion, "feedback", text="x")
    assert "不能反馈群众" in msgs(resp) and state(opinion) == CaseState.SUBMITTED


@pytest.mark.parametrize("action", ["accept", "assign", "sign", "feedback", "note"])
@pytest.mark.parametrize("who", ["staff_b", "handler_b", "handler_a"])
def test_outsider_actions_404(world, login, opinion, who, action):
    client = login(getattr(world, who))
    resp = client.post(reverse("console:opinion_act", args=[opinion.pk, action]), {"version": 0, "note": "x"})
    assert resp.status_code == 404
    assert state(opinion) == CaseState.SUBMITTED


def test_no_role_403(world, login, opinion):
    resp = login(world.nobody).post(reverse("console:opinion_act", args=[opinion.pk, "accept"]), {"version": 0})
    assert resp.status_code == 403


def test_unknown_action_404(world, login, opinion):
    resp = login(world.staff_a).post(reverse("console:opinion_act", args=[opinion.pk, "explode"]), {"version": 0})
    assert resp.status_code == 404


def test_get_not_allowed(world, login, opinion):
    assert login(world.staff_a).get(reverse("console:opinion_act", args=[opinion.pk, "accept"])).status_code == 405


# --- front desk ---------------------------------------------------------------------------


def test_reject_tells_reason(world, login, opinion):
    resp = act(login(world.station_staff_a), opinion, "reject", reason="不属于人大职责")
    assert "不予受理" in msgs(resp)
    case = Case.objects.get(pk=opinion.case_id)
    assert case.state == CaseState.REJECTED and case.reject_reason == "不属于人大职责"


def test_reject_requires_reason(world, login, opinion):
    resp = act(login(world.deputy_user_a), opinion, "reject", reason="")
    assert "必填" in msgs(resp) or "请填写" in msgs(resp)
    assert state(opinion) == CaseState.SUBMITTED


def test_answer_directly(world, login, opinion):
    resp = act(login(world.deputy_user_a), opinion, "answer", result="explained", content="已向街道了解。")
    assert "已答复" in msgs(resp)
    assert state(opinion) == CaseState.FED_BACK


def test_merge_within_scope_only(world, login, opinion):
    other = submit(world, content="同一处路灯不亮。")
    outsider = submit(world, deputy=False, division=world.town_b)
    client = login(world.deputy_user_a)
    resp = act(client, opinion, "merge", code=outsider.tracking_code)
    assert "没有找到该查询码" in msgs(resp) and state(opinion) == CaseState.SUBMITTED
    resp = act(client, opinion, "merge", code=other.tracking_code.lower())
    assert "已合并" in msgs(resp)
    assert Case.objects.get(pk=opinion.case_id).merged_into_id == other.case_id


def test_spam_and_block(world, login, opinion):
    resp = act(login(world.station_staff_a), opinion, "spam", reason="广告", block_phone="on")
    assert "无效信息" in msgs(resp)
    assert Opinion.objects.get(pk=opinion.pk).is_spam
    assert BlockedPhone.objects.filter(phone="13800138000").exists()


def test_deputy_cannot_mark_spam(world, login, opinion):
    resp = act(login(world.deputy_user_a), opinion, "spam", reason="广告")
    assert "没有执行此操作的权限" in msgs(resp)
    assert state(opinion) == CaseState.SUBMITTED


# --- congress staff ---------------------------------------------------------------------------


def test_assign_owner_member(world, login, opinion):
    hs.case_forward(actor=world.deputy_user_a, case=opinion.case)
    resp = act(login(world.deputy_user_a), opinion, "assign", lead=world.agency_a.pk, urgency="normal")
    assert "没有执行此操作的权限" in msgs(resp) and state(opinion) == CaseState.ACCEPTED
    resp = act(login(world.staff_a), opinion, "assign", lead=world.agency_b.pk, urgency="normal")
    assert state(opinion) == CaseState.ACCEPTED  # county B's agency is not a choice
    resp = act(login(world.staff_a), opinion, "assign", lead=world.agency_a.pk, urgency="urgent")
    assert state(opinion) == CaseState.ASSIGNED


def test_reassign_and_supervise(world, login, opinion):
    to_assigned(world, opinion)
    client = login(world.staff_a)
    resp = act(client, opinion, "reassign", lead=world.agency_a2.pk, reason="职责调整")
    assert "已改派" in msgs(resp)
    assert opinion.case.assignments.get(status=AssignmentStatus.PENDING).agency == world.agency_a2
    resp = act(client, opinion, "supervise", reason="群众多次反映", level="2")
    assert "已督办" in msgs(resp)
    assert Case.objects.get(pk=opinion.case_id).supervision_level == 2
    resp = act(login(world.deputy_user_a), opinion, "supervise", reason="x")
    assert "没有执行此操作的权限" in msgs(resp)


def test_extension_request_and_decide(world, login, opinion):
    to_assigned(world, opinion)
    handler = login(world.handler_a)
    act(handler, opinion, "sign")
    resp = act(handler, opinion, "request_extension", working_days=5, reason="需要招标")
    assert "已提交延期申请" in msgs(resp)
    ext = ExtensionRequest.objects.get()
    resp = act(login(world.staff_a), opinion, "extension", request=ext.pk, approve="1", note="同意")
    assert "已审批" in msgs(resp)
    ext.refresh_from_db()
    assert ext.status == "approved"
    resp = act(login(world.staff_a), opinion, "extension", request=ext.pk, approve="0")
    assert "已经审批过" in msgs(resp)


# --- agencies ---------------------------------------------------------------------------------


def test_co_agency_cannot_reply_or_return(world, login, opinion):
    to_assigned(world, opinion, co=[world.agency_a2])
    client = login(world.handler_a2)
    resp = act(client, opinion, "return", reason="不归我们管")
    assert "只有主办单位可以退回" in msgs(resp)
    assert state(opinion) == CaseState.ASSIGNED


def test_lead_returns(world, login, opinion):
    to_assigned(world, opinion)
    resp = act(login(world.handler_a), opinion, "return", reason="不属于本单位职责")
    assert "已退回" in msgs(resp) and state(opinion) == CaseState.ACCEPTED


def test_congress_staff_cannot_sign(world, login, opinion):
    to_assigned(world, opinion)
    resp = act(login(world.staff_a), opinion, "sign")
    assert "没有执行此操作的权限" in msgs(resp) and state(opinion) == CaseState.ASSIGNED


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,content,ok",
    [
        ("a.pdf", b"%PDF-1.7", True),
        ("a.docx", b"PK\x03\x04rest", True),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1", True),
        ("a.png", None, True),
        ("a.pdf", b"MZ\x90\x00exe", False),
        ("a.exe", b"MZ\x90\x00", False),
        ("a.jpg", b"not an image", False),
    ],
)
def test_reply_attachments_checked_by_content(world, login, opinion, name, content, ok):
    to_assigned(world, opinion)
    handler = login(world.handler_a)
    act(handler, opinion, "sign")
    upload = SimpleUploadedFile(name, content if content is not None else _png())
    resp = act(handler, opinion, "reply", result="resolved", content="答复", attachments=[upload])
    assert (state(opinion) == CaseState.REPLIED) is ok, msgs(resp)
    if not ok:
        assert "附件" in msgs(resp) or "图片" in msgs(resp)


def test_attachment_too_big(world, login, opinion, settings):
    settings.RENDA_MAX_PHOTO_BYTES = 10
    to_assigned(world, opinion)
    handler = login(world.handler_a)
    act(handler, opinion, "sign")
    upload = SimpleUploadedFile("a.pdf", b"%PDF" + b"x" * 30)
    resp = act(handler, opinion, "reply", result="resolved", content="答复", attachments=[upload])
    assert "超过" in msgs(resp) and state(opinion) == CaseState.IN_PROGRESS


# --- review -----------------------------------------------------------------------------------


def test_send_back_owner_member_outsider(world, login, opinion):
    to_assigned(world, opinion)
    hs.case_sign(actor=world.handler_a, case=opinion.case)
    hs.case_reply(actor=world.handler_a, case=opinion.case, result="resolved", content="已处理")
    resp = act(login(world.handler_a), opinion, "send_back", reason="不具体")
    assert "没有执行此操作的权限" in msgs(resp) and state(opinion) == CaseState.REPLIED
    resp = act(login(world.station_staff_a), opinion, "send_back", reason="答复不具体")
    assert "已退回重新答复" in msgs(resp) and state(opinion) == CaseState.IN_PROGRESS


def test_note_by_agency_on_own_case(world, login, opinion):
    to_assigned(world, opinion)
    resp = act(login(world.handler_a), opinion, "note", note="已联系群众")
    assert "已添加备注" in msgs(resp)
    assert opinion.case.events.filter(kind="note", note="已联系群众").exists()
