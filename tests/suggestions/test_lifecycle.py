"""The whole suggestion journey by services: draft → co-sign → submit → register → lead + co →
co view → contact → B reply with commitment → 不满意 → re-handling within a month → final 满意;
the commitment stays open until it is fulfilled."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.core.models import Notification
from renda.handling import services as hs
from renda.handling.commitments import case_record_contact, commitment_fulfil
from renda.handling.deadlines import add_months
from renda.handling.engine import TransitionError
from renda.handling.models import (
    AssignmentRole,
    CaseState,
    CloseReason,
    Commitment,
    EventKind,
    Satisfaction,
    Stage,
    Timer,
)
from renda.suggestions import services as ss
from renda.suggestions.models import CoSignStatus, SuggestionStatus

from .conftest import draft


def _notices(user):
    return list(Notification.objects.filter(user=user).values_list("body", flat=True))


def test_full_journey(world, sw):
    deputy, cosigner, staff = world.deputy_user_a, sw.cosigner_user, world.staff_a
    lead_user, co_user = world.handler_a, world.handler_a2

    s = draft(world, sw)
    assert s.status == SuggestionStatus.DRAFT and s.case is None and s.number_label == ""
    (row,) = ss.cosigner_invite(actor=deputy, suggestion=s, deputies=[sw.deputy_a2])
    assert any("邀请您附议" in n for n in _notices(cosigner))
    ss.cosign_respond(actor=cosigner, cosigner=row, accept=True)
    row.refresh_from_db()
    assert row.status == CoSignStatus.CONFIRMED

    s = ss.suggestion_submit(actor=deputy, suggestion=s)
    assert s.status == SuggestionStatus.SUBMITTED and s.case.state == CaseState.SUBMITTED
    assert s.case.kind == "suggestion" and s.case.deputy_id == world.deputy_a.pk
    assert any("请审查立案" in n for n in _notices(staff))

    s = ss.suggestion_register(actor=staff, suggestion=s)
    assert s.number == 1 and s.number_label == "第0001号"
    assert any("第0001号" in n for n in _notices(deputy))
    assert any("已立案" in n for n in _notices(cosigner))

    ss.suggestion_assign(actor=staff, suggestion=s, lead=world.agency_a, co=[world.agency_a2])
    case = s.case
    case.refresh_from_db()
    lead = case.assignments.get(role=AssignmentRole.LEAD)
    co = case.assignments.get(role=AssignmentRole.CO)
    assert lead.reply_due_at == add_months(lead.assigned_at, 3)
    assert co.reply_due_at == add_months(co.assigned_at, 1)  # the co view's deadline
    assert Timer.objects.filter(assignment=co, stage=Stage.CO_VIEW, cleared_at=None).exists()

    hs.case_sign(actor=lead_user, case=case)
    hs.case_co_view(actor=co_user, case=case, text="我局将配合做好管网改造的审批。")
    assert not Timer.objects.filter(assignment=co, stage=Stage.CO_VIEW, cleared_at=None).exists()

    with pytest.raises(TransitionError, match="沟通"):
        hs.case_reply(actor=lead_user, case=case, result="A", content="已解决。")
    case_record_contact(
        actor=lead_user,
        case=case,
        method="in_person",
        contacted_on=timezone.localdate(),
        content="与代表面商改造方案。",
    )
    with pytest.raises(ValidationError, match="承诺事项"):
        hs.case_reply(actor=lead_user, case=case, result="B", content="已列入计划。")
    with pytest.raises(ValidationError, match="答复类别"):
        hs.case_reply(actor=lead_user, case=case, result="resolved", content="已解决。")
    reply = hs.case_reply(
        actor=lead_user,
        case=case,
        result="B",
        content="已列入2027年老旧小区改造计划。",
        commitments=[("2027年6月底前完成管网改造", datetime.date(2027, 6, 30))],
    )
    assert reply.get_result_display() == "正在解决或列入计划"
    (commitment,) = Commitment.objects.filter(case=case)
    assert commitment.is_open and commitment.agency_id == world.agency_a.pk
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK  # auto feedback: no staff step
    assert case.stage_due_at == add_months(case.fed_back_at, 1)  # the deputy's evaluation window
    assert any("已有答复" in n for n in _notices(deputy))
    s.refresh_from_db()
    assert s.published_at is not None

    # A co-signer's verdict is recorded but moves nothing.
    ev = hs.case_evaluate(case=case, resolved=None, satisfaction=Satisfaction.SATISFIED, actor=cosigner)
    assert not ev.is_primary and ev.evaluator_id == sw.deputy_a2.pk
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK
    with pytest.raises(ValidationError, match="已评价"):
        hs.case_evaluate(case=case, resolved=None, satisfaction=Satisfaction.BASIC, actor=cosigner)

    # The proposer is not satisfied: re-handling, the reply due within a month.
    hs.case_evaluate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED, actor=deputy, comment="进度太慢")
    case.refresh_from_db()
    assert case.state == CaseState.REOPENED and case.reopened_count == 1
    assert any("重新办理" in n for n in _notices(deputy))
    hs.case_assign(actor=staff, case=case, lead=world.agency_a)
    case.refresh_from_db()
    lead2 = case.assignments.get(round=2)
    assert lead2.reply_due_at == add_months(lead2.assigned_at, 1)
    hs.case_sign(actor=lead_user, case=case)
    case_record_contact(
        actor=lead_user, case=case, method="phone", contacted_on=timezone.localdate(), content="电话沟通。"
    )
    hs.case_reply(actor=lead_user, case=case, result="A", content="管网改造已提前开工。")
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK

    hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.SATISFIED, actor=deputy)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.close_reason == CloseReason.EVALUATED
    assert case.evaluations.filter(is_primary=True).count() == 2

    # The B commitment outlives the case until it is fulfilled, by its unit only.
    commitment.refresh_from_db()
    assert commitment.is_open
    with pytest.raises(TransitionError):
        commitment_fulfil(actor=world.handler_b, commitment=commitment, note="已完成")
    with pytest.raises(TransitionError):
        commitment_fulfil(actor=co_user, commitment=commitment, note="已完成")
    with pytest.raises(TransitionError):
        commitment_fulfil(actor=world.staff_b, commitment=commitment, note="已完成")
    commitment_fulfil(actor=lead_user, commitment=commitment, note="管网改造已完工验收。")
    commitment.refresh_from_db()
    assert not commitment.is_open and commitment.fulfilled_by == lead_user
    assert case.events.filter(kind=EventKind.FULFIL).count() == 1
    with pytest.raises(ValidationError, match="已确认落实"):
        commitment_fulfil(actor=staff, commitment=commitment, note="再次")


def test_second_unsatisfied_is_final(world, sw):
    from .conftest import in_progress

    s = in_progress(world, sw)
    case = s.case
    for round_no in (1, 2):
        if round_no == 2:
            hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
            hs.case_sign(actor=world.handler_a, case=case)
        case_record_contact(
            actor=world.handler_a,
            case=case,
            method="written",
            contacted_on=timezone.localdate(),
            content="书面征求意见",
        )
        hs.case_reply(actor=world.handler_a, case=case, result="C", content="受财力限制暂难解决。")
        hs.case_evaluate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED, actor=world.deputy_user_a)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.close_reason == CloseReason.SECOND_UNSATISFIED


def test_only_proposer_cosigner_or_staff_may_evaluate(world, sw):
    from .conftest import in_progress

    s = in_progress(world, sw)
    case = s.case
    case_record_contact(
        actor=world.handler_a, case=case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    hs.case_reply(actor=world.handler_a, case=case, result="A", content="已解决。")
    for outsider in (None, sw.cosigner_user, sw.deputy_user_b, world.handler_a, world.staff_b, world.station_staff_a):
        with pytest.raises(TransitionError):  # a deputy who never co-signed neither
            hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.SATISFIED, actor=outsider)
    # Staff of the congress may enter the proposer's verdict for them.
    ev = hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.BASIC, actor=world.staff_a)
    assert ev.is_primary and ev.evaluator_id == world.deputy_a.pk


def test_unevaluated_suggestion_closes_after_a_month(world, sw):
    from renda.handling.tick import deadlines_tick

    from .conftest import in_progress

    s = in_progress(world, sw)
    case = s.case
    case_record_contact(
        actor=world.handler_a, case=case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    hs.case_reply(actor=world.handler_a, case=case, result="A", content="已解决。")
    case.refresh_from_db()
    deadlines_tick(now=case.stage_due_at - datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK
    deadlines_tick(now=case.stage_due_at + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.close_reason == CloseReason.UNEVALUATED
