"""Every suggestion action through the console: the whole loop, each role's actions, conflicts, refusals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.handling.models import (
    AssignmentRole,
    AssignmentStatus,
    CaseState,
    CloseReason,
    Commitment,
    ExtensionRequest,
    ReplyAttachment,
)
from renda.suggestions import services as ss
from renda.suggestions.models import CoSignStatus, KeyTopic, MotionDecision, SuggestionStatus

from .conftest import draft, in_progress, registered, submitted
from .console_helpers import act, fresh, msgs

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def contact(world, s, who=None):
    case_record_contact(
        actor=who or world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )


def test_whole_loop_through_console(world, sw, login):
    s = draft(world, sw)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    assert "已答复附议邀请" in msgs(act(login(sw.cosigner_user), s, "cosign", accept="1"))
    assert s.cosigners.get().status == CoSignStatus.CONFIRMED

    deputy = login(world.deputy_user_a)
    assert "已提交" in msgs(act(deputy, s, "submit"))
    assert fresh(s).case.state == CaseState.SUBMITTED

    staff = login(world.staff_a)
    assert "已立案" in msgs(act(staff, s, "register", note=""))
    assert fresh(s).number_label == "第0001号"
    resp = act(staff, s, "assign", mode="lead", lead=world.agency_a.pk, co=[world.agency_a2.pk], instructions="抓紧")
    assert "已交办" in msgs(resp) and fresh(s).case.state == CaseState.ASSIGNED

    before = login(world.handler_a2).get(reverse("console:suggestion_detail", args=[s.pk])).content.decode()
    assert "act/co_view/" in before
    assert "已向主办单位提交协办意见" in msgs(act(login(world.handler_a2), s, "co_view", text="配合审批"))
    page = login(world.handler_a2).get(reverse("console:suggestion_detail", args=[s.pk])).content.decode()
    assert "配合审批" in page and 'value="co_view"' not in page and "act/co_view/" not in page  # sent once
    lead = login(world.handler_a)
    assert "已签收" in msgs(act(lead, s, "sign"))
    resp = act(lead, s, "contact", method="in_person", contacted_on=timezone.localdate().isoformat(), content="面商")
    assert "已记录沟通联系" in msgs(resp)
    resp = act(lead, s, "reply", result="B", content="已列入计划。", attachments=[pdf()],
               commitments="完成管网改造 | 2027-06-30\n增设路灯")  # fmt: skip
    assert "已答复" in msgs(resp), msgs(resp)
    s = fresh(s)
    assert s.case.state == CaseState.FED_BACK
    attachment = ReplyAttachment.objects.get(reply__case=s.case, name="答复函.pdf")
    url = reverse("console:suggestion_file", args=["reply", attachment.pk])
    got = login(world.deputy_user_a).get(url)  # the proposer (owner)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert "答复函.pdf" in got["Content-Disposition"] or "filename*" in got["Content-Disposition"]
    assert login(world.handler_a).get(url).status_code == 200  # the lead agency (member)
    assert login(world.staff_b).get(url).status_code == 404  # another county (outsider)
    items = list(Commitment.objects.filter(case=s.case).order_by("id"))
    assert [(c.text, c.due_on) for c in items] == [("完成管网改造", datetime.date(2027, 6, 30)), ("增设路灯", None)]

    # The co-signer's verdict is recorded; the proposer's 不满意 sends it back.
    assert "已评价" in msgs(act(login(sw.cosigner_user), s, "evaluate", satisfaction="satisfied", comment=""))
    resp = act(login(world.deputy_user_a), s, "evaluate", satisfaction="unsatisfied", comment="进度太慢")
    assert "已评价" in msgs(resp) and fresh(s).case.state == CaseState.REOPENED

    staff = login(world.staff_a)
    assert "已交办" in msgs(act(staff, s, "assign", mode="lead", lead=world.agency_a.pk))
    lead = login(world.handler_a)
    act(lead, s, "sign")
    act(lead, s, "contact", method="phone", contacted_on=timezone.localdate().isoformat(), content="电话沟通")
    assert "已答复" in msgs(act(lead, s, "reply", result="A", content="已提前开工。"))
    resp = act(login(world.deputy_user_a), s, "evaluate", satisfaction="satisfied", comment="")
    assert "已评价" in msgs(resp)
    case = fresh(s).case
    assert case.state == CaseState.CLOSED and case.close_reason == CloseReason.EVALUATED

    # the B commitment stays open until its unit marks it fulfilled
    url = reverse("console:commitment_fulfil", args=[items[0].pk])
    resp = login(world.handler_a).post(url, {"note": "已完工验收"}, follow=True)
    assert "已确认承诺事项落实" in msgs(resp)
    items[0].refresh_from_db()
    assert not items[0].is_open


def test_stale_version_is_a_conflict(world, sw, login):
    s = submitted(world, sw)
    old = s.case.version
    ss.suggestion_register(actor=world.staff_a, suggestion=s)  # someone else registers first
    resp = act(login(world.staff_a), s, "decline", reason="重复", version=old)
    assert "刚刚已被他人处理" in msgs(resp)
    assert fresh(s).case.state == CaseState.ACCEPTED


def test_stale_status_before_submission_is_a_conflict(world, sw, login):
    s = draft(world, sw)
    ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    resp = act(login(world.deputy_user_a), s, "submit", status=SuggestionStatus.DRAFT, version=0)
    assert "刚刚已被他人处理" in msgs(resp)


def test_decline_keeps_it_as_reference(world, sw, login):
    s = submitted(world, sw)
    client = login(world.staff_a)
    assert "请填写" in msgs(act(client, s, "decline", reason=""))  # a reason is required
    assert fresh(s).case.state == CaseState.SUBMITTED
    assert "不予立案" in msgs(act(client, s, "decline", reason="不属于本级职权"))
    case = fresh(s).case
    assert case.state == CaseState.REJECTED and case.reject_reason == "不属于本级职权"


def test_withdraw_draft_and_submitted(world, sw, login):
    client = login(world.deputy_user_a)
    s1 = draft(world, sw)
    assert "已撤回" in msgs(act(client, s1, "withdraw", reason=""))
    assert fresh(s1).status == SuggestionStatus.WITHDRAWN
    s2 = submitted(world, sw)
    assert "已撤回" in msgs(act(client, s2, "withdraw", reason="另行提出"))
    assert fresh(s2).case.state == CaseState.REJECTED
    s3 = registered(world, sw)
    assert "不能撤回" in msgs(act(client, s3, "withdraw", reason=""))


def test_cosigner_declines(world, sw, login):
    s = draft(world, sw)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    resp = act(login(sw.cosigner_user), s, "cosign", accept="0")
    assert "已答复附议邀请" in msgs(resp)
    assert resp.redirect_chain[-1][0] == reverse("console:suggestion_list")  # no longer theirs to see
    assert s.cosigners.get().status == CoSignStatus.DECLINED
    assert act(login(sw.cosigner_user), s, "cosign", accept="1").status_code == 404


def test_split_assignment_and_reassign(world, sw, login):
    s = registered(world, sw)
    client = login(world.staff_a)
    assert "两个" in msgs(act(client, s, "assign", mode="split", split=[world.agency_a.pk]))
    resp = act(client, s, "assign", mode="split", split=[world.agency_a.pk, world.agency_a2.pk])
    assert "已交办" in msgs(resp)
    roles = set(fresh(s).case.assignments.values_list("role", flat=True))
    assert roles == {AssignmentRole.SPLIT}
    resp = act(client, s, "reassign", mode="lead", lead=world.agency_a2.pk, reason="职责调整")
    assert "已改派" in msgs(resp)
    active = fresh(s).case.assignments.filter(status=AssignmentStatus.PENDING)
    assert [(a.agency_id, a.role) for a in active] == [(world.agency_a2.pk, AssignmentRole.LEAD)]


def test_extension_request_and_decision(world, sw, login):
    s = in_progress(world, sw)
    resp = act(login(world.handler_a), s, "request_extension", working_days=200, reason="复杂")
    assert "延期最多" in msgs(resp)
    resp = act(login(world.handler_a), s, "request_extension", working_days=10, reason="需要专题研究")
    assert "已提交延期申请" in msgs(resp)
    ext = ExtensionRequest.objects.get()
    resp = act(login(world.staff_a), s, "extension", request=ext.pk, approve="1", note="同意")
    assert "已审批" in msgs(resp)
    ext.refresh_from_db()
    assert ext.status == "approved"


def test_return_within_window_only(world, sw, login, settings):
    s = in_progress(world, sw)
    assert "已退回" in msgs(act(login(world.handler_a), s, "return", reason="不属于本单位职责"))
    assert fresh(s).case.state == CaseState.ACCEPTED
    settings.RENDA_SUGGESTION_RETURN_DAYS = 0
    hs.case_assign(actor=world.staff_a, case=s.case, lead=world.agency_a)
    a = s.case.assignments.get(status=AssignmentStatus.PENDING)
    type(a).objects.filter(pk=a.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=10))
    resp = act(login(world.handler_a), s, "return", reason="晚了")
    assert "不能再退回" in msgs(resp)
    assert fresh(s).case.state == CaseState.ASSIGNED


def test_reply_needs_contact_and_commitments(world, sw, login):
    s = in_progress(world, sw)
    client = login(world.handler_a)
    assert "沟通" in msgs(act(client, s, "reply", result="A", content="已解决"))
    contact(world, s)
    assert "承诺事项" in msgs(act(client, s, "reply", result="B", content="列入计划"))
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    assert "只支持" in msgs(act(client, s, "reply", result="A", content="已解决", attachments=[bad]))
    assert "不是有效日期" in msgs(act(client, s, "reply", result="B", content="x", commitments="修路 | 2027-13-40"))
    assert fresh(s).case.state == CaseState.IN_PROGRESS
    assert not s.case.replies.exists()


def test_motion_decision_then_assign(world, sw, login, settings):
    from renda.suggestions.models import MotionThreshold

    MotionThreshold.objects.update_or_create(level=world.congress_a.level, defaults={"min_signers": 1})
    s = registered(world, sw, kind="motion")
    client = login(world.staff_a)
    resp = act(client, s, "motion", decision=MotionDecision.AS_SUGGESTION, note="作为建议交办")
    assert "已记录议案处理决定" in msgs(resp)
    s = fresh(s)
    assert s.decision == MotionDecision.AS_SUGGESTION and s.kind == "suggestion"
    assert "已交办" in msgs(act(client, s, "assign", mode="lead", lead=world.agency_a.pk))


def test_mark_key_disclosure_supervise(world, sw, login):
    s = registered(world, sw)
    topic = ss.key_topic_create(actor=world.staff_a, congress=world.congress_a, title="老旧小区改造")
    other = KeyTopic.objects.create(congress=world.congress_b, title="别区专题")
    client = login(world.staff_a)
    assert "有效" in msgs(act(client, s, "mark_key", is_key="1", topic=other.pk))  # not a choice here
    assert "已更新重点督办" in msgs(act(client, s, "mark_key", is_key="1", topic=topic.pk))
    s = fresh(s)
    assert s.is_key and s.topic == topic
    assert "不公开的理由" in msgs(act(client, s, "disclosure", publish="0", reason=""))
    assert "已更新答复公开" in msgs(act(client, s, "disclosure", publish="0", reason="涉及个人信息"))
    s = fresh(s)
    assert not s.publish and s.no_publish_reason == "涉及个人信息"
    assert "已督办" in msgs(act(client, s, "supervise", level="2", reason="请加快"))
    assert fresh(s).case.supervision_level == 2


@pytest.mark.parametrize("who", ["staff_b", "handler_b", "deputy_user_b", "handler_a"])
@pytest.mark.parametrize("action", ["register", "decline", "submit", "sign", "evaluate"])
def test_outsider_gets_404(world, sw, login, who, action):
    s = submitted(world, sw)  # not yet assigned: handler_a is an outsider too
    user = sw.deputy_user_b if who == "deputy_user_b" else getattr(world, who)
    resp = login(user).post(
        reverse("console:suggestion_action", args=[s.pk, action]), {"version": s.case.version, "status": "submitted"}
    )
    assert resp.status_code == 404
    assert fresh(s).case.state == CaseState.SUBMITTED


@pytest.mark.parametrize(
    ("who", "action"),
    [("cosigner", "register"), ("deputy", "assign"), ("cosigner", "submit"), ("handler", "register")],
)
def test_member_without_the_role_gets_403(world, sw, login, who, action):
    s = submitted(world, sw)
    ss.suggestion_register(actor=world.staff_a, suggestion=s)
    ss.suggestion_assign(actor=world.staff_a, suggestion=s, lead=world.agency_a)
    from renda.suggestions.models import CoSigner

    CoSigner.objects.create(suggestion=s, deputy=sw.deputy_a2, status=CoSignStatus.CONFIRMED)
    user = {"cosigner": sw.cosigner_user, "deputy": world.deputy_user_a, "handler": world.handler_a}[who]
    s = fresh(s)
    resp = login(user).post(
        reverse("console:suggestion_action", args=[s.pk, action]), {"version": s.case.version, "status": s.status}
    )
    assert resp.status_code == 403
    assert fresh(s).case.version == s.case.version


def test_no_role_and_anonymous(world, sw, login, client):
    s = submitted(world, sw)
    url = reverse("console:suggestion_action", args=[s.pk, "register"])
    assert client.post(url, {}).status_code == 302
    assert login(world.station_staff_a).post(url, {}).status_code == 403
    assert login(world.nobody).post(url, {}).status_code == 403


def test_unknown_action_and_get(world, sw, login):
    s = submitted(world, sw)
    client = login(world.staff_a)
    assert client.post(reverse("console:suggestion_action", args=[s.pk, "explode"]), {}).status_code == 404
    assert client.get(reverse("console:suggestion_action", args=[s.pk, "register"])).status_code == 405


def test_garbage_input_never_500(world, sw, login):
    s = in_progress(world, sw)
    client = login(world.handler_a)
    for action, data in [
        ("contact", {"method": "fax", "contacted_on": "yesterday", "content": ""}),
        ("reply", {"result": "Z", "content": ""}),
        ("request_extension", {"working_days": "abc"}),
        ("sign", {"version": "x", "status": "nope"}),
    ]:
        resp = act(client, s, action, **data)
        assert resp.status_code == 200 and msgs(resp)
    assert fresh(s).case.state == CaseState.IN_PROGRESS


def test_a_draft_attachment_is_private_to_those_who_may_open_the_draft(world, sw, login, settings):
    from django.core.files.base import ContentFile

    from renda.suggestions.models import SuggestionAttachment

    s = draft(world, sw)
    a = SuggestionAttachment(suggestion=s, name="调研报告.pdf", size=len(PDF), uploaded_by=world.deputy_user_a)
    a.file.save("r.pdf", ContentFile(PDF), save=True)
    assert not a.file.path.startswith(str(settings.MEDIA_ROOT))  # not under the served /media/
    url = reverse("console:suggestion_file", args=["own", a.pk])
    assert login(world.deputy_user_a).get(url).status_code == 200  # the author
    assert login(world.staff_b).get(url).status_code == 404  # another county
    assert login(sw.cosigner_user).get(url).status_code == 404  # a deputy not invited to co-sign
    assert login(world.staff_a).get(url).status_code == 404  # staff do not see others' drafts
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    assert login(sw.cosigner_user).get(url).status_code == 200  # invited co-signer (member)
    assert login(world.deputy_user_a).get(reverse("console:suggestion_file", args=["x", a.pk])).status_code == 404
