"""Suggestion services one by one: owner / member / outsider, motions, decline, withdrawal, disclosure."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from renda.core.models import AuditEvent, Notification
from renda.handling.engine import TransitionError
from renda.handling.models import CaseState
from renda.suggestions import services as ss
from renda.suggestions.models import (
    CoSignStatus,
    MotionDecision,
    MotionThreshold,
    SuggestionKind,
    SuggestionStatus,
)

from .conftest import draft, registered, submitted

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Drafting ---------------------------------------------------------------------------------


def test_deputy_drafts_their_own_and_staff_on_behalf(world, sw):
    s = draft(world, sw)
    assert s.proposer == world.deputy_a and s.created_by == world.deputy_user_a
    assert AuditEvent.objects.filter(action="suggestions.suggestion.create").count() == 1
    with pytest.raises(TransitionError, match="本人"):
        draft(world, sw, proposer=sw.deputy_a2)
    s2 = draft(world, sw, actor=world.staff_a, proposer=sw.deputy_a2)
    assert s2.proposer == sw.deputy_a2 and s2.created_by == world.staff_a
    with pytest.raises(ValidationError, match="领衔代表"):
        draft(world, sw, actor=world.staff_a)


@pytest.mark.parametrize("who", ["staff_b", "handler_a", "station_staff_a", "nobody"])
def test_outsiders_cannot_draft(world, sw, who):
    with pytest.raises(TransitionError):
        draft(world, sw, actor=getattr(world, who), proposer=world.deputy_a)


def test_draft_checks_mandate_session_and_text(world, sw):
    with pytest.raises(ValidationError, match="在任代表"):
        draft(world, sw, actor=sw.deputy_user_b, congress=world.congress_a)
    with pytest.raises(ValidationError):
        draft(world, sw, session=sw.session_b)
    with pytest.raises(ValidationError):
        draft(world, sw, title="  ")
    with pytest.raises(ValidationError, match="不公开"):
        draft(world, sw, publish=False)


def test_update_only_by_editor_and_only_drafts(world, sw):
    s = draft(world, sw)
    ss.suggestion_update(actor=world.deputy_user_a, suggestion=s, title="新标题")
    s.refresh_from_db()
    assert s.title == "新标题"
    for outsider in (sw.cosigner_user, world.staff_a, sw.deputy_user_b, world.handler_a):
        with pytest.raises(TransitionError):
            ss.suggestion_update(actor=outsider, suggestion=s, title="改")
    ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    with pytest.raises(TransitionError, match="已提交"):
        ss.suggestion_update(actor=world.deputy_user_a, suggestion=s, title="改")


def test_attachments_checked_by_content(world, sw):
    s = draft(world, sw)
    att = ss.suggestion_attach(
        actor=world.deputy_user_a, suggestion=s, uploaded_file=SimpleUploadedFile("调研报告.pdf", PDF)
    )
    assert att.name == "调研报告.pdf" and att.file.name.endswith(".pdf")
    with pytest.raises(ValidationError, match="PDF"):
        ss.suggestion_attach(
            actor=world.deputy_user_a, suggestion=s, uploaded_file=SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")
        )
    with pytest.raises(TransitionError):
        ss.suggestion_attach(actor=sw.deputy_user_b, suggestion=s, uploaded_file=SimpleUploadedFile("a.pdf", PDF))


def test_from_opinion_keeps_the_link_both_ways(world, sw):
    from tests.handling.conftest import submit

    opinion = submit(world)
    s = ss.suggestion_from_opinion(
        actor=world.deputy_user_a, opinion=opinion, congress=world.congress_a, session=sw.session
    )
    assert s.from_opinion == opinion and list(opinion.suggestions.all()) == [s]
    assert s.content == opinion.content
    with pytest.raises(TransitionError):  # not their opinion
        ss.suggestion_from_opinion(
            actor=sw.deputy_user_b, opinion=opinion, congress=world.congress_b, session=sw.session_b
        )
    with pytest.raises(TransitionError):
        ss.suggestion_from_opinion(actor=world.staff_a, opinion=opinion, congress=world.congress_a, session=sw.session)


# --- Co-signing ---------------------------------------------------------------------------------


def test_cosigning(world, sw):
    s = draft(world, sw)
    with pytest.raises(ValidationError, match="在任代表"):
        ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[world.deputy_b])
    with pytest.raises(ValidationError):
        ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[world.deputy_a])
    with pytest.raises(TransitionError):
        ss.cosigner_invite(actor=sw.cosigner_user, suggestion=s, deputies=[sw.deputy_a2])
    (row,) = ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    s.refresh_from_db()
    assert s.status == SuggestionStatus.COSIGNING
    for outsider in (world.deputy_user_a, sw.deputy_user_b, world.staff_a):
        with pytest.raises(TransitionError):
            ss.cosign_respond(actor=outsider, cosigner=row, accept=True)
    ss.cosign_respond(actor=sw.cosigner_user, cosigner=row, accept=False)
    row.refresh_from_db()
    assert row.status == CoSignStatus.DECLINED
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="谢绝").exists()
    with pytest.raises(TransitionError):
        ss.cosign_respond(actor=sw.cosigner_user, cosigner=row, accept=True)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])  # asked again
    row.refresh_from_db()
    assert row.status == CoSignStatus.INVITED
    ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    with pytest.raises(TransitionError, match="已提交"):
        ss.cosign_respond(actor=sw.cosigner_user, cosigner=row, accept=True)


# --- Motions ------------------------------------------------------------------------------------


def test_motion_needs_the_threshold_of_signers(world, sw):
    assert MotionThreshold.objects.get(level="county").min_signers == 5
    MotionThreshold.objects.filter(level="county").update(min_signers=2)
    s = draft(world, sw, kind=SuggestionKind.MOTION)
    with pytest.raises(ValidationError, match="2 名以上"):
        ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    (row,) = ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    with pytest.raises(ValidationError):  # invited is not confirmed
        ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    ss.cosign_respond(actor=sw.cosigner_user, cosigner=row, accept=True)
    s = ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    assert s.case.state == CaseState.SUBMITTED


def _motion(world, sw):
    MotionThreshold.objects.filter(level="county").update(min_signers=1)
    return registered(world, sw, kind=SuggestionKind.MOTION)


def test_motion_as_suggestion_continues(world, sw):
    s = _motion(world, sw)
    with pytest.raises(TransitionError, match="作为建议处理"):
        ss.suggestion_assign(actor=world.staff_a, suggestion=s, lead=world.agency_a)
    with pytest.raises(TransitionError):
        ss.motion_decide(actor=world.staff_b, suggestion=s, decision=MotionDecision.AS_SUGGESTION)
    ss.motion_decide(actor=world.staff_a, suggestion=s, decision=MotionDecision.AS_SUGGESTION, note="主席团决定")
    s.refresh_from_db()
    assert s.kind == SuggestionKind.SUGGESTION and s.decision == MotionDecision.AS_SUGGESTION
    ss.suggestion_assign(actor=world.staff_a, suggestion=s, lead=world.agency_a)
    s.case.refresh_from_db()
    assert s.case.state == CaseState.ASSIGNED
    with pytest.raises(TransitionError):
        ss.motion_decide(actor=world.staff_a, suggestion=s, decision=MotionDecision.AGENDA)


def test_motion_on_agenda_and_not_on_agenda(world, sw):
    s = _motion(world, sw)
    ss.motion_decide(actor=world.staff_a, suggestion=s, decision=MotionDecision.AGENDA)
    s.refresh_from_db()
    s.case.refresh_from_db()
    assert s.kind == SuggestionKind.MOTION and s.case.stage_due_at is None
    assert not s.case.timers.filter(cleared_at=None).exists()
    t = _motion(world, sw)
    ss.motion_decide(actor=world.staff_a, suggestion=t, decision=MotionDecision.NOT_AGENDA, note="条件不成熟")
    t.case.refresh_from_db()
    assert t.case.state == CaseState.REJECTED and "不列入议程" in t.case.reject_reason
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="不列入议程").exists()


# --- Registration, decline, withdrawal ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_b", "deputy_user_a", "handler_a", "station_staff_a"])
def test_only_the_congress_staff_register(world, sw, who):
    s = submitted(world, sw)
    with pytest.raises(TransitionError):
        ss.suggestion_register(actor=getattr(world, who), suggestion=s)
    s.refresh_from_db()
    assert s.number is None and s.case.state == CaseState.SUBMITTED


def test_decline_keeps_it_and_tells_the_deputy(world, sw):
    s = submitted(world, sw)
    with pytest.raises(TransitionError):
        ss.suggestion_decline(actor=world.staff_b, suggestion=s, reason="不属于本级")
    with pytest.raises(ValidationError):
        ss.suggestion_decline(actor=world.staff_a, suggestion=s, reason="")
    ss.suggestion_decline(actor=world.staff_a, suggestion=s, reason="属于本级人大职权以外事项")
    s.refresh_from_db()
    assert s.case.state == CaseState.REJECTED and s.number is None
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="职权以外").exists()
    with pytest.raises(TransitionError):
        ss.suggestion_register(actor=world.staff_a, suggestion=s)


def test_withdraw_before_registration_only(world, sw):
    d = draft(world, sw)
    ss.suggestion_withdraw(actor=world.deputy_user_a, suggestion=d)
    d.refresh_from_db()
    assert d.status == SuggestionStatus.WITHDRAWN and d.case is None
    s = submitted(world, sw)
    with pytest.raises(TransitionError):
        ss.suggestion_withdraw(actor=sw.cosigner_user, suggestion=s)
    ss.suggestion_withdraw(actor=world.deputy_user_a, suggestion=s, reason="再调研")
    s.refresh_from_db()
    assert s.status == SuggestionStatus.WITHDRAWN and s.case.state == CaseState.REJECTED
    assert not Notification.objects.filter(user=world.deputy_user_a, body__contains="不予立案").exists()
    r = registered(world, sw)
    with pytest.raises(TransitionError, match="已立案"):
        ss.suggestion_withdraw(actor=world.deputy_user_a, suggestion=r)


# --- Key suggestions, disclosure ------------------------------------------------------------------


def test_key_topics(world, sw):
    with pytest.raises(TransitionError):
        ss.key_topic_create(actor=world.staff_b, congress=world.congress_a, title="老旧小区改造")
    with pytest.raises(TransitionError):
        ss.key_topic_create(actor=world.deputy_user_a, congress=world.congress_a, title="老旧小区改造")
    topic = ss.key_topic_create(actor=world.staff_a, congress=world.congress_a, title="老旧小区改造", leader="张主任")
    other = ss.key_topic_create(actor=world.staff_b, congress=world.congress_b, title="教育")
    s = registered(world, sw)
    with pytest.raises(ValidationError):
        ss.suggestion_mark_key(actor=world.staff_a, suggestion=s, topic=other)
    with pytest.raises(TransitionError):
        ss.suggestion_mark_key(actor=world.staff_b, suggestion=s, topic=other)
    ss.suggestion_mark_key(actor=world.staff_a, suggestion=s, topic=topic)
    s.refresh_from_db()
    assert s.is_key and s.topic == topic
    ss.suggestion_mark_key(actor=world.staff_a, suggestion=s, is_key=False)
    s.refresh_from_db()
    assert not s.is_key and s.topic is None


def test_disclosure_reason_required(world, sw):
    s = registered(world, sw)
    with pytest.raises(ValidationError, match="不公开的理由"):
        ss.suggestion_set_disclosure(actor=world.staff_a, suggestion=s, publish=False)
    with pytest.raises(TransitionError):
        ss.suggestion_set_disclosure(actor=world.deputy_user_a, suggestion=s, publish=False, reason="涉密")
    with pytest.raises(TransitionError):
        ss.suggestion_set_disclosure(actor=world.staff_b, suggestion=s, publish=False, reason="涉密")
    ss.suggestion_set_disclosure(actor=world.staff_a, suggestion=s, publish=False, reason="涉及国家秘密")
    s.refresh_from_db()
    assert not s.publish and s.no_publish_reason == "涉及国家秘密"
    ss.suggestion_set_disclosure(actor=world.staff_a, suggestion=s, publish=True)
    s.refresh_from_db()
    assert s.publish and s.no_publish_reason == ""
